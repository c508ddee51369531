"""GitHub repository stats: the store first, then GitHub for the stale and missing ones.

The asking is github_rest's (conditional GETs, a few at a time); this module plans it and
turns the answers into results, notes and warnings (`_apply`).

A run that finds every record fresh (or runs offline) needs only the store's part; requests,
the worker pool and the asking are imported only when a request is due.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from scholar_cli.ids import split_repo
from scholar_cli.models import Fetched, RepoStats
from scholar_cli.sources.github_answers import NOT_ASKED, rate_limit_message
from scholar_cli.sources.options import FetchReport
from scholar_cli.sources.plan import Deadline, load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scholar_cli.sources.github_answers import Answer, Gate
    from scholar_cli.sources.options import FetchOptions, SessionFactory
    from scholar_cli.sources.plan import StorePlan
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

    Each repository is asked for at most once per run, however its case is written, and
    requests stop after `options.deadline` seconds.
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
        from scholar_cli.sources.github_rest import ask_rest

        deadline = Deadline(options.deadline)
        answers, gate = ask_rest(
            plan.pending, plan, names, options, deadline, session_factory, report
        )
        _apply(answers, gate, deadline, plan, keys_by_repo, names, store, report)
    plan.finish(report, "not GitHub owner/name (never sent): ", malformed)
    return report


def _rename_note(lower: str, stats: RepoStats) -> str:
    return "" if stats.full_name.lower() == lower else f"renamed to {stats.full_name}"


def _apply(
    answers: dict[str, Answer | None],
    gate: Gate,
    deadline: Deadline,
    plan: StorePlan[RepoStats],
    keys_by_repo: dict[str, list[str]],
    names: dict[str, str],
    store: RecordStore,
    report: FetchReport,
) -> None:
    """Turn answers into results and store writes (on this thread: the store is not shared)."""
    not_found: list[str] = []
    renamed: list[str] = []
    # Three fallbacks, each reported on its own line: the rate limit, the deadline, and any
    # other failure. Store key -> the cause in its note.
    limited: dict[str, str] = {}
    late: dict[str, str] = {}
    failed: dict[str, str] = {}
    failure_reasons: dict[str, None] = {}
    for lower, answer in answers.items():
        keys = keys_by_repo[lower]
        kind = answer.kind if answer is not None else NOT_ASKED[gate.kind]
        if answer is not None and answer.kind == "ok" and answer.stats is not None:
            store.put(
                SERVICE,
                lower,
                answer.stats.to_json_dict(),
                fetched_at=answer.fetched_at,
                etag=answer.etag,
                last_modified=answer.last_modified,
            )
            note = _rename_note(lower, answer.stats)
            if note:
                renamed.append(f"{names[lower]} -> {answer.stats.full_name}")
            settle(report, keys, "fetched", answer.stats, answer.fetched_at, note)
        elif answer is not None and answer.kind == "not_modified" and lower in plan.stored:
            stats = plan.stored[lower][1]
            store.touch(SERVICE, lower, answer.fetched_at)
            note = _rename_note(lower, stats)
            if note:
                renamed.append(f"{names[lower]} -> {stats.full_name}")
            settle(report, keys, "revalidated", stats, answer.fetched_at, note)
        elif answer is not None and answer.kind == "not_found":
            not_found.append(names[lower])
            settle(report, keys, "not_found", note=NOT_FOUND_NOTE)
        elif answer is not None and answer.kind == "failed":
            failed[lower] = f"GitHub request failed ({answer.reason})"
            failure_reasons[answer.reason] = None
        elif kind == "rate_limited":
            limited[lower] = "GitHub rate limit"
        elif kind == "late":
            late[lower] = deadline.why("GitHub")
        else:  # never sent because an earlier request failed
            failed[lower] = f"GitHub not asked after an earlier failure ({gate.reason})"
            failure_reasons[gate.reason] = None

    now = time.time()
    if limited or gate.kind == "rate_limit":
        headline = rate_limit_message(gate, now)
        report.warnings.append(plan.fall_back_each(limited, headline) or headline)
    if failed:
        headline = f"GitHub request failed ({', '.join(failure_reasons)})"
        report.warnings.append(plan.fall_back_each(failed, headline))
    if late:
        report.warnings.append(plan.fall_back(late, deadline.why("GitHub")))
    if not_found:
        report.warnings.append(f"GitHub: {NOT_FOUND_NOTE}: " + ", ".join(not_found))
    if renamed:
        report.warnings.append("GitHub repositories renamed: " + ", ".join(renamed))
