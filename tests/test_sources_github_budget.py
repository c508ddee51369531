"""Without a token GitHub allows 60 REST requests an hour: scholar remembers what GitHub said
was left, asks for the stalest repositories first, and leaves the rest for the next run."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import run

from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeGitHub

HOUR = 3600.0
BENCH = [f"bench-owner/repo-{i}" for i in range(30)]


@pytest.fixture
def anonymous(fetch_options: FetchOptions) -> FetchOptions:
    return dataclasses.replace(fetch_options, github_token=None)


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def bench_page(tmp_path: Path) -> Path:
    page = tmp_path / "about.md"
    page.write_text(
        "## Projects\n\n"
        + "".join(
            f"- **P{i}** [code](https://github.com/{repo})\n" for i, repo in enumerate(BENCH)
        ),
        encoding="utf-8",
    )
    return page


def age_scattered(store: RecordStore) -> list[str]:
    """Make BENCH's records 2-3 h old, in an order unlike the page's; returns the repositories
    from the stalest to the newest."""
    now = time.time()
    ages = {repo: 2 * HOUR + ((7 * i) % 30) * 120 for i, repo in enumerate(BENCH)}
    for repo, seconds in ages.items():
        entry = store.get("github", repo)
        assert entry is not None
        store.put("github", repo, entry.record, fetched_at=now - seconds, etag=entry.etag)
    return sorted(BENCH, key=lambda repo: -ages[repo])


def budget(store: RecordStore, fake_github: FakeGitHub) -> dict[str, object]:
    """The stored budget for anonymous requests to the fake (per caller and API host)."""
    entry = store.get("github-budget", f"anonymous {fake_github.url}")
    assert entry is not None
    return entry.record


def test_a_budget_of_10_asks_for_the_10_stalest_and_keeps_the_rest(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = bench_page(tmp_path)
    fake_github.rate_limit(40)
    first = run("list", "repos", "--page", page, env=env)
    assert (first.exit_code, first.stderr) == (0, "")
    assert len(fake_github.rest_requests()) == 30  # GitHub now says 10 are left
    with RecordStore(tmp_path / "cache") as store:
        assert budget(store, fake_github) == {
            "limit": 60,
            "remaining": 10,
            "reset_at": fake_github.reset_at,
        }
        stalest = age_scattered(store)
    fake_github.seen.clear()

    second = run("list", "repos", "--page", page, "-f", "csv", "-c", "repo,status", env=env)

    assert second.exit_code == 0
    assert second.stderr == (
        "scholar: 20 repositories left for the next run "
        "(60 requests an hour without a token; set GITHUB_TOKEN)\n"
    )
    asked = sorted(s.path for s in fake_github.seen)
    assert asked == sorted(f"/repos/{repo}" for repo in stalest[:10])
    rows = dict(line.split(",") for line in second.stdout.splitlines()[1:])
    assert {repo: rows[repo] for repo in stalest[:10]} == dict.fromkeys(stalest[:10], "revalidated")
    assert {repo: rows[repo] for repo in stalest[10:]} == dict.fromkeys(stalest[10:], "stale")


def test_never_fetched_repositories_are_asked_for_first(
    fake_github: FakeGitHub, anonymous: FetchOptions, store: RecordStore
) -> None:
    fake_github.rate_limit(28)
    fetch_github(BENCH[:20], store, anonymous)  # GitHub now says 8 are left
    for repo in BENCH[:20]:
        entry = store.get("github", repo)
        assert entry is not None
        store.put("github", repo, entry.record, fetched_at=time.time() - 2 * HOUR)
    fake_github.seen.clear()

    report = fetch_github(BENCH, store, dataclasses.replace(anonymous, github_workers=1))

    assert fake_github.paths() == [f"/repos/{repo}" for repo in BENCH[20:28]]
    assert statuses(report) == {
        **dict.fromkeys(BENCH[:20], "stale"),
        **dict.fromkeys(BENCH[20:28], "fetched"),
        **dict.fromkeys(BENCH[28:], "unknown"),
    }
    assert report.results["bench-owner/repo-3"].note == (
        "left for the next run (GitHub rate limit); record fetched 2 h ago"
    )
    assert report.results["bench-owner/repo-29"].note == (
        "left for the next run (GitHub rate limit); no stored record"
    )
    # The eighth answer said none are left; the line about the budget says it all.
    assert report.warnings == [
        "22 repositories left for the next run (60 requests an hour without a token; "
        "set GITHUB_TOKEN); no cached value for bench-owner/repo-28, bench-owner/repo-29"
    ]


def test_with_nothing_stored_the_repositories_left_are_unknown_and_the_run_fails(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = bench_page(tmp_path)
    with RecordStore(tmp_path / "cache") as store:
        store.put(
            "github-budget",
            f"anonymous {fake_github.url}",
            {"limit": 60, "remaining": 0, "reset_at": time.time() + 30 * 60},
            fetched_at=time.time(),
        )

    result = run("list", "repos", "--page", page, "-f", "csv", "-c", "repo,status", env=env)

    assert fake_github.seen == []  # nothing is left to spend: nothing is sent
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "scholar: 30 repositories left for the next run (60 requests an hour without a token; "
        "set GITHUB_TOKEN); no cached value for " + ", ".join(BENCH),
        "scholar: error: some records could not be fetched and none were stored (see above)",
    ]
    assert result.stdout.splitlines()[1:] == [f"{repo},unknown" for repo in BENCH]


def test_a_budget_whose_reset_has_passed_is_full_again(
    fake_github: FakeGitHub, anonymous: FetchOptions, store: RecordStore
) -> None:
    store.put(
        "github-budget",
        "anonymous " + anonymous.github_api_url,
        {"limit": 60, "remaining": 0, "reset_at": time.time() - 1},
        fetched_at=time.time() - HOUR,
    )

    report = fetch_github(BENCH, store, anonymous)

    assert len(fake_github.seen) == 30
    assert set(statuses(report).values()) == {"fetched"}
    assert report.warnings == []


def test_a_server_that_never_stated_a_limit_is_not_held_to_github_coms(
    fake_github: FakeGitHub, anonymous: FetchOptions, store: RecordStore
) -> None:
    # Nothing stored yet, and not api.github.com (GitHub Enterprise Server has rate limits off
    # unless an admin turns them on): every repository due is asked for.
    repos = [f"bench-owner/repo-{i}" for i in range(70)]

    report = fetch_github(repos, store, anonymous)

    assert len(fake_github.seen) == 70
    assert set(statuses(report).values()) == {"fetched"}
    assert report.warnings == []


def test_the_budget_is_not_a_record(
    fake_github: FakeGitHub, anonymous: FetchOptions, store: RecordStore
) -> None:
    fetch_github(BENCH[:3], store, anonymous)

    assert budget(store, fake_github)["remaining"] == 59
    assert dict(store.info().records)["github"] == 3
    assert "github-budget" not in dict(store.info().records)
    # Emptying the store gives no requests back: the budget stays.
    assert store.clear() == 3
    assert budget(store, fake_github)["remaining"] == 59
