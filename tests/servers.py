"""Loopback stand-ins for arXiv and GitHub, and sockets that misbehave, as pytest fixtures.

The fakes answer from the files in fixtures/ (through `load_fixture`, the one loader) and
record every request, so tests count requests and inspect headers instead of patching code.
arXiv and GitHub run on different ports, as the real services are different hosts: a header
meant for one must be seen never to reach the other.

Use from a test module with `pytest_plugins = ["servers"]` (or from tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import graphql_doc
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scholar_cli.sources.options import FetchOptions
from scholar_cli.sources.store import RecordStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# A stand-in credential: tests look for these bytes where they must never be.
TOKEN = "ghp_scholarTestToken0123456789abcdefXYZ"


def load_fixture(relative: str) -> Any:
    """fixtures/<relative>: parsed JSON for .json files, text for everything else."""
    text = (FIXTURES / relative).read_text(encoding="utf-8")
    return json.loads(text) if relative.endswith(".json") else text


@dataclass(frozen=True)
class Seen:
    """One request as a fake server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() on arrival
    body: str = ""  # the request body (GraphQL's JSON), as text

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Canned:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


class _Fake:
    """Shared plumbing: one catch-all handler, a request log, canned answers served first."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.seen: list[Seen] = []
        self._canned: list[tuple[re.Pattern[str], Canned]] = []
        self._lock = threading.Lock()
        # Called with each request before it is answered (tests look at the world from here).
        self.on_request: Callable[[Seen], None] | None = None
        server.clear()
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def respond_next(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        body: str = "",
        *,
        times: int = 1,
        path: str = ".*",
    ) -> None:
        """Answer the next `times` requests whose path matches `path` with this, then as usual."""
        for _ in range(times):
            self._canned.append((re.compile(path), Canned(status, headers or {}, body)))

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def _handle(self, request: Request) -> Response:
        seen = Seen(
            method=request.method,
            path=request.path,
            query={k: v for k, v in request.args.items()},
            headers={k.lower(): v for k, v in request.headers.items()},
            at=time.monotonic(),
            body=request.get_data(as_text=True),
        )
        if self.on_request is not None:
            self.on_request(seen)
        with self._lock:
            self.seen.append(seen)
            canned = next(
                (i for i, (pattern, _) in enumerate(self._canned) if pattern.fullmatch(seen.path)),
                None,
            )
            answer = self._canned.pop(canned)[1] if canned is not None else None
        if answer is not None:
            return Response(answer.body, answer.status, headers=answer.headers)
        return self.answer(seen)

    def answer(self, seen: Seen) -> Response:
        raise NotImplementedError


_NEW_ID = re.compile(r"\d{4}\.\d{4,5}(v\d+)?")
_OLD_ID = re.compile(r"[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?")


class FakeArxiv(_Fake):
    """GET /api/query?id_list=...: a feed of exactly the known ids asked for.

    GET /api/query?search_query=ti:"..." (no id_list): the entries with that exact title.

    Like arXiv: unknown well-formed ids are silently missing (totalResults counts only what is
    found); one malformed id turns the whole answer into HTTP 400 with an Error entry.
    """

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.entries: dict[str, str] = {
            path.stem.replace("_", "/"): load_fixture(f"arxiv/entries/{path.name}")
            for path in sorted((FIXTURES / "arxiv" / "entries").glob("*.xml"))
        }

    @property
    def url(self) -> str:
        return self.base_url + "/api/query"

    def id_lists(self) -> list[list[str]]:
        return [s.query.get("id_list", "").split(",") for s in self.seen]

    def answer(self, seen: Seen) -> Response:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if seen.path != "/api/query":
            return Response("not found", 404)
        ids = [i for i in seen.query.get("id_list", "").split(",") if i]
        if not ids and seen.query.get("search_query"):
            return self._search(seen, now)
        bad = [i for i in ids if not (_NEW_ID.fullmatch(i) or _OLD_ID.fullmatch(i))]
        if bad:
            error = Template(load_fixture("arxiv/error-incorrect-id.xml"))
            return Response(
                error.substitute(bad_id=bad[0], updated=now),
                400,
                content_type="application/atom+xml; charset=utf-8",
            )
        found = [
            self.entries[b] for b in (re.sub(r"v\d+$", "", i) for i in ids) if b in self.entries
        ]
        start = int(seen.query.get("start", "0"))
        size = int(seen.query.get("max_results", "10"))
        id_list = ",".join(ids)
        text = Template(load_fixture("arxiv/feed.xml")).substitute(
            feed_id=hashlib.sha1(id_list.encode()).hexdigest()[:27],
            id_list=id_list,
            start=start,
            max_results=size,
            updated=now,
            total=len(found),
            entries="".join(found[start : start + size]),
        )
        return Response(text, 200, content_type="application/atom+xml; charset=utf-8")

    def search_queries(self) -> list[str]:
        return [s.query.get("search_query", "") for s in self.seen]

    def _search(self, seen: Seen, now: str) -> Response:
        """search_query=ti:"<phrase>": the entries whose title is the phrase (any case).

        Cruder than arXiv's phrase search (which matches the words anywhere in the title), but
        enough to tell an exact title from a near miss. Other queries find nothing.
        """
        m = re.fullmatch(r'ti:"([^"]*)"', seen.query["search_query"].strip())
        phrase = " ".join(m.group(1).split()).casefold() if m else None
        found = [
            entry
            for entry in self.entries.values()
            if (t := re.search(r"<title>(.*?)</title>", entry, re.S))
            and " ".join(t.group(1).split()).casefold() == phrase
        ]
        start = int(seen.query.get("start", "0"))
        size = int(seen.query.get("max_results", "10"))
        text = Template(load_fixture("arxiv/feed.xml")).substitute(
            feed_id=hashlib.sha1(seen.query["search_query"].encode()).hexdigest()[:27],
            id_list="",
            start=start,
            max_results=size,
            updated=now,
            total=len(found),
            entries="".join(found[start : start + size]),
        )
        return Response(text, 200, content_type="application/atom+xml; charset=utf-8")


# Any `bench-owner/repo-<n>` exists: FakeGitHub makes up its record, so a test can put
# hundreds of repositories on a page without a fixture file each.
BENCH_REPO = re.compile(r"bench-owner/repo-(\d+)")
# REST field -> GraphQL field of a Repository, for the fields a fixture body holds.
GRAPHQL_FROM_REST = {
    "nameWithOwner": "full_name",
    "stargazerCount": "stargazers_count",
    "forkCount": "forks_count",
    "isArchived": "archived",
    "pushedAt": "pushed_at",
    "description": "description",
    "url": "html_url",
    "databaseId": "id",
    "name": "name",
}


def bench_repo(n: int) -> dict[str, Any]:
    """A made-up REST body for bench-owner/repo-<n>, shaped like the fixture files."""
    full_name = f"bench-owner/repo-{n}"
    return {
        "id": 930000000 + n,
        "name": f"repo-{n}",
        "full_name": full_name,
        "html_url": f"https://github.com/{full_name}",
        "description": f"Benchmark repository {n}",
        "pushed_at": "2025-06-01T12:00:00Z",
        "stargazers_count": 7 * n + 3,
        "forks_count": n,
        "language": None if n % 5 == 0 else "Python",
        "archived": False,
        "license": None,
    }


class FakeGitHub(_Fake):
    """GET /repos/{owner}/{name} and /repositories/{id}, with GitHub's validators and limits;
    POST /graphql (and GitHub Enterprise's /api/graphql) for `repository` queries.

    REST: ETag per body (304 on a matching If-None-Match), 301 for renamed repositories, 404
    for unknown ones, X-RateLimit-* on every answer, and (after `rate_limit`) a primary rate
    limit: the last allowed answer says X-RateLimit-Remaining: 0, the ones after it are 403s.

    GraphQL: 401 without `Authorization: Bearer <TOKEN>`; each top-level field must be an
    aliased `repository(owner:, name:)` or `rateLimit`, at most 100 aliases. A renamed
    repository answers under its new nameWithOwner, an unknown one is null with a NOT_FOUND
    error on its path; only the selected fields come back, and an unknown field fails the query
    as GitHub's validation does. Its own budget (`graphql_rate_limit`) costs 1 per query; at 0
    the answer is HTTP 200 with a RATE_LIMITED error. What the fake could not read (a client
    bug) is an HTTP 400 whose reason is kept in `graphql_problems`.
    """

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        bodies = [
            load_fixture(f"github/repos/{path.name}")
            for path in sorted((FIXTURES / "github" / "repos").glob("*.json"))
        ]
        self.repos: dict[str, dict[str, Any]] = {b["full_name"].lower(): b for b in bodies}
        self.renames: dict[str, str] = {
            old.lower(): new.lower() for old, new in load_fixture("github/renames.json").items()
        }
        self.remaining: int | None = None  # None: plenty
        self.reset_at = int(time.time()) + 3600
        self.graphql_remaining: int | None = None  # None: plenty
        self.graphql_problems: list[str] = []

    def rate_limit(self, remaining: int, reset_in: int = 3600) -> None:
        """Allow `remaining` more answers, then 403 with X-RateLimit-Remaining: 0."""
        self.remaining = remaining
        self.reset_at = int(time.time()) + reset_in

    def graphql_rate_limit(self, remaining: int, reset_in: int = 3600) -> None:
        """Allow `remaining` more GraphQL queries, then HTTP 200 with a RATE_LIMITED error."""
        self.graphql_remaining = remaining
        self.reset_at = int(time.time()) + reset_in

    @property
    def url(self) -> str:
        return self.base_url

    def repo(self, name: str) -> dict[str, Any] | None:
        """The REST body of a repository under its current name (any case), or None."""
        lower = name.lower()
        if lower not in self.repos and (m := BENCH_REPO.fullmatch(lower)):
            self.repos[lower] = bench_repo(int(m.group(1)))
        return self.repos.get(lower)

    def graphql_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST" and s.path.endswith("/graphql")]

    def rest_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith(("/repos/", "/repositories/"))]

    def secondary_rate_limit(self, retry_after: int) -> None:
        """Answer the next request with a secondary rate limit: 403 with Retry-After."""
        body = json.dumps(load_fixture("github/secondary-rate-limit.json"))
        headers = {"Retry-After": str(retry_after), "Content-Type": "application/json"}
        self.respond_next(403, headers, body)

    def etag(self, full_name: str) -> str:
        body = json.dumps(self.repo(full_name), sort_keys=True)
        return 'W/"' + hashlib.sha256(body.encode()).hexdigest() + '"'

    def set_stars(self, full_name: str, stars: int) -> None:
        repo = self.repo(full_name)
        assert repo is not None, full_name
        repo["stargazers_count"] = stars

    def rate_limit_headers(self, remaining: int, resource: str = "core") -> dict[str, str]:
        limit = 5000 if resource == "graphql" else 60
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(self.reset_at),
            "X-RateLimit-Used": str(limit - remaining),
            "X-RateLimit-Resource": resource,
        }

    def answer(self, seen: Seen) -> Response:
        if seen.method == "POST" and seen.path in ("/graphql", "/api/graphql"):
            return self._graphql(seen)
        with self._lock:
            limited = self.remaining == 0
            if self.remaining:
                self.remaining -= 1
            remaining = 59 if self.remaining is None else self.remaining
        if limited:
            return self._json(
                load_fixture("github/rate-limit.json"), 403, self.rate_limit_headers(0)
            )
        limits = self.rate_limit_headers(remaining)
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)", seen.path):
            wanted = f"{m.group(1)}/{m.group(2)}".lower()
            if wanted in self.renames:
                target = self.repos[self.renames[wanted]]["id"]
                location = f"{self.base_url}/repositories/{target}"
                body = Template(json.dumps(load_fixture("github/moved.json")))
                return Response(
                    body.substitute(location=location),
                    301,
                    headers={"Location": location, **limits},
                    content_type="application/json; charset=utf-8",
                )
        elif m := re.fullmatch(r"/repositories/(\d+)", seen.path):
            ids = {str(b["id"]): name for name, b in self.repos.items()}
            wanted = ids.get(m.group(1), "")
        else:
            wanted = ""
        if self.repo(wanted) is None:
            return self._json(load_fixture("github/not-found.json"), 404, limits)
        etag = self.etag(wanted)
        validators = {"ETag": etag, "Last-Modified": "Mon, 24 Nov 2025 22:10:33 GMT"}
        if seen.header("If-None-Match") == etag:
            return Response("", 304, headers={**validators, **limits})
        return self._json(self.repo(wanted), 200, {**validators, **limits})

    # -- GraphQL ----------------------------------------------------------------------------

    def _graphql(self, seen: Seen) -> Response:
        authorization = seen.header("Authorization")
        if authorization is None:
            message = "This endpoint requires you to be authenticated."
            return self._json({"message": message}, 401, {})
        if authorization != f"Bearer {TOKEN}":
            return self._json({"message": "Bad credentials"}, 401, {})
        with self._lock:
            limited = self.graphql_remaining == 0
            if self.graphql_remaining:
                self.graphql_remaining -= 1
            remaining = 4999 if self.graphql_remaining is None else self.graphql_remaining
        limits = self.rate_limit_headers(0 if limited else remaining, "graphql")
        if limited:
            error = {
                "type": "RATE_LIMITED",
                "code": "graphql_rate_limit",
                "message": "API rate limit already exceeded for user ID 91000002.",
            }
            return self._json({"errors": [error]}, 200, limits)
        try:
            request = json.loads(seen.body)
            doc = graphql_doc.parse(request["query"])
            variables = request.get("variables") or {}
            body = self._resolve(doc, variables, remaining)
        except (ValueError, KeyError, TypeError, graphql_doc.GraphQLSyntaxError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
            self.graphql_problems.append(problem)
            return Response(f"fake GitHub cannot read this query: {problem}", 400)
        return self._json(body, 200, limits)

    def _resolve(
        self, doc: graphql_doc.Document, variables: dict[str, Any], remaining: int
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        aliases = 0
        for field_ in doc.expand(doc.selections):
            if field_.name == "rateLimit":
                known = {
                    "cost": 1,
                    "limit": 5000,
                    "remaining": remaining,
                    "used": 5000 - remaining,
                    "resetAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.reset_at)),
                }
                data[field_.key] = {s.key: known[s.name] for s in doc.expand(field_.children or [])}
                continue
            if field_.name != "repository" or field_.alias is None:
                raise ValueError(f"not an aliased repository field: {field_.key}")
            aliases += 1
            owner, name = (self._argument(doc, field_, arg, variables) for arg in ("owner", "name"))
            wanted = f"{owner}/{name}".lower()
            body = self.repo(self.renames.get(wanted, wanted))
            if body is None:
                data[field_.key] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [field_.key],
                        "locations": [{"line": 1 + aliases, "column": 3}],
                        "message": f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                    }
                )
                continue
            selected = doc.expand(field_.children or [])
            if undefined := [s.name for s in selected if not self._selectable(s)]:
                # GitHub validates the whole query first: nothing is answered.
                message = f"Field '{undefined[0]}' doesn't exist on type 'Repository'"
                return {"errors": [{"path": [field_.key, undefined[0]], "message": message}]}
            data[field_.key] = {s.key: self._field(body, s) for s in selected}
        if "rateLimit" not in data:
            raise ValueError("no rateLimit field")
        if aliases > 100:
            raise ValueError(f"{aliases} repository aliases in one query (scholar sends <= 100)")
        return {"data": data, "errors": errors} if errors else {"data": data}

    @staticmethod
    def _argument(
        doc: graphql_doc.Document,
        field_: graphql_doc.Selection,
        name: str,
        variables: dict[str, Any],
    ) -> str:
        kind, value = field_.arguments[name]
        if kind == "string":
            return value
        if kind != "var" or doc.variables.get(value) != "String!":
            raise ValueError(f"{name}: not a String! variable nor a string")
        given = variables[value]
        if not isinstance(given, str):
            raise TypeError(f"variable {value} is not a string")
        return given

    @staticmethod
    def _selectable(selection: graphql_doc.Selection) -> bool:
        if selection.name == "primaryLanguage":
            return [c.name for c in selection.children or []] == ["name"]
        return selection.name in GRAPHQL_FROM_REST and selection.children is None

    @staticmethod
    def _field(body: dict[str, Any], selection: graphql_doc.Selection) -> Any:
        if selection.name == "primaryLanguage":
            language = body.get("language")
            return None if language is None else {"name": language}
        return body.get(GRAPHQL_FROM_REST[selection.name])

    @staticmethod
    def _json(body: Any, status: int, headers: dict[str, str]) -> Response:
        return Response(
            json.dumps(body),
            status,
            headers={"Cache-Control": "private, max-age=60, s-maxage=60", **headers},
            content_type="application/json; charset=utf-8",
        )


class RudeServer:
    """A TCP server that accepts connections and answers nothing.

    `hang=False` closes each connection after reading the request (a dropped connection);
    `hang=True` keeps it open and silent (a stalled server, for timeouts).
    """

    def __init__(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            if self.hang:
                self._held.append(conn)
                continue
            conn.settimeout(1.0)
            with contextlib.suppress(OSError):
                conn.recv(65536)
            conn.close()

    def close(self) -> None:
        self._sock.close()
        for conn in self._held:
            conn.close()


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- fixtures -----------------------------------------------------------------------------


def _start() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture(scope="session")
def _arxiv_server() -> Iterator[HTTPServer]:
    server = _start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _github_server() -> Iterator[HTTPServer]:
    server = _start()
    yield server
    server.stop()


@pytest.fixture
def fake_arxiv(_arxiv_server: HTTPServer) -> FakeArxiv:
    return FakeArxiv(_arxiv_server)


@pytest.fixture
def fake_github(_github_server: HTTPServer) -> FakeGitHub:
    return FakeGitHub(_github_server)


@pytest.fixture
def dropping_server() -> Iterator[RudeServer]:
    server = RudeServer()
    yield server
    server.close()


@pytest.fixture
def hanging_server() -> Iterator[RudeServer]:
    server = RudeServer(hang=True)
    yield server
    server.close()


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def fetch_options(tmp_path: Path, fake_arxiv: FakeArxiv, fake_github: FakeGitHub) -> FetchOptions:
    """Options aimed at the fakes: quick timeouts, one quick retry, no arXiv delay, REST."""
    return FetchOptions(
        cache_dir=tmp_path / "cache",
        arxiv_api_url=fake_arxiv.url,
        github_api_url=fake_github.url,
        github_token=TOKEN,
        # REST even with the token: the REST tests predate GraphQL and pin that path; GraphQL
        # tests ask for it with dataclasses.replace(fetch_options, github_graphql=True).
        github_graphql=False,
        timeout=(2.0, 2.0),
        retries=1,
        backoff=0.0,
        arxiv_delay=0.0,
    )


@pytest.fixture
def store(fetch_options: FetchOptions) -> Iterator[RecordStore]:
    with RecordStore(fetch_options.cache_dir) as opened:
        yield opened
