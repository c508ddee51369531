"""GitHub requests: what `fetch_github` runs only when a request is due.

A stale record with an ETag is revalidated (304 keeps it and costs no rate limit when the
request carries a token). A rate limit stops all further calls for the run: every request
after it would fail too, and each one would spend more of the user's quota.
A run that finds every record fresh (or runs offline) never imports this module; it imports
requests only inside the functions that send.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from scholar_cli.models import RepoStats
from scholar_cli.sources.github import NOT_FOUND_NOTE, SERVICE, _rename_note
from scholar_cli.sources.options import (
    FetchOptions,
    FetchReport,
    HttpEvent,
    SessionFactory,
    describe_age,
    fallback_warning,
    record_age,
)
from scholar_cli.sources.plan import join_notes, settle
from scholar_cli.sources.store import RecordStore, StoredRecord

if TYPE_CHECKING:
    import requests

AnswerKind = Literal["ok", "not_modified", "not_found", "rate_limited", "failed"]


@dataclass(frozen=True, slots=True)
class _Answer:
    kind: AnswerKind
    stats: RepoStats | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str = ""  # for "failed": a short cause such as "HTTP 503"
    fetched_at: float = 0.0


class _Gate:
    """Shared by the workers: once GitHub says stop (or cannot be reached), nobody calls it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.closed = threading.Event()
        self.rate_limited = False
        self.reset_at: float | None = None
        self.reason = ""

    def close(self, reason: str, *, rate_limited: bool, reset_at: float | None = None) -> None:
        with self._lock:
            if self.closed.is_set():
                return
            self.rate_limited = rate_limited
            self.reset_at = reset_at
            self.reason = reason
            self.closed.set()


def _ask_all(
    pending: list[str],
    names: dict[str, str],
    stored: dict[str, tuple[StoredRecord, RepoStats]],
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> tuple[dict[str, _Answer | None], _Gate]:
    # Imported here, not at the top: http loads requests, only wanted when a request is due.
    from scholar_cli.sources import http

    events: list[HttpEvent] = []
    factory = session_factory or http.build_session
    gate = _Gate()
    local = threading.local()
    sessions: list[requests.Session] = []
    sessions_lock = threading.Lock()

    def session() -> requests.Session:
        # One Session per worker: requests does not promise a Session is thread-safe.
        if getattr(local, "session", None) is None:
            local.session = factory(options, events.append)
            with sessions_lock:
                sessions.append(local.session)
        current: requests.Session = local.session
        return current

    def ask(lower: str) -> _Answer | None:
        if gate.closed.is_set():
            return None  # not sent: see the gate's reason
        entry = stored[lower][0] if lower in stored else None
        return _ask(session(), options, names[lower], entry, gate)

    workers = max(1, min(options.github_workers, len(pending)))
    try:
        from concurrent.futures import ThreadPoolExecutor  # only when a request goes out

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scholar-github") as pool:
            futures = {lower: pool.submit(ask, lower) for lower in pending}
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

    from scholar_cli.sources.http import describe_network_error

    headers: dict[str, str] = {}
    if entry is not None and entry.etag:
        headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
    url = f"{options.github_api_url.rstrip('/')}/repos/{name}"
    try:
        response = session.get(url, headers=headers)
    except requests.RequestException as exc:
        reason = describe_network_error(exc)
        # Unreachable now means unreachable for the next repository too.
        gate.close(reason, rate_limited=False)
        return _Answer("failed", reason=reason)
    with response:
        fetched_at = time.time()
        status = response.status_code
        if status in (403, 429) and _is_rate_limit(response):
            gate.close("rate limit", rate_limited=True, reset_at=_reset_at(response, fetched_at))
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
            gate.close(reason, rate_limited=False)
            return _Answer("failed", reason=reason)
        if status != 200:
            return _Answer("failed", reason=f"HTTP {status}")
        try:
            stats = _stats_from_json(response.json())
        except (ValueError, KeyError, TypeError):
            return _Answer("failed", reason="unexpected answer")
        if response.headers.get("X-RateLimit-Remaining") == "0":
            # This answer counts; the next request would be refused.
            gate.close("rate limit", rate_limited=True, reset_at=_reset_at(response, fetched_at))
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
    keys_by_repo: dict[str, list[str]],
    names: dict[str, str],
    stored: dict[str, tuple[StoredRecord, RepoStats]],
    store: RecordStore,
    report: FetchReport,
) -> None:
    """Turn answers into results and store writes (on this thread: the store is not shared)."""
    now = time.time()
    not_found: list[str] = []
    renamed: list[str] = []
    # Two fallbacks, each reported on its own line: the rate limit, and everything else.
    limited: tuple[list[tuple[str, float]], list[str]] = ([], [])
    failed: tuple[list[tuple[str, float]], list[str]] = ([], [])
    failure_reasons: dict[str, None] = {}
    for lower, answer in answers.items():
        keys = keys_by_repo[lower]
        pair = stored.get(lower)
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
            continue
        if answer is not None and answer.kind == "not_modified" and pair is not None:
            entry, stats = pair
            store.touch(SERVICE, lower, answer.fetched_at)
            note = _rename_note(lower, stats)
            if note:
                renamed.append(f"{names[lower]} -> {stats.full_name}")
            settle(report, keys, "revalidated", stats, answer.fetched_at, note)
            continue
        if answer is not None and answer.kind == "not_found":
            not_found.append(names[lower])
            settle(report, keys, "not_found", note=NOT_FOUND_NOTE)
            continue
        # Failed, rate limited, or never sent because the gate had closed.
        if answer is not None and answer.kind == "failed":
            cause = f"GitHub request failed ({answer.reason})"
            failure_reasons[answer.reason] = None
            group = failed
        elif gate.rate_limited:
            cause = "GitHub rate limit"
            group = limited
        else:
            cause = f"GitHub not asked after an earlier failure ({gate.reason})"
            failure_reasons[gate.reason] = None
            group = failed
        if pair is None:
            group[1].append(names[lower])
            settle(report, keys, "unknown", note=f"{cause}; no stored record")
        else:
            entry, stats = pair
            group[0].append((names[lower], entry.fetched_at))
            age = describe_age(record_age(entry.fetched_at, now))
            note = join_notes(f"{cause}; record fetched {age} ago", _rename_note(lower, stats))
            settle(report, keys, "stale", stats, entry.fetched_at, note)

    if gate.rate_limited:
        report.warnings.append(fallback_warning(_rate_limit_message(gate, now), *limited, now))
    if failed[0] or failed[1]:
        reasons = ", ".join(failure_reasons)
        report.warnings.append(fallback_warning(f"GitHub request failed ({reasons})", *failed, now))
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
