"""fetch_citations against loopback OpenAlex and Semantic Scholar: the real requests/diskcache
stack, nothing patched. Batches, which work's count, and what a failure leaves the user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from scholar_cli.models import CITATION_SOURCES, CitationRecord, CitationSource
from scholar_cli.sources import store as store_module
from scholar_cli.sources.citations import CitationQuery, fetch_citations
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.plan import batches
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from citation_servers import FakeOpenAlex, FakeSemanticScholar
    from servers import RudeServer

pytestmark = pytest.mark.usefixtures("citation_env")

ROOT = Path(__file__).resolve().parent.parent
DAY = 86400.0
ZO2 = CitationQuery("2503.12668", arxiv_id="2503.12668", doi="10.5555/zo2.colm.2025")
MANY = [f"2501.{i:05d}" for i in range(1, 251)]  # 250 papers


@pytest.fixture
def options(tmp_path: Path) -> FetchOptions:
    return FetchOptions(cache_dir=tmp_path / "cache", timeout=(2.0, 2.0), retries=0, backoff=0.0)


@pytest.fixture
def store(options: FetchOptions) -> Iterator[RecordStore]:
    with RecordStore(options.cache_dir) as opened:
        yield opened


@pytest.fixture
def env(fake_openalex: FakeOpenAlex, fake_s2: FakeSemanticScholar) -> dict[str, str]:
    return {"SCHOLAR_OPENALEX_URL": fake_openalex.url, "SCHOLAR_S2_URL": fake_s2.url}


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def record(report: FetchReport, key: str) -> CitationRecord:
    found = report.results[key].record
    assert isinstance(found, CitationRecord)
    return found


def age(store: RecordStore, source: str, key: str, seconds: float) -> None:
    entry = store.get(source, key)
    assert entry is not None
    store.put(source, key, entry.record, fetched_at=time.time() - seconds)


def test_the_store_knows_the_citation_services() -> None:
    assert {"openalex", "semanticscholar"} <= set(store_module.SERVICES)


# -- batches ------------------------------------------------------------------------------


def test_openalex_asks_for_250_papers_in_3_requests(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    for n, arxiv_id in enumerate(MANY, start=1):
        fake_openalex.add_work(f"10.48550/arXiv.{arxiv_id}", n)
    queries = [CitationQuery(i, arxiv_id=i) for i in MANY]

    report = fetch_citations(queries, store, options, "openalex", environ=env)

    assert report.requests == 3
    assert [len(f) for f in fake_openalex.filters()] == [100, 100, 50]
    assert fake_openalex.filters()[0][:2] == [
        "10.48550/arxiv.2501.00001",
        "10.48550/arxiv.2501.00002",
    ]
    assert {(a.query["per_page"], a.query["select"]) for a in fake_openalex.seen} == {
        ("100", "id,doi,cited_by_count")
    }
    assert statuses(report) == dict.fromkeys(MANY, "fetched")
    assert record(report, "2501.00007").count == 7
    assert report.warnings == []


def test_semanticscholar_asks_for_250_papers_in_1_request(
    fake_s2: FakeSemanticScholar, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    for n, arxiv_id in enumerate(MANY, start=1):
        fake_s2.add_paper(n, arxiv=arxiv_id)

    report = fetch_citations(
        [CitationQuery(i, arxiv_id=i) for i in MANY], store, options, "semanticscholar", environ=env
    )

    assert report.requests == 1
    assert fake_s2.batches() == [[f"ARXIV:{i}" for i in MANY]]
    assert fake_s2.seen[0].query == {"fields": "citationCount,externalIds"}
    assert statuses(report) == dict.fromkeys(MANY, "fetched")
    assert record(report, "2501.00250").count == 250


@pytest.mark.parametrize(
    ("source", "requests", "largest"), [("openalex", 5, 100), ("semanticscholar", 1, 500)]
)
def test_published_dois_go_in_the_same_batches(
    source: CitationSource,
    requests: int,
    largest: int,
    options: FetchOptions,
    store: RecordStore,
    env: dict[str, str],
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> None:
    queries = [CitationQuery(i, arxiv_id=i, doi=f"10.5555/paper.{i}") for i in MANY]

    report = fetch_citations(queries, store, options, source, environ=env)

    asked = fake_openalex.filters() if source == "openalex" else fake_s2.batches()
    assert report.requests == len(asked) == requests
    assert max(len(values) for values in asked) == largest
    where = {value.lower(): n for n, values in enumerate(asked) for value in values}
    assert len(where) == 500
    for i in MANY:  # a paper's two identifiers are never split between requests
        if source == "openalex":
            assert where[f"10.48550/arxiv.{i}"] == where[f"10.5555/paper.{i}"]
        else:
            assert where[f"arxiv:{i}"] == where[f"doi:10.5555/paper.{i}"]
    assert statuses(report) == dict.fromkeys(MANY, "not_found")


def test_batches_keep_each_papers_identifiers_together() -> None:
    pairs = [("a", "A"), ("b", None), ("c", "C"), (None, "D"), ("e", "e")]

    assert batches(pairs, 3) == [[0, 1], [2, 3], [4]]
    assert batches(pairs, 100) == [[0, 1, 2, 3, 4]]


# -- which work -----------------------------------------------------------------------------


def test_openalex_reports_the_published_version_never_the_sum(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    queries = [
        ZO2,
        CitationQuery("2506.22950", arxiv_id="2506.22950", doi="10.5555/not-in-openalex"),
        CitationQuery("10.5555/merged.2024", doi="10.5555/merged.2024"),
    ]

    report = fetch_citations(queries, store, options, "openalex", environ=env)

    assert report.requests == 1
    assert fake_openalex.filters() == [
        [
            "10.48550/arxiv.2503.12668",
            "10.5555/zo2.colm.2025",
            "10.48550/arxiv.2506.22950",
            "10.5555/not-in-openalex",
            "10.5555/merged.2024",
        ]
    ]
    assert record(report, "2503.12668") == CitationRecord(
        count=31,
        source="openalex",
        work_id="https://openalex.org/W4412270002",
        matched="10.5555/zo2.colm.2025",
        arxiv_id="2503.12668",
        doi="10.5555/zo2.colm.2025",
        published_doi="10.5555/zo2.colm.2025",
        preprint_count=7,
    )
    assert [(f.status, f.note) for f in report.results.values()] == [
        ("fetched", "published version 10.5555/zo2.colm.2025; preprint has 7"),
        ("fetched", "preprint's count: OpenAlex does not list 10.5555/not-in-openalex"),
        ("fetched", "published version 10.5555/merged.2024"),
    ]
    assert [record(report, k).count for k in report.results] == [31, 4, 12]
    assert record(report, "2506.22950").matched == "10.48550/arxiv.2506.22950"
    fetched_at = report.results["2503.12668"].fetched_at
    assert fetched_at is not None and abs(fetched_at - time.time()) < 60
    assert report.warnings == []


def test_semanticscholar_merged_paper_counts_once(
    fake_s2: FakeSemanticScholar, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    queries = [ZO2, CitationQuery("2402.00002", arxiv_id="2402.00002", doi="10.5555/separate.2024")]

    report = fetch_citations(queries, store, options, "semanticscholar", environ=env)

    assert fake_s2.batches() == [
        [
            "ARXIV:2503.12668",
            "DOI:10.5555/zo2.colm.2025",
            "ARXIV:2402.00002",
            "DOI:10.5555/separate.2024",
        ]
    ]
    zo2 = record(report, "2503.12668")
    assert (zo2.count, zo2.preprint_count, zo2.matched) == (35, None, "DOI:10.5555/zo2.colm.2025")
    assert zo2.work_id == "5c2b8f0e4d3a2b1c0f9e8d7c6b5a493827161504"
    assert report.results["2503.12668"].note == "published version 10.5555/zo2.colm.2025"
    separate = record(report, "2402.00002")
    assert (separate.count, separate.preprint_count) == (20, 3)
    assert (
        report.results["2402.00002"].note
        == "published version 10.5555/separate.2024; preprint has 3"
    )


# -- what a failure leaves ----------------------------------------------------------------

FAILURES = [
    pytest.param(
        429,
        "openalex/rate-limit.json",
        "rate limit reached (HTTP 429; {env} raises the allowance)",
        id="429",
    ),
    pytest.param(
        403,
        {"error": "Forbidden"},
        "refused the request (HTTP 403; {env} raises the allowance)",
        id="403",
    ),
    pytest.param(503, "<html>Service Unavailable</html>", "request failed (HTTP 503)", id="503"),
    pytest.param(200, "<html>maintenance</html>", "request failed (unexpected answer)", id="html"),
    pytest.param(200, {"results": "none"}, "request failed (unexpected answer)", id="bad-json"),
]
SOURCES = {  # label, key variable, ZO2's count and its note
    "openalex": ("OpenAlex", "OPENALEX_API_KEY", 31, "; preprint has 7"),
    "semanticscholar": ("Semantic Scholar", "S2_API_KEY", 35, ""),
}


@pytest.mark.parametrize("source", CITATION_SOURCES)
@pytest.mark.parametrize(("status", "body", "cause"), FAILURES)
def test_a_failed_request_keeps_the_last_good_count(
    source: CitationSource,
    status: int,
    body: object,
    cause: str,
    options: FetchOptions,
    store: RecordStore,
    env: dict[str, str],
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> None:
    from servers import load_fixture

    label, key_env, count, preprint = SOURCES[source]
    fake = fake_openalex if source == "openalex" else fake_s2
    first = fetch_citations([ZO2], store, options, source, environ=env)
    assert record(first, "2503.12668").count == count
    age(store, source, "2503.12668", 8 * DAY)
    body = load_fixture(body) if isinstance(body, str) and body.endswith(".json") else body
    fake.respond_next(status, body)

    report = fetch_citations([ZO2], store, options, source, environ=env)

    kept = report.results["2503.12668"]
    why = f"{label} {cause.format(env=key_env)}"
    assert (kept.status, kept.record) == ("stale", first.results["2503.12668"].record)
    assert kept.fetched_at is not None and time.time() - kept.fetched_at > 7 * DAY
    assert (
        kept.note
        == f"{why}; record fetched 8 d ago; published version 10.5555/zo2.colm.2025{preprint}"
    )
    assert report.warnings == [f"{why}; using cached values for 2503.12668 (8 d old)"]


@pytest.mark.parametrize("source", CITATION_SOURCES)
def test_never_fetched_and_refused_is_unknown_not_zero(
    source: CitationSource,
    options: FetchOptions,
    store: RecordStore,
    env: dict[str, str],
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> None:
    label, key_env, _, _ = SOURCES[source]
    (fake_openalex if source == "openalex" else fake_s2).respond_next(
        429, {"message": "Too Many Requests"}
    )

    report = fetch_citations([ZO2], store, options, source, environ=env)

    unknown = report.results["2503.12668"]
    why = f"{label} rate limit reached (HTTP 429; {key_env} raises the allowance)"
    assert (unknown.status, unknown.record, unknown.fetched_at) == ("unknown", None, None)
    assert unknown.note == f"{why}; no stored record"
    assert report.warnings == [f"{why}; no cached value for 2503.12668"]


def test_a_failure_stops_the_requests_still_due(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    fake_openalex.respond_next(503, "busy")

    report = fetch_citations(
        [CitationQuery(i, arxiv_id=i) for i in MANY], store, options, "openalex", environ=env
    )

    assert report.requests == 1 and len(fake_openalex.seen) == 1
    assert set(statuses(report).values()) == {"unknown"}
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(
        "OpenAlex request failed (HTTP 503); no cached value for 2501.00001, "
    )


@pytest.mark.parametrize("source", CITATION_SOURCES)
def test_a_paper_the_source_does_not_know_is_not_found(
    source: CitationSource, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    label = SOURCES[source][0]
    queries = [
        CitationQuery("2506.22950", arxiv_id="2506.22950"),
        CitationQuery("2501.99999v2", arxiv_id="2501.99999v2"),
    ]

    report = fetch_citations(queries, store, options, source, environ=env)

    assert statuses(report) == {"2506.22950": "fetched", "2501.99999v2": "not_found"}
    assert report.results["2501.99999v2"].note == f"{label} does not list it"
    assert report.warnings == [f"not found on {label}: 2501.99999v2"]


def test_a_semanticscholar_answer_out_of_order_is_not_believed(
    fake_s2: FakeSemanticScholar, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    other = {"paperId": "f" * 40, "externalIds": {"ArXiv": "2506.22950"}, "citationCount": 5}
    fake_s2.respond_next(200, [other])

    report = fetch_citations(
        [CitationQuery("2503.12668", arxiv_id="2503.12668")],
        store,
        options,
        "semanticscholar",
        environ=env,
    )

    unknown = report.results["2503.12668"]
    assert (unknown.status, unknown.record) == ("unknown", None)
    assert unknown.note == "Semantic Scholar request failed (unexpected answer); no stored record"


def test_a_paper_left_out_of_an_answer_keeps_its_count(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    query = CitationQuery("2506.22950", arxiv_id="2506.22950")
    fetch_citations([query], store, options, "openalex", environ=env)
    age(store, "openalex", "2506.22950", 8 * DAY)
    fake_openalex.works = [w for w in fake_openalex.works if "2506.22950" not in w["doi"]]

    report = fetch_citations([query], store, options, "openalex", environ=env)

    kept = report.results["2506.22950"]
    assert (kept.status, record(report, "2506.22950").count) == ("stale", 4)
    assert (
        kept.note
        == "OpenAlex's answer left out papers it has counted before; record fetched 8 d ago"
    )


def test_an_answer_cut_short_proves_nothing(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    for n in range(101):  # duplicates of one DOI fill the page
        fake_openalex.add_work("10.5555/duplicated", n)
    fake_openalex.add_work("10.5555/after.them", 9)
    queries = [CitationQuery(d, doi=d) for d in ("10.5555/duplicated", "10.5555/after.them")]

    report = fetch_citations(queries, store, options, "openalex", environ=env)

    assert record(report, "10.5555/duplicated").count == 99  # the most cited on the page, no sum
    late = report.results["10.5555/after.them"]
    assert (late.status, late.record) == ("unknown", None)
    assert late.note == "OpenAlex's answer was cut short (more works than a page); no stored record"


def test_the_deadline_ends_a_stalled_request(
    hanging_server: RudeServer, options: FetchOptions, store: RecordStore
) -> None:
    import dataclasses

    patient = dataclasses.replace(options, timeout=(5.0, 30.0), retries=3, deadline=0.5)
    started = time.monotonic()

    report = fetch_citations(
        [ZO2], store, patient, "openalex", environ={"SCHOLAR_OPENALEX_URL": hanging_server.url()}
    )

    assert time.monotonic() - started < 5
    assert (
        report.results["2503.12668"].note
        == "OpenAlex: gave up after 0.5 s (deadline); no stored record"
    )


# -- the store first ----------------------------------------------------------------------


def test_fresh_counts_cost_nothing_and_offline_uses_any_age(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    import dataclasses

    fetch_citations([ZO2], store, options, "openalex", environ=env)
    again = fetch_citations([ZO2], store, options, "openalex", environ=env)
    assert (statuses(again), again.requests, len(fake_openalex.seen)) == (
        {"2503.12668": "fresh"},
        0,
        1,
    )
    assert (
        again.results["2503.12668"].note
        == "published version 10.5555/zo2.colm.2025; preprint has 7"
    )

    age(store, "openalex", "2503.12668", 30 * DAY)
    offline = dataclasses.replace(options, offline=True)
    report = fetch_citations(
        [ZO2, CitationQuery("2506.22950", arxiv_id="2506.22950")],
        store,
        offline,
        "openalex",
        environ=env,
    )
    assert statuses(report) == {"2503.12668": "offline", "2506.22950": "unknown"}
    assert record(report, "2503.12668").count == 31 and len(fake_openalex.seen) == 1


def test_a_newly_known_published_doi_is_asked_for(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    preprint_only = CitationQuery("2503.12668", arxiv_id="2503.12668")
    assert (
        record(
            fetch_citations([preprint_only], store, options, "openalex", environ=env), "2503.12668"
        ).count
        == 7
    )

    fake_openalex.respond_next(503, "busy")
    failed = fetch_citations([ZO2], store, options, "openalex", environ=env)
    assert (failed.results["2503.12668"].status, record(failed, "2503.12668").count) == ("stale", 7)
    assert failed.results["2503.12668"].note.endswith(
        "; counted before the page named 10.5555/zo2.colm.2025"
    )

    asked = fetch_citations([ZO2], store, options, "openalex", environ=env)
    assert (asked.results["2503.12668"].status, record(asked, "2503.12668").count) == (
        "fetched",
        31,
    )
    assert len(fake_openalex.seen) == 3


def test_malformed_papers_are_never_sent(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    queries = [
        CitationQuery("x", arxiv_id="not-an-id"),
        CitationQuery("y", doi="doi but not one"),
        CitationQuery("z"),
        CitationQuery("10.48550/arXiv.2503.12668", doi="https://doi.org/10.48550/arXiv.2503.12668"),
    ]

    report = fetch_citations(queries, store, options, "openalex", environ=env)

    assert statuses(report) == {
        "x": "malformed",
        "y": "malformed",
        "z": "malformed",
        "10.48550/arXiv.2503.12668": "fetched",
    }
    assert fake_openalex.filters() == [["10.48550/arxiv.2503.12668"]]
    assert record(report, "10.48550/arXiv.2503.12668").count == 7
    assert report.warnings == ["not arXiv ids or DOIs (never sent): x, y, z"]


def test_a_warm_run_sends_nothing_and_loads_no_http_stack(
    options: FetchOptions, store: RecordStore, env: dict[str, str], unused_port: int
) -> None:
    for source in CITATION_SOURCES:
        fetch_citations([ZO2], store, options, source, environ=env)
    store.close()
    program = f"""
import json, sys
from pathlib import Path
from scholar_cli.sources import store as store_module
from scholar_cli.sources.citations import CitationQuery, fetch_citations
from scholar_cli.sources.options import FetchOptions
options = FetchOptions(cache_dir=Path({str(options.cache_dir)!r}))
env = {{"SCHOLAR_OPENALEX_URL": "http://127.0.0.1:{unused_port}", "SCHOLAR_S2_URL": "http://127.0.0.1:{unused_port}",
        "OPENALEX_API_KEY": "k1", "S2_API_KEY": "k2"}}
query = CitationQuery("2503.12668", arxiv_id="2503.12668", doi="10.5555/zo2.colm.2025")
with store_module.RecordStore(options.cache_dir) as store:
    reports = [fetch_citations([query], store, options, s, environ=env) for s in ("openalex", "semanticscholar")]
print(json.dumps({{
    "statuses": sorted({{f.status for r in reports for f in r.results.values()}}),
    "requests": sum(r.requests for r in reports),
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("requests", "urllib3", "arxiv", "lxml")),
}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
        check=True,
    )

    assert json.loads(done.stdout) == {"statuses": ["fresh"], "requests": 0, "loaded": []}


def test_records_round_trip_through_json() -> None:
    counted = CitationRecord(
        31,
        "openalex",
        "https://openalex.org/W1",
        "10.5555/x",
        "2503.12668",
        "10.5555/x",
        "10.5555/x",
        7,
    )

    assert list(counted.to_json_dict()) == [
        "count", "source", "work_id", "matched", "arxiv_id", "doi", "published_doi", "preprint_count",
    ]  # fmt: skip
    assert CitationRecord.from_json_dict(json.loads(json.dumps(counted.to_json_dict()))) == counted


@pytest.mark.parametrize(
    "change",
    [{"count": "31"}, {"source": "semanticscholar"}, {"preprint_count": -1}, {"work_id": None}],
)
def test_a_stored_record_of_another_shape_is_asked_for_again(
    change: dict[str, object], options: FetchOptions, store: RecordStore, env: dict[str, str]
) -> None:
    fetch_citations([ZO2], store, options, "openalex", environ=env)
    entry = store.get("openalex", "2503.12668")
    assert entry is not None
    store.put("openalex", "2503.12668", {**entry.record, **change}, fetched_at=time.time())

    report = fetch_citations([ZO2], store, options, "openalex", environ=env)

    assert (statuses(report), report.requests, record(report, "2503.12668").count) == (
        {"2503.12668": "fetched"}, 1, 31,
    )  # fmt: skip
