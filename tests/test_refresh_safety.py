"""Refresh never damages a page: faults of every source, locks, targets, temp files.

Each test drives the real CLI against the loopback fakes (tests/servers.py) with a record
store of its own, and compares the page's bytes exactly.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from string import Template

import pytest
from conftest import Run, run
from servers import FakeArxiv, FakeGitHub, RudeServer, Seen, load_fixture

# Papers the arXiv fake knows, repos the GitHub fake knows, marker tables and both kinds of
# star badge: everything a refresh can touch.
PAGE = """---
title: Safety
---
## Publications

<!-- scholar:papers columns=title,arxiv,version,stars -->
<!-- /scholar:papers -->

- **ZO2: Scalable Zeroth-Order Fine-Tuning.** Liangyu Wang. 2025. [arXiv](https://arxiv.org/abs/2503.12668) [code](https://github.com/liangyuwang/zo2)
- **Another Paper.** Liangyu Wang. 2024. [arXiv](https://arxiv.org/abs/2401.01234)

## Projects

<!-- scholar:repos columns=repo,stars,forks -->
<!-- /scholar:repos -->

**Zo2** [![GitHub stars](https://img.shields.io/badge/stars-1-blue)](https://github.com/liangyuwang/zo2)
**Tiny** [![stars](https://img.shields.io/github/stars/liangyuwang/Tiny-FSDP?style=social)](https://github.com/liangyuwang/Tiny-FSDP)
"""


def scholar(env: dict[str, str], *args: str | Path) -> Run:
    return run(*args, env=env)


@pytest.fixture
def primed(env: dict[str, str], tmp_path: Path) -> bytes:
    """The page after one good refresh: full tables, current badges (a store of its own)."""
    page = tmp_path / "primed" / "about.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    good = scholar(
        {**env, "SCHOLAR_CACHE_DIR": str(tmp_path / "primed-cache")}, "refresh", "--page", page
    )
    assert (good.exit_code, good.stderr) == (0, f"scholar: {page}: updated\n")
    data = page.read_bytes()
    assert b"| ZO2: Scalable Zeroth-Order Fine-Tuning | 2503.12668 |" in data
    assert b"| liangyuwang/zo2 " in data
    return data


def _feed(entries: str = "", total: int = 0) -> str:
    return Template(load_fixture("arxiv/feed.xml")).substitute(
        feed_id="x", id_list="", start=0, max_results=10, updated="2026-01-01T00:00:00Z",
        total=total, entries=entries,
    )  # fmt: skip


ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}


def _arxiv_503(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    fa.respond_next(503, {"Retry-After": "0"}, "busy", times=20)


def _arxiv_dropped(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    env["SCHOLAR_ARXIV_API_URL"] = rude.url("/api/query")


def _arxiv_truncated(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    whole = _feed(load_fixture("arxiv/entries/2503.12668.xml"), 1)
    fa.respond_next(200, ATOM, whole[: len(whole) // 2], times=20)


def _arxiv_empty(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    fa.respond_next(200, ATOM, _feed(), times=20)


def _arxiv_html(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    html = "<html><body><h1>Service temporarily unavailable</h1></body></html>"
    fa.respond_next(200, {"Content-Type": "text/html"}, html, times=20)


def _github_rate_limit(
    fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer
) -> None:
    fg.rate_limit(0)


def _github_500(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    fg.respond_next(500, {"Content-Type": "application/json"}, '{"message": "oops"}', times=20)


def _github_bad_json(fa: FakeArxiv, fg: FakeGitHub, env: dict[str, str], rude: RudeServer) -> None:
    fg.respond_next(
        200, {"Content-Type": "application/json"}, '{"full_name": "liangyuwang/zo', times=20
    )


FAULTS: dict[str, Callable[[FakeArxiv, FakeGitHub, dict[str, str], RudeServer], None]] = {
    "arxiv-503": _arxiv_503,
    "arxiv-dropped": _arxiv_dropped,
    "arxiv-truncated-xml": _arxiv_truncated,
    "arxiv-empty-feed": _arxiv_empty,
    "arxiv-html-200": _arxiv_html,
    "github-403-rate-limit": _github_rate_limit,
    "github-500": _github_500,
    "github-invalid-json": _github_bad_json,
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_drill_leaves_the_page_byte_for_byte_and_exits_5(
    fault: str,
    primed: bytes,
    env: dict[str, str],
    fake_arxiv: FakeArxiv,
    fake_github: FakeGitHub,
    dropping_server: RudeServer,
    tmp_path: Path,
) -> None:
    # A fresh CI runner: an empty store, and one source failing in its own way.
    page = tmp_path / "site" / "about.md"
    page.parent.mkdir()
    page.write_bytes(primed)
    fault_env = {**env, "SCHOLAR_CACHE_DIR": str(tmp_path / "empty-cache")}
    FAULTS[fault](fake_arxiv, fake_github, fault_env, dropping_server)

    result = scholar(fault_env, "refresh", "--page", page)

    assert result.exit_code == 5, result.stderr
    assert page.read_bytes() == primed
    assert result.stderr.splitlines()[-1] == (
        "scholar: error: some records could not be fetched and none were stored (see above)"
    )
    assert "kept the scholar:" in result.stderr
    # Nothing was left beside the page either (no temp file, no half-written copy).
    assert sorted(p.name for p in page.parent.iterdir()) == ["about.md"]


def test_a_failed_source_keeps_the_data_file(
    primed: bytes, env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = tmp_path / "site" / "about.md"
    page.parent.mkdir()
    page.write_bytes(primed)
    data = tmp_path / "site" / "scholar.json"
    good = scholar(env, "refresh", "--page", page, "--data", data)
    assert good.exit_code == 0
    kept = data.read_bytes()
    assert b'"stars": 212' in kept

    fake_github.respond_next(500, times=20)
    bad = scholar(
        {**env, "SCHOLAR_CACHE_DIR": str(tmp_path / "empty")},
        "refresh",
        "--page",
        page,
        "--data",
        data,
    )

    assert bad.exit_code == 5
    assert data.read_bytes() == kept
    assert (
        f"scholar: {data}: kept as it was (some records could not be fetched)"
        in bad.stderr.splitlines()
    )


# -- targets: plan everything, then write ------------------------------------------------


@pytest.mark.parametrize("target", ["folder", "read-only", "under-a-file"])
def test_a_data_file_that_cannot_be_written_stops_the_refresh_before_the_page(
    target: str, env: dict[str, str], tmp_path: Path
) -> None:
    page = tmp_path / "site" / "about.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    data = tmp_path / "site" / "scholar.json"
    if target == "folder":
        data.mkdir()
        problem = f"cannot write {data}: it is a folder; nothing written"
    elif target == "read-only":
        data.write_text("{}\n", encoding="utf-8")
        data.chmod(0o444)
        problem = f"{data} is read-only (mode 0444); nothing written"
    else:
        (tmp_path / "site" / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
        data = tmp_path / "site" / "notes.txt" / "_data" / "scholar.json"
        problem = f"cannot write {data}: {tmp_path / 'site' / 'notes.txt'} is not a folder; nothing written"

    result = scholar(env, "refresh", "--page", page, "--data", data)

    assert (result.exit_code, result.stderr.splitlines()[-1]) == (6, f"scholar: error: {problem}")
    assert page.read_text(encoding="utf-8") == PAGE


# -- locks and temp files ------------------------------------------------------------------


def _hold_lock(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_two_names_of_one_page_share_one_lock(env: dict[str, str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "about.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "link.md").symlink_to(site / "about.md")
    fd = _hold_lock(site / ".about.md.scholar-lock")  # another refresh, through the real name
    try:
        result = scholar(env, "refresh", "--page", tmp_path / "link.md", "--lock-timeout", "0")
    finally:
        os.close(fd)
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        6,
        f"scholar: error: another scholar refresh is running on {tmp_path / 'link.md'} (waited 0 s)",
    )
    assert (site / "about.md").read_text(encoding="utf-8") == PAGE
    assert not (tmp_path / ".link.md.scholar-lock").exists()


@pytest.mark.parametrize("where", ["sub/missing.md", "missing.md", "folder"])
def test_a_missing_page_or_a_folder_is_exit_3_and_leaves_no_lock(
    where: str, env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "folder").mkdir(parents=True)
    page = site / where
    problem = "is a folder, not a page file" if where == "folder" else "no such file"

    result = scholar(env, "refresh", "--page", page)

    assert (result.exit_code, result.stderr) == (3, f"scholar: error: {page}: {problem}\n")
    assert sorted(p.name for p in site.rglob("*")) == ["folder"]


def test_nothing_to_change_takes_no_lock(
    primed: bytes, env: dict[str, str], tmp_path: Path
) -> None:
    # A read-only checkout, or a refresh running beside another: "up to date" needs no lock.
    page = tmp_path / "site" / "about.md"
    page.parent.mkdir()
    page.write_bytes(primed)
    fd = _hold_lock(page.parent / ".about.md.scholar-lock")
    try:
        result = scholar(env, "refresh", "--page", page, "--lock-timeout", "0")
    finally:
        os.close(fd)
    assert (result.exit_code, result.stderr) == (0, f"scholar: {page}: up to date\n")


def test_up_to_date_in_a_read_only_folder(
    primed: bytes, env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = site / "about.md"
    page.write_bytes(primed)
    page.chmod(0o444)
    site.chmod(0o555)
    try:
        result = scholar(env, "refresh", "--page", page)
    finally:
        site.chmod(0o755)
    assert (result.exit_code, result.stderr) == (0, f"scholar: {page}: up to date\n")
    assert sorted(p.name for p in site.iterdir()) == ["about.md"]


def test_stale_temp_files_of_the_page_are_cleaned_on_the_next_write(
    env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = site / "about.md"
    page.write_text(PAGE, encoding="utf-8")
    (site / ".about.md.k1ll3d.scholar-tmp").write_text("half a page", encoding="utf-8")
    (site / ".other.md.k1ll3d.scholar-tmp").write_text("not ours", encoding="utf-8")

    assert scholar(env, "refresh", "--page", page).exit_code == 0

    assert sorted(p.name for p in site.iterdir()) == [
        ".about.md.scholar-lock",
        ".other.md.k1ll3d.scholar-tmp",
        "about.md",
    ]


def test_the_lock_is_not_held_while_sources_are_asked(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = site / "about.md"
    page.write_text(PAGE, encoding="utf-8")
    lock = site / ".about.md.scholar-lock"
    held_during_requests: list[bool] = []

    def look(seen: Seen) -> None:
        if not lock.exists():
            held_during_requests.append(False)
            return
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            held_during_requests.append(False)
        except BlockingIOError:
            held_during_requests.append(True)
        finally:
            os.close(fd)

    fake_arxiv.on_request = look
    fake_github.on_request = look
    assert scholar(env, "refresh", "--page", page).exit_code == 0
    assert held_during_requests == [False] * 3  # one arXiv batch, two repositories
    assert lock.exists()  # taken afterwards, to write


def test_lock_and_temp_files_are_ignored_by_git() -> None:
    from conftest import ROOT

    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"*.scholar-lock", "*.scholar-tmp"} <= set(ignored)
    tracked = shutil.which("git") and os.popen(f"git -C {ROOT} ls-files").read().splitlines()
    assert tracked and not [t for t in tracked if t.endswith((".scholar-lock", ".scholar-tmp"))]
