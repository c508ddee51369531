"""arXiv requests: what `fetch_arxiv` (and the title search) run only when a request is due.

The only module that imports the `arxiv` package, and only inside the functions that send:
a run that finds every record fresh (or runs offline) never imports this module, nor
requests, arxiv or lxml. It also holds arXiv's process-wide pace (one lock, one timestamp),
shared by id fetches and title searches alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from scholar_cli.ids import arxiv_id_from_url
from scholar_cli.models import ArxivRecord
from scholar_cli.sources.arxiv import BATCH_SIZE, SERVICE
from scholar_cli.sources.options import (
    FetchOptions,
    FetchReport,
    HttpEvent,
    SessionFactory,
    describe_age,
    fallback_warning,
    record_age,
)
from scholar_cli.sources.plan import settle
from scholar_cli.sources.store import RecordStore, StoredRecord

# arXiv asks for one request per delay across the whole process, not per Client instance.
_pace_lock = threading.Lock()
_last_request_dt: datetime | None = None


def fetch_pending(
    pending: list[str],
    keys_by_base: dict[str, list[str]],
    stored: dict[str, tuple[StoredRecord, ArxivRecord]],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> None:
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv
    import requests

    not_found: list[str] = []
    left_out: list[str] = []
    failed: list[str] = []
    reason = ""
    with arxiv_client(options, session_factory, BATCH_SIZE, report) as client:
        for start in range(0, len(pending), BATCH_SIZE):
            batch = pending[start : start + BATCH_SIZE]
            try:
                results = list(client.results(arxiv.Search(id_list=batch, max_results=len(batch))))
            except (arxiv.ArxivError, requests.RequestException) as exc:
                reason = _describe_failure(exc)
                # A failing service fails the next batch too: do not hammer it.
                failed = pending[start:]
                break
            fetched_at = time.time()
            found: dict[str, ArxivRecord] = {}
            for result in results:
                record = _record_from_result(result)
                # Map by the id in the answer, never by position: arXiv drops unknown ids.
                if record is not None and record.id in batch:
                    found[record.id] = record
            for base in batch:
                if base in found:
                    store.put(SERVICE, base, found[base].to_json_dict(), fetched_at=fetched_at)
                    settle(report, keys_by_base[base], "fetched", found[base], fetched_at)
                elif base in stored:
                    # arXiv never deletes a paper (withdrawn ones keep their page), so an
                    # answer without a paper it once gave is a bad answer, not news.
                    left_out.append(base)
                else:
                    not_found.append(base)
                    settle(report, keys_by_base[base], "not_found", note="arXiv has no such paper")

    now = time.time()
    if not_found:
        report.warnings.append("not found on arXiv: " + ", ".join(not_found))
    if failed:
        _fall_back(failed, f"arXiv {reason}", keys_by_base, stored, report, now)
    if left_out:
        why = "arXiv's answer left out papers it has listed before"
        _fall_back(left_out, why, keys_by_base, stored, report, now)


@contextmanager
def arxiv_client(
    options: FetchOptions,
    session_factory: SessionFactory | None,
    page_size: int,
    report: FetchReport,
) -> Iterator[Any]:
    """An `arxiv.Client` on a transport session, holding arXiv's process-wide pace meanwhile.

    Shared with the title search. The requests it sent (retries included) are added to
    `report.requests` when the block ends normally.
    """
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv

    from scholar_cli.sources import http

    global _last_request_dt
    events: list[HttpEvent] = []
    session = (session_factory or http.build_session)(options, events.append)
    # num_retries=0: the package's own retry ignores Retry-After and retries even a 400; the
    # transport adapter retries instead.
    client = arxiv.Client(page_size=page_size, delay_seconds=options.arxiv_delay, num_retries=0)
    client.query_url_format = options.arxiv_api_url + "?{}"
    client._session.close()
    client._session = session
    with _pace_lock:
        client._last_request_dt = _last_request_dt
        try:
            yield client
        finally:
            _last_request_dt = client._last_request_dt
            session.close()
    report.requests += sum(event.attempts for event in events)


def _fall_back(
    bases: list[str],
    why: str,
    keys_by_base: dict[str, list[str]],
    stored: dict[str, tuple[StoredRecord, ArxivRecord]],
    report: FetchReport,
    now: float,
) -> None:
    """Stored records (any age) for `bases`, "unknown" without one, and one warning line."""
    stale: list[tuple[str, float]] = []
    unknown: list[str] = []
    for base in bases:
        pair = stored.get(base)
        if pair is None:
            unknown.append(base)
            settle(report, keys_by_base[base], "unknown", note=f"{why}; no stored record")
        else:
            entry, record = pair
            stale.append((base, entry.fetched_at))
            age = describe_age(record_age(entry.fetched_at, now))
            note = f"{why}; record fetched {age} ago"
            settle(report, keys_by_base[base], "stale", record, entry.fetched_at, note)
    report.warnings.append(fallback_warning(why, stale, unknown, now))


def _record_from_result(result: Any) -> ArxivRecord | None:
    parsed = arxiv_id_from_url(str(result.entry_id))
    if parsed is None:
        return None
    return ArxivRecord(
        id=parsed.id,
        version=parsed.version or 1,
        published=_iso(result.published),
        updated=_iso(result.updated),
        title=_collapse(result.title),
        authors=tuple(_collapse(author.name) for author in result.authors),
        primary_category=str(result.primary_category),
        categories=tuple(str(c) for c in result.categories),
        doi=_collapse(result.doi) or None,
        journal_ref=_collapse(result.journal_ref) or None,
        comment=_collapse(result.comment) or None,
        abstract=_collapse(result.summary),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _describe_failure(exc: BaseException) -> str:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return f"request failed (HTTP {status})"
    from scholar_cli.sources.http import describe_network_error

    return "request failed (" + describe_network_error(exc) + ")"
