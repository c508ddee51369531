"""What a fetch may do (FetchOptions) and what it did (FetchReport).

Light on purpose: stdlib, errors and models only. The CLI builds options on every run, including
warm runs that must not load requests, arxiv or lxml.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from scholar_cli import defaults
from scholar_cli.errors import ConfigError
from scholar_cli.models import Fetched

if TYPE_CHECKING:
    import requests

DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_GITHUB_API_URL = "https://api.github.com"
# arXiv's API terms ask for no more than one request every three seconds.
ARXIV_MIN_DELAY = 3.0
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Where records live, where the services are, and how patient to be with them.

    `github_token` is kept out of repr (and so out of tracebacks and logs); do not pass the
    options through `dataclasses.asdict` into anything that is printed or stored.
    """

    cache_dir: Path
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    github_api_url: str = DEFAULT_GITHUB_API_URL
    github_token: str | None = field(default=None, repr=False)
    arxiv_max_age: float = defaults.ARXIV_MAX_AGE
    github_max_age: float = defaults.GITHUB_MAX_AGE
    offline: bool = False
    refresh: bool = False
    timeout: tuple[float, float] = DEFAULT_TIMEOUT  # (connect, read) seconds
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    arxiv_delay: float = ARXIV_MIN_DELAY
    github_workers: int = 4
    # With a token, stale and missing repositories are asked for with GraphQL, 100 to a
    # request; False asks REST (one request each, ETag revalidation) even with a token.
    github_graphql: bool = True
    # Seconds one source (arXiv, GitHub, the title search) may spend sending; None: no limit.
    # Without one a stalled service holds a command for (retries + 1) × the read timeout.
    deadline: float | None = defaults.DEADLINE
    # Told (source label, requests done, requests in all) as a source works through its
    # requests; the CLI draws progress from it. Not a setting: never compared or printed.
    progress: Callable[[str, int, int], None] | None = field(
        default=None, compare=False, repr=False
    )

    def report_progress(self, label: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(label, done, total)

    def __post_init__(self) -> None:
        for name in ("arxiv_api_url", "github_api_url"):
            if problem := _url_problem(getattr(self, name)):
                raise ConfigError(f"{name} {problem}")
        if self.github_token is not None:
            if problem := _token_problem(self.github_token):
                # Never echo the value: it is a credential.
                raise ConfigError(f"github_token {problem}")
            if problem := _plain_http_problem(self.github_api_url, "github_token"):
                raise ConfigError(f"github_api_url {problem}")
        if len(self.timeout) != 2 or not all(_positive(t) for t in self.timeout):
            raise ConfigError(
                f"timeout must be two positive numbers of seconds; got {self.timeout}"
            )
        if not 0 <= self.retries <= 10:
            raise ConfigError(f"retries must be between 0 and 10; got {self.retries}")
        if not (math.isfinite(self.backoff) and 0 <= self.backoff <= 60):
            raise ConfigError(f"backoff must be between 0 and 60 seconds; got {self.backoff}")
        for name in ("arxiv_max_age", "github_max_age"):
            value = getattr(self, name)
            if not (value >= 0 and not math.isnan(value)):
                raise ConfigError(f"{name} must be zero or more seconds; got {value}")
        if self.github_workers < 1:
            raise ConfigError(f"github_workers must be at least 1; got {self.github_workers}")
        if problem := _arxiv_delay_problem(self.arxiv_delay, self.arxiv_api_url):
            raise ConfigError(f"arxiv_delay {problem}")
        if self.deadline is not None and not (math.isfinite(self.deadline) and self.deadline >= 0):
            raise ConfigError(
                f"deadline must be zero or more seconds, or None; got {self.deadline}"
            )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        cache_dir: Path | None = None,
        offline: bool = False,
        refresh: bool = False,
    ) -> FetchOptions:
        """Options from the environment (SCHOLAR_*, GITHUB_API_URL, GITHUB_TOKEN/GH_TOKEN).

        SCHOLAR_DEADLINE is seconds per source, or `none` for no deadline.

        Unset or empty variables keep the defaults. A bad value raises ConfigError naming the
        variable. Other settings (max ages, workers) come from `dataclasses.replace` afterwards.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        arxiv_url = get("SCHOLAR_ARXIV_API_URL") or DEFAULT_ARXIV_API_URL
        if problem := _url_problem(arxiv_url):
            raise ConfigError(f"SCHOLAR_ARXIV_API_URL {problem}")
        github_url = get("GITHUB_API_URL") or DEFAULT_GITHUB_API_URL
        if problem := _url_problem(github_url):
            raise ConfigError(f"GITHUB_API_URL {problem}")

        token = None
        for name in ("GITHUB_TOKEN", "GH_TOKEN"):
            token = get(name)
            if token is not None:
                if problem := _token_problem(token):
                    raise ConfigError(f"{name} {problem}")
                if problem := _plain_http_problem(github_url, name):
                    raise ConfigError(f"GITHUB_API_URL {problem}")
                break

        timeout = DEFAULT_TIMEOUT
        if (raw := get("SCHOLAR_HTTP_TIMEOUT")) is not None:
            timeout = _parse_timeout(raw)

        retries = DEFAULT_RETRIES
        if (raw := get("SCHOLAR_HTTP_RETRIES")) is not None:
            try:
                retries = int(raw)
            except ValueError:
                retries = -1
            if not 0 <= retries <= 10:
                raise ConfigError(
                    f"SCHOLAR_HTTP_RETRIES must be a whole number from 0 to 10; got {raw!r}"
                )

        backoff = DEFAULT_BACKOFF
        if (raw := get("SCHOLAR_HTTP_BACKOFF")) is not None:
            backoff = _parse_seconds(raw, -1.0)
            if not 0 <= backoff <= 60:
                raise ConfigError(f"SCHOLAR_HTTP_BACKOFF must be seconds from 0 to 60; got {raw!r}")

        delay = ARXIV_MIN_DELAY
        if (raw := get("SCHOLAR_ARXIV_DELAY")) is not None:
            delay = _parse_seconds(raw, -1.0)
            if problem := _arxiv_delay_problem(delay, arxiv_url):
                raise ConfigError(f"SCHOLAR_ARXIV_DELAY {problem}; got {raw!r}")

        deadline: float | None = defaults.DEADLINE
        if (raw := get("SCHOLAR_DEADLINE")) is not None:
            deadline = None if raw.lower() == "none" else _parse_seconds(raw, -1.0)
            if deadline is not None and deadline < 0:
                raise ConfigError(
                    f"SCHOLAR_DEADLINE must be seconds (0 or more) or 'none'; got {raw!r}"
                )

        return cls(
            cache_dir=cache_dir if cache_dir is not None else default_cache_dir(env),
            arxiv_api_url=arxiv_url,
            github_api_url=github_url,
            github_token=token,
            offline=offline,
            refresh=refresh,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            arxiv_delay=delay,
            deadline=deadline,
        )


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$SCHOLAR_CACHE_DIR, else the platform's user cache folder for scholar-cli."""
    env = os.environ if environ is None else environ
    explicit = env.get("SCHOLAR_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    # Imported here: only runs that need the default folder pay for platformdirs.
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("scholar-cli", appauthor=False))


@dataclass(frozen=True, slots=True)
class HttpEvent:
    """One request as the transport saw it (after its own retries), for counting and logs."""

    method: str
    url: str
    status: int | None  # None when no response arrived
    attempts: int  # 1 + transport retries
    seconds: float
    error: str | None = None


EventHook: TypeAlias = Callable[[HttpEvent], None]
# Same shape as http.build_session, so tests and the CLI can wrap or replace it.
SessionFactory: TypeAlias = Callable[[FetchOptions, EventHook | None], "requests.Session"]


@dataclass(slots=True)
class FetchReport:
    """The outcome of one fetch_* call.

    `results` maps every key passed in (as given) to its outcome; `requests` counts HTTP
    requests sent, transport retries and redirects included; `warnings` are one-line messages
    for the user, each to be printed once.
    """

    results: dict[str, Fetched] = field(default_factory=dict)
    requests: int = 0
    warnings: list[str] = field(default_factory=list)


def describe_age(seconds: float) -> str:
    """A short human duration: `45 s`, `12 min`, `5 h`, `3 d` (rounded to the nearest unit)."""
    seconds = max(0.0, seconds)
    if round(seconds) < 60:
        return f"{round(seconds)} s"
    if round(seconds / 60) < 60:
        return f"{round(seconds / 60)} min"
    if round(seconds / 3600) < 24:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"


def fallback_warning(
    prefix: str, stale: Iterable[tuple[str, float]], unknown: Iterable[str], now: float
) -> str:
    """`<prefix>; using cached values for a (2 h old), b (3 d old); no cached value for c`."""
    parts = [prefix]
    kept = [f"{key} ({describe_age(now - fetched_at)} old)" for key, fetched_at in stale]
    missing = list(unknown)
    if kept:
        parts.append("using cached values for " + ", ".join(kept))
    if missing:
        parts.append("no cached value for " + ", ".join(missing))
    return "; ".join(parts)


def record_age(fetched_at: float, now: float | None = None) -> float:
    """Seconds since `fetched_at`; a timestamp from the future (clock change) counts as new."""
    return max(0.0, (time.time() if now is None else now) - fetched_at)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# After `//`, everything up to the authority's last `@` (the authority ends at `/`, `?` or `#`,
# as in urlsplit): a user name and password. Quotes and spaces end it too, for URLs in text.
_USERINFO = re.compile(r"(?<=//)[^/?#\s'\"]*@")


def redact_url(text: str) -> str:
    """`text` (a URL, or a message holding some) with user names and passwords as `***`.

    For logs and messages. Works on the text, not through urlsplit, so it also masks the URLs
    urlsplit rejects.
    """
    return _USERINFO.sub("***@", text)


def _url_problem(url: str) -> str | None:
    """What is wrong with an API URL, ending in the URL as given (credentials masked)."""
    shown = redact_url(url)
    try:
        parts = urlsplit(url)  # raises ValueError for a broken [IPv6] host
    except ValueError:
        return f"must be an http(s) URL; got {shown!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        return f"must be an http(s) URL; got {shown!r}"
    try:
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        port = 0
    if port == 0:
        return f"must have a port from 1 to 65535; got {shown!r}"
    return None


def _plain_http_problem(github_url: str, token_name: str) -> str | None:
    # A token sent over http can be read by anyone on the path; a loopback server (a test
    # double, a local proxy) keeps it on this machine.
    if urlsplit(github_url).scheme == "http" and not is_loopback_url(github_url):
        return (
            f"is plain http to a host that is not loopback: the token in {token_name} would "
            f"travel unencrypted (use https); got {redact_url(github_url)!r}"
        )
    return None


def _token_problem(token: str) -> str | None:
    # requests echoes an invalid header value in its exception message: refuse it up front.
    if not token or any(not ("!" <= ch <= "~") for ch in token):
        return "must be a single word of visible ASCII characters (it goes into an HTTP header)"
    return None


def _arxiv_delay_problem(delay: float, arxiv_url: str) -> str | None:
    if math.isnan(delay) or delay < 0:
        return "must be zero or more seconds"
    if delay < ARXIV_MIN_DELAY and not is_loopback_url(arxiv_url):
        return (
            f"must be at least {ARXIV_MIN_DELAY:g} seconds (arXiv's API terms); "
            "shorter delays are only for a loopback test server"
        )
    return None


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _parse_seconds(raw: str, invalid: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        return invalid
    return value if math.isfinite(value) else invalid


def _parse_timeout(raw: str) -> tuple[float, float]:
    pieces = [p.strip() for p in raw.split(",")]
    values = [_parse_seconds(p, -1.0) for p in pieces]
    if len(values) not in (1, 2) or not all(_positive(v) for v in values):
        raise ConfigError(
            f"SCHOLAR_HTTP_TIMEOUT must be seconds, e.g. 10 or 5,30 (connect,read); got {raw!r}"
        )
    return (values[0], values[-1])
