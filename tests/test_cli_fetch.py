"""`scholar list` with live records: the real CLI, requests/arxiv/diskcache, loopback fakes."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from conftest import Run, fixture_page, needs_shared, run, shared_page
from servers import TOKEN, FakeArxiv, FakeGitHub, RudeServer


def scholar(env: dict[str, str], *args: str | Path) -> Run:
    return run(*args, env=env)


def page_with(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "about.md"
    page.write_text(body, encoding="utf-8")
    return page


MD = shared_page("about-markdown.md")


@needs_shared
def test_cold_warm_and_revalidated_request_counts(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub
) -> None:
    papers = scholar(env, "list", "papers", "-p", MD, "-f", "csv", "-c",
                     "arxiv,version,updated,category,published_as,stars")  # fmt: skip
    assert papers.exit_code == 0, papers.stderr
    assert papers.stdout.splitlines() == [
        "arxiv,version,updated,category,published_as,stars",
        "2503.12668,v2,2025-07-09,cs.LG,COLM 2025,212",
        "2506.22950,v1,2025-06-28,cs.LG,,",
        "2507.03211,v1,2025-07-03,cs.DC,,",
        ",,,,,",
        ",,,,,",
    ]
    assert fake_arxiv.id_lists() == [["2503.12668", "2506.22950", "2507.03211"]]
    repos = scholar(env, "list", "repos", "-p", MD, "-f", "csv", "-c", "repo,stars,archived")
    assert repos.stdout.splitlines() == [
        "repo,stars,archived",
        "liangyuwang/zo2,212,no",
        "liangyuwang/Tiny-DeepSpeed,642,no",
        "deepspeedai/DeepSpeed,40712,no",
    ]
    # Cold: one arXiv request for the page's ids; each repo once.
    assert len(fake_arxiv.seen) == 1
    assert sorted(fake_github.paths()) == [
        "/repos/deepspeedai/DeepSpeed",
        "/repos/liangyuwang/Tiny-DeepSpeed",
        "/repos/liangyuwang/zo2",
    ]
    # Warm, within the freshness window: no request at all.
    fake_arxiv.seen.clear()
    fake_github.seen.clear()
    for kind in ("papers", "projects", "repos"):
        assert scholar(env, "list", kind, "-p", MD).exit_code == 0
    assert (fake_arxiv.seen, fake_github.seen) == ([], [])
    # Stale: every repo is revalidated with its ETag and answered 304.
    revalidated = scholar(env, "list", "repos", "-p", MD, "--max-age", "0", "-f", "csv",
                          "-c", "repo,stars,status")  # fmt: skip
    assert revalidated.stdout.splitlines() == [
        "repo,stars,status",
        "liangyuwang/zo2,212,revalidated",
        "liangyuwang/Tiny-DeepSpeed,642,revalidated",
        "deepspeedai/DeepSpeed,40712,revalidated",
    ]
    assert len(fake_github.seen) == 3
    assert all(s.header("If-None-Match") for s in fake_github.seen)
    assert fake_arxiv.seen == []


@needs_shared
def test_json_carries_the_fetched_record(env: dict[str, str]) -> None:
    result = scholar(env, "list", "papers", "-p", MD, "-f", "json", "-y", "2025")
    doc = json.loads(result.stdout)
    zo2 = doc["items"][0]
    assert zo2["arxiv"]["status"] == "fetched"
    assert zo2["arxiv"]["record"]["version"] == 2
    assert zo2["arxiv"]["record"]["journal_ref"] == "COLM 2025"
    assert zo2["github"]["liangyuwang/zo2"]["record"]["stars"] == 212


@needs_shared
def test_stale_record_used_when_arxiv_answers_503(
    env: dict[str, str], fake_arxiv: FakeArxiv
) -> None:
    assert scholar(env, "list", "papers", "-p", MD).exit_code == 0
    fake_arxiv.respond_next(503, body="down", times=5)
    result = scholar(env, "list", "papers", "-p", MD, "--max-age", "0", "-f", "csv",
                     "-c", "arxiv,version,status")  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:4] == [
        "2503.12668,v2,stale",
        "2506.22950,v1,stale",
        "2507.03211,v1,stale",
    ]
    warnings = [line for line in result.stderr.splitlines() if "arXiv" in line]
    assert len(warnings) == 1
    assert re.fullmatch(
        r"scholar: arXiv request failed \(HTTP 503\); using cached values for 2503\.12668 "
        r"\(\d+ s old\), 2506\.22950 \(\d+ s old\), 2507\.03211 \(\d+ s old\)",
        warnings[0],
    ), warnings[0]


@needs_shared
def test_stale_record_used_when_github_drops_the_connection(
    env: dict[str, str], dropping_server: RudeServer
) -> None:
    assert scholar(env, "list", "repos", "-p", MD).exit_code == 0
    env = {**env, "GITHUB_API_URL": dropping_server.url()}
    result = scholar(env, "list", "repos", "-p", MD, "--max-age", "0", "-f", "csv",
                     "-c", "repo,stars,status")  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "repo,stars,status",
        "liangyuwang/zo2,212,stale",
        "liangyuwang/Tiny-DeepSpeed,642,stale",
        "deepspeedai/DeepSpeed,40712,stale",
    ]
    assert len(result.stderr.splitlines()) == 1
    assert "using cached values for" in result.stderr


@needs_shared
def test_failure_without_any_record_is_exit_5_with_the_table(
    env: dict[str, str], dropping_server: RudeServer
) -> None:
    env = {**env, "GITHUB_API_URL": dropping_server.url()}
    result = scholar(env, "list", "repos", "-p", MD, "-f", "csv", "-c", "repo,stars,status")
    assert result.exit_code == 5
    assert result.stdout.splitlines() == [
        "repo,stars,status",
        "liangyuwang/zo2,,unknown",
        "liangyuwang/Tiny-DeepSpeed,,unknown",
        "deepspeedai/DeepSpeed,,unknown",
    ]
    assert result.stderr.splitlines()[-1] == (
        "scholar: error: some records could not be fetched and none were stored (see above)"
    )


@needs_shared
def test_offline_with_and_without_records(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub, unused_port: int
) -> None:
    # Nothing listens on these: an offline run that opened a socket would fail loudly.
    nowhere = {
        **env,
        "SCHOLAR_ARXIV_API_URL": f"http://127.0.0.1:{unused_port}/api/query",
        "GITHUB_API_URL": f"http://127.0.0.1:{unused_port}",
    }
    cold = scholar(
        nowhere, "list", "repos", "-p", MD, "--offline", "-f", "csv", "-c", "repo,status"
    )
    assert cold.exit_code == 0
    assert cold.stdout.splitlines()[1:] == [
        "liangyuwang/zo2,unknown",
        "liangyuwang/Tiny-DeepSpeed,unknown",
        "deepspeedai/DeepSpeed,unknown",
    ]
    assert cold.stderr == (
        "scholar: GitHub: offline; no cached value for liangyuwang/zo2, "
        "liangyuwang/Tiny-DeepSpeed, deepspeedai/DeepSpeed\n"
    )
    assert scholar(env, "list", "repos", "-p", MD).exit_code == 0
    warm = scholar(nowhere, "list", "repos", "-p", MD, "--offline", "--max-age", "0",
                   "-f", "csv", "-c", "repo,stars,status")  # fmt: skip
    assert warm.exit_code == 0
    assert warm.stdout.splitlines()[1:] == [
        "liangyuwang/zo2,212,offline",
        "liangyuwang/Tiny-DeepSpeed,642,offline",
        "deepspeedai/DeepSpeed,40712,offline",
    ]


def test_renamed_repo_and_404(env: dict[str, str], tmp_path: Path) -> None:
    page = page_with(
        tmp_path,
        "## Projects\n\n"
        "- **Old** [code](https://github.com/microsoft/DeepSpeed)\n"
        "- **Gone** [code](https://github.com/nobody/deleted-repo)\n",
    )
    result = scholar(env, "list", "repos", "-p", page, "-f", "csv", "-c", "repo,stars,status")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "repo,stars,status",
        "microsoft/DeepSpeed,40712,fetched",
        "nobody/deleted-repo,,not_found",
    ]
    assert result.stderr.splitlines() == [
        "scholar: GitHub: not found (deleted, renamed away or private): nobody/deleted-repo",
        "scholar: GitHub repositories renamed: microsoft/DeepSpeed -> deepspeedai/DeepSpeed",
    ]


def test_rate_limit_stops_github_calls_and_says_when_it_resets(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    names = [f"repo-{i}" for i in range(12)]
    page = page_with(
        tmp_path,
        "## Projects\n\n"
        + "".join(
            f"- **P{i}** [code](https://github.com/ana/{name})\n" for i, name in enumerate(names)
        ),
    )
    fake_github.rate_limit(remaining=0, reset_in=600)
    result = scholar(env, "list", "repos", "-p", page, "-f", "csv", "-c", "repo,status")
    reset = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(fake_github.reset_at))
    assert f"resets at {reset}" in result.stderr
    # After the first 403 no further request goes out: at most the four already in flight
    # (the worker pool's size), never all twelve.
    assert 1 <= len(fake_github.seen) <= 4
    assert result.stdout.splitlines()[1:] == [f"ana/{name},unknown" for name in names]
    assert result.exit_code == 5


@needs_shared
def test_token_goes_only_to_github_and_nowhere_on_disk_or_screen(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    env = {**env, "GITHUB_TOKEN": TOKEN}
    result = scholar(env, "list", "papers", "-p", MD, "-v")
    result2 = scholar(env, "list", "repos", "-p", MD, "-v", "--max-age", "0")
    assert fake_arxiv.seen and fake_github.seen
    assert all(s.header("Authorization") is None for s in fake_arxiv.seen)
    assert all(s.header("Authorization") == f"Bearer {TOKEN}" for s in fake_github.seen)
    for output in (result.stdout, result.stderr, result2.stdout, result2.stderr):
        assert TOKEN not in output
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    # -v logs each request: method, URL and status. With a token GitHub is asked with GraphQL.
    assert re.search(r"POST http://127\.0\.0\.1:\d+/graphql -> 200", result2.stderr)


@needs_shared
def test_corrupt_store_warns_and_starts_fresh(env: dict[str, str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    result = scholar(env, "list", "repos", "-p", MD, "-f", "csv", "-c", "repo,stars")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "liangyuwang/zo2,212"
    assert result.stderr.startswith(f"scholar: record store {cache / 'cache.db'} was corrupt")
    assert len(result.stderr.splitlines()) == 1


def test_no_fetch_never_touches_the_store(env: dict[str, str], tmp_path: Path) -> None:
    result = scholar(env, "list", "papers", "--no-fetch", "-p", fixture_page("variants.md"))
    assert result.exit_code == 0
    assert not (tmp_path / "cache").exists()


@needs_shared
def test_cache_info_and_clear(env: dict[str, str], tmp_path: Path) -> None:
    assert scholar(env, "list", "papers", "-p", MD).exit_code == 0
    info = scholar(env, "cache", "info")
    lines = info.stdout.splitlines()
    assert lines[:7] == [
        f"folder: {tmp_path / 'cache'}",
        "arxiv records: 3",
        "github records: 1",
        "page records: 1",
        "arxiv-search records: 0",
        "openalex records: 0",
        "semanticscholar records: 0",
    ]
    assert re.fullmatch(r"size: \d+ bytes", lines[7])
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    cleared = scholar(env, "cache", "clear")
    assert cleared.stdout == "removed 5 records\n"
    assert scholar(env, "cache", "info").stdout.splitlines()[1:5] == [
        "arxiv records: 0",
        "github records: 0",
        "page records: 0",
        "arxiv-search records: 0",
    ]


@needs_shared
def test_quiet_and_verbose_also_work_before_the_command(
    env: dict[str, str], unused_port: int
) -> None:
    nowhere = {**env, "GITHUB_API_URL": f"http://127.0.0.1:{unused_port}"}
    loud = scholar(nowhere, "list", "repos", "-p", MD, "--offline")
    assert loud.stderr.startswith("scholar: GitHub: offline; no cached value for ")
    quiet = scholar(nowhere, "-q", "list", "repos", "-p", MD, "--offline")
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    verbose = scholar(env, "-v", "list", "repos", "-p", MD)
    assert re.search(
        r"^scholar: GET http://127\.0\.0\.1:\d+/repos/liangyuwang/zo2 ", verbose.stderr, re.M
    )
