"""fetch_arxiv against a loopback arXiv: the real requests/arxiv/diskcache stack, nothing patched."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from scholar_cli.models import ArxivRecord
from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.http import USER_AGENT
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, RudeServer


# The arXiv ids of /work/shared/pages/about-html.md, in page order.
PAGE_IDS = ["2503.12668", "2507.01154", "2506.22950", "2507.03211"]
DAY = 86400.0


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def age_records(store: RecordStore, keys: list[str], seconds: float) -> None:
    """Make stored records look `seconds` old."""
    for key in keys:
        entry = store.get("arxiv", key)
        assert entry is not None
        store.put("arxiv", key, entry.record, fetched_at=time.time() - seconds)


def test_one_request_for_every_id_of_a_page(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_arxiv(PAGE_IDS, store, fetch_options)

    assert report.requests == 1
    assert fake_arxiv.id_lists() == [PAGE_IDS]
    (seen,) = fake_arxiv.seen
    assert (seen.query["start"], seen.query["max_results"]) == ("0", "100")
    assert seen.header("User-Agent") == USER_AGENT
    assert statuses(report) == dict.fromkeys(PAGE_IDS, "fetched")
    assert report.warnings == []
    zo2 = report.results["2503.12668"].record
    assert isinstance(zo2, ArxivRecord)
    assert dataclasses.replace(zo2, abstract="") == ArxivRecord(
        id="2503.12668",
        version=2,
        published="2025-03-16T21:25:46Z",
        updated="2025-07-09T08:41:52Z",
        title="ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large Language Models "
        "with Limited GPU Memory",
        authors=(
            "Liangyu Wang",
            "Jie Ren",
            "Hang Xu",
            "Junxiao Wang",
            "Huanyi Xie",
            "David E. Keyes",
            "Di Wang",
        ),
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI"),
        doi=None,
        journal_ref="COLM 2025",
        comment="14 pages, 7 figures",
        abstract="",
    )
    assert zo2.abstract.startswith("Fine-tuning large language models with first-order")
    flashdp = report.results["2507.01154"].record
    assert isinstance(flashdp, ArxivRecord)
    assert (flashdp.version, flashdp.doi) == (2, "10.48550/arXiv.2507.01154")
    distzo2 = report.results["2507.03211"].record
    assert isinstance(distzo2, ArxivRecord)
    assert distzo2.authors == ("Liangyu Wang", "Huanyi Xie", "Di Wang")
    assert (distzo2.version, distzo2.comment, distzo2.journal_ref) == (1, None, None)


def test_second_run_makes_no_request(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    first = fetch_arxiv(PAGE_IDS, store, fetch_options)
    second = fetch_arxiv(PAGE_IDS, store, fetch_options)

    assert (first.requests, second.requests, len(fake_arxiv.seen)) == (1, 0, 1)
    assert statuses(second) == dict.fromkeys(PAGE_IDS, "fresh")
    assert {k: f.record for k, f in second.results.items()} == {
        k: f.record for k, f in first.results.items()
    }
    assert second.results["2503.12668"].fetched_at == first.results["2503.12668"].fetched_at


def test_only_stale_and_missing_ids_are_asked_for(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668", "2507.01154"], store, fetch_options)
    age_records(store, ["2507.01154"], 2 * DAY)

    report = fetch_arxiv(PAGE_IDS, store, fetch_options)

    assert fake_arxiv.id_lists()[1] == ["2507.01154", "2506.22950", "2507.03211"]
    assert statuses(report) == {
        "2503.12668": "fresh",
        "2507.01154": "fetched",
        "2506.22950": "fetched",
        "2507.03211": "fetched",
    }


def test_refresh_asks_even_for_fresh_records(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(PAGE_IDS, store, fetch_options)
    report = fetch_arxiv(PAGE_IDS, store, dataclasses.replace(fetch_options, refresh=True))

    assert fake_arxiv.id_lists() == [PAGE_IDS, PAGE_IDS]
    assert statuses(report) == dict.fromkeys(PAGE_IDS, "fetched")


def test_results_are_matched_by_id_and_missing_ids_are_not_found(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    # 0808.0539 is well-formed but does not exist: arXiv silently leaves it out of the feed.
    ids = ["2507.03211", "0808.0539", "2503.12668"]
    report = fetch_arxiv(ids, store, fetch_options)

    assert statuses(report) == {
        "2507.03211": "fetched",
        "0808.0539": "not_found",
        "2503.12668": "fetched",
    }
    assert report.results["0808.0539"].note == "arXiv has no such paper"
    assert report.results["0808.0539"].record is None
    records = {
        k: f.record.id for k, f in report.results.items() if isinstance(f.record, ArxivRecord)
    }
    assert records == {"2507.03211": "2507.03211", "2503.12668": "2503.12668"}
    assert report.warnings == ["not found on arXiv: 0808.0539"]
    assert store.get("arxiv", "0808.0539") is None


def test_old_style_id_and_wrapped_text(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_arxiv(["hep-th/9901001"], store, fetch_options)

    record = report.results["hep-th/9901001"].record
    assert isinstance(record, ArxivRecord)
    assert record.id == "hep-th/9901001"
    assert record.version == 1
    assert record.title == (
        "An Old-Style Identifier: Fixture Entry with a Title Hard-Wrapped the Way Early Feeds "
        "Wrote It"
    )
    assert record.authors == ("A. Example", "B. Sample")
    assert record.abstract == (
        "A synthetic entry for an identifier of the pre-2007 scheme (archive/YYMMNNN). Its title "
        "and abstract are wrapped across lines, as arXiv wrote them then, so a reader must "
        "collapse whitespace."
    )
    assert (record.primary_category, record.categories) == ("hep-th", ("hep-th",))


def test_malformed_ids_are_never_sent(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    ids = ["abc", "2503.12668", "arXiv:2503.12668", "2503.12668v2", "2503.126"]
    report = fetch_arxiv(ids, store, fetch_options)

    assert fake_arxiv.id_lists() == [["2503.12668"]]
    assert statuses(report) == {
        "abc": "malformed",
        "2503.12668": "fetched",
        "arXiv:2503.12668": "malformed",
        "2503.12668v2": "fetched",
        "2503.126": "malformed",
    }
    assert report.results["abc"].note == "not an arXiv id; never sent"
    assert report.warnings == ["not arXiv ids (never sent): abc, arXiv:2503.12668, 2503.126"]

    only_junk = fetch_arxiv(["abc", "12345"], store, fetch_options)
    assert (only_junk.requests, len(fake_arxiv.seen)) == (0, 1)


def test_the_fake_answers_a_malformed_id_like_arxiv(fake_arxiv: FakeArxiv) -> None:
    # The reason ids are validated first: one bad id fails the whole batch with a 400.
    import requests

    response = requests.get(fake_arxiv.url, params={"id_list": "2503.12668,abc"}, timeout=5)
    assert response.status_code == 400
    assert "<summary>incorrect id format for abc</summary>" in response.text


def test_batches_of_at_most_100_ids_one_after_another(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    unknown = [f"2501.{n:05d}" for n in range(1, 201)]
    # A known paper in every batch: a batch answer that lists none of its ids would be
    # confirmed id by id (test_sources_arxiv_answers.py).
    ids = [PAGE_IDS[0], *unknown[:99], PAGE_IDS[1], *unknown[99:198], *PAGE_IDS[2:], *unknown[198:]]
    options = dataclasses.replace(fetch_options, arxiv_delay=0.2)

    report = fetch_arxiv(ids, store, options)

    assert fake_arxiv.id_lists() == [ids[:100], ids[100:200], ids[200:]]
    assert [len(batch) for batch in fake_arxiv.id_lists()] == [100, 100, 4]
    gaps = [b.at - a.at for a, b in zip(fake_arxiv.seen, fake_arxiv.seen[1:], strict=False)]
    assert min(gaps) >= 0.2
    assert report.requests == 3
    assert [k for k, f in report.results.items() if f.status == "fetched"] == PAGE_IDS
    assert sum(f.status == "not_found" for f in report.results.values()) == 200


def test_stale_record_is_used_when_arxiv_answers_503(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668"], store, fetch_options)
    age_records(store, ["2503.12668"], 2 * DAY)
    kept = store.get("arxiv", "2503.12668")
    fake_arxiv.respond_next(503, times=2)  # the first try and the one retry

    report = fetch_arxiv(["2503.12668", "2506.22950"], store, fetch_options)

    assert report.requests == 2
    assert len(fake_arxiv.seen) == 3
    assert statuses(report) == {"2503.12668": "stale", "2506.22950": "unknown"}
    zo2 = report.results["2503.12668"]
    assert zo2.note == "arXiv request failed (HTTP 503); record fetched 2 d ago"
    assert isinstance(zo2.record, ArxivRecord) and zo2.record.version == 2
    assert kept is not None and zo2.fetched_at == kept.fetched_at
    assert report.results["2506.22950"].note == (
        "arXiv request failed (HTTP 503); no stored record"
    )
    assert report.warnings == [
        "arXiv request failed (HTTP 503); using cached values for 2503.12668 (2 d old); "
        "no cached value for 2506.22950"
    ]
    assert store.get("arxiv", "2503.12668") == kept  # a failure does not renew the record


def test_stale_record_is_used_when_the_connection_drops(
    dropping_server: RudeServer, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668"], store, fetch_options)
    age_records(store, ["2503.12668"], 2 * DAY)
    options = dataclasses.replace(fetch_options, arxiv_api_url=dropping_server.url("/api/query"))

    report = fetch_arxiv(["2503.12668"], store, options)

    assert dropping_server.accepted == 2  # one try, one retry
    assert report.requests == 2
    assert report.results["2503.12668"].status == "stale"
    assert report.results["2503.12668"].note == (
        "arXiv request failed (connection closed without an answer); record fetched 2 d ago"
    )
    assert report.warnings == [
        "arXiv request failed (connection closed without an answer); "
        "using cached values for 2503.12668 (2 d old)"
    ]


def test_a_silent_server_times_out_instead_of_hanging(
    hanging_server: RudeServer, fetch_options: FetchOptions, store: RecordStore
) -> None:
    # The arxiv package passes no timeout; the transport adapter must supply one.
    options = dataclasses.replace(
        fetch_options,
        arxiv_api_url=hanging_server.url("/api/query"),
        timeout=(0.5, 0.3),
        retries=0,
    )
    started = time.monotonic()

    report = fetch_arxiv(["2503.12668"], store, options)

    assert time.monotonic() - started < 10
    assert report.results["2503.12668"].status == "unknown"
    assert report.results["2503.12668"].note == (
        "arXiv request failed (timed out); no stored record"
    )


def test_retry_after_is_honoured(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_arxiv.respond_next(503, {"Retry-After": "1"})

    report = fetch_arxiv(["2503.12668"], store, fetch_options)

    assert report.results["2503.12668"].status == "fetched"
    assert report.requests == 2
    first, second = fake_arxiv.seen
    assert second.at - first.at >= 1.0


def test_offline_never_opens_a_socket(
    dropping_server: RudeServer, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv(["2503.12668", "2507.01154"], store, fetch_options)
    age_records(store, ["2507.01154"], 5 * DAY)
    options = dataclasses.replace(
        fetch_options, offline=True, arxiv_api_url=dropping_server.url("/api/query")
    )

    report = fetch_arxiv(["2503.12668", "2507.01154", "2506.22950"], store, options)

    assert dropping_server.accepted == 0
    assert report.requests == 0
    assert statuses(report) == {
        "2503.12668": "offline",
        "2507.01154": "offline",
        "2506.22950": "unknown",
    }
    assert report.results["2503.12668"].note == "offline; fetched 0 s ago"
    assert report.results["2507.01154"].note == "offline; fetched 5 d ago"
    assert report.results["2506.22950"].note == "offline and no stored record"
    assert report.warnings == [
        "arXiv: offline; using cached values for 2507.01154 (5 d old); "
        "no cached value for 2506.22950"
    ]


def test_records_survive_reopening_the_store(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, tmp_path: Path
) -> None:
    with RecordStore(fetch_options.cache_dir) as first:
        fetch_arxiv(PAGE_IDS, first, fetch_options)
    with RecordStore(fetch_options.cache_dir) as again:
        report = fetch_arxiv(PAGE_IDS, again, fetch_options)

    assert statuses(report) == dict.fromkeys(PAGE_IDS, "fresh")
    assert len(fake_arxiv.seen) == 1


def test_a_paper_missing_from_the_answer_keeps_its_stored_record(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    # arXiv never deletes papers: an answer without a known one is a bad answer.
    fetch_arxiv(["2503.12668"], store, fetch_options)
    age_records(store, ["2503.12668"], 2 * DAY)
    del fake_arxiv.entries["2503.12668"]

    report = fetch_arxiv(["2503.12668", "2506.22950"], store, fetch_options)

    assert statuses(report) == {"2503.12668": "stale", "2506.22950": "fetched"}
    assert report.results["2503.12668"].note == (
        "arXiv's answer left out papers it has listed before; record fetched 2 d ago"
    )
    assert report.warnings == [
        "arXiv's answer left out papers it has listed before; "
        "using cached values for 2503.12668 (2 d old)"
    ]
