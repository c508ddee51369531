"""GitHub's GraphQL API: up to 100 repositories in one request, for runs with a token.

GraphQL needs a token; without one scholar asks REST (github_rest). One query per batch, each
repository under an alias (`r0: repository(owner: $o0, name: $n0) { ...repo }`), owners and
names passed as variables, never written into the query text, plus `rateLimit` so the cost is
seen. Batches go one after another: GitHub asks API clients not to send concurrently, and a
page needs only ceil(repositories / 100) of them.

How GitHub answers, and what each answer becomes (the same as on the REST path):
- a repository found under its old name comes back with its new `nameWithOwner` (the
  `repository` field follows renames): `renamed`, as REST's 301;
- an unknown, deleted or private one is `null` with an error `{"type": "NOT_FOUND",
  "path": ["r3"]}`: not found, as REST's 404; another error on its path fails that one alone;
- a refused batch (HTTP 5xx, 401, a rate limit, an unreadable body, no answer in time) fails
  every repository in it: each falls back to its stored record, else unknown. A 401, a rate
  limit, a network failure or the deadline also stops the batches after it.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scholar_cli.sources.github_answers import (
    GRAPHQL_FIELDS,
    REJECTED_TOKEN,
    Answer,
    AnswerKind,
    Gate,
    is_rate_limit,
    reset_at,
    stats_from_graphql,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import requests

    from scholar_cli.sources.options import FetchOptions, FetchReport, HttpEvent, SessionFactory
    from scholar_cli.sources.plan import Deadline

BATCH = 100  # aliases per query: GitHub's node limit leaves room, and cost stays 1 point
_ERROR_TYPE = re.compile(r"[A-Z][A-Z_]{0,40}")


def build_query(pairs: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The query and its variables for (owner, name) pairs; alias r<i> is pairs[i]."""
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(len(pairs)))
    lines = [f"query({params}) {{"]
    lines += [
        f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...repo }}" for i in range(len(pairs))
    ]
    lines += [
        "  rateLimit { cost remaining resetAt }",
        "}",
        f"fragment repo on Repository {{ {' '.join(GRAPHQL_FIELDS)} }}",
    ]
    variables: dict[str, str] = {}
    for i, (owner, name) in enumerate(pairs):
        variables[f"o{i}"] = owner
        variables[f"n{i}"] = name
    return "\n".join(lines), variables


def ask_graphql(
    due: Sequence[str],
    names: dict[str, str],
    options: FetchOptions,
    deadline: Deadline,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> tuple[dict[str, Answer | None], Gate]:
    """An answer for each of `due` (lower-case owner/name; None: never asked), asked in that
    order, 100 to a request."""
    from scholar_cli.sources import http

    events: list[HttpEvent] = []
    factory = session_factory or http.build_session
    url = http.github_graphql_url(options.github_api_url)
    gate = Gate()
    answers: dict[str, Answer | None] = dict.fromkeys(due)
    session: requests.Session | None = None
    try:
        for start in range(0, len(due), BATCH):
            if gate.closed.is_set():
                break
            if deadline.passed():
                gate.close("deadline")
                break
            if session is None:
                session = factory(deadline.session_options(options), events.append)
            batch = list(due[start : start + BATCH])
            total = -(-len(due) // BATCH)
            options.report_progress("GitHub", start // BATCH, total)
            answers.update(_ask_batch(session, url, batch, names, gate))
            options.report_progress("GitHub", start // BATCH + 1, total)
    finally:
        if session is not None:
            session.close()
    report.requests += sum(event.attempts for event in events)
    return answers, gate


def _ask_batch(
    session: requests.Session, url: str, batch: list[str], names: dict[str, str], gate: Gate
) -> dict[str, Answer]:
    import requests

    from scholar_cli.sources.http import DeadlineExceeded, describe_network_error

    def every(kind: AnswerKind, reason: str = "") -> dict[str, Answer]:
        return {lower: Answer(kind, reason=reason) for lower in batch}

    pairs = [(owner, name) for owner, _, name in (names[lower].partition("/") for lower in batch)]
    query, variables = build_query(pairs)
    try:
        response = session.post(url, json={"query": query, "variables": variables})
    except DeadlineExceeded:
        gate.close("deadline")
        return every("late")
    except requests.RequestException as exc:
        reason = describe_network_error(exc)
        gate.close("failure", reason)
        return every("failed", reason)
    with response:
        fetched_at = time.time()
        status = response.status_code
        if status in (403, 429) and is_rate_limit(response):
            gate.close("rate_limit", reset_at=reset_at(response, fetched_at))
            return every("rate_limited")
        if status == 401:
            gate.close("failure", REJECTED_TOKEN)
            return every("failed", REJECTED_TOKEN)
        if status != 200:
            return every("failed", f"HTTP {status}")
        try:
            body = response.json()
        except ValueError:
            return every("failed", "unexpected answer")
        if not isinstance(body, dict):
            return every("failed", "unexpected answer")
        errors = body.get("errors")
        errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        general = [e for e in errors if not _alias_of(e)]
        if any(e.get("type") == "RATE_LIMITED" for e in general):
            # GraphQL's primary rate limit: HTTP 200 with an error, nothing answered.
            gate.close("rate_limit", reset_at=reset_at(response, fetched_at))
            return every("rate_limited")
        data = body.get("data")
        if not isinstance(data, dict):
            reason = f"GraphQL {_error_type(general[0])}" if general else "unexpected answer"
            return every("failed", reason)
        return _read_batch(data, errors, batch, gate, fetched_at)


def _read_batch(
    data: dict[str, Any],
    errors: list[dict[str, Any]],
    batch: list[str],
    gate: Gate,
    fetched_at: float,
) -> dict[str, Answer]:
    by_alias: dict[str, dict[str, Any]] = {}
    for each in errors:
        if alias := _alias_of(each):
            by_alias.setdefault(alias, each)
    out: dict[str, Answer] = {}
    for i, lower in enumerate(batch):
        alias = f"r{i}"
        node = data.get(alias)
        error = by_alias.get(alias)
        if node is None:
            if error is not None and error.get("type") == "NOT_FOUND":
                out[lower] = Answer("not_found")
            elif error is not None:
                out[lower] = Answer("failed", reason=f"GraphQL {_error_type(error)}")
            else:
                out[lower] = Answer("failed", reason="unexpected answer")
            continue
        try:
            stats = stats_from_graphql(node)
        except (KeyError, TypeError, ValueError):
            out[lower] = Answer("failed", reason="unexpected answer")
            continue
        out[lower] = Answer("ok", stats=stats, fetched_at=fetched_at)
    limit = data.get("rateLimit")
    if isinstance(limit, dict) and limit.get("remaining") == 0:
        # This batch counted; the next one would be refused.
        gate.close("rate_limit", reset_at=_parse_time(limit.get("resetAt")))
    return out


def _alias_of(error: dict[str, Any]) -> str:
    path = error.get("path")
    if isinstance(path, list) and path and isinstance(path[0], str):
        return path[0]
    return ""


def _error_type(error: dict[str, Any]) -> str:
    # Only GitHub's error code goes into notes: messages can be long and repeat the query.
    kind = error.get("type")
    return kind if isinstance(kind, str) and _ERROR_TYPE.fullmatch(kind) else "error"


def _parse_time(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
