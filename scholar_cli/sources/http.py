"""Transport policy for every request scholar sends: one requests.Session, two adapters.

Policy lives in adapters rather than at call sites because the arxiv package makes its own
`session.get` calls (no timeout, its own User-Agent): only an adapter sees those requests.
- Every request gets a (connect, read) timeout, bounded retries that honour Retry-After, and
  scholar's User-Agent.
- With a deadline (`options.deadline` seconds from when the session is built), no request
  starts after it, and the timeouts and retries of one in flight are cut to the time left:
  a stalled service costs the deadline, not (retries + 1) × the read timeout.
- Only the adapter mounted on the GitHub API prefix (and on its GraphQL endpoint, which for
  GitHub Enterprise Server lies outside it) adds the token; the default adapter strips any
  Authorization header, so a redirect to another host (or a ~/.netrc entry) never sends it.
- The caller's PreparedRequest is never modified: the token exists only in the copy handed to
  urllib3, so it cannot surface through `response.request` or an exception's `.request`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from scholar_cli import __version__
from scholar_cli.sources.options import EventHook, FetchOptions, HttpEvent, redact_url

USER_AGENT = f"scholar-cli/{__version__} (+https://github.com/scholar-cli/scholar)"
GITHUB_ACCEPT = "application/vnd.github+json"
GITHUB_API_VERSION = "2022-11-28"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A Retry-After longer than this is not waited for: the answer goes back to the caller, which
# reports a rate limit and falls back to stored records instead of hanging the command.
MAX_RETRY_AFTER = 20.0
# With less time than this left before the deadline, no attempt starts: it could not finish.
MIN_ATTEMPT = 0.1


log = logging.getLogger("scholar_cli.http")

RetryHook = Callable[["_Retry", BaseHTTPResponse | None], None]


class DeadlineExceeded(requests.exceptions.Timeout):
    """The session's deadline passed before or during a request (retries included)."""


def build_session(options: FetchOptions, on_event: EventHook | None = None) -> requests.Session:
    """A Session carrying scholar's transport policy; `on_event` hears about every request.

    `options.deadline` counts from now: a fetcher that builds sessions late passes the time
    its source has left (plan.Deadline.session_options).
    """
    deadline_at = None if options.deadline is None else time.monotonic() + options.deadline
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    default = _PolicyAdapter(options, on_event, deadline_at)
    session.mount("http://", default)
    session.mount("https://", default)
    # The trailing slash keeps https://api.github.com.example.net from matching the prefix.
    github = _GitHubAdapter(options, on_event, deadline_at)
    session.mount(github_prefix(options.github_api_url), github)
    session.mount(github_graphql_url(options.github_api_url), github)
    return session


def github_prefix(api_url: str) -> str:
    return api_url.rstrip("/") + "/"


def github_graphql_url(api_url: str) -> str:
    """The GraphQL endpoint beside a REST API URL.

    GitHub documents `https://api.github.com/graphql`, and for GitHub Enterprise Server, whose
    REST API is `http(s)://HOST/api/v3`, `http(s)://HOST/api/graphql`. Any other URL (a
    GHE.com `https://api.SUBDOMAIN.ghe.com`, a test server) gets `/graphql` appended.
    """
    base = api_url.rstrip("/")
    if base.lower().endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


class _Retry(Retry):
    """urllib3 Retry that reports each retry and declines retries that cannot help."""

    def __init__(
        self,
        *args: Any,
        on_retry: RetryHook | None = None,
        deadline_at: float | None = None,
        on_deadline: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.on_retry = on_retry
        self.deadline_at = deadline_at
        self.on_deadline = on_deadline

    def new(self, **kw: Any) -> Self:
        # urllib3 copies a Retry for every attempt; the hooks must travel with the copies.
        kw.setdefault("on_retry", self.on_retry)
        kw.setdefault("deadline_at", self.deadline_at)
        kw.setdefault("on_deadline", self.on_deadline)
        return super().new(**kw)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        if response is not None and (why := self._hopeless(response)):
            # With raise_on_status=False urllib3 hands this response back instead of retrying.
            raise MaxRetryError(_pool, url or "", ResponseError(why))
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.deadline_at is not None:
            left = self.deadline_at - time.monotonic()
            if left < retry.planned_wait(response) + MIN_ATTEMPT:
                # The wait and a useful attempt do not fit before the deadline: give up now.
                # A response goes back to the caller; an error becomes the request's error.
                if self.on_deadline is not None:
                    self.on_deadline()
                reason = error or ResponseError("no time left before the deadline")
                raise MaxRetryError(_pool, url or "", reason)
        return retry

    def _hopeless(self, response: BaseHTTPResponse) -> str | None:
        if response.headers.get("X-RateLimit-Remaining") == "0":
            return "rate limit exhausted until X-RateLimit-Reset"
        retry_after = response.headers.get("Retry-After")
        if retry_after is not None:
            try:
                wait = self.parse_retry_after(retry_after)
            except InvalidHeader:
                return None
            if wait > MAX_RETRY_AFTER:
                return f"Retry-After {wait:.0f} s is longer than {MAX_RETRY_AFTER:.0f} s"
        return None

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.on_retry is not None:
            self.on_retry(self, response)
        super().sleep(response)

    def planned_wait(self, response: BaseHTTPResponse | None) -> float:
        if response is not None and self.respect_retry_after_header:
            retry_after = response.headers.get("Retry-After")
            if retry_after:
                try:
                    return self.parse_retry_after(retry_after)
                except InvalidHeader:
                    pass
        return self.get_backoff_time()


class _DeadlineTimeout(Timeout):
    """A (connect, read) timeout that never reaches past the deadline.

    urllib3 reads these properties afresh for every attempt (it clones the object for each),
    so a retry late in the budget gets only the time that is left.
    """

    def __init__(self, connect: float, read: float, deadline_at: float) -> None:
        super().__init__(connect=connect, read=read)
        self._limits = (connect, read)
        self._deadline_at = deadline_at

    def clone(self) -> _DeadlineTimeout:
        return _DeadlineTimeout(*self._limits, self._deadline_at)

    @property
    def connect_timeout(self) -> float:
        # Never 0: to a socket that means non-blocking, not "give up".
        return max(0.01, min(self._limits[0], self._deadline_at - time.monotonic()))

    @property
    def read_timeout(self) -> float:
        # 0 makes urllib3 raise ReadTimeoutError at once, which is right when time is up.
        return max(0.0, min(self._limits[1], self._deadline_at - time.monotonic()))


class _PolicyAdapter(HTTPAdapter):
    """Timeout, retries, User-Agent and logging for every host; never an Authorization header."""

    retry_methods = frozenset({"GET"})

    def __init__(
        self, options: FetchOptions, on_event: EventHook | None, deadline_at: float | None
    ) -> None:
        self._timeout = options.timeout
        self._on_event = on_event
        self._deadline_at = deadline_at
        self._local = threading.local()
        retry = _Retry(
            total=options.retries,
            connect=options.retries,
            read=options.retries,
            status=options.retries,
            other=0,
            redirect=None,  # requests follows redirects itself
            backoff_factor=options.backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=self.retry_methods,
            respect_retry_after_header=True,
            raise_on_status=False,
            on_retry=self._note_retry,
            deadline_at=deadline_at,
            on_deadline=self._note_deadline,
        )
        super().__init__(max_retries=retry)

    def add_headers_to(self, headers: CaseInsensitiveDict[str]) -> None:
        headers.pop("Authorization", None)
        # Set here, not on the session: the arxiv package passes its own per-request UA.
        headers["User-Agent"] = USER_AGENT

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        outgoing = request.copy()
        self.add_headers_to(outgoing.headers)
        # Any: requests also takes a urllib3 Timeout here, which its type stubs leave out.
        limits: Any = self._timeout if timeout is None else timeout
        self._local.retries = 0
        self._local.out_of_time = False
        started = time.monotonic()
        if self._deadline_at is not None:
            if self._deadline_at - started < MIN_ATTEMPT:
                raise DeadlineExceeded("the deadline passed; not sent", request=request)
            if isinstance(limits, (int, float)):
                limits = (limits, limits)
            if isinstance(limits, tuple) and None not in limits:
                limits = _DeadlineTimeout(float(limits[0]), float(limits[1]), self._deadline_at)
        try:
            response = super().send(outgoing, stream, limits, verify, cert, proxies)
        except requests.RequestException as exc:
            exc.request = request
            self._report(request, None, started, f"{type(exc).__name__}: {exc}")
            if self._local.out_of_time or (
                self._deadline_at is not None and time.monotonic() >= self._deadline_at
            ):
                raise DeadlineExceeded(
                    f"the deadline passed ({describe_network_error(exc)})", request=request
                ) from exc
            raise
        response.request = request
        self._report(request, response.status_code, started, None)
        return response

    def _note_deadline(self) -> None:
        self._local.out_of_time = True

    def _note_retry(self, retry: _Retry, response: BaseHTTPResponse | None) -> None:
        self._local.retries = getattr(self._local, "retries", 0) + 1
        last = retry.history[-1] if retry.history else None
        cause = (
            f"HTTP {last.status}"
            if last is not None and last.status
            else type(last.error).__name__
            if last is not None and last.error
            else "error"
        )
        log.info(
            "retrying %s %s after %s in %.1f s",
            last.method if last else "GET",
            redact_url(last.url or "?") if last else "?",
            cause,
            retry.planned_wait(response),
        )

    def _report(
        self,
        request: requests.PreparedRequest,
        status: int | None,
        started: float,
        error: str | None,
    ) -> None:
        seconds = time.monotonic() - started
        attempts = 1 + getattr(self._local, "retries", 0)
        method = request.method or "GET"
        # A user name and password in an API URL are credentials: logs and events never hold them.
        url = redact_url(request.url or "")
        error = None if error is None else redact_url(error)
        tries = f", {attempts} attempts" if attempts > 1 else ""
        if error is None:
            log.info("%s %s -> %s (%.2f s%s)", method, url, status, seconds, tries)
        else:
            log.info("%s %s -> failed: %s (%.2f s%s)", method, url, error, seconds, tries)
        if self._on_event is not None:
            self._on_event(HttpEvent(method, url, status, attempts, seconds, error))


class _GitHubAdapter(_PolicyAdapter):
    """Mounted only on the GitHub API prefix: the one place the token is attached."""

    # scholar's one POST is a GraphQL query, which only reads: sending it again is safe.
    retry_methods = frozenset({"GET", "POST"})

    def __init__(
        self, options: FetchOptions, on_event: EventHook | None, deadline_at: float | None
    ) -> None:
        super().__init__(options, on_event, deadline_at)
        self._token = options.github_token

    def __repr__(self) -> str:
        return f"<{type(self).__name__} token={'set' if self._token else 'unset'}>"

    def add_headers_to(self, headers: CaseInsensitiveDict[str]) -> None:
        super().add_headers_to(headers)
        headers["Accept"] = GITHUB_ACCEPT
        headers["X-GitHub-Api-Version"] = GITHUB_API_VERSION
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"


def describe_network_error(exc: BaseException) -> str:
    """A short cause for a requests/arxiv exception, without URLs or headers."""
    text = str(exc)
    if "timed out" in text.lower() or "Timeout" in type(exc).__name__:
        return "timed out"
    if "Connection refused" in text:
        return "connection refused"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset by peer" in text:
        return "connection closed without an answer"
    if "Name or service not known" in text or "getaddrinfo" in text or "resolve" in text:
        return "host not found"
    return type(exc).__name__
