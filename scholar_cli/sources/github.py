"""GitHub repository stats: the store first, then conditional GETs, a few at a time.

A stale record with an ETag is revalidated (304 keeps it and costs no rate limit when the
request carries a token). A rate limit, an unreachable service or the deadline stops all
further calls for the run: every request after it would fail too, and each one would spend
more of the user's quota (or more of the user's time).

A run that finds every record fresh (or runs offline) needs only the store's part; requests
and the worker pool are imported inside the functions that send.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from scholar_cli.ids import split_repo
from scholar_cli.models import Fetched, RepoStats
from scholar_cli.sources.options import FetchReport, describe_age
from scholar_cli.sources.plan import Deadline, load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    import requests

    from scholar_cli.sources.options import FetchOptions, HttpEvent, SessionFactory
    from scholar_cli.sources.plan import StorePlan
    from scholar_cli.sources.store import RecordStore, StoredRecord

SERVICE = "github"
NOT_FOUND_NOTE = "not found (deleted, renamed away or private)"

AnswerKind = Literal[
    "ok", "not_modified", "not_found", "rate_limited", "late", "failed", "not_asked"
]
StopKind = Literal["", "rate_limit", "deadline", "failure"]
# A repository never asked about fares as the one answer that closed the gate.
_NOT_ASKED: dict[StopKind, AnswerKind] = {
    "rate_limit": "rate_limited",
    "deadline": "late",
    "failure": "not_asked",
    "": "not_asked",
}


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
        deadline = Deadline(options.deadline)
        answers, gate = _ask_all(plan, names, options, deadline, session_factory, report)
        _apply(answers, gate, deadline, plan, keys_by_repo, names, store, report)
    plan.finish(report, "not GitHub owner/name (never sent): ", malformed)
    return report


def _rename_note(lower: str, stats: RepoStats) -> str:
    return "" if stats.full_name.lower() == lower else f"renamed to {stats.full_name}"


class _Answer:
    """What GitHub said about one repository (None in its place: never asked).

    A plain slotted class, not a dataclass: this module loads on warm runs too, and building a
    dataclass costs about a millisecond of start-up.
    """

    __slots__ = ("etag", "fetched_at", "kind", "last_modified", "reason", "stats")

    def __init__(
        self,
        kind: AnswerKind,
        stats: RepoStats | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        reason: str = "",  # for "failed": a short cause such as "HTTP 503"
        fetched_at: float = 0.0,
    ) -> None:
        self.kind = kind
        self.stats = stats
        self.etag = etag
        self.last_modified = last_modified
        self.reason = reason
        self.fetched_at = fetched_at


class _Gate:
    """Shared by the workers: once GitHub says stop, cannot be reached, or the deadline passes,
    nobody calls it. The first reason to stop is the one reported."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.closed = threading.Event()
        self.kind: StopKind = ""
        self.reason = ""  # for "failure": the cause, as in "not asked after … (<reason>)"
        self.reset_at: float | None = None  # when a rate limit ends, if GitHub said

    def close(self, kind: StopKind, reason: str = "", reset_at: float | None = None) -> None:
        with self._lock:
            if kind == "rate_limit" and self.reset_at is None:
                self.reset_at = reset_at
            if self.closed.is_set():
                return
            self.kind = kind
            self.reason = reason
            self.closed.set()


def _ask_all(
    plan: StorePlan[RepoStats],
    names: dict[str, str],
    options: FetchOptions,
    deadline: Deadline,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> tuple[dict[str, _Answer | None], _Gate]:
    # Imported here, not at the top: these load requests, only wanted when a request is due.
    from concurrent.futures import ThreadPoolExecutor

    from scholar_cli.sources import http

    events: list[HttpEvent] = []
    factory = session_factory or http.build_session
    gate = _Gate()
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

    def ask(lower: str) -> _Answer | None:
        if gate.closed.is_set():
            return None  # not sent: see the gate's reason
        if deadline.passed():
            gate.close("deadline")
            return None
        entry = plan.stored[lower][0] if lower in plan.stored else None
        return _ask(session(), options, names[lower], entry, gate)

    workers = max(1, min(options.github_workers, len(plan.pending)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scholar-github") as pool:
            futures = {lower: pool.submit(ask, lower) for lower in plan.pending}
            answers = {lower: future.result() for lower, future in futures.items()}
    finally:
        for s in sessions:
            s.close()
    report.requests += sum(event.attempts for event in events)
    return answers, gate


def _ask(
    session: requests.Session,
    options: FetchOptions,
    name: str,
    entry: StoredRecord | None,
    gate: _Gate,
) -> _Answer:
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
        return _Answer("late")
    except requests.RequestException as exc:
        reason = describe_network_error(exc)
        # Unreachable now means unreachable for the next repository too.
        gate.close("failure", reason)
        return _Answer("failed", reason=reason)
    with response:
        fetched_at = time.time()
        status = response.status_code
        if status in (403, 429) and _is_rate_limit(response):
            gate.close("rate_limit", reset_at=_reset_at(response, fetched_at))
            return _Answer("rate_limited")
        if status == 304 and entry is not None:
            return _Answer(
                "not_modified",
                etag=response.headers.get("ETag") or entry.etag,
                last_modified=response.headers.get("Last-Modified") or entry.last_modified,
                fetched_at=fetched_at,
            )
        if status == 404:
            return _Answer("not_found")
        if status == 401:
            # A bad token fails every request alike: say so once and stop.
            reason = "HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN"
            gate.close("failure", reason)
            return _Answer("failed", reason=reason)
        if status != 200:
            return _Answer("failed", reason=f"HTTP {status}")
        try:
            stats = _stats_from_json(response.json())
        except (ValueError, KeyError, TypeError):
            return _Answer("failed", reason="unexpected answer")
        if response.headers.get("X-RateLimit-Remaining") == "0":
            # This answer counts; the next request would be refused.
            gate.close("rate_limit", reset_at=_reset_at(response, fetched_at))
        return _Answer(
            "ok",
            stats=stats,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=fetched_at,
        )


def _apply(
    answers: dict[str, _Answer | None],
    gate: _Gate,
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
        kind = answer.kind if answer is not None else _NOT_ASKED[gate.kind]
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
        headline = _rate_limit_message(gate, now)
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


def _rate_limit_message(gate: _Gate, now: float) -> str:
    if gate.reset_at is None:
        return "GitHub rate limit reached"
    when = datetime.fromtimestamp(gate.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    wait = describe_age(gate.reset_at - now)
    return f"GitHub rate limit reached; resets at {when} UTC (in {wait})"


def _is_rate_limit(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.headers.get("X-RateLimit-Remaining") == "0" or "Retry-After" in response.headers:
        return True
    try:
        message = str(response.json().get("message", ""))
    except (ValueError, AttributeError):
        message = response.text[:500]
    # Secondary limits ("You have exceeded a secondary rate limit", formerly "abuse detection").
    lowered = message.lower()
    return "rate limit" in lowered or "abuse detection" in lowered


def _reset_at(response: requests.Response, now: float) -> float | None:
    retry_after = response.headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return now + int(retry_after)
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit():
        return float(reset)
    return None


def _stats_from_json(body: Any) -> RepoStats:
    if not isinstance(body, dict):
        raise TypeError("repository JSON is not an object")
    return RepoStats(
        full_name=str(body["full_name"]),
        stars=int(body["stargazers_count"]),
        forks=int(body["forks_count"]),
        archived=bool(body.get("archived", False)),
        pushed_at=_optional_str(body.get("pushed_at")),
        description=_optional_str(body.get("description")),
        language=_optional_str(body.get("language")),
        html_url=str(body["html_url"]),
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
