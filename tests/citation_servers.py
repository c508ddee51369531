"""Loopback stand-ins for OpenAlex and Semantic Scholar, as pytest fixtures.

Built from the documented request and answer shapes (fixtures/openalex, fixtures/semanticscholar
say where from), with each service's batch limits enforced the way the service does: more than
100 DOIs in one OpenAlex filter or 500 ids in one Semantic Scholar batch is a 400. Every request
is recorded (method, path, query, headers, JSON body), so tests count requests and look for
keys instead of patching code. The two run on their own ports, apart from the arXiv and GitHub
fakes: a key meant for one must be seen never to reach another.

Use from a test module with `pytest_plugins = ["citation_servers"]`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from servers import load_fixture
from werkzeug import Request, Response


@dataclass(frozen=True)
class Asked:
    """One request as a fake received it."""

    method: str
    path: str
    query: dict[str, str]
    raw: str  # the request line's target, undecoded, as it came over the wire
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Fake:
    """A catch-all handler, the request log, and canned answers served before the real ones."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.seen: list[Asked] = []
        self._canned: list[tuple[int, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server.clear()
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def respond_next(
        self, status: int, body: Any = "", headers: dict[str, str] | None = None, *, times: int = 1
    ) -> None:
        """Answer the next `times` requests with this (a dict or list is sent as JSON)."""
        text = body if isinstance(body, str) else json.dumps(body)
        for _ in range(times):
            self._canned.append((status, text, headers or {}))

    def _handle(self, request: Request) -> Response:
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
        asked = Asked(
            method=request.method,
            path=request.path,
            query=dict(request.args.items()),
            raw=raw or request.full_path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.get_json(silent=True),
        )
        with self._lock:
            self.seen.append(asked)
            canned = self._canned.pop(0) if self._canned else None
        if canned is not None:
            status, text, headers = canned
            return Response(text, status, headers=headers, content_type="application/json")
        return self.answer(asked)

    def answer(self, asked: Asked) -> Response:
        raise NotImplementedError

    @staticmethod
    def json(body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body), status, content_type="application/json")


class FakeOpenAlex(_Fake):
    """GET /works?filter=doi:A|B|…&per_page=…&select=…: the works whose DOI is one of those.

    Like OpenAlex: DOIs compare without case and with or without https://doi.org/; more than
    100 values in the filter or a per_page over 100 is a 400; a page holds at most per_page
    works and `meta.count` says how many matched.
    """

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.works: list[dict[str, Any]] = list(load_fixture("openalex/works.json")["results"])
        self._next_id = 4500000000

    def add_work(self, doi: str, count: int) -> str:
        """A work with this DOI and citation count; returns its id."""
        self._next_id += 1
        work_id = f"https://openalex.org/W{self._next_id}"
        self.works.append(
            {"id": work_id, "doi": f"https://doi.org/{doi.lower()}", "cited_by_count": count}
        )
        return work_id

    def set_count(self, doi: str, count: int) -> None:
        for work in self.works:
            if work["doi"] == f"https://doi.org/{doi.lower()}":
                work["cited_by_count"] = count

    def filters(self) -> list[list[str]]:
        """The DOIs each request asked for."""
        return [a.query.get("filter", "").removeprefix("doi:").split("|") for a in self.seen]

    def answer(self, asked: Asked) -> Response:
        if asked.path != "/works":
            return self.json({"error": "Not found", "message": "no such endpoint"}, 404)
        wanted = [_bare(v) for v in asked.query.get("filter", "").removeprefix("doi:").split("|")]
        per_page = int(asked.query.get("per_page", asked.query.get("per-page", "25")))
        if len(wanted) > 100 or per_page > 100:
            return self.json(load_fixture("openalex/bad-filter.json"), 400)
        matched = [w for w in self.works if _bare(w["doi"] or "") in set(wanted)]
        fields = [f for f in asked.query.get("select", "").split(",") if f]
        results = [
            {k: v for k, v in w.items() if not fields or k in fields} for w in matched[:per_page]
        ]
        meta = {"count": len(matched), "db_response_time_ms": 12, "page": 1, "per_page": per_page}
        return self.json(
            {"meta": {**meta, "groups_count": None}, "results": results, "group_by": []}
        )


class FakeSemanticScholar(_Fake):
    """POST /graph/v1/paper/batch?fields=… with {"ids": [...]}: one entry per id, in order.

    Like Semantic Scholar: `ARXIV:` and `DOI:` ids compare without case; an unknown id is
    null; more than 500 ids is a 400; `paperId` comes with every paper, other fields as asked.
    """

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.papers: list[dict[str, Any]] = list(load_fixture("semanticscholar/papers.json"))
        self._next_id = 0

    def add_paper(self, count: int, *, arxiv: str | None = None, doi: str | None = None) -> str:
        self._next_id += 1
        paper_id = f"{self._next_id:040x}"
        external: dict[str, Any] = {"CorpusId": 300000000 + self._next_id}
        if arxiv:
            external["ArXiv"] = arxiv
        if doi:
            external["DOI"] = doi
        self.papers.append({"paperId": paper_id, "externalIds": external, "citationCount": count})
        return paper_id

    def batches(self) -> list[list[str]]:
        """The ids each request asked for."""
        return [list(a.body["ids"]) if isinstance(a.body, dict) else [] for a in self.seen]

    def answer(self, asked: Asked) -> Response:
        if asked.method != "POST" or asked.path != "/graph/v1/paper/batch":
            return self.json({"error": "Not found"}, 404)
        ids = asked.body.get("ids") if isinstance(asked.body, dict) else None
        if not isinstance(ids, list):
            return self.json({"error": "Unacceptable request body"}, 400)
        if len(ids) > 500:
            return self.json(load_fixture("semanticscholar/too-many-ids.json"), 400)
        fields = ["paperId", *(f for f in asked.query.get("fields", "").split(",") if f)]
        return self.json([self._find(str(i), fields) for i in ids])

    def _find(self, asked: str, fields: list[str]) -> dict[str, Any] | None:
        kind, _, value = asked.partition(":")
        key = {"ARXIV": "ArXiv", "DOI": "DOI"}.get(kind.upper())
        for paper in self.papers:
            theirs = paper["externalIds"].get(key) if key else None
            if isinstance(theirs, str) and theirs.lower() == value.lower():
                return {k: v for k, v in paper.items() if k in fields}
        return None


def _bare(doi: str) -> str:
    return doi.strip().lower().removeprefix("https://doi.org/")


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def citation_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer's keys, no real services."""
    for var in ("OPENALEX_API_KEY", "S2_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCHOLAR_OPENALEX_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SCHOLAR_S2_URL", "http://127.0.0.1:9")


def _serve() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _openalex_server() -> Iterator[HTTPServer]:
    yield from _serve()


@pytest.fixture(scope="session")
def _s2_server() -> Iterator[HTTPServer]:
    yield from _serve()


@pytest.fixture
def fake_openalex(_openalex_server: HTTPServer) -> FakeOpenAlex:
    return FakeOpenAlex(_openalex_server)


@pytest.fixture
def fake_s2(_s2_server: HTTPServer) -> FakeSemanticScholar:
    return FakeSemanticScholar(_s2_server)
