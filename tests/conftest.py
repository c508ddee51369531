"""Shared test helpers: run the real CLI, find fixture and shared pages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from scholar_cli.cli import app

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub

# The loopback arXiv/GitHub fakes (tests/servers.py), for every test module.
pytest_plugins = ["servers", "citation_servers"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED_PAGES = ROOT.parent / "shared" / "pages"

needs_shared = pytest.mark.skipif(
    not SHARED_PAGES.is_dir(), reason="../shared/pages is not beside the checkout"
)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> Run:
    """Invoke `scholar ARGS` in-process through typer's CliRunner, stdout and stderr apart."""
    # Colour codes would make exact assertions fail when CI sets FORCE_COLOR and friends.
    base_env = {"NO_COLOR": "1", "FORCE_COLOR": None, "PY_COLORS": None, "GITHUB_ACTIONS": None}
    result = CliRunner().invoke(
        app, [str(a) for a in args], env={**base_env, **(env or {})}, prog_name="scholar"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def fixture_page(name: str) -> Path:
    return FIXTURES / "pages" / name


def shared_page(name: str) -> Path:
    return SHARED_PAGES / name


@pytest.fixture
def env(fake_arxiv: FakeArxiv, fake_github: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    """Environment for a CLI run against the loopback fakes: no arXiv delay, one quick retry,
    an empty record store of the test's own."""
    return {
        "SCHOLAR_ARXIV_API_URL": fake_arxiv.url,
        "GITHUB_API_URL": fake_github.url,
        "SCHOLAR_CACHE_DIR": str(tmp_path / "cache"),
        "SCHOLAR_ARXIV_DELAY": "0",
        "SCHOLAR_HTTP_RETRIES": "1",
        "SCHOLAR_HTTP_BACKOFF": "0",
    }


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's page, cache or tokens."""
    for var in ("SCHOLAR_PAGE", "GITHUB_TOKEN", "GH_TOKEN", "OPENALEX_API_KEY", "S2_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCHOLAR_CACHE_DIR", str(tmp_path / "cache"))
    # Any request a test did not point at a fake fails fast instead of reaching the internet.
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SCHOLAR_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("SCHOLAR_OPENALEX_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SCHOLAR_S2_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SCHOLAR_HTTP_RETRIES", "0")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under CI=true a skipped test is a failed one: CI runs with ../shared beside the clone,
    so a skip there means a test silently stopped testing."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI", "").lower() == "true":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which allows no skips: {reason}"
