"""GitHub repository stats: the store first, then conditional GETs, a few at a time.

Imported on every run that lists repositories, so it holds only the store's part: a run that
finds every record fresh (or runs offline) stops here. The requests live in `_github_requests`,
imported only when one is due (and it imports requests only then too).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from scholar_cli.ids import split_repo
from scholar_cli.models import Fetched, RepoStats
from scholar_cli.sources.options import FetchReport
from scholar_cli.sources.plan import load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scholar_cli.sources.options import FetchOptions, SessionFactory
    from scholar_cli.sources.store import RecordStore

SERVICE = "github"
NOT_FOUND_NOTE = "not found (deleted, renamed away or private)"


def fetch_github(
    repos: Sequence[str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None = None,
) -> FetchReport:
    """Stats for `repos` ("owner/name" as the page writes them), keyed by the name as given.

    Each repository is asked for at most once per run, however its case is written.
    """
    report = FetchReport()
    keys_by_repo: dict[str, list[str]] = {}  # lower-case owner/name -> keys as given
    names: dict[str, str] = {}  # lower-case owner/name -> first spelling, for URLs and notes
    malformed: list[str] = []
    for key in dict.fromkeys(repos):
        parts = split_repo(key)
        if parts is None:
            malformed.append(key)
            report.results[key] = Fetched(key, "malformed", note="not an owner/name; never sent")
            continue
        lower = "/".join(parts).lower()
        keys_by_repo.setdefault(lower, []).append(key)
        names.setdefault(lower, "/".join(parts))

    plan = plan_fetch(
        keys_by_repo,
        lambda lower: load_stored(store, SERVICE, lower, RepoStats.from_json_dict),
        partial(settle, report),
        options,
        options.github_max_age,
        offline_prefix="GitHub: offline",
        labels=lambda lower: [names[lower]],
        note=_rename_note,
    )
    if plan.pending:
        # Imported here, not at the top: only a run with a request due pays for it.
        from scholar_cli.sources._github_requests import _apply, _ask_all

        answers, gate = _ask_all(plan.pending, names, plan.stored, options, session_factory, report)
        _apply(answers, gate, keys_by_repo, names, plan.stored, store, report)
    plan.finish(report, "not GitHub owner/name (never sent): ", malformed)
    return report


def _rename_note(lower: str, stats: RepoStats) -> str:
    return "" if stats.full_name.lower() == lower else f"renamed to {stats.full_name}"
