"""arXiv title searches: what arXiv answers to `ti:"<title>"`, for papers the page gives no id.

The answers feed `check.suggest_ids`: a mapping from the title as on the page to up to five
records. A title left out of the mapping was not searched (offline without a stored answer,
arXiv unreachable); an empty list means arXiv was asked and found nothing.

Answers are stored under the normalised title (service "arxiv-search") with arXiv's max age.
Requests go through the same arxiv.Client set-up as `fetch_arxiv` (transport session, no
package retries, arXiv's delay shared process-wide, unreadable answers refused), one title at
a time, for at most `options.deadline` seconds. Like arxiv.py, it imports requests, arxiv and
lxml only inside the function that sends.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any

from scholar_cli.models import ArxivRecord, Fetched
from scholar_cli.normalize import normalize_title
from scholar_cli.sources.arxiv import (
    UnreadableAnswer,
    arxiv_client,
    describe_failure,
    pace_wait,
    record_from_result,
)
from scholar_cli.sources.options import FetchReport
from scholar_cli.sources.plan import Deadline, plan_fetch

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scholar_cli.models import FetchStatus
    from scholar_cli.sources.options import FetchOptions, SessionFactory
    from scholar_cli.sources.plan import StorePlan
    from scholar_cli.sources.store import RecordStore, StoredRecord

SERVICE = "arxiv-search"
# A title matches one paper, seldom a few (same-titled papers, errata); five is plenty.
MAX_RESULTS = 5

_Stored = tuple["StoredRecord", list[ArxivRecord]]


def title_query(title: str) -> str | None:
    """`ti:"<title>"`, minus what breaks arXiv's phrase syntax; None when nothing is left.

    Double quotes would end the phrase and backslashes escape; both go, and whitespace
    (newlines from a wrapped title included) collapses to single spaces. Colons and other
    punctuation are harmless inside the quotes.
    """
    phrase = " ".join(title.replace('"', " ").replace("\\", " ").split())
    return f'ti:"{phrase}"' if phrase else None


def search_arxiv_titles(
    titles: Sequence[str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None = None,
) -> tuple[dict[str, list[ArxivRecord]], FetchReport]:
    """arXiv's answers to a title search for each of `titles`, keyed by the title as given.

    Titles with the same normalised form share one search. Fresh stored answers cost nothing;
    the rest are asked for one at a time, `options.arxiv_delay` apart. Offline, or when arXiv
    fails, stored answers of any age are used; titles without one are left out of the mapping
    (with one warning line). `report.results` holds each title's status (its `record` is None:
    the records are in the mapping).
    """
    report = FetchReport()
    found: dict[str, list[ArxivRecord]] = {}
    titles_by_key: dict[str, list[str]] = {}
    queries: dict[str, str] = {}
    unsearchable: list[str] = []
    for title in dict.fromkeys(titles):
        query = title_query(title)
        key = normalize_title(title)
        if query is None or not key:
            unsearchable.append(title)
            report.results[title] = Fetched(title, "malformed", note="no words to search for")
            continue
        titles_by_key.setdefault(key, []).append(title)
        queries.setdefault(key, query)

    plan = plan_fetch(
        titles_by_key,
        lambda key: _load(store, key),
        partial(_settle, report, found),
        options,
        options.arxiv_max_age,
        offline_prefix="arXiv title search: offline",
        labels=lambda key: [_quoted(t) for t in titles_by_key[key]],
        offline_missing_note="offline and no stored answer",
        offline_note="offline; searched {age} ago",
        stale_note="answer from {age} ago",
        missing_note="no stored answer",
    )
    if plan.pending:
        _search(plan, titles_by_key, queries, store, options, session_factory, report, found)
    never_sent = [_quoted(t) for t in unsearchable]
    plan.finish(report, "arXiv title search: nothing to search for in ", never_sent)
    return found, report


def _search(
    plan: StorePlan[list[ArxivRecord]],
    titles_by_key: dict[str, list[str]],
    queries: dict[str, str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
    found: dict[str, list[ArxivRecord]],
) -> None:
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv
    import requests

    from scholar_cli.sources.http import DeadlineExceeded

    deadline = Deadline(options.deadline)
    failed: list[str] = []
    why = ""
    session_options = deadline.session_options(options)
    # The client fetch_arxiv uses (arXiv's delay is shared process-wide); one page per title.
    with arxiv_client(session_options, session_factory, MAX_RESULTS, report) as client:
        for index, key in enumerate(plan.pending):
            if deadline.left() <= pace_wait(client):
                why, failed = deadline.why("arXiv title search"), plan.pending[index:]
                break
            search = arxiv.Search(query=queries[key], max_results=MAX_RESULTS)
            try:
                results = list(client.results(search))
            except (arxiv.ArxivError, requests.RequestException, UnreadableAnswer) as exc:
                if isinstance(exc, DeadlineExceeded):
                    why = deadline.why("arXiv title search")
                else:
                    why = f"arXiv title search request failed ({describe_failure(exc)})"
                # A failing service fails the next title too: do not hammer it.
                failed = plan.pending[index:]
                break
            fetched_at = time.time()
            records: list[ArxivRecord] = []
            for result in results:
                record = record_from_result(result)
                if record is not None and record.id not in {r.id for r in records}:
                    records.append(record)
            store.put(SERVICE, key, _to_json(queries[key], records), fetched_at=fetched_at)
            _settle(report, found, titles_by_key[key], "fetched", records, fetched_at)
    if failed:
        report.warnings.append(plan.fall_back(failed, why))


def _to_json(query: str, records: list[ArxivRecord]) -> dict[str, Any]:
    return {"query": query, "results": [r.to_json_dict() for r in records]}


def _settle(
    report: FetchReport,
    found: dict[str, list[ArxivRecord]],
    titles: list[str],
    status: FetchStatus,
    records: list[ArxivRecord] | None = None,
    fetched_at: float | None = None,
    note: str = "",
) -> None:
    """Record each title's status; titles with an answer (`records` not None) go in `found`."""
    for title in titles:
        report.results[title] = Fetched(title, status, None, fetched_at, note)
        if records is not None:
            found[title] = list(records)


def _load(store: RecordStore, key: str) -> _Stored | None:
    entry = store.get(SERVICE, key)
    if entry is None:
        return None
    raw = entry.record.get("results")
    if not isinstance(raw, list):
        return None
    try:
        return entry, [ArxivRecord.from_json_dict(item) for item in raw]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # written by an incompatible version: search again


def _quoted(title: str) -> str:
    return f'"{title}"'
