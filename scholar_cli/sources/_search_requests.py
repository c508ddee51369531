"""arXiv title-search requests: what `search_arxiv_titles` runs only when a request is due.

Goes through `_arxiv_requests.arxiv_client`, so title searches and id fetches share arXiv's
process-wide pace (one lock, one timestamp). Imports requests, arxiv and lxml only inside
the function that sends.
"""

from __future__ import annotations

import time
from typing import Any

from scholar_cli.models import ArxivRecord
from scholar_cli.sources._arxiv_requests import (
    _describe_failure,
    _record_from_result,
    arxiv_client,
)
from scholar_cli.sources.options import (
    FetchOptions,
    FetchReport,
    SessionFactory,
    describe_age,
    fallback_warning,
    record_age,
)
from scholar_cli.sources.search import MAX_RESULTS, SERVICE, _quoted, _settle, _Stored
from scholar_cli.sources.store import RecordStore


def search_pending(
    pending: list[str],
    titles_by_key: dict[str, list[str]],
    queries: dict[str, str],
    stored: dict[str, _Stored],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
    found: dict[str, list[ArxivRecord]],
) -> None:
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv
    import requests

    failed: list[str] = []
    reason = ""
    # The client fetch_arxiv uses (arXiv's delay is shared process-wide); one page per title.
    with arxiv_client(options, session_factory, MAX_RESULTS, report) as client:
        for index, key in enumerate(pending):
            search = arxiv.Search(query=queries[key], max_results=MAX_RESULTS)
            try:
                results = list(client.results(search))
            except (arxiv.ArxivError, requests.RequestException) as exc:
                reason = _describe_failure(exc)
                # A failing service fails the next title too: do not hammer it.
                failed = pending[index:]
                break
            fetched_at = time.time()
            records: list[ArxivRecord] = []
            for result in results:
                record = _record_from_result(result)
                if record is not None and record.id not in {r.id for r in records}:
                    records.append(record)
            store.put(SERVICE, key, _to_json(queries[key], records), fetched_at=fetched_at)
            _settle(report, found, titles_by_key[key], "fetched", records, fetched_at)

    if failed:
        now = time.time()
        why = f"arXiv title search {reason}"
        stale: list[tuple[str, float]] = []
        unknown: list[str] = []
        for key in failed:
            keyed = titles_by_key[key]
            pair = stored.get(key)
            if pair is None:
                unknown += [_quoted(t) for t in keyed]
                _settle(report, found, keyed, "unknown", note=f"{why}; no stored answer")
            else:
                entry, records = pair
                stale += [(_quoted(t), entry.fetched_at) for t in keyed]
                age = describe_age(record_age(entry.fetched_at, now))
                note = f"{why}; answer from {age} ago"
                _settle(report, found, keyed, "stale", records, entry.fetched_at, note)
        report.warnings.append(fallback_warning(why, stale, unknown, now))


def _to_json(query: str, records: list[ArxivRecord]) -> dict[str, Any]:
    return {"query": query, "results": [r.to_json_dict() for r in records]}
