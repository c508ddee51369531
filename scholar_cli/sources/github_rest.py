"""GitHub's REST API: one conditional GET per repository, a few at a time.

A stale record with an ETag is revalidated (304 keeps it, and costs no rate limit when the
request carries a token). A rate limit, an unreachable service or the deadline stops all
further calls for the run: every request after it would fail too, and each one would spend
more of the user's quota (or more of the user's time).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from scholar_cli.sources.github_answers import (
    REJECTED_TOKEN,
    Answer,
    Budget,
    Gate,
    is_rate_limit,
    reset_at,
    stats_from_rest,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import requests

    from scholar_cli.models import RepoStats
    from scholar_cli.sources.options import FetchOptions, FetchReport, HttpEvent, SessionFactory
    from scholar_cli.sources.plan import Deadline, StorePlan
    from scholar_cli.sources.store import StoredRecord


def ask_rest(
    due: Sequence[str],
    plan: StorePlan[RepoStats],
    names: dict[str, str],
    options: FetchOptions,
    deadline: Deadline,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> tuple[dict[str, Answer | None], Gate, Budget | None]:
    """An answer for each of `due` (lower-case owner/name; None: never sent), sent in that
    order; the gate; and the rate-limit budget the last answer reported, if any did."""
    # Imported here, not at the top: these load requests, only wanted when a request is due.
    from concurrent.futures import ThreadPoolExecutor

    from scholar_cli.sources import http

    events: list[HttpEvent] = []
    factory = session_factory or http.build_session
    gate = Gate()
    local = threading.local()
    sessions: list[requests.Session] = []
    sessions_lock = threading.Lock()

    def session() -> requests.Session:
        # One Session per worker: requests does not promise a Session is thread-safe. Each
        # stops its requests in flight when the source's deadline passes.
        if getattr(local, "session", None) is None:
            local.session = factory(deadline.session_options(options), events.append)
            with sessions_lock:
                sessions.append(local.session)
        current: requests.Session = local.session
        return current

    done = [0]

    def ask(lower: str) -> Answer | None:
        if gate.closed.is_set():
            return None  # not sent: see the gate's reason
        if deadline.passed():
            gate.close("deadline")
            return None
        entry = plan.stored[lower][0] if lower in plan.stored else None
        answer = _ask(session(), options, names[lower], entry, gate)
        with sessions_lock:
            done[0] += 1
            options.report_progress("GitHub", done[0], len(due))
        return answer

    answers: dict[str, Answer | None] = {}
    if due:
        workers = max(1, min(options.github_workers, len(due)))
        try:
            with ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="scholar-github"
            ) as pool:
                futures = {lower: pool.submit(ask, lower) for lower in due}
                answers = {lower: future.result() for lower, future in futures.items()}
        finally:
            for s in sessions:
                s.close()
    report.requests += sum(event.attempts for event in events)
    budget: Budget | None = None
    for answer in answers.values():
        if answer is not None and answer.budget is not None:
            budget = answer.budget.later(budget)
    return answers, gate, budget


def _ask(
    session: requests.Session,
    options: FetchOptions,
    name: str,
    entry: StoredRecord | None,
    gate: Gate,
) -> Answer:
    import requests

    from scholar_cli.sources.http import DeadlineExceeded, describe_network_error

    headers: dict[str, str] = {}
    if entry is not None and entry.etag:
        headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
    url = f"{options.github_api_url.rstrip('/')}/repos/{name}"
    try:
        response = session.get(url, headers=headers)
    except DeadlineExceeded:
        gate.close("deadline")
        return Answer("late")
    except requests.RequestException as exc:
        reason = describe_network_error(exc)
        # Unreachable now means unreachable for the next repository too.
        gate.close("failure", reason)
        return Answer("failed", reason=reason)
    with response:
        answer = _read(response, entry, gate)
        answer.budget = Budget.from_headers(response.headers)
        return answer


def _read(response: requests.Response, entry: StoredRecord | None, gate: Gate) -> Answer:
    fetched_at = time.time()
    status = response.status_code
    if status in (403, 429) and is_rate_limit(response):
        gate.close("rate_limit", reset_at=reset_at(response, fetched_at))
        return Answer("rate_limited")
    if status == 304 and entry is not None:
        return Answer(
            "not_modified",
            etag=response.headers.get("ETag") or entry.etag,
            last_modified=response.headers.get("Last-Modified") or entry.last_modified,
            fetched_at=fetched_at,
        )
    if status == 404:
        return Answer("not_found")
    if status == 401:
        # A bad token fails every request alike: say so once and stop.
        gate.close("failure", REJECTED_TOKEN)
        return Answer("failed", reason=REJECTED_TOKEN)
    if status != 200:
        return Answer("failed", reason=f"HTTP {status}")
    try:
        stats = stats_from_rest(response.json())
    except (ValueError, KeyError, TypeError):
        return Answer("failed", reason="unexpected answer")
    if response.headers.get("X-RateLimit-Remaining") == "0":
        # This answer counts; the next request would be refused.
        gate.close("rate_limit", reset_at=reset_at(response, fetched_at))
    return Answer(
        "ok",
        stats=stats,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        fetched_at=fetched_at,
    )
