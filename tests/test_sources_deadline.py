"""One overall deadline per source: a stalled service cannot hold a command for minutes.

Without it, four tries of a 30 s read timeout kept `scholar list` waiting over two minutes.
The servers here stall for real; the options are the patient defaults (long timeouts, three
retries with backoff), so only the deadline can explain a quick return.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from conftest import run

from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.http import DeadlineExceeded, build_session
from scholar_cli.sources.options import FetchOptions, FetchReport, HttpEvent
from scholar_cli.sources.search import search_arxiv_titles
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub, RudeServer

REPOS = [
    "liangyuwang/zo2",
    "liangyuwang/Tiny-FSDP",
    "liangyuwang/Tiny-DeepSpeed",
    "deepspeedai/DeepSpeed",
    "liangyuwang/Tiny-Megatron",
    "liangyuwang/train-large-model-from-scratch",
    "kaustpradalab/flashdp",
]
TITLES = [
    "FlashDP: Memory-Efficient and High-Throughput DP-SGD Training for Large Language Models",
    "ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large Language Models",
]


DAY = 86400.0


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def age_record(store: RecordStore, service: str, key: str, seconds: float) -> None:
    entry = store.get(service, key)
    assert entry is not None
    store.put(service, key, entry.record, fetched_at=time.time() - seconds, etag=entry.etag)


@pytest.fixture
def patient(fetch_options: FetchOptions) -> FetchOptions:
    """The defaults' patience (30 s reads, three retries with backoff), and a 1 s deadline."""
    return dataclasses.replace(
        fetch_options, timeout=(5.0, 30.0), retries=3, backoff=0.5, deadline=1.0
    )


def test_the_transport_caps_a_stalled_request_and_its_retries(
    hanging_server: RudeServer, patient: FetchOptions
) -> None:
    events: list[HttpEvent] = []
    started = time.monotonic()

    with build_session(patient, events.append) as session, pytest.raises(DeadlineExceeded):
        session.get(hanging_server.url("/api/query"))

    assert 1.0 <= time.monotonic() - started < 2.0
    assert hanging_server.accepted == 1  # no retry once the time is up
    (event,) = events
    assert (event.status, event.attempts) == (None, 1)


def test_the_transport_sends_nothing_after_the_deadline(
    hanging_server: RudeServer, patient: FetchOptions
) -> None:
    events: list[HttpEvent] = []
    options = dataclasses.replace(patient, deadline=0.0)

    with build_session(options, events.append) as session, pytest.raises(DeadlineExceeded):
        session.get(hanging_server.url("/api/query"))

    assert (hanging_server.accepted, events) == (0, [])
    assert issubclass(DeadlineExceeded, requests.RequestException)


def test_a_retry_after_beyond_the_deadline_is_not_waited_for(
    fake_arxiv: FakeArxiv, patient: FetchOptions, store: RecordStore
) -> None:
    fake_arxiv.respond_next(503, {"Retry-After": "5"})
    started = time.monotonic()

    report = fetch_arxiv(["2503.12668"], store, patient)

    assert time.monotonic() - started < 1.0
    assert (len(fake_arxiv.seen), report.requests) == (1, 1)
    assert report.warnings == ["arXiv request failed (HTTP 503); no cached value for 2503.12668"]


def test_arxiv_gives_up_at_the_deadline(
    hanging_server: RudeServer, fake_arxiv: FakeArxiv, patient: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668"], store, patient)
    age_record(store, "arxiv", "2503.12668", 2 * DAY)
    options = dataclasses.replace(patient, arxiv_api_url=hanging_server.url("/api/query"))
    started = time.monotonic()

    report = fetch_arxiv(["2503.12668", "2506.22950"], store, options)

    assert time.monotonic() - started < 2.0
    assert (hanging_server.accepted, report.requests) == (1, 1)
    assert statuses(report) == {"2503.12668": "stale", "2506.22950": "unknown"}
    assert report.results["2503.12668"].note == (
        "arXiv: gave up after 1 s (deadline); record fetched 2 d ago"
    )
    assert report.results["2506.22950"].note == (
        "arXiv: gave up after 1 s (deadline); no stored record"
    )
    assert report.warnings == [
        "arXiv: gave up after 1 s (deadline); using cached values for 2503.12668 (2 d old); "
        "no cached value for 2506.22950"
    ]


def test_arxiv_does_not_wait_its_pace_past_the_deadline(
    fake_arxiv: FakeArxiv, patient: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668"], store, dataclasses.replace(patient, arxiv_delay=0.0))
    fake_arxiv.seen.clear()
    # arXiv was asked a moment ago: with a 2 s pace the next question is due after the deadline.
    options = dataclasses.replace(patient, arxiv_delay=2.0)
    started = time.monotonic()

    report = fetch_arxiv(["2506.22950"], store, options)

    assert time.monotonic() - started < 0.5
    assert (fake_arxiv.seen, report.requests) == ([], 0)
    assert statuses(report) == {"2506.22950": "unknown"}
    assert report.warnings == [
        "arXiv: gave up after 1 s (deadline); no cached value for 2506.22950"
    ]


def test_github_gives_up_at_the_deadline(
    hanging_server: RudeServer, patient: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(patient, github_api_url=hanging_server.url())
    started = time.monotonic()

    report = fetch_github(REPOS, store, options)

    assert time.monotonic() - started < 2.0
    # One request per worker was in flight; the other three were never sent.
    assert (hanging_server.accepted, report.requests) == (4, 4)
    assert statuses(report) == dict.fromkeys(REPOS, "unknown")
    assert report.results["kaustpradalab/flashdp"].note == (
        "GitHub: gave up after 1 s (deadline); no stored record"
    )
    assert report.warnings == [
        "GitHub: gave up after 1 s (deadline); no cached value for " + ", ".join(REPOS)
    ]


def test_github_keeps_stored_records_at_the_deadline(
    fake_github: FakeGitHub,
    hanging_server: RudeServer,
    patient: FetchOptions,
    store: RecordStore,
) -> None:
    fetch_github(["liangyuwang/zo2"], store, patient)
    age_record(store, "github", "liangyuwang/zo2", 2 * DAY)
    options = dataclasses.replace(patient, github_api_url=hanging_server.url(), github_workers=1)

    report = fetch_github(["liangyuwang/zo2", "liangyuwang/Tiny-FSDP"], store, options)

    assert hanging_server.accepted == 1
    assert statuses(report) == {"liangyuwang/zo2": "stale", "liangyuwang/Tiny-FSDP": "unknown"}
    assert report.warnings == [
        "GitHub: gave up after 1 s (deadline); using cached values for liangyuwang/zo2 "
        "(2 d old); no cached value for liangyuwang/Tiny-FSDP"
    ]


def test_title_search_gives_up_at_the_deadline(
    hanging_server: RudeServer, patient: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(patient, arxiv_api_url=hanging_server.url("/api/query"))
    started = time.monotonic()

    found, report = search_arxiv_titles(TITLES, store, options)

    assert time.monotonic() - started < 2.0
    assert (found, hanging_server.accepted) == ({}, 1)
    assert statuses(report) == dict.fromkeys(TITLES, "unknown")
    assert report.warnings == [
        "arXiv title search: gave up after 1 s (deadline); no cached value for "
        + ", ".join(f'"{t}"' for t in TITLES)
    ]


def test_no_deadline_means_the_timeouts_alone_decide(
    hanging_server: RudeServer, patient: FetchOptions, store: RecordStore
) -> None:
    options = dataclasses.replace(
        patient,
        arxiv_api_url=hanging_server.url("/api/query"),
        deadline=None,
        timeout=(1.0, 0.3),
        retries=1,
        backoff=0.0,
    )

    report = fetch_arxiv(["2503.12668"], store, options)

    assert hanging_server.accepted == 2  # a try and a retry, each timed out
    assert report.warnings == ["arXiv request failed (timed out); no cached value for 2503.12668"]


def test_the_command_returns_soon_when_arxiv_stalls(
    env: dict[str, str], hanging_server: RudeServer, tmp_path: Path
) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Publications\n\n"
        "- **ZO2** [arXiv](https://arxiv.org/abs/2503.12668)\n"
        "- **DistZO2** [arXiv](https://arxiv.org/abs/2507.03211)\n",
        encoding="utf-8",
    )
    env = {
        **env,
        "SCHOLAR_ARXIV_API_URL": hanging_server.url("/api/query"),
        "SCHOLAR_HTTP_TIMEOUT": "5,30",
        "SCHOLAR_HTTP_RETRIES": "3",
        "SCHOLAR_HTTP_BACKOFF": "0.5",
        "SCHOLAR_DEADLINE": "1",
    }
    started = time.monotonic()

    result = run("list", "papers", "-p", page, "-f", "csv", "-c", "arxiv,status", env=env)

    assert time.monotonic() - started < 5.0
    assert result.exit_code == 5
    assert result.stdout.splitlines() == [
        "arxiv,status",
        "2503.12668,unknown",
        "2507.03211,unknown",
    ]
    assert result.stderr.splitlines() == [
        "scholar: arXiv: gave up after 1 s (deadline); no cached value for 2503.12668, 2507.03211",
        "scholar: error: some records could not be fetched and none were stored (see above)",
    ]
