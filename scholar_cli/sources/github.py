"""GitHub repository stats: the store first, then GitHub for the stale and missing ones.

With a token, GraphQL answers up to 100 repositories a request (github_graphql). Without one,
REST answers one per request (github_rest), and GitHub allows 60 an hour: the budget its last
answer reported is kept in the store, the stalest repositories are asked for first, and those
the budget cannot cover keep their stored records until the next run, said in one line. Both
ways end in the same results, notes and warnings (`_apply`): a rename, a missing repository or
a failure reads the same whichever API answered.

A run that finds every record fresh (or runs offline) needs only the store's part; requests,
the worker pool and the two ways of asking are imported only when a request is due.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scholar_cli.ids import split_repo
from scholar_cli.models import Fetched, RepoStats
from scholar_cli.sources.github_answers import NOT_ASKED, Budget, rate_limit_message
from scholar_cli.sources.options import FetchReport, redact_url
from scholar_cli.sources.plan import Deadline, load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scholar_cli.sources.github_answers import Answer, Gate
    from scholar_cli.sources.options import FetchOptions, SessionFactory
    from scholar_cli.sources.plan import StorePlan
    from scholar_cli.sources.store import RecordStore

SERVICE = "github"
BUDGET_SERVICE = "github-budget"
NOT_FOUND_NOTE = "not found (deleted, renamed away or private)"
LEFT_NOTE = "left for the next run (GitHub rate limit)"
# GitHub.com's REST requests an hour, until an answer says otherwise (X-RateLimit-Limit).
GITHUB_COM_API = "api.github.com"
ANONYMOUS_LIMIT = 60
TOKEN_LIMIT = 5000


def fetch_github(
    repos: Sequence[str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None = None,
) -> FetchReport:
    """Stats for `repos` ("owner/name" as the page writes them), keyed by the name as given.

    Each repository is asked for at most once per run, however its case is written, the
    stalest first, and requests stop after `options.deadline` seconds.
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
        deadline = Deadline(options.deadline)
        due = _stalest_first(plan)
        if options.github_token and options.github_graphql:
            from scholar_cli.sources.github_graphql import ask_graphql

            answers, gate = ask_graphql(due, names, options, deadline, session_factory, report)
            left: list[str] = []
        else:
            answers, gate, left = _ask_rest_within_budget(
                due, plan, names, options, deadline, session_factory, store, report
            )
        _apply(answers, gate, deadline, plan, keys_by_repo, names, store, report, bool(left))
    plan.finish(report, "not GitHub owner/name (never sent): ", malformed)
    return report


def _rename_note(lower: str, stats: RepoStats) -> str:
    return "" if stats.full_name.lower() == lower else f"renamed to {stats.full_name}"


def _stalest_first(plan: StorePlan[RepoStats]) -> list[str]:
    """The pending store keys, never-fetched ones first, then by age; page order among equals."""

    def fetched_at(lower: str) -> float:
        pair = plan.stored.get(lower)
        return pair[0].fetched_at if pair is not None else float("-inf")

    return sorted(plan.pending, key=fetched_at)


# -- the REST budget ----------------------------------------------------------------------


def _budget_key(options: FetchOptions) -> str:
    # Budgets are per API host and per caller: the anonymous one is per IP address, a token's
    # is per user. Credentials in the URL stay out of the store.
    who = "token" if options.github_token else "anonymous"
    return f"{who} {redact_url(options.github_api_url.rstrip('/'))}"


def _load_budget(store: RecordStore, options: FetchOptions) -> Budget | None:
    entry = store.get(BUDGET_SERVICE, _budget_key(options))
    if entry is None:
        return None
    try:
        return Budget.from_json_dict(entry.record)
    except (KeyError, TypeError, ValueError):
        return None  # written by another version: as if never told


def _hourly_limit(budget: Budget | None, options: FetchOptions) -> int:
    if budget is not None and budget.limit is not None:
        return budget.limit
    return TOKEN_LIMIT if options.github_token else ANONYMOUS_LIMIT


def _requests_left(budget: Budget | None, options: FetchOptions, now: float) -> int:
    """How many requests `budget` allows now: all of them once its reset has passed. An
    estimate (other clients share it): the gate still stops at a real limit.

    Never told: GitHub.com's documented limit; another server (GitHub Enterprise Server,
    whose rate limits are off unless an admin turns them on, a test server) states its own in
    X-RateLimit-* or has none, so it is not held to GitHub.com's."""
    if budget is None:
        on_github_com = urlsplit(options.github_api_url).hostname == GITHUB_COM_API
        return _hourly_limit(None, options) if on_github_com else sys.maxsize
    if now >= budget.reset_at:
        return _hourly_limit(budget, options)
    return max(0, budget.remaining)


def _ask_rest_within_budget(
    due: list[str],
    plan: StorePlan[RepoStats],
    names: dict[str, str],
    options: FetchOptions,
    deadline: Deadline,
    session_factory: SessionFactory | None,
    store: RecordStore,
    report: FetchReport,
) -> tuple[dict[str, Answer | None], Gate, list[str]]:
    """REST for as many of `due` (stalest first) as the stored budget allows; the others keep
    their stored records (or are unknown) until the next run, said in one line."""
    from scholar_cli.sources.github_rest import ask_rest

    stored = _load_budget(store, options)
    can_ask = _requests_left(stored, options, time.time())
    asked, left = due[:can_ask], due[can_ask:]
    answers, gate, said = ask_rest(asked, plan, names, options, deadline, session_factory, report)
    if said is not None:
        store.put(BUDGET_SERVICE, _budget_key(options), said.to_json_dict(), fetched_at=time.time())
    if left:
        plan.fall_back(left, LEFT_NOTE)  # its line would name every one: ours counts them
        limit = _hourly_limit(said or stored, options)
        if options.github_token:
            why = f"{limit} requests an hour for this token"
        else:
            why = f"{limit} requests an hour without a token; set GITHUB_TOKEN"
        what = "repository" if len(left) == 1 else "repositories"
        line = f"{len(left)} {what} left for the next run ({why})"
        unknown = [names[lower] for lower in left if lower not in plan.stored]
        if unknown:
            line += "; no cached value for " + ", ".join(unknown)
        report.warnings.append(line)
    return answers, gate, left


def _apply(
    answers: dict[str, Answer | None],
    gate: Gate,
    deadline: Deadline,
    plan: StorePlan[RepoStats],
    keys_by_repo: dict[str, list[str]],
    names: dict[str, str],
    store: RecordStore,
    report: FetchReport,
    budget_said: bool = False,
) -> None:
    """Turn answers into results and store writes (on this thread: the store is not shared).

    `budget_said`: the budget line went out already; a limit reached with nobody left
    unasked adds nothing to it."""
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
    if limited or (gate.kind == "rate_limit" and not budget_said):
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
