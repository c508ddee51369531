"""fetch_github against a loopback GitHub: the real requests/diskcache stack, nothing patched."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from scholar_cli.models import RepoStats
from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeGitHub, RudeServer


# The repositories of /work/shared/pages/about-html.md, in page order.
PAGE_REPOS = [
    "liangyuwang/zo2",
    "liangyuwang/Tiny-FSDP",
    "liangyuwang/Tiny-DeepSpeed",
    "deepspeedai/DeepSpeed",
    "liangyuwang/Tiny-Megatron",
    "liangyuwang/train-large-model-from-scratch",
    "kaustpradalab/flashdp",
]
HOUR = 3600.0


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def age_records(store: RecordStore, keys: list[str], seconds: float) -> None:
    """Make stored records look `seconds` old, validators untouched."""
    for key in keys:
        entry = store.get("github", key.lower())
        assert entry is not None
        store.put(
            "github",
            key.lower(),
            entry.record,
            fetched_at=time.time() - seconds,
            etag=entry.etag,
            last_modified=entry.last_modified,
        )


def test_every_repo_of_a_page_once(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_github(PAGE_REPOS, store, fetch_options)

    assert report.requests == 7
    assert sorted(fake_github.paths()) == sorted(f"/repos/{r}" for r in PAGE_REPOS)
    assert statuses(report) == dict.fromkeys(PAGE_REPOS, "fetched")
    assert report.warnings == []
    assert report.results["liangyuwang/zo2"].record == RepoStats(
        full_name="liangyuwang/zo2",
        stars=212,
        forks=19,
        archived=False,
        pushed_at="2025-10-14T09:21:07Z",
        description="ZO2 (Zeroth-Order Offloading): Full Parameter Fine-Tuning 175B LLMs with "
        "18GB GPU Memory [COLM2025]",
        language="Python",
        html_url="https://github.com/liangyuwang/zo2",
    )
    deepspeed = report.results["deepspeedai/DeepSpeed"].record
    assert isinstance(deepspeed, RepoStats)
    assert (deepspeed.stars, deepspeed.forks) == (40712, 4618)
    flashdp = report.results["kaustpradalab/flashdp"].record
    assert isinstance(flashdp, RepoStats)
    assert (flashdp.description, flashdp.language) == (
        "FlashDP: Memory-Efficient and High-Throughput DP-SGD Training for Large Language Models",
        "Cuda",
    )
    entry = store.get("github", "liangyuwang/zo2")
    assert entry is not None
    assert entry.etag == fake_github.etag("liangyuwang/zo2")
    assert entry.last_modified == "Mon, 24 Nov 2025 22:10:33 GMT"


def test_case_variants_are_one_repository(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_github(
        ["liangyuwang/zo2", "LiangYuWang/ZO2", "liangyuwang/zo2"], store, fetch_options
    )

    assert fake_github.paths() == ["/repos/liangyuwang/zo2"]
    assert statuses(report) == {"liangyuwang/zo2": "fetched", "LiangYuWang/ZO2": "fetched"}
    assert report.results["LiangYuWang/ZO2"].note == ""


def test_second_run_makes_no_request(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(PAGE_REPOS, store, fetch_options)
    report = fetch_github(PAGE_REPOS, store, fetch_options)

    assert report.requests == 0
    assert len(fake_github.seen) == 7
    assert statuses(report) == dict.fromkeys(PAGE_REPOS, "fresh")


def test_stale_records_are_revalidated_with_304(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    first = fetch_github(PAGE_REPOS, store, fetch_options)
    options = dataclasses.replace(fetch_options, github_max_age=0)

    report = fetch_github(PAGE_REPOS, store, options)

    assert statuses(report) == dict.fromkeys(PAGE_REPOS, "revalidated")
    assert report.requests == 7
    conditional = fake_github.seen[7:]
    assert {s.header("If-None-Match") for s in conditional} == {
        fake_github.etag(r) for r in PAGE_REPOS
    }
    assert {s.header("If-Modified-Since") for s in conditional} == {"Mon, 24 Nov 2025 22:10:33 GMT"}
    for repo in PAGE_REPOS:
        before, after = first.results[repo], report.results[repo]
        assert after.record == before.record
        assert after.fetched_at is not None and before.fetched_at is not None
        assert after.fetched_at > before.fetched_at
        entry = store.get("github", repo.lower())
        assert entry is not None and entry.fetched_at == after.fetched_at
        assert entry.etag == fake_github.etag(repo)


def test_a_changed_repo_answers_200_and_replaces_the_record(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2"], store, fetch_options)
    age_records(store, ["liangyuwang/zo2"], 2 * HOUR)
    fake_github.set_stars("liangyuwang/zo2", 230)

    report = fetch_github(["liangyuwang/zo2"], store, fetch_options)

    assert report.results["liangyuwang/zo2"].status == "fetched"
    record = report.results["liangyuwang/zo2"].record
    assert isinstance(record, RepoStats) and record.stars == 230
    entry = store.get("github", "liangyuwang/zo2")
    assert entry is not None
    assert entry.record["stars"] == 230
    assert entry.etag == fake_github.etag("liangyuwang/zo2")


def test_a_renamed_repo_is_followed(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_github(["microsoft/DeepSpeed"], store, fetch_options)

    assert fake_github.paths() == ["/repos/microsoft/DeepSpeed", "/repositories/235860204"]
    assert {s.header("Authorization") for s in fake_github.seen} == {
        f"Bearer {fetch_options.github_token}"
    }
    assert report.requests == 2
    moved = report.results["microsoft/DeepSpeed"]
    assert moved.status == "fetched"
    assert moved.note == "renamed to deepspeedai/DeepSpeed"
    assert isinstance(moved.record, RepoStats)
    assert moved.record.full_name == "deepspeedai/DeepSpeed"
    assert moved.record.stars == 40712
    assert report.warnings == [
        "GitHub repositories renamed: microsoft/DeepSpeed -> deepspeedai/DeepSpeed"
    ]
    # The record is kept under the name the page uses, so the next run finds it.
    again = fetch_github(["microsoft/DeepSpeed"], store, fetch_options)
    assert again.results["microsoft/DeepSpeed"].status == "fresh"
    assert again.results["microsoft/DeepSpeed"].note == "renamed to deepspeedai/DeepSpeed"


def test_a_missing_repo_is_not_found(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_github(["liangyuwang/zo2", "liangyuwang/zo3"], store, fetch_options)

    assert statuses(report) == {"liangyuwang/zo2": "fetched", "liangyuwang/zo3": "not_found"}
    assert report.results["liangyuwang/zo3"].note == (
        "not found (deleted, renamed away or private)"
    )
    assert report.results["liangyuwang/zo3"].record is None
    assert report.warnings == [
        "GitHub: not found (deleted, renamed away or private): liangyuwang/zo3"
    ]


def test_malformed_names_are_never_sent(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_github(["liangyuwang", "a/b/c", "-x/y", "liangyuwang/.."], store, fetch_options)

    assert fake_github.seen == []
    assert report.requests == 0
    assert set(statuses(report).values()) == {"malformed"}
    assert report.results["a/b/c"].note == "not an owner/name; never sent"
    assert report.warnings == [
        "not GitHub owner/name (never sent): liangyuwang, a/b/c, -x/y, liangyuwang/.."
    ]


def test_rate_limit_stops_further_requests(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/Tiny-Megatron"], store, fetch_options)
    age_records(store, ["liangyuwang/Tiny-Megatron"], 2 * HOUR)
    fake_github.seen.clear()
    fake_github.rate_limit(remaining=2, reset_in=12 * 60 + 20)
    options = dataclasses.replace(fetch_options, github_workers=1)  # a predictable order

    report = fetch_github(PAGE_REPOS, store, options)

    # The second answer says X-RateLimit-Remaining: 0, so the other five are never sent.
    assert fake_github.paths() == [f"/repos/{r}" for r in PAGE_REPOS[:2]]
    assert report.requests == 2
    assert statuses(report) == {
        "liangyuwang/zo2": "fetched",
        "liangyuwang/Tiny-FSDP": "fetched",
        "liangyuwang/Tiny-DeepSpeed": "unknown",
        "deepspeedai/DeepSpeed": "unknown",
        "liangyuwang/Tiny-Megatron": "stale",
        "liangyuwang/train-large-model-from-scratch": "unknown",
        "kaustpradalab/flashdp": "unknown",
    }
    assert report.results["liangyuwang/Tiny-Megatron"].note == (
        "GitHub rate limit; record fetched 2 h ago"
    )
    assert report.results["kaustpradalab/flashdp"].note == "GitHub rate limit; no stored record"
    when = datetime.fromtimestamp(fake_github.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    assert report.warnings == [
        f"GitHub rate limit reached; resets at {when} UTC (in 12 min); "
        "using cached values for liangyuwang/Tiny-Megatron (2 h old); "
        "no cached value for liangyuwang/Tiny-DeepSpeed, deepspeedai/DeepSpeed, "
        "liangyuwang/train-large-model-from-scratch, kaustpradalab/flashdp"
    ]


def test_a_403_rate_limit_answer_stops_further_requests(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2"], store, fetch_options)
    age_records(store, ["liangyuwang/zo2"], 2 * HOUR)
    fake_github.seen.clear()
    fake_github.rate_limit(remaining=0, reset_in=30 * 60 + 20)
    options = dataclasses.replace(fetch_options, github_workers=1)

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    (refused,) = fake_github.seen  # a rate-limited 403 is not retried either
    assert refused.path == "/repos/liangyuwang/Tiny-FSDP"  # never fetched: asked first
    assert statuses(report) == {"liangyuwang/zo2": "stale", "liangyuwang/Tiny-FSDP": "unknown"}
    when = datetime.fromtimestamp(fake_github.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    assert report.warnings == [
        f"GitHub rate limit reached; resets at {when} UTC (in 30 min); "
        "using cached values for liangyuwang/zo2 (2 h old); "
        "no cached value for liangyuwang/Tiny-FSDP"
    ]


def test_rate_limit_with_parallel_workers_sends_at_most_one_round(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.rate_limit(remaining=0)

    report = fetch_github(PAGE_REPOS, store, fetch_options)

    assert len(fake_github.seen) <= fetch_options.github_workers
    assert set(statuses(report).values()) == {"unknown"}
    assert report.warnings[0].startswith("GitHub rate limit reached; resets at ")


def test_secondary_rate_limit_with_retry_after(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.secondary_rate_limit(retry_after=60)
    options = dataclasses.replace(fetch_options, github_workers=1)
    before = time.time()

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    after = time.time()
    assert fake_github.paths() == ["/repos/liangyuwang/zo2"]  # a 403 is not retried
    assert statuses(report) == {"liangyuwang/zo2": "unknown", "liangyuwang/Tiny-FSDP": "unknown"}
    (warning,) = report.warnings
    m = re.fullmatch(
        r"GitHub rate limit reached; resets at (.+) UTC \(in 1 min\); "
        r"no cached value for liangyuwang/zo2, liangyuwang/Tiny-FSDP",
        warning,
    )
    assert m is not None
    reset = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp()
    # Retry-After: 60 from the answer's arrival; the message shows whole minutes.
    assert before <= reset <= after + 60


def test_429_retry_after_is_honoured(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.respond_next(429, {"Retry-After": "1"}, '{"message": "slow down"}')

    report = fetch_github(["liangyuwang/zo2"], store, fetch_options)

    assert report.results["liangyuwang/zo2"].status == "fetched"
    assert report.requests == 2
    first, second = fake_github.seen
    assert second.at - first.at >= 1.0


def test_long_retry_after_is_not_waited_for(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.respond_next(429, {"Retry-After": "3600"}, '{"message": "slow down"}')
    started = time.monotonic()

    report = fetch_github(["liangyuwang/zo2"], store, fetch_options)

    assert time.monotonic() - started < 30
    assert len(fake_github.seen) == 1
    assert report.results["liangyuwang/zo2"].status == "unknown"
    assert report.warnings[0].startswith("GitHub rate limit reached; resets at ")
    assert "(in 1 h)" in report.warnings[0]


def test_stale_record_is_used_on_503(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, fetch_options)
    age_records(store, ["liangyuwang/zo2"], 2 * HOUR)
    kept = store.get("github", "liangyuwang/zo2")
    fake_github.seen.clear()
    fake_github.respond_next(503, times=2, path="/repos/liangyuwang/zo2")

    report = fetch_github(
        ["liangyuwang/zo2", "liangyuwang/Tiny-FSDP", "liangyuwang/Tiny-Megatron"],
        store,
        dataclasses.replace(fetch_options, github_max_age=HOUR),
    )

    assert fake_github.paths().count("/repos/liangyuwang/zo2") == 2  # one try, one retry
    assert statuses(report) == {
        "liangyuwang/zo2": "stale",
        "liangyuwang/Tiny-FSDP": "fresh",
        "liangyuwang/Tiny-Megatron": "fetched",
    }
    zo2 = report.results["liangyuwang/zo2"]
    assert zo2.note == "GitHub request failed (HTTP 503); record fetched 2 h ago"
    assert kept is not None and zo2.fetched_at == kept.fetched_at
    assert zo2.record == RepoStats.from_json_dict(kept.record)
    assert report.warnings == [
        "GitHub request failed (HTTP 503); using cached values for liangyuwang/zo2 (2 h old)"
    ]
    assert store.get("github", "liangyuwang/zo2") == kept


def test_a_dropped_connection_stops_further_requests(
    dropping_server: RudeServer, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2"], store, fetch_options)
    age_records(store, ["liangyuwang/zo2"], 5 * HOUR)
    options = dataclasses.replace(
        fetch_options, github_api_url=dropping_server.url(), github_workers=1
    )

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    # Tiny-FSDP, never fetched, is asked first: one try, one retry; zo2 is never sent.
    assert dropping_server.accepted == 2
    assert report.requests == 2
    assert statuses(report) == {"liangyuwang/zo2": "stale", "liangyuwang/Tiny-FSDP": "unknown"}
    assert report.results["liangyuwang/Tiny-FSDP"].note == (
        "GitHub request failed (connection closed without an answer); no stored record"
    )
    assert report.results["liangyuwang/zo2"].note == (
        "GitHub not asked after an earlier failure (connection closed without an answer); "
        "record fetched 5 h ago"
    )
    assert report.warnings == [
        "GitHub request failed (connection closed without an answer); "
        "using cached values for liangyuwang/zo2 (5 h old); "
        "no cached value for liangyuwang/Tiny-FSDP"
    ]


def test_offline_never_opens_a_socket(
    dropping_server: RudeServer, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2", "microsoft/DeepSpeed"], store, fetch_options)
    age_records(store, ["microsoft/DeepSpeed"], 3 * HOUR)
    options = dataclasses.replace(fetch_options, offline=True, github_api_url=dropping_server.url())

    report = fetch_github(
        ["liangyuwang/zo2", "microsoft/DeepSpeed", "liangyuwang/Tiny-FSDP"], store, options
    )

    assert dropping_server.accepted == 0
    assert report.requests == 0
    assert statuses(report) == {
        "liangyuwang/zo2": "offline",
        "microsoft/DeepSpeed": "offline",
        "liangyuwang/Tiny-FSDP": "unknown",
    }
    assert report.results["microsoft/DeepSpeed"].note == (
        "offline; fetched 3 h ago; renamed to deepspeedai/DeepSpeed"
    )
    assert report.results["liangyuwang/Tiny-FSDP"].note == "offline and no stored record"
    assert report.warnings == [
        "GitHub: offline; using cached values for microsoft/DeepSpeed (3 h old); "
        "no cached value for liangyuwang/Tiny-FSDP"
    ]


def test_without_a_token_no_authorization_is_sent(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(fetch_options, github_token=None)

    fetch_github(["liangyuwang/zo2"], store, options)

    (seen,) = fake_github.seen
    assert seen.header("Authorization") is None
    assert seen.header("Accept") == "application/vnd.github+json"
    assert seen.header("X-GitHub-Api-Version") == "2022-11-28"


def test_a_rejected_token_is_reported_once_and_stops_requests(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.respond_next(401, {}, '{"message": "Bad credentials", "status": "401"}')
    options = dataclasses.replace(fetch_options, github_workers=1)

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    assert len(fake_github.seen) == 1
    assert statuses(report) == {"liangyuwang/zo2": "unknown", "liangyuwang/Tiny-FSDP": "unknown"}
    assert report.warnings == [
        "GitHub request failed (HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN); "
        "no cached value for liangyuwang/zo2, liangyuwang/Tiny-FSDP"
    ]


def test_a_rate_limit_with_nothing_stored_is_unknown(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    reset = int(time.time()) + 20 * 60 + 20
    body = '{"message": "API rate limit exceeded for 127.0.0.1."}'
    # Lower-case names, as HTTP/2 proxies pass them on.
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    fake_github.respond_next(403, headers, body)
    options = dataclasses.replace(fetch_options, github_workers=1)

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    assert (len(fake_github.seen), report.requests) == (1, 1)
    assert statuses(report) == {"liangyuwang/zo2": "unknown", "liangyuwang/Tiny-FSDP": "unknown"}
    assert report.results["liangyuwang/zo2"].note == "GitHub rate limit; no stored record"
    when = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%d %H:%M")
    assert report.warnings == [
        f"GitHub rate limit reached; resets at {when} UTC (in 20 min); "
        "no cached value for liangyuwang/zo2, liangyuwang/Tiny-FSDP"
    ]
    assert store.get("github", "liangyuwang/zo2") is None


def test_a_500_with_nothing_stored_is_unknown(
    fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.respond_next(500, {}, "oops", times=2, path="/repos/liangyuwang/zo2")

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, fetch_options)

    assert report.requests == 3  # zo2: a try and a retry; Tiny-FSDP once
    assert statuses(report) == {"liangyuwang/zo2": "unknown", "liangyuwang/Tiny-FSDP": "fetched"}
    assert report.results["liangyuwang/zo2"].note == (
        "GitHub request failed (HTTP 500); no stored record"
    )
    assert report.warnings == [
        "GitHub request failed (HTTP 500); no cached value for liangyuwang/zo2"
    ]


@pytest.mark.parametrize(
    "body", ["{not json", "", "[]", '{"full_name": "liangyuwang/zo2"}', "<html></html>"]
)
def test_a_200_without_a_repository_in_it_is_unknown(
    body: str, fake_github: FakeGitHub, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_github.respond_next(200, {"Content-Type": "application/json"}, body)

    report = fetch_github(["liangyuwang/zo2"], store, fetch_options)

    assert (len(fake_github.seen), report.requests) == (1, 1)
    assert statuses(report) == {"liangyuwang/zo2": "unknown"}
    assert report.results["liangyuwang/zo2"].note == (
        "GitHub request failed (unexpected answer); no stored record"
    )
    assert report.warnings == [
        "GitHub request failed (unexpected answer); no cached value for liangyuwang/zo2"
    ]
    assert store.get("github", "liangyuwang/zo2") is None
