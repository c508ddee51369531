"""arXiv records: the store first, then one batched API request for whatever is stale or missing.

Imported on every run that lists papers, so it holds only the store's part: a run that finds
every record fresh (or runs offline) stops here. The requests themselves, and the `arxiv`
package with requests and lxml, live in `_arxiv_requests`, imported only when one is due.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from scholar_cli.ids import base_arxiv_id
from scholar_cli.models import ArxivRecord, Fetched
from scholar_cli.sources.options import FetchReport
from scholar_cli.sources.plan import load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scholar_cli.sources.options import FetchOptions, SessionFactory
    from scholar_cli.sources.store import RecordStore

SERVICE = "arxiv"
# arXiv's page size cap for id_list queries; also keeps the URL far below the ~600-id 414 limit.
BATCH_SIZE = 100


def fetch_arxiv(
    ids: Sequence[str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None = None,
) -> FetchReport:
    """Records for `ids` (base ids as the page writes them), keyed by the id as given.

    Fresh records cost nothing; stale and missing ones go to arXiv in batches of at most 100,
    one request at a time. Failures fall back to stored records of any age.
    """
    report = FetchReport()
    keys_by_base: dict[str, list[str]] = {}
    malformed: list[str] = []
    for key in dict.fromkeys(ids):
        base = base_arxiv_id(key)
        if base is None:
            malformed.append(key)
            report.results[key] = Fetched(key, "malformed", note="not an arXiv id; never sent")
        else:
            keys_by_base.setdefault(base, []).append(key)

    plan = plan_fetch(
        keys_by_base,
        lambda base: load_stored(store, SERVICE, base, ArxivRecord.from_json_dict),
        partial(settle, report),
        options,
        options.arxiv_max_age,
        offline_prefix="arXiv: offline",
    )
    if plan.pending:
        # Imported here, not at the top: only a run with a request due pays for it.
        from scholar_cli.sources._arxiv_requests import fetch_pending

        fetch_pending(
            plan.pending, keys_by_base, plan.stored, store, options, session_factory, report
        )
    plan.finish(report, "not arXiv ids (never sent): ", malformed)
    return report
