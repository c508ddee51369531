"""With a token, GitHub is asked with GraphQL: 100 repositories a request, the same records,
notes and warnings as REST. Against FakeGitHub's POST /graphql, which reads the query."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import fixture_page, run
from servers import FIXTURES, TOKEN

from scholar_cli.models import RepoStats
from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.github_graphql import build_query
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub, RudeServer, Seen

HOUR = 3600.0
# Every fixture repository (REST bodies in fixtures/github/repos), a renamed one, a missing one
# and a made-up one without a language.
FIXTURE_REPOS = sorted(
    json.loads(path.read_text(encoding="utf-8"))["full_name"]
    for path in (FIXTURES / "github" / "repos").glob("*.json")
)
REPOS = [
    *FIXTURE_REPOS,
    "microsoft/DeepSpeed",
    "ana/moved-tool",
    "ana/gone-tool",
    "bench-owner/repo-5",
]


@pytest.fixture
def graphql(fetch_options: FetchOptions) -> FetchOptions:
    return dataclasses.replace(fetch_options, github_graphql=True)


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def bench_page(tmp_path: Path, count: int) -> Path:
    page = tmp_path / "about.md"
    page.write_text(
        "## Projects\n\n"
        + "".join(
            f"- **P{i}** [code](https://github.com/bench-owner/repo-{i})\n" for i in range(count)
        ),
        encoding="utf-8",
    )
    return page


def sent(seen: Seen) -> tuple[str, dict[str, str]]:
    body = json.loads(seen.body)
    return body["query"], body["variables"]


def age(store: RecordStore, key: str, seconds: float) -> None:
    entry = store.get("github", key.lower())
    assert entry is not None
    store.put("github", key.lower(), entry.record, fetched_at=time.time() - seconds)


# -- the request --------------------------------------------------------------------------


def test_a_cold_run_of_300_repositories_sends_three_graphql_requests(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = bench_page(tmp_path, 300)

    result = run("list", "repos", "--page", page, "-f", "csv", "-c", "repo,stars,status",
                 env={**env, "GITHUB_TOKEN": TOKEN})  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "repo,stars,status"
    assert lines[1:] == [f"bench-owner/repo-{i},{7 * i + 3},fetched" for i in range(300)]
    assert fake_github.graphql_problems == []
    assert fake_github.rest_requests() == []
    posts = fake_github.graphql_requests()
    assert len(posts) == 3 == len(fake_github.seen)
    asked = [len(sent(s)[1]) // 2 for s in posts]
    assert asked == [100, 100, 100]
    assert {s.header("Authorization") for s in posts} == {f"Bearer {TOKEN}"}
    # A warm run asks nothing.
    again = run("list", "repos", "--page", page, env={**env, "GITHUB_TOKEN": TOKEN})
    assert again.exit_code == 0 and len(fake_github.seen) == 3


def test_owners_and_names_travel_as_variables_never_in_the_query() -> None:
    query, variables = build_query([("liangyuwang", "zo2"), ("deepspeedai", "DeepSpeed")])

    assert query.splitlines() == [
        "query($o0: String!, $n0: String!, $o1: String!, $n1: String!) {",
        "  r0: repository(owner: $o0, name: $n0) { ...repo }",
        "  r1: repository(owner: $o1, name: $n1) { ...repo }",
        "  rateLimit { cost remaining resetAt }",
        "}",
        "fragment repo on Repository { nameWithOwner stargazerCount forkCount isArchived "
        "pushedAt description primaryLanguage { name } url }",
    ]
    assert variables == {"o0": "liangyuwang", "n0": "zo2", "o1": "deepspeedai", "n1": "DeepSpeed"}


def test_github_enterprise_gets_the_token_at_api_graphql(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    # REST at /api/v3, GraphQL at /api/graphql: outside the REST prefix, still the API host.
    options = dataclasses.replace(graphql, github_api_url=f"{fake_github.url}/api/v3")

    report = fetch_github(["liangyuwang/zo2"], store, options)

    assert statuses(report) == {"liangyuwang/zo2": "fetched"}
    (seen,) = fake_github.seen
    assert (seen.method, seen.path) == ("POST", "/api/graphql")
    assert seen.header("Authorization") == f"Bearer {TOKEN}"


def test_without_a_token_github_is_asked_with_rest(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(graphql, github_token=None)

    fetch_github(["liangyuwang/zo2"], store, options)

    assert fake_github.paths() == ["/repos/liangyuwang/zo2"]


def test_the_token_reaches_the_graphql_endpoint_only_and_is_never_stored(
    fake_arxiv: FakeArxiv, fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    from scholar_cli.sources.arxiv import fetch_arxiv

    fetch_arxiv(["2503.12668"], store, graphql)
    fetch_github(["liangyuwang/zo2", "microsoft/DeepSpeed", "liangyuwang/zo3"], store, graphql)

    assert fake_arxiv.seen and all(s.header("Authorization") is None for s in fake_arxiv.seen)
    assert [(s.method, s.path, s.header("Authorization")) for s in fake_github.seen] == [
        ("POST", "/graphql", f"Bearer {TOKEN}")
    ]
    files = [p for p in graphql.cache_dir.rglob("*") if p.is_file()]
    assert any(b"liangyuwang/zo2" in p.read_bytes() for p in files)
    assert all(TOKEN.encode() not in p.read_bytes() for p in files)


# -- the answers: the same as REST's ------------------------------------------------------


def test_records_are_the_same_whichever_api_filled_them(
    fake_github: FakeGitHub, fetch_options: FetchOptions, graphql: FetchOptions, tmp_path: Path
) -> None:
    with RecordStore(tmp_path / "rest") as store:
        rest = fetch_github(REPOS, store, fetch_options)
    with RecordStore(tmp_path / "graphql") as store:
        over_graphql = fetch_github(REPOS, store, graphql)
        stored = {key: store.get("github", key.lower()) for key in REPOS}

    assert len(fake_github.graphql_requests()) == 1
    assert fake_github.graphql_problems == []
    assert (
        over_graphql.warnings
        == rest.warnings
        == [
            "GitHub: not found (deleted, renamed away or private): ana/gone-tool",
            "GitHub repositories renamed: microsoft/DeepSpeed -> deepspeedai/DeepSpeed, "
            "ana/moved-tool -> ana-lab/moved-tool",
        ]
    )
    for key in REPOS:
        a, b = rest.results[key], over_graphql.results[key]
        assert (a.status, a.record, a.note) == (b.status, b.record, b.note), key
    zo2 = over_graphql.results["liangyuwang/zo2"].record
    assert zo2 == RepoStats(
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
    bench = over_graphql.results["bench-owner/repo-5"].record
    assert bench is not None and bench.language is None
    # GraphQL has no ETag: a record it filled is stored without validators.
    entry = stored["liangyuwang/zo2"]
    assert entry is not None and (entry.etag, entry.last_modified) == (None, None)


def test_renamed_missing_and_archived_read_the_same_on_both_paths(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = fixture_page("check-repos.md")

    def both(*args: str) -> list[tuple[int, Any, str]]:
        out = []
        for name, extra in (("rest", {}), ("graphql", {"GITHUB_TOKEN": TOKEN})):
            cache = str(tmp_path / f"{name}-{args[0]}")  # each run fetches
            result = run(*args, "--page", page, "--format", "json",
                         env={**env, "SCHOLAR_CACHE_DIR": cache, **extra})  # fmt: skip
            doc = json.loads(result.stdout)
            for item in doc.get("items", []):
                fetched = item["github"]
                fetched["fetched_at"] = fetched["fetched_at"] and "(a time)"
            out.append((result.exit_code, doc, result.stderr))
        return out

    (rest_check, graphql_check) = both("check")
    (rest_list, graphql_list) = both("list", "repos")

    assert graphql_check == rest_check
    assert graphql_list == rest_list
    code, doc, stderr = graphql_check
    assert code == 1
    assert [(f["kind"], f["item"]) for f in doc["findings"] if f["kind"] != "stale-badge"] == [
        ("repo-not-found", "ana/gone-tool"),
        ("renamed", "ana/moved-tool"),
        ("archived", "ana/old-tool"),
        ("unchecked", "https://img.shields.io/badge/stars-40-green"),  # links no repository
    ]
    assert stderr == (
        "scholar: GitHub: not found (deleted, renamed away or private): ana/gone-tool\n"
        "scholar: GitHub repositories renamed: ana/moved-tool -> ana-lab/moved-tool\n"
    )
    statuses_by_repo = {i["repo"]: i["github"]["status"] for i in graphql_list[1]["items"]}
    assert statuses_by_repo["ana/gone-tool"] == "not_found"
    assert statuses_by_repo["ana/moved-tool"] == "fetched"
    # GraphQL asked once per run.
    assert len(fake_github.graphql_requests()) == 2


def test_an_error_on_one_alias_affects_that_repository_only(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, graphql)
    age(store, "liangyuwang/zo2", 3 * HOUR)
    age(store, "liangyuwang/Tiny-FSDP", 2 * HOUR)
    tiny_fsdp = {
        "nameWithOwner": "liangyuwang/Tiny-FSDP", "stargazerCount": 999, "forkCount": 9,
        "isArchived": False, "pushedAt": None, "description": None, "primaryLanguage": None,
        "url": "https://github.com/liangyuwang/Tiny-FSDP",
    }  # fmt: skip
    answer = {
        "data": {
            "r0": {**tiny_fsdp, "nameWithOwner": "liangyuwang/Tiny-Megatron", "url": "u"},
            "r1": None,
            "r2": None,
            "r3": tiny_fsdp,
            "rateLimit": {"cost": 1, "remaining": 4990, "resetAt": "2030-01-01T00:00:00Z"},
        },
        "errors": [
            {"type": "NOT_FOUND", "path": ["r1"], "message": "Could not resolve to a Repository"},
            {"type": "FORBIDDEN", "path": ["r2"], "message": "Resource protected by SAML"},
        ],
    }
    fake_github.respond_next(200, {"Content-Type": "application/json"}, json.dumps(answer))
    repos = ["liangyuwang/zo2", "liangyuwang/Tiny-FSDP", "liangyuwang/Tiny-Megatron", "ana/x"]

    report = fetch_github(repos, store, dataclasses.replace(graphql, github_max_age=HOUR))

    # Stalest first: never fetched (in page order), then the oldest record.
    assert sent(fake_github.seen[-1])[1] == {
        "o0": "liangyuwang", "n0": "Tiny-Megatron", "o1": "ana", "n1": "x",
        "o2": "liangyuwang", "n2": "zo2", "o3": "liangyuwang", "n3": "Tiny-FSDP",
    }  # fmt: skip
    assert statuses(report) == {
        "liangyuwang/zo2": "stale",
        "liangyuwang/Tiny-FSDP": "fetched",
        "liangyuwang/Tiny-Megatron": "fetched",
        "ana/x": "not_found",
    }
    assert report.results["liangyuwang/zo2"].note == (
        "GitHub request failed (GraphQL FORBIDDEN); record fetched 3 h ago"
    )
    fsdp = report.results["liangyuwang/Tiny-FSDP"].record
    assert fsdp is not None and fsdp.stars == 999
    assert report.warnings == [
        "GitHub request failed (GraphQL FORBIDDEN); using cached values for liangyuwang/zo2 "
        "(3 h old)",
        "GitHub: not found (deleted, renamed away or private): ana/x",
    ]


# -- a failed request: stored records, else unknown, as on REST ---------------------------

TIMEOUT_ANSWER = json.dumps(
    {
        "data": None,
        "errors": [{"message": "Something went wrong while executing your query. This may be "
                    "the result of a timeout, or it could be a GitHub bug."}],
    }
)  # fmt: skip


@pytest.mark.parametrize(
    ("status", "body", "times", "reason"),
    [
        (502, "", 2, "HTTP 502"),  # retried once (a query only reads), then given up
        (401, '{"message": "Bad credentials"}', 1,
         "HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN"),
        (200, "{not json", 1, "unexpected answer"),
        (200, "[]", 1, "unexpected answer"),
        (200, TIMEOUT_ANSWER, 1, "GraphQL error"),
        (200, '{"data": {"rateLimit": null}}', 1, "unexpected answer"),
    ],
)  # fmt: skip
def test_a_failed_request_falls_back_like_rest(
    status: int,
    body: str,
    times: int,
    reason: str,
    fake_github: FakeGitHub,
    graphql: FetchOptions,
    store: RecordStore,
) -> None:
    fetch_github(["liangyuwang/zo2"], store, graphql)
    age(store, "liangyuwang/zo2", 2 * HOUR)
    kept = store.get("github", "liangyuwang/zo2")
    fake_github.seen.clear()
    headers = {"Content-Type": "application/json"}
    fake_github.respond_next(status, headers, body, times=times, path="/graphql")

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, graphql)

    assert (len(fake_github.seen), report.requests) == (times, times)
    assert statuses(report) == {"liangyuwang/zo2": "stale", "liangyuwang/Tiny-FSDP": "unknown"}
    assert report.results["liangyuwang/zo2"].note == (
        f"GitHub request failed ({reason}); record fetched 2 h ago"
    )
    assert report.results["liangyuwang/Tiny-FSDP"].note == (
        f"GitHub request failed ({reason}); no stored record"
    )
    assert report.warnings == [
        f"GitHub request failed ({reason}); using cached values for liangyuwang/zo2 (2 h old); "
        "no cached value for liangyuwang/Tiny-FSDP"
    ]
    assert store.get("github", "liangyuwang/zo2") == kept


def test_a_rejected_token_stops_the_batches_after_it(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(graphql, github_token="ghp_notTheRightOne")
    repos = [f"bench-owner/repo-{i}" for i in range(150)]

    report = fetch_github(repos, store, options)

    assert len(fake_github.seen) == 1  # the fake says "Bad credentials"; batch 2 is never sent
    assert set(statuses(report).values()) == {"unknown"}
    assert report.results["bench-owner/repo-120"].note == (
        "GitHub not asked after an earlier failure "
        "(HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN); no stored record"
    )
    assert report.warnings[0].startswith(
        "GitHub request failed (HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN); "
        "no cached value for bench-owner/repo-0, "
    )


def test_graphqls_rate_limit_stops_the_batches_after_it(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    fake_github.graphql_rate_limit(remaining=1, reset_in=40 * 60 + 20)
    repos = [f"bench-owner/repo-{i}" for i in range(250)]

    report = fetch_github(repos, store, graphql)

    # The first batch is answered (rateLimit.remaining says 0 now); the second would be refused.
    assert len(fake_github.graphql_requests()) == 1
    assert statuses(report)["bench-owner/repo-99"] == "fetched"
    assert statuses(report)["bench-owner/repo-100"] == "unknown"
    assert report.results["bench-owner/repo-100"].note == "GitHub rate limit; no stored record"
    when = datetime.fromtimestamp(fake_github.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    assert report.warnings[0].startswith(
        f"GitHub rate limit reached; resets at {when} UTC (in 40 min); "
        "no cached value for bench-owner/repo-100, "
    )


def test_a_rate_limited_answer_is_a_rate_limit(
    fake_github: FakeGitHub, graphql: FetchOptions, store: RecordStore
) -> None:
    fake_github.graphql_rate_limit(remaining=0, reset_in=10 * 60 + 20)

    report = fetch_github(["liangyuwang/zo2"], store, graphql)

    assert len(fake_github.seen) == 1  # HTTP 200 with a RATE_LIMITED error: not retried
    assert statuses(report) == {"liangyuwang/zo2": "unknown"}
    when = datetime.fromtimestamp(fake_github.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    assert report.warnings == [
        f"GitHub rate limit reached; resets at {when} UTC (in 10 min); "
        "no cached value for liangyuwang/zo2"
    ]


def test_a_dropped_connection_falls_back(
    dropping_server: RudeServer, graphql: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(graphql, github_api_url=dropping_server.url())

    report = fetch_github(["liangyuwang/zo2"], store, options)

    assert dropping_server.accepted == 2  # one try, one retry
    assert report.warnings == [
        "GitHub request failed (connection closed without an answer); "
        "no cached value for liangyuwang/zo2"
    ]


def test_graphql_gives_up_at_the_deadline(
    hanging_server: RudeServer, graphql: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(
        graphql, github_api_url=hanging_server.url(), timeout=(5.0, 30.0), retries=3, deadline=1.0
    )
    started = time.monotonic()

    report = fetch_github([f"bench-owner/repo-{i}" for i in range(120)], store, options)

    assert time.monotonic() - started < 2.0
    assert hanging_server.accepted == 1  # the second batch is never sent
    assert set(statuses(report).values()) == {"unknown"}
    assert report.results["bench-owner/repo-0"].note == (
        "GitHub: gave up after 1 s (deadline); no stored record"
    )
    assert re.fullmatch(
        r"GitHub: gave up after 1 s \(deadline\); no cached value for bench-owner/repo-0, .*",
        report.warnings[0],
    )
