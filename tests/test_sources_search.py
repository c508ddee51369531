"""search_arxiv_titles against a loopback arXiv: the real requests/arxiv/diskcache stack."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from scholar_cli.normalize import normalize_title
from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.options import EventHook, FetchOptions, FetchReport
from scholar_cli.sources.search import SERVICE, search_arxiv_titles, title_query
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, RudeServer


DISTZO2 = (
    "DistZO2: High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs with "
    "Distributed Parallel Computing"
)
FLASHDP = "FlashDP: Memory-Efficient and High-Throughput DP-SGD Training for Large Language Models"
NEAR_MISS = "DistZO2: : High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs"
DAY = 86400.0
ROOT = Path(__file__).resolve().parent.parent


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def test_title_query_removes_what_breaks_the_phrase() -> None:
    assert title_query(DISTZO2) == f'ti:"{DISTZO2}"'
    assert (
        title_query('The "Best"  \\emph{Model}:\n  a   study')
        == 'ti:"The Best emph{Model}: a study"'
    )
    assert title_query(' " \\ ') is None


def test_exact_title_finds_the_paper_and_a_near_miss_finds_nothing(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    found, report = search_arxiv_titles([DISTZO2, NEAR_MISS], store, fetch_options)

    assert fake_arxiv.search_queries() == [f'ti:"{DISTZO2}"', f'ti:"{NEAR_MISS}"']
    assert all(s.query["id_list"] == "" for s in fake_arxiv.seen)
    assert {s.query["max_results"] for s in fake_arxiv.seen} == {"5"}
    assert report.requests == 2
    assert report.warnings == []
    assert list(found) == [DISTZO2, NEAR_MISS]
    assert [r.id for r in found[DISTZO2]] == ["2507.03211"]
    assert found[NEAR_MISS] == []
    assert statuses(report) == {DISTZO2: "fetched", NEAR_MISS: "fetched"}

    # The same record fetch_arxiv makes from the same entry.
    by_id = fetch_arxiv(["2507.03211"], store, fetch_options)
    assert found[DISTZO2] == [by_id.results["2507.03211"].record]


def test_answers_are_stored_and_a_second_call_makes_no_request(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    first, _ = search_arxiv_titles([DISTZO2, NEAR_MISS], store, fetch_options)
    second, report = search_arxiv_titles([DISTZO2, NEAR_MISS], store, fetch_options)

    assert (report.requests, len(fake_arxiv.seen)) == (0, 2)
    assert second == first
    assert statuses(report) == {DISTZO2: "fresh", NEAR_MISS: "fresh"}
    assert report.warnings == []
    entry = store.get(SERVICE, normalize_title(DISTZO2))
    assert entry is not None
    assert entry.record["query"] == f'ti:"{DISTZO2}"'
    assert [r["id"] for r in entry.record["results"]] == ["2507.03211"]


def test_stale_answers_are_asked_again_and_refresh_asks_always(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    search_arxiv_titles([DISTZO2], store, fetch_options)
    old = dataclasses.replace(fetch_options, arxiv_max_age=0.0)
    _, stale = search_arxiv_titles([DISTZO2], store, old)
    _, refreshed = search_arxiv_titles(
        [DISTZO2], store, dataclasses.replace(fetch_options, refresh=True)
    )
    assert (stale.requests, refreshed.requests, len(fake_arxiv.seen)) == (1, 1, 3)


def test_one_request_per_distinct_title(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    shouted = DISTZO2.upper()
    titles = [DISTZO2, FLASHDP, DISTZO2, shouted, NEAR_MISS, FLASHDP]

    found, report = search_arxiv_titles(titles, store, fetch_options)

    # The same title in another case is the same search.
    assert fake_arxiv.search_queries() == [
        f'ti:"{DISTZO2}"',
        f'ti:"{FLASHDP}"',
        f'ti:"{NEAR_MISS}"',
    ]
    assert report.requests == 3
    assert list(found) == [DISTZO2, shouted, FLASHDP, NEAR_MISS]
    assert found[shouted] == found[DISTZO2]
    assert [r.id for r in found[FLASHDP]] == ["2507.01154"]


def test_requests_are_sequential_and_paced(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    paced = dataclasses.replace(fetch_options, arxiv_delay=0.2)
    titles = [DISTZO2, FLASHDP, NEAR_MISS, "Something Else Entirely"]

    search_arxiv_titles(titles, store, paced)

    times = [s.at for s in fake_arxiv.seen]
    assert len(times) == 4
    assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(times))


def test_offline_uses_stored_answers_and_leaves_the_rest_out(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    search_arxiv_titles([DISTZO2], store, fetch_options)
    offline = dataclasses.replace(fetch_options, offline=True)

    found, report = search_arxiv_titles([DISTZO2, FLASHDP], store, offline)

    assert (report.requests, len(fake_arxiv.seen)) == (0, 1)
    assert list(found) == [DISTZO2]
    assert [r.id for r in found[DISTZO2]] == ["2507.03211"]
    assert statuses(report) == {DISTZO2: "offline", FLASHDP: "unknown"}
    assert report.warnings == [f'arXiv title search: offline; no cached value for "{FLASHDP}"']


def test_offline_never_opens_a_socket(
    fetch_options: FetchOptions, store: RecordStore, unused_port: int
) -> None:
    offline = dataclasses.replace(
        fetch_options, offline=True, arxiv_api_url=f"http://127.0.0.1:{unused_port}/api/query"
    )

    def no_session(options: FetchOptions, on_event: EventHook | None) -> NoReturn:
        raise AssertionError("an offline run builds no session")

    found, report = search_arxiv_titles([DISTZO2], store, offline, no_session)

    assert found == {}
    assert report.requests == 0
    assert len(report.warnings) == 1


def test_503_leaves_titles_out_with_one_warning(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_arxiv.respond_next(503, times=2)  # the first try and the one transport retry

    found, report = search_arxiv_titles([DISTZO2, FLASHDP], store, fetch_options)

    # The first title failed: the second is not asked (do not hammer a failing service).
    assert (report.requests, len(fake_arxiv.seen)) == (2, 2)
    assert found == {}
    assert statuses(report) == {DISTZO2: "unknown", FLASHDP: "unknown"}
    assert report.warnings == [
        "arXiv title search request failed (HTTP 503); "
        f'no cached value for "{DISTZO2}", "{FLASHDP}"'
    ]
    assert store.get(SERVICE, normalize_title(FLASHDP)) is None


def test_a_failure_falls_back_to_a_stored_answer_of_any_age(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    search_arxiv_titles([DISTZO2], store, fetch_options)
    fake_arxiv.respond_next(503, times=2)
    old = dataclasses.replace(fetch_options, arxiv_max_age=0.0)

    found, report = search_arxiv_titles([DISTZO2, FLASHDP], store, old)

    assert [r.id for r in found[DISTZO2]] == ["2507.03211"]
    assert FLASHDP not in found
    assert statuses(report) == {DISTZO2: "stale", FLASHDP: "unknown"}
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("arXiv title search request failed (HTTP 503); ")


def test_connection_failures_leave_titles_out(
    fetch_options: FetchOptions,
    store: RecordStore,
    unused_port: int,
    dropping_server: RudeServer,
) -> None:
    for url in (f"http://127.0.0.1:{unused_port}/api/query", dropping_server.url("/api/query")):
        options = dataclasses.replace(fetch_options, arxiv_api_url=url)
        found, report = search_arxiv_titles([DISTZO2, FLASHDP], store, options)
        assert found == {}
        assert len(report.warnings) == 1
        assert report.warnings[0].startswith("arXiv title search request failed (")
        assert report.requests >= 1


def test_titles_with_nothing_to_search_are_never_sent(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    found, report = search_arxiv_titles(['""', "  "], store, fetch_options)
    assert (found, report.requests, fake_arxiv.seen) == ({}, 0, [])
    assert len(report.warnings) == 1


PROGRAM = """
import json, sys
from pathlib import Path
from scholar_cli.sources.options import FetchOptions
from scholar_cli.sources.store import RecordStore
from scholar_cli.sources.search import search_arxiv_titles

cache, url, mode, title = sys.argv[1:]
options = FetchOptions(
    cache_dir=Path(cache), arxiv_api_url=url, arxiv_delay=0, offline=mode == "offline"
)
with RecordStore(options.cache_dir) as store:
    found, report = search_arxiv_titles([title], store, options)
print(json.dumps({
    "found": sorted(found),
    "requests": report.requests,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("requests", "arxiv", "lxml")),
}))
"""


def test_a_warm_or_offline_search_loads_no_http_stack(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    search_arxiv_titles([DISTZO2], store, fetch_options)
    for mode in ("online", "offline"):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                PROGRAM,
                str(fetch_options.cache_dir),
                fake_arxiv.url,
                mode,
                DISTZO2,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            timeout=60,
            check=True,
        )
        assert json.loads(done.stdout) == {"found": [DISTZO2], "requests": 0, "loaded": []}
    assert len(fake_arxiv.seen) == 1
