"""Citation counts from OpenAlex or Semantic Scholar: the store first, then batched requests.

`fetch_citations` takes papers named by arXiv id and, when the page knows it, the DOI of the
published version. Fresh counts cost nothing; the rest go to the chosen source in as few
requests as its batch limit allows (openalex.py, semanticscholar.py say how to ask and how to
read an answer; this module does everything else, the same way for both).

Which count. When the source keeps the preprint and the published version as two works, the
published version's count is reported and the note says so ("published version 10.1145/…;
preprint has 3"); the two are never added. A count is always one work's count at one source,
with the date it was fetched.

What an answer proves, and what a failure costs.
- A readable answer without any work for a paper: not found on that source. But a paper the
  store holds a count for keeps it (stale) when an answer leaves it out, and one missing from
  an answer that was cut short (more works than one page) was not answered: stale or unknown.
- A rate limit (429/403), a server error, an unreadable answer, a network failure or the
  deadline stops all further requests (the next one would fail too, and spend more of the
  user's allowance): every paper not answered keeps its last good count (stale) or is
  unknown. A failed request never shows as a count of 0.

Keys (OPENALEX_API_KEY, S2_API_KEY) are read from the environment each run, sent only to
their own service (credential.py) and never stored, logged or put in a message.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from scholar_cli import defaults
from scholar_cli.errors import ConfigError
from scholar_cli.ids import ARXIV_DOI_PREFIX, DOI_RE, base_arxiv_id
from scholar_cli.models import CitationRecord, Fetched
from scholar_cli.sources import openalex, semanticscholar
from scholar_cli.sources.options import (
    FetchReport,
    _plain_http_problem,
    _token_problem,
    _url_problem,
    redact_url,
)
from scholar_cli.sources.plan import Deadline, batches, join_notes, load_stored, plan_fetch

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import requests

    from scholar_cli.models import CitationSource, FetchStatus
    from scholar_cli.sources.options import FetchOptions, HttpEvent, SessionFactory
    from scholar_cli.sources.plan import StorePlan
    from scholar_cli.sources.store import RecordStore, StoredRecord

# A DOI as a page writes one; `|` and `,` would split OpenAlex's filter, so they are refused.


class CitationService(Protocol):
    """What citations.py needs from a source module (openalex.py, semanticscholar.py)."""

    NAME: str  # the record store's service name, and CitationRecord.source
    LABEL: str  # the name users read
    URL_ENV: str
    DEFAULT_URL: str
    KEY_ENV: str
    KEY_PARAM: str | None  # the key goes in this query parameter…
    KEY_HEADER: str | None  # …or in this header
    BATCH_LIMIT: int  # identifiers per request

    def identifiers(self, arxiv_id: str | None, doi: str | None) -> tuple[str | None, str | None]:
        """(the preprint's identifier, the published version's) as the source is asked."""
        ...

    def send(self, session: requests.Session, base_url: str, batch: list[str]) -> requests.Response:
        """One request about `batch`."""
        ...

    def read(self, body: Any, batch: list[str]) -> tuple[dict[str, tuple[str, int]], bool]:
        """identifier -> (work id, count) and whether the answer is whole; ValueError if bad."""
        ...


SOURCES: dict[CitationSource, CitationService] = {
    "openalex": openalex,
    "semanticscholar": semanticscholar,
}


@dataclass(frozen=True, slots=True)
class CitationQuery:
    """One paper to count citations of.

    `key` is how results name it (the arXiv id or DOI as the page writes it); `arxiv_id` is its
    arXiv id (any version), `doi` the DOI of its published version when known. At least one.
    """

    key: str
    arxiv_id: str | None = None
    doi: str | None = None


class Endpoint:
    """Where a citation source is and the key for it, from the environment. The key is never
    shown: not in repr, not in messages."""

    __slots__ = ("base_url", "key")

    def __init__(self, base_url: str, key: str | None) -> None:
        self.base_url = base_url
        self.key = key

    def __repr__(self) -> str:
        key = "set" if self.key else "unset"
        return f"Endpoint({redact_url(self.base_url)!r}, key={key})"


def citation_endpoint(source: CitationSource, environ: Mapping[str, str] | None = None) -> Endpoint:
    """The source's URL (SCHOLAR_OPENALEX_URL, SCHOLAR_S2_URL) and key (OPENALEX_API_KEY,
    S2_API_KEY). Unset or empty variables give the public service and no key; a bad value
    raises ConfigError naming the variable (and never echoing a key)."""
    service = SOURCES[source]
    env = os.environ if environ is None else environ
    url = env.get(service.URL_ENV, "").strip() or service.DEFAULT_URL
    if problem := _url_problem(url):
        raise ConfigError(f"{service.URL_ENV} {problem}")
    key = env.get(service.KEY_ENV, "").strip() or None
    if key is not None:
        if problem := _token_problem(key):
            raise ConfigError(f"{service.KEY_ENV} {problem}")
        if problem := _plain_http_problem(url, service.KEY_ENV):
            raise ConfigError(f"{service.URL_ENV} {problem}")
    return Endpoint(url.rstrip("/"), key)


def fetch_citations(
    papers: Sequence[CitationQuery],
    store: RecordStore,
    options: FetchOptions,
    source: CitationSource,
    session_factory: SessionFactory | None = None,
    *,
    max_age: float = defaults.CITATIONS_MAX_AGE,
    environ: Mapping[str, str] | None = None,
) -> FetchReport:
    """Citation counts for `papers` from `source`, keyed by each paper's `key`.

    Each result's record is a CitationRecord (fresh, fetched, stale or offline) or None
    (not_found, malformed, unknown); `fetched_at` is when its count was fetched. `max_age` is
    how old a stored count may be and still be used without asking.
    """
    service = SOURCES[source]
    endpoint = citation_endpoint(source, environ)
    if not (max_age >= 0 and not math.isnan(max_age)):
        raise ConfigError(f"citations max age must be zero or more seconds; got {max_age}")
    report = FetchReport()
    groups: dict[str, list[str]] = {}  # store key -> keys as given
    asked: dict[str, tuple[str | None, str | None]] = {}  # store key -> (arXiv id, DOI)
    malformed: list[str] = []
    seen: set[str] = set()
    for query in papers:
        if query.key in seen:
            continue
        seen.add(query.key)
        parsed = _parse(query)
        if parsed is None:
            malformed.append(query.key)
            said = "not an arXiv id or DOI; never sent"
            report.results[query.key] = Fetched(query.key, "malformed", note=said)
            continue
        store_key = parsed[0] or f"doi:{parsed[1]}"
        groups.setdefault(store_key, []).append(query.key)
        asked.setdefault(store_key, parsed)

    # A paper the source said it does not list is remembered as such for `max_age`, so a warm
    # run asks nothing about it either (and says "not found", not "unknown", offline).
    now = time.time()
    absent: dict[str, float] = {}  # store key -> when the source last said it does not list it
    for store_key in list(groups):
        entry = store.get(service.NAME, store_key)
        if entry is None or entry.record.get("not_found") is not True:
            continue
        absent[store_key] = entry.fetched_at
        if options.offline or (not options.refresh and now - entry.fetched_at < max_age):
            said = f"{service.LABEL} does not list it"
            _settle(report, groups.pop(store_key), "not_found", None, entry.fetched_at, said)

    # A count made for another published DOI than the page names now is never fresh, but it is
    # still the paper's last good count if asking fails (offline, it is all there is).
    superseded: dict[str, tuple[StoredRecord, CitationRecord]] = {}

    def load(store_key: str) -> tuple[StoredRecord, CitationRecord] | None:
        pair = load_stored(store, service.NAME, store_key, partial(_stored_record, source))
        if pair is not None and pair[1].doi != asked[store_key][1] and not options.offline:
            superseded[store_key] = pair
            return None
        return pair

    def note(store_key: str, record: CitationRecord) -> str:
        return record_note(record, asked[store_key][1])

    plan = plan_fetch(
        groups,
        load,
        partial(_settle, report),
        options,
        max_age,
        offline_prefix=f"{service.LABEL}: offline",
        labels=lambda store_key: groups[store_key],
        note=note,
    )
    plan.stored.update(superseded)
    if plan.pending:
        _ask(source, endpoint, plan, asked, groups, store, options, session_factory, report)
        for store_key, when in absent.items():
            # Asking failed, but the last readable answer did not list it: still not found.
            for key in groups.get(store_key, []):
                if report.results[key].status == "unknown":
                    said = f"{service.LABEL} did not list it when last asked"
                    report.results[key] = Fetched(key, "not_found", None, when, said)
    plan.finish(report, "not arXiv ids or DOIs (never sent): ", malformed)
    return report


def _settle(
    report: FetchReport,
    keys: list[str],
    status: FetchStatus,
    record: CitationRecord | None = None,
    fetched_at: float | None = None,
    note: str = "",
) -> None:
    """The same outcome for every key (as given) that shares one store key."""
    for key in keys:
        report.results[key] = Fetched(key, status, record, fetched_at, note)


def record_note(record: CitationRecord, page_doi: str | None) -> str:
    """What a count is a count of, for the note: `published version 10.1145/…; preprint has 3`.

    `page_doi` is the published DOI the page names now; the note says when the count was made
    for another.
    """
    label = SOURCES[record.source].LABEL
    if record.published_doi is not None:
        said = f"published version {record.published_doi}"
        if record.preprint_count is not None:
            said += f"; preprint has {record.preprint_count}"
    elif record.doi is not None:
        said = f"preprint's count: {label} does not list {record.doi}"
    else:
        said = ""
    if page_doi != record.doi:
        if record.doi is None:
            said = join_notes(said, f"counted before the page named {page_doi}")
        else:
            now = page_doi or "the preprint alone"
            said = join_notes(said, f"counted for {record.doi}, not {now}")
    return said


def _stored_record(source: CitationSource, value: dict[str, Any]) -> CitationRecord:
    """A stored record, checked: another version's (or a hand-edited) one is a miss."""
    record = CitationRecord.from_json_dict(value)
    counts = (record.count, 0 if record.preprint_count is None else record.preprint_count)
    texts = (record.work_id, record.matched)
    optional = (record.arxiv_id, record.doi, record.published_doi)
    if (
        record.source != source
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts)
        or not all(isinstance(t, str) for t in texts)
        or not all(t is None or isinstance(t, str) for t in optional)
    ):
        raise ValueError("not a citation record of this source")
    return record


def _parse(query: CitationQuery) -> tuple[str | None, str | None] | None:
    """(base arXiv id, lower-case DOI), or None when neither is well formed (or one is bad)."""
    arxiv_id = base_arxiv_id(query.arxiv_id) if query.arxiv_id else None
    if query.arxiv_id and arxiv_id is None:
        return None
    doi = openalex.bare_doi(query.doi).removeprefix("doi:") if query.doi else None
    if doi is not None and not DOI_RE.fullmatch(doi):
        return None
    if doi is not None and doi.startswith(ARXIV_DOI_PREFIX):
        # arXiv's own DOI is the preprint, not a published version.
        from_doi = base_arxiv_id(doi.removeprefix(ARXIV_DOI_PREFIX))
        if from_doi is None or (arxiv_id is not None and arxiv_id != from_doi):
            return None
        arxiv_id, doi = from_doi, None
    if arxiv_id is None and doi is None:
        return None
    return arxiv_id, doi


class _Stop(Exception):
    """A request failed: the cause, as notes and the warning say it."""


def _ask(
    source: CitationSource,
    endpoint: Endpoint,
    plan: StorePlan[CitationRecord],
    asked: dict[str, tuple[str | None, str | None]],
    groups: dict[str, list[str]],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> None:
    """Ask the source about `plan.pending`, one request at a time, and settle every paper."""
    # Imported here, not at the top: these load requests (a warm run needs neither).
    from scholar_cli.sources import http
    from scholar_cli.sources.credential import ApiKey, attach_api_key

    service = SOURCES[source]
    pending = plan.pending
    idents = [service.identifiers(*asked[store_key]) for store_key in pending]
    deadline = Deadline(options.deadline)
    events: list[HttpEvent] = []
    factory = session_factory or http.build_session
    session = factory(deadline.session_options(options), events.append)
    if endpoint.key is not None:
        api_key = ApiKey.for_url(
            endpoint.base_url,
            endpoint.key,
            query_param=service.KEY_PARAM,
            header=service.KEY_HEADER,
        )
        if not attach_api_key(session, api_key):
            report.warnings.append(f"{service.KEY_ENV} not sent: this transport cannot carry it")
    answered = _Answered(source, plan, asked, groups, store, report)
    due = batches(idents, service.BATCH_LIMIT)
    try:
        for n, indices in enumerate(due):
            values = list(dict.fromkeys(v for i in indices for v in idents[i] if v))
            try:
                if deadline.passed():
                    raise _Stop(deadline.why(service.LABEL))
                found, whole = _ask_once(service, session, endpoint, values, deadline)
            except _Stop as stop:
                # A failing service fails the next request too: do not spend more on it.
                report.warnings.append(
                    plan.fall_back([pending[i] for later in due[n:] for i in later], str(stop))
                )
                break
            for i in indices:
                answered.take(pending[i], idents[i], found, whole)
    finally:
        session.close()
        report.requests += sum(event.attempts for event in events)
    answered.finish()


class _Answered:
    """Settles each paper from the answer about it, and owes the warnings at the end."""

    def __init__(
        self,
        source: CitationSource,
        plan: StorePlan[CitationRecord],
        asked: dict[str, tuple[str | None, str | None]],
        groups: dict[str, list[str]],
        store: RecordStore,
        report: FetchReport,
    ) -> None:
        self.source = source
        self.label = SOURCES[source].LABEL
        self.plan = plan
        self.asked = asked
        self.groups = groups
        self.store = store
        self.report = report
        self.not_found: list[str] = []
        self.left_out: list[str] = []
        self.cut_short: list[str] = []

    def take(
        self,
        store_key: str,
        idents: tuple[str | None, str | None],
        found: dict[str, tuple[str, int]],
        whole: bool,
    ) -> None:
        preprint, published = (found.get(v) if v else None for v in idents)
        if preprint is None and published is None:
            if not whole:
                self.cut_short.append(store_key)  # it may be on the page that was not sent
            elif store_key in self.plan.stored:
                self.left_out.append(store_key)  # counted before: a bad answer, not news
            else:
                self.not_found.append(store_key)
                self.store.put(
                    SOURCES[self.source].NAME,
                    store_key,
                    {"not_found": True},
                    fetched_at=time.time(),
                )
                note = f"{self.label} does not list it"
                _settle(self.report, self.groups[store_key], "not_found", note=note)
            return
        record = _choose(self.source, self.asked[store_key], idents, preprint, published)
        fetched_at = time.time()
        self.store.put(
            SOURCES[self.source].NAME, store_key, record.to_json_dict(), fetched_at=fetched_at
        )
        note = record_note(record, record.doi)
        _settle(self.report, self.groups[store_key], "fetched", record, fetched_at, note)

    def finish(self) -> None:
        warnings, label, plan = self.report.warnings, self.label, self.plan
        if self.not_found:
            keys = [key for store_key in self.not_found for key in self.groups[store_key]]
            warnings.append(f"not found on {label}: " + ", ".join(keys))
        if self.left_out:
            why = f"{label}'s answer left out papers it has counted before"
            warnings.append(plan.fall_back(self.left_out, why))
        if self.cut_short:
            why = f"{label}'s answer was cut short (more works than a page)"
            warnings.append(plan.fall_back(self.cut_short, why))


def _ask_once(
    service: CitationService,
    session: requests.Session,
    endpoint: Endpoint,
    values: list[str],
    deadline: Deadline,
) -> tuple[dict[str, tuple[str, int]], bool]:
    import requests

    from scholar_cli.sources.http import DeadlineExceeded, describe_network_error

    label = service.LABEL
    try:
        response = service.send(session, endpoint.base_url, values)
    except DeadlineExceeded as exc:
        raise _Stop(deadline.why(label)) from exc
    except requests.RequestException as exc:
        raise _Stop(f"{label} request failed ({describe_network_error(exc)})") from exc
    with response:
        status = response.status_code
        hint = "" if endpoint.key else f"; {service.KEY_ENV} raises the allowance"
        if status == 429:
            raise _Stop(f"{label} rate limit reached (HTTP 429{hint})")
        if status in (401, 403):
            key = f"; is {service.KEY_ENV} right?" if endpoint.key else hint
            raise _Stop(f"{label} refused the request (HTTP {status}{key})")
        if status != 200:
            raise _Stop(f"{label} request failed (HTTP {status})")
        try:
            return service.read(response.json(), values)
        except ValueError as exc:  # requests' JSONDecodeError is one too
            raise _Stop(f"{label} request failed (unexpected answer)") from exc


def _choose(
    source: CitationSource,
    asked: tuple[str | None, str | None],
    idents: tuple[str | None, str | None],
    preprint: tuple[str, int] | None,
    published: tuple[str, int] | None,
) -> CitationRecord:
    """The published version's work when the source lists it, else the preprint's; a separate
    preprint's own count goes in `preprint_count`, never into the count."""
    arxiv_id, doi = asked
    if published is not None:
        separate = preprint is not None and preprint[0] != published[0]
        return CitationRecord(
            count=published[1],
            source=source,
            work_id=published[0],
            matched=idents[1] or "",
            arxiv_id=arxiv_id,
            doi=doi,
            published_doi=doi,
            preprint_count=preprint[1] if separate and preprint is not None else None,
        )
    assert preprint is not None
    return CitationRecord(
        count=preprint[1],
        source=source,
        work_id=preprint[0],
        matched=idents[0] or "",
        arxiv_id=arxiv_id,
        doi=doi,
        published_doi=None,
    )
