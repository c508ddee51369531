"""API URLs from the environment, through the real CLI: bad ones are config errors (exit 4),
and a user name or password in one is never printed, not even by `-v`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import run
from servers import TOKEN

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub

PAGE = (
    "## Publications\n\n"
    "- **ZO2** [arXiv](https://arxiv.org/abs/2503.12668) [code](https://github.com/liangyuwang/zo2)\n"
)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "about.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("variable", "url", "problem"),
    [
        ("GITHUB_API_URL", "http://[::1", "must be an http(s) URL; got 'http://[::1'"),
        (
            "GITHUB_API_URL",
            "http://127.0.0.1:99999",
            "must have a port from 1 to 65535; got 'http://127.0.0.1:99999'",
        ),
        (
            "GITHUB_API_URL",
            "http://127.0.0.1:abc",
            "must have a port from 1 to 65535; got 'http://127.0.0.1:abc'",
        ),
        (
            "SCHOLAR_ARXIV_API_URL",
            "http://[::1/api/query",
            "must be an http(s) URL; got 'http://[::1/api/query'",
        ),
        (
            "SCHOLAR_ARXIV_API_URL",
            "http://127.0.0.1:99999/api/query",
            "must have a port from 1 to 65535; got 'http://127.0.0.1:99999/api/query'",
        ),
        (
            "SCHOLAR_ARXIV_API_URL",
            "http://ana:hunter2@127.0.0.1:abc/api/query",
            "must have a port from 1 to 65535; got 'http://***@127.0.0.1:abc/api/query'",
        ),
    ],
)
def test_a_bad_api_url_is_a_config_error_naming_the_variable(
    env: dict[str, str], page: Path, variable: str, url: str, problem: str
) -> None:
    result = run("list", "papers", "-p", page, env={**env, variable: url})

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == f"scholar: error: {variable} {problem}\n"


def test_a_token_is_refused_for_plain_http_to_another_host(env: dict[str, str], page: Path) -> None:
    env = {**env, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": "http://ghe.example.com/api/v3"}

    result = run("list", "repos", "-p", page, env=env)

    assert result.exit_code == 4
    assert result.stderr == (
        "scholar: error: GITHUB_API_URL is plain http to a host that is not loopback: the token "
        "in GITHUB_TOKEN would travel unencrypted (use https); got 'http://ghe.example.com/api/v3'\n"
    )
    assert TOKEN not in result.stdout + result.stderr


def test_a_token_over_loopback_http_still_works(
    env: dict[str, str], page: Path, fake_github: FakeGitHub
) -> None:
    result = run(
        "list", "repos", "-p", page, "-f", "csv", "-c", "repo,stars",
        env={**env, "GITHUB_TOKEN": TOKEN},
    )  # fmt: skip

    assert (result.exit_code, result.stdout) == (0, "repo,stars\nliangyuwang/zo2,212\n")
    assert [s.header("Authorization") for s in fake_github.seen] == [f"Bearer {TOKEN}"]


def test_credentials_in_api_urls_never_reach_the_output(
    env: dict[str, str], page: Path, fake_arxiv: FakeArxiv, fake_github: FakeGitHub
) -> None:
    arxiv_port, github_port = fake_arxiv.server.port, fake_github.server.port
    env = {
        **env,
        "SCHOLAR_ARXIV_API_URL": f"http://ana:secret@127.0.0.1:{arxiv_port}/api/query",
        "GITHUB_API_URL": f"http://ana:secret@127.0.0.1:{github_port}",
        "GITHUB_TOKEN": TOKEN,
    }

    papers = run("-v", "list", "papers", "-p", page, env=env)
    repos = run("-v", "list", "repos", "-p", page, env=env)
    # A failing request too: its error and the warning line must not carry them either.
    fake_github.respond_next(503, times=2)
    failed = run("-v", "list", "repos", "-p", page, "--max-age", "0", env=env)

    assert (papers.exit_code, repos.exit_code, failed.exit_code) == (0, 0, 0)
    for result in (papers, repos, failed):
        assert "secret" not in result.stdout + result.stderr
        assert TOKEN not in result.stdout + result.stderr
    # -v still logs each request, with the credentials masked.
    assert f"scholar: GET http://***@127.0.0.1:{arxiv_port}/api/query?" in papers.stderr
    # With a token GitHub is asked with GraphQL.
    assert f"scholar: POST http://***@127.0.0.1:{github_port}/graphql -> 200" in papers.stderr
    assert f"scholar: POST http://***@127.0.0.1:{github_port}/graphql -> 503" in failed.stderr
