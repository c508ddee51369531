"""What GitHub said about each repository, however it was asked (REST or GraphQL).

One home for the things both ways of asking share: the answer per repository, the gate that
stops further requests, the rate-limit budget GitHub reports, and the two wire formats mapped
onto the one RepoStats record, side by side so a field added to one is seen missing from the
other. Stdlib and models only; requests is named for type checking alone.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from scholar_cli.models import RepoStats
from scholar_cli.sources.options import describe_age

if TYPE_CHECKING:
    import requests

AnswerKind = Literal[
    "ok", "not_modified", "not_found", "rate_limited", "late", "failed", "not_asked"
]
StopKind = Literal["", "rate_limit", "deadline", "failure"]
# A repository never asked about fares as the one answer that closed the gate.
NOT_ASKED: dict[StopKind, AnswerKind] = {
    "rate_limit": "rate_limited",
    "deadline": "late",
    "failure": "not_asked",
    "": "not_asked",
}
# Said when GitHub refuses the token (HTTP 401), on either API.
REJECTED_TOKEN = "HTTP 401: GitHub rejected the token in GITHUB_TOKEN/GH_TOKEN"


class Answer:
    """What GitHub said about one repository (None in its place: never asked).

    A plain slotted class, not a dataclass: this module loads on warm runs too, and building a
    dataclass costs about a millisecond of start-up.
    """

    __slots__ = ("budget", "etag", "fetched_at", "kind", "last_modified", "reason", "stats")

    def __init__(
        self,
        kind: AnswerKind,
        stats: RepoStats | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        reason: str = "",  # for "failed": a short cause such as "HTTP 503"
        fetched_at: float = 0.0,
        budget: Budget | None = None,  # the REST rate limit the answer reported
    ) -> None:
        self.kind = kind
        self.stats = stats
        self.etag = etag
        self.last_modified = last_modified
        self.reason = reason
        self.fetched_at = fetched_at
        self.budget = budget


class Gate:
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


class Budget:
    """GitHub's REST rate limit as one answer reported it: `remaining` requests until
    `reset_at` (epoch seconds), then `limit` again (None when the answer did not say)."""

    __slots__ = ("limit", "remaining", "reset_at")

    def __init__(self, limit: int | None, remaining: int, reset_at: float) -> None:
        self.limit = limit
        self.remaining = remaining
        self.reset_at = reset_at

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Budget | None:
        """From X-RateLimit-* (any case), or None without them or for another resource."""
        resource = headers.get("X-RateLimit-Resource", "core").strip()
        remaining = headers.get("X-RateLimit-Remaining", "").strip()
        reset = headers.get("X-RateLimit-Reset", "").strip()
        limit = headers.get("X-RateLimit-Limit", "").strip()
        if resource != "core" or not remaining.isdigit() or not reset.isdigit():
            return None
        return cls(int(limit) if limit.isdigit() else None, int(remaining), float(reset))

    def later(self, other: Budget | None) -> Budget:
        """Of two answers' budgets, the one said last: parallel answers arrive in any order, but
        within one window the smaller count is the later one."""
        if other is None:
            return self
        return min(self, other, key=lambda b: (-b.reset_at, b.remaining))

    def to_json_dict(self) -> dict[str, Any]:
        return {"limit": self.limit, "remaining": self.remaining, "reset_at": self.reset_at}

    @classmethod
    def from_json_dict(cls, d: Mapping[str, Any]) -> Budget:
        limit = d["limit"]
        return cls(None if limit is None else int(limit), int(d["remaining"]), float(d["reset_at"]))


def rate_limit_message(gate: Gate, now: float) -> str:
    if gate.reset_at is None:
        return "GitHub rate limit reached"
    when = datetime.fromtimestamp(gate.reset_at, UTC).strftime("%Y-%m-%d %H:%M")
    wait = describe_age(gate.reset_at - now)
    return f"GitHub rate limit reached; resets at {when} UTC (in {wait})"


def is_rate_limit(response: requests.Response) -> bool:
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


def reset_at(response: requests.Response, now: float) -> float | None:
    retry_after = response.headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return now + int(retry_after)
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit():
        return float(reset)
    return None


# The one record, from either API. REST `GET /repos/{owner}/{name}` and GraphQL `Repository`
# name the same facts differently; `language` is REST's name for the primary language.
def stats_from_rest(body: Any) -> RepoStats:
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


# The GraphQL selection that stats_from_graphql reads: every field RepoStats needs, no more.
GRAPHQL_FIELDS = (
    "nameWithOwner",
    "stargazerCount",
    "forkCount",
    "isArchived",
    "pushedAt",
    "description",
    "primaryLanguage { name }",
    "url",
)


def stats_from_graphql(node: Any) -> RepoStats:
    if not isinstance(node, dict):
        raise TypeError("repository JSON is not an object")
    language = node["primaryLanguage"]
    if language is not None and not isinstance(language, dict):
        raise TypeError("primaryLanguage is not an object")
    return RepoStats(
        full_name=str(node["nameWithOwner"]),
        stars=_count(node["stargazerCount"]),
        forks=_count(node["forkCount"]),
        archived=_flag(node["isArchived"]),
        pushed_at=_optional_str(node["pushedAt"]),
        description=_optional_str(node["description"]),
        language=None if language is None else _optional_str(language["name"]),
        html_url=str(node["url"]),
    )


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a count is not an integer")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("a flag is not a boolean")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
