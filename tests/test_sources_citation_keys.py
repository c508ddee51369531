"""OPENALEX_API_KEY and S2_API_KEY go to their own service and nowhere else: not to the other
service, not through a redirect, not to disk, not into warnings, notes or -v logs."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from scholar_cli.errors import ConfigError
from scholar_cli.models import CitationRecord
from scholar_cli.sources.citations import CitationQuery, citation_endpoint, fetch_citations
from scholar_cli.sources.credential import ApiKey, attach_api_key
from scholar_cli.sources.http import build_session
from scholar_cli.sources.options import EventHook, FetchOptions, HttpEvent
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from citation_servers import FakeOpenAlex, FakeSemanticScholar

pytestmark = pytest.mark.usefixtures("citation_env")

# Stand-in credentials: tests look for these bytes where they must never be.
OPENALEX_KEY = "oa_scholarTestKey0123456789abcdefXYZ"
S2_KEY = "s2_scholarTestKey0123456789abcdefXYZ"
ZO2 = CitationQuery("2503.12668", arxiv_id="2503.12668", doi="10.5555/zo2.colm.2025")
KEYS = (OPENALEX_KEY, S2_KEY)


@pytest.fixture
def options(tmp_path: Path) -> FetchOptions:
    # One quick retry, so the transport's "retrying …" log line is among those searched.
    return FetchOptions(cache_dir=tmp_path / "cache", timeout=(2.0, 2.0), retries=1, backoff=0.0)


@pytest.fixture
def store(options: FetchOptions) -> Iterator[RecordStore]:
    with RecordStore(options.cache_dir) as opened:
        yield opened


def test_keys_reach_their_own_service_and_nothing_else(
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
    options: FetchOptions,
    store: RecordStore,
    unused_port: int,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # -v logging as the CLI sets it (scholar_cli at INFO, urllib3 at DEBUG), captured here:
    # the CLI stops scholar_cli propagating, and earlier runs may have left other levels.
    monkeypatch.setattr(logging.getLogger("scholar_cli"), "propagate", True)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="scholar_cli")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    events: list[HttpEvent] = []

    def factory(opts: FetchOptions, hook: EventHook | None) -> requests.Session:
        def heard(event: HttpEvent) -> None:
            events.append(event)
            if hook is not None:
                hook(event)

        return build_session(opts, heard)

    env = {
        "SCHOLAR_OPENALEX_URL": fake_openalex.url,
        "SCHOLAR_S2_URL": fake_s2.url,
        "OPENALEX_API_KEY": OPENALEX_KEY,
        "S2_API_KEY": S2_KEY,
    }
    reports = [
        fetch_citations([ZO2], store, options, s, factory, environ=env)
        for s in ("openalex", "semanticscholar")
    ]
    assert [r.results["2503.12668"].status for r in reports] == ["fetched", "fetched"]
    # Failures next: a retried 503, a 429, a refused connection: the paths that print URLs.
    later = dataclasses.replace(options, refresh=True)
    fake_openalex.respond_next(503, "busy", times=2)
    fake_s2.respond_next(429, {"message": "Too Many Requests"})
    reports += [
        fetch_citations([ZO2], store, later, s, factory, environ=env)
        for s in ("openalex", "semanticscholar")
    ]
    gone = {**env, "SCHOLAR_OPENALEX_URL": f"http://127.0.0.1:{unused_port}"}
    reports.append(fetch_citations([ZO2], store, later, "openalex", factory, environ=gone))
    assert [r.results["2503.12668"].status for r in reports[2:]] == ["stale", "stale", "stale"]

    # Each key went to its own service, on the wire, every time…
    assert len(fake_openalex.seen) == 3
    assert {a.query.get("api_key") for a in fake_openalex.seen} == {OPENALEX_KEY}
    assert all("api_key=" in a.raw and a.header("x-api-key") is None for a in fake_openalex.seen)
    assert len(fake_s2.seen) == 2
    assert {a.header("x-api-key") for a in fake_s2.seen} == {S2_KEY}
    assert all("api_key" not in a.query for a in fake_s2.seen)
    assert all(OPENALEX_KEY not in " ".join([a.raw, *a.headers.values()]) for a in fake_s2.seen)
    assert all(S2_KEY not in " ".join([a.raw, *a.headers.values()]) for a in fake_openalex.seen)

    # …and is nowhere on this side: not in the store, the report, the events or the logs.
    files = [p for p in options.cache_dir.rglob("*") if p.is_file()]
    assert any(b"W4412270002" in p.read_bytes() for p in files)  # the records are there
    for path in files:
        assert all(key.encode() not in path.read_bytes() for key in KEYS), path
    said = [repr(r) for r in reports] + [e.url + (e.error or "") for e in events]
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any(line.startswith("retrying GET /works?filter=doi") for line in ours)
    assert any("Connection refused" in line or "ConnectionError" in line for line in ours)
    assert any("/works?filter=doi" in line for line in ours) and len(events) >= 5
    for text in said + ours:
        assert all(key not in text for key in KEYS), text


@pytest.mark.parametrize("where", ["query", "header"])
def test_a_key_stays_with_its_origin_and_path(
    where: str, fake_openalex: FakeOpenAlex, fake_s2: FakeSemanticScholar, options: FetchOptions
) -> None:
    place = {"query_param": "api_key"} if where == "query" else {"header": "x-api-key"}
    session = build_session(options)
    assert attach_api_key(session, ApiKey.for_url(fake_openalex.url + "/v1", OPENALEX_KEY, **place))

    mine = session.get(fake_openalex.url + "/v1/works", params={"filter": "doi:x"})
    session.get(fake_openalex.url + "/elsewhere")
    session.get(fake_s2.url + "/graph/v1/paper/batch")
    fake_openalex.respond_next(302, "", {"Location": fake_s2.url + "/landing"})
    session.get(fake_openalex.url + "/v1/works")
    session.close()

    def has_key(raw: str, headers: dict[str, str]) -> bool:
        return OPENALEX_KEY in raw or OPENALEX_KEY in headers.values()

    assert [has_key(a.raw, a.headers) for a in fake_openalex.seen] == [True, False, True]
    assert [a.path for a in fake_s2.seen] == ["/graph/v1/paper/batch", "/landing"]
    assert not any(has_key(a.raw, a.headers) for a in fake_s2.seen)
    assert fake_openalex.seen[0].query["filter"] == "doi:x"  # the key joined, nothing lost
    assert OPENALEX_KEY not in (mine.url or "") + (mine.request.url or "")
    assert OPENALEX_KEY not in repr(ApiKey.for_url(fake_openalex.url, OPENALEX_KEY))


def test_urls_and_keys_come_from_the_environment() -> None:
    default = citation_endpoint("openalex", {})
    assert (default.base_url, default.key) == ("https://api.openalex.org", None)
    s2 = citation_endpoint(
        "semanticscholar", {"SCHOLAR_S2_URL": "http://127.0.0.1:8080/s2/", "S2_API_KEY": S2_KEY}
    )
    assert (s2.base_url, s2.key) == ("http://127.0.0.1:8080/s2", S2_KEY)
    assert repr(s2) == "Endpoint('http://127.0.0.1:8080/s2', key=set)"

    bad = {
        "SCHOLAR_OPENALEX_URL": ("openalex", {"SCHOLAR_OPENALEX_URL": "ftp://api.openalex.org"}),
        "S2_API_KEY": ("semanticscholar", {"S2_API_KEY": "two words"}),
        "SCHOLAR_S2_URL": (
            "semanticscholar",
            {"SCHOLAR_S2_URL": "http://s2.example.org", "S2_API_KEY": S2_KEY},
        ),
    }
    for variable, (source, environ) in bad.items():
        with pytest.raises(ConfigError) as raised:
            citation_endpoint(source, environ)  # type: ignore[arg-type]
        message = str(raised.value)
        assert message.startswith(variable + " "), message
        assert "two words" not in message and S2_KEY not in message
    with pytest.raises(ConfigError, match="unencrypted"):
        citation_endpoint("semanticscholar", bad["SCHOLAR_S2_URL"][1])


def test_bad_settings_fail_before_any_request(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore
) -> None:
    with pytest.raises(ConfigError, match=r"^SCHOLAR_OPENALEX_URL "):
        fetch_citations(
            [ZO2], store, options, "openalex", environ={"SCHOLAR_OPENALEX_URL": "api.openalex.org"}
        )
    with pytest.raises(ConfigError, match="max age"):
        fetch_citations(
            [ZO2],
            store,
            options,
            "openalex",
            max_age=-1,
            environ={"SCHOLAR_OPENALEX_URL": fake_openalex.url},
        )
    assert fake_openalex.seen == []


def test_a_count_carries_its_source_and_fetch_date(
    fake_s2: FakeSemanticScholar, options: FetchOptions, store: RecordStore
) -> None:
    before = time.time()
    report = fetch_citations(
        [ZO2], store, options, "semanticscholar", environ={"SCHOLAR_S2_URL": fake_s2.url}
    )

    fetched = report.results["2503.12668"]
    assert isinstance(fetched.record, CitationRecord) and fetched.record.source == "semanticscholar"
    assert fetched.fetched_at is not None and before <= fetched.fetched_at <= time.time()
    entry = store.get("semanticscholar", "2503.12668")
    assert entry is not None and entry.fetched_at == fetched.fetched_at
    assert entry.record == fetched.record.to_json_dict()


def test_a_transport_that_cannot_carry_the_key_asks_without_it(
    fake_openalex: FakeOpenAlex, options: FetchOptions, store: RecordStore
) -> None:
    class Passing(requests.adapters.BaseAdapter):
        """A stand-in transport with no urllib3 pool manager to extend."""

        def __init__(self) -> None:
            super().__init__()
            self.inner = requests.adapters.HTTPAdapter()

        def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
            return self.inner.send(request, **kwargs)  # type: ignore[arg-type]

        def close(self) -> None:
            self.inner.close()

    def factory(opts: FetchOptions, hook: EventHook | None) -> requests.Session:
        session = requests.Session()
        session.mount("http://", Passing())
        return session

    env = {"SCHOLAR_OPENALEX_URL": fake_openalex.url, "OPENALEX_API_KEY": OPENALEX_KEY}
    report = fetch_citations([ZO2], store, options, "openalex", factory, environ=env)

    assert report.results["2503.12668"].status == "fetched"
    assert report.warnings == ["OPENALEX_API_KEY not sent: this transport cannot carry it"]
    assert "api_key" not in fake_openalex.seen[0].query
