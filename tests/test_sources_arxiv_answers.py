"""What an HTTP 200 from arXiv proves: an unreadable answer is a failure, an empty one a doubt.

arXiv now and then answers a page that is cut short, an HTML error page, or a feed without
the entries it should hold. None of these may turn a paper into "not found": only a readable
feed that lists other ids of the same batch, or a second single-id question, says so.
"""

from __future__ import annotations

import time
from string import Template
from typing import TYPE_CHECKING

import pytest
from servers import load_fixture

from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.options import FetchOptions, FetchReport
from scholar_cli.sources.search import search_arxiv_titles
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv

ZO2 = "2503.12668"
SAMPLING = "2506.22950"
DISTZO2 = "2507.03211"
GHOST = "0808.0539"  # well-formed, and arXiv has no such paper
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
DAY = 86400.0


def statuses(report: FetchReport) -> dict[str, str]:
    return {key: f.status for key, f in report.results.items()}


def feed(fake_arxiv: FakeArxiv, ids: list[str], listed: list[str]) -> str:
    """The feed arXiv would send for a question about `ids` that lists the entries `listed`."""
    return Template(load_fixture("arxiv/feed.xml")).substitute(
        feed_id="0" * 27,
        id_list=",".join(ids),
        start=0,
        max_results=len(ids),
        updated="2026-01-05T00:00:00Z",
        total=len(listed),
        entries="".join(fake_arxiv.entries[i] for i in listed),
    )


def age_record(store: RecordStore, key: str, seconds: float) -> None:
    entry = store.get("arxiv", key)
    assert entry is not None
    store.put("arxiv", key, entry.record, fetched_at=time.time() - seconds)


HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>arXiv</title></head>"
    "<body><h1>Service temporarily unavailable</h1><br></body></html>\n"
)
XHTML_PAGE = (
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>arXiv</title></head>'
    "<body><p>Rate limited</p></body></html>"
)


def truncated(fake_arxiv: FakeArxiv) -> str:
    # Cut inside the second entry: the first entry is whole, and a forgiving parser keeps it.
    whole = feed(fake_arxiv, [ZO2, SAMPLING], [ZO2, SAMPLING])
    return whole[: whole.index("<entry>", whole.index("</entry>")) + 200]


UNREADABLE = {
    "truncated-xml": (truncated, "application/atom+xml", "answer is not an Atom feed"),
    "html-page": (lambda fake: HTML_PAGE, "text/html", "answer is not an Atom feed"),
    "xhtml-page": (lambda fake: XHTML_PAGE, "application/xhtml+xml", "answer is not an Atom feed"),
    "empty-body": (lambda fake: "", "application/atom+xml", "empty answer"),
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_an_unreadable_200_is_a_failure_not_not_found(
    kind: str, fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    body, content_type, reason = UNREADABLE[kind]
    fake_arxiv.respond_next(200, {"Content-Type": content_type}, body(fake_arxiv))

    report = fetch_arxiv([ZO2, SAMPLING], store, fetch_options)

    assert (report.requests, len(fake_arxiv.seen)) == (1, 1)  # a 200 is not retried
    assert statuses(report) == {ZO2: "unknown", SAMPLING: "unknown"}
    assert report.results[ZO2].note == f"arXiv request failed ({reason}); no stored record"
    assert report.warnings == [
        f"arXiv request failed ({reason}); no cached value for {ZO2}, {SAMPLING}"
    ]
    assert store.get("arxiv", ZO2) is None  # not even the whole first entry of a cut answer


def test_an_unreadable_200_keeps_stored_records(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv([ZO2], store, fetch_options)
    age_record(store, ZO2, 2 * DAY)
    kept = store.get("arxiv", ZO2)
    fake_arxiv.seen.clear()
    fake_arxiv.respond_next(200, {"Content-Type": "text/html"}, HTML_PAGE)

    report = fetch_arxiv([ZO2, SAMPLING], store, fetch_options)

    assert len(fake_arxiv.seen) == 1
    assert statuses(report) == {ZO2: "stale", SAMPLING: "unknown"}
    assert report.results[ZO2].note == (
        "arXiv request failed (answer is not an Atom feed); record fetched 2 d ago"
    )
    assert report.warnings == [
        "arXiv request failed (answer is not an Atom feed); "
        f"using cached values for {ZO2} (2 d old); no cached value for {SAMPLING}"
    ]
    assert store.get("arxiv", ZO2) == kept


def test_a_batch_listing_some_ids_makes_the_others_not_found_without_asking_again(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_arxiv([DISTZO2, GHOST, ZO2], store, fetch_options)

    assert fake_arxiv.id_lists() == [[DISTZO2, GHOST, ZO2]]
    assert report.requests == 1
    assert statuses(report) == {DISTZO2: "fetched", GHOST: "not_found", ZO2: "fetched"}
    assert report.warnings == [f"not found on arXiv: {GHOST}"]


def test_an_empty_feed_for_a_batch_is_confirmed_one_id_at_a_time(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    # A readable feed that lists none of the batch: a glitch, or no such papers? Ask each id.
    fake_arxiv.respond_next(200, ATOM, feed(fake_arxiv, [ZO2, GHOST], []))

    report = fetch_arxiv([ZO2, GHOST], store, fetch_options)

    assert fake_arxiv.id_lists() == [[ZO2, GHOST], [ZO2], [GHOST]]
    assert report.requests == 3
    assert statuses(report) == {ZO2: "fetched", GHOST: "not_found"}
    assert report.results[GHOST].note == "arXiv has no such paper"
    assert report.warnings == [f"not found on arXiv: {GHOST}"]


def test_an_empty_feed_for_a_single_id_is_asked_once_more(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_arxiv.respond_next(200, ATOM, feed(fake_arxiv, [ZO2], []))

    report = fetch_arxiv([ZO2], store, fetch_options)

    assert fake_arxiv.id_lists() == [[ZO2], [ZO2]]
    assert report.requests == 2
    assert statuses(report) == {ZO2: "fetched"}
    assert report.warnings == []


def test_a_single_id_is_not_found_only_after_two_readable_answers_lack_it(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_arxiv([GHOST], store, fetch_options)

    assert fake_arxiv.id_lists() == [[GHOST], [GHOST]]
    assert report.requests == 2
    assert statuses(report) == {GHOST: "not_found"}
    assert report.warnings == [f"not found on arXiv: {GHOST}"]


def test_an_unreadable_answer_to_the_second_question_is_a_failure(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fake_arxiv.respond_next(200, ATOM, feed(fake_arxiv, [GHOST, ZO2], []))
    fake_arxiv.respond_next(200, ATOM, "")

    report = fetch_arxiv([GHOST, ZO2], store, fetch_options)

    # The failing service is not asked about ZO2 as well.
    assert fake_arxiv.id_lists() == [[GHOST, ZO2], [GHOST]]
    assert report.requests == 2
    assert statuses(report) == {GHOST: "unknown", ZO2: "unknown"}
    assert report.warnings == [
        f"arXiv request failed (empty answer); no cached value for {GHOST}, {ZO2}"
    ]


def test_a_stored_paper_missing_from_two_answers_keeps_its_record(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    fetch_arxiv([ZO2], store, fetch_options)
    age_record(store, ZO2, 2 * DAY)
    fake_arxiv.seen.clear()
    del fake_arxiv.entries[ZO2]

    report = fetch_arxiv([ZO2], store, fetch_options)

    assert fake_arxiv.id_lists() == [[ZO2], [ZO2]]
    assert statuses(report) == {ZO2: "stale"}
    assert report.warnings == [
        f"arXiv's answer left out papers it has listed before; using cached values for {ZO2} "
        "(2 d old)"
    ]


def test_an_unreadable_answer_to_a_title_search_is_a_failure(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    title = (
        "FlashDP: Memory-Efficient and High-Throughput DP-SGD Training for Large Language Models"
    )
    fake_arxiv.respond_next(200, {"Content-Type": "text/html"}, HTML_PAGE)

    found, report = search_arxiv_titles([title], store, fetch_options)

    assert (found, report.requests) == ({}, 1)
    assert statuses(report) == {title: "unknown"}
    assert report.warnings == [
        f'arXiv title search request failed (answer is not an Atom feed); no cached value for "{title}"'
    ]


def test_an_empty_feed_that_names_no_ids_is_an_empty_answer(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    # arXiv's feed names the question in its title and link (`id_list=...`). An empty feed
    # that names other ids, or none, answers some other question (a cache, a glitch): a failure.
    for asked in ([], ["2401.00001"]):
        fake_arxiv.respond_next(200, ATOM, feed(fake_arxiv, asked, []))

        report = fetch_arxiv([ZO2, GHOST], store, fetch_options)

        assert (report.requests, len(fake_arxiv.seen)) == (1, 1)
        assert statuses(report) == {ZO2: "unknown", GHOST: "unknown"}
        assert report.warnings == [
            f"arXiv request failed (empty answer); no cached value for {ZO2}, {GHOST}"
        ]
        fake_arxiv.seen.clear()


def test_an_empty_feed_naming_old_style_ids_is_an_answer(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions, store: RecordStore
) -> None:
    report = fetch_arxiv(["hep-th/9901999"], store, fetch_options)

    assert fake_arxiv.id_lists() == [["hep-th/9901999"], ["hep-th/9901999"]]
    assert statuses(report) == {"hep-th/9901999": "not_found"}
