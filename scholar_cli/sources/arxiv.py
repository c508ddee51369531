"""arXiv records: the store first, then batched API requests for whatever is stale or missing.

The only module that imports the `arxiv` package, and only inside the functions that send: a
run that finds every record fresh (or runs offline) loads neither it nor requests or lxml. It
also holds arXiv's process-wide pace (one lock, one timestamp), shared by id fetches and the
title search (search.py) alike.

What an answer proves. arXiv silently leaves unknown ids out of a feed, and now and then
answers a page cut short, an HTML error page, or a feed without the entries it should hold.
- An HTTP 200 that is not an Atom feed is a failure, like a 503: stored records or unknown.
  So is a feed without entries that does not name the ids asked for: arXiv's feeds name the
  question (`id_list=...` in their title and link), and one that does not answers another.
- A feed that lists some ids of a batch shows arXiv answered: the ids it left out are not
  found (or, if stored, a bad answer: arXiv never deletes a paper).
- A feed that lists none of a batch (or the batch was one id) proves nothing yet: each of its
  ids is asked again alone, and only a second readable answer without it makes it not found.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from scholar_cli.ids import arxiv_id_from_url, base_arxiv_id
from scholar_cli.models import ArxivRecord, Fetched
from scholar_cli.sources.options import FetchReport
from scholar_cli.sources.plan import Deadline, load_stored, plan_fetch, settle

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import requests

    from scholar_cli.sources.options import FetchOptions, HttpEvent, SessionFactory
    from scholar_cli.sources.plan import StorePlan
    from scholar_cli.sources.store import RecordStore

SERVICE = "arxiv"
# arXiv's page size cap for id_list queries; also keeps the URL far below the ~600-id 414 limit.
BATCH_SIZE = 100
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_FEED = ATOM + "feed"
LEFT_OUT = "arXiv's answer left out papers it has listed before"

# arXiv asks for one request per delay across the whole process, not per Client instance.
_pace_lock = threading.Lock()
_last_request_dt: datetime | None = None


class UnreadableAnswer(Exception):
    """An HTTP 200 from arXiv that is not an Atom feed: a failed request, never an empty one."""


def fetch_arxiv(
    ids: Sequence[str],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None = None,
) -> FetchReport:
    """Records for `ids` (base ids as the page writes them), keyed by the id as given.

    Fresh records cost nothing; stale and missing ones go to arXiv in batches of at most 100,
    one request at a time, for at most `options.deadline` seconds. Failures fall back to stored
    records of any age.
    """
    report = FetchReport()
    keys_by_base: dict[str, list[str]] = {}
    malformed: list[str] = []
    for key in dict.fromkeys(ids):
        base = base_arxiv_id(key)
        if base is None:
            malformed.append(key)
            report.results[key] = Fetched(key, "malformed", note="not an arXiv id; never sent")
        else:
            keys_by_base.setdefault(base, []).append(key)

    plan = plan_fetch(
        keys_by_base,
        lambda base: load_stored(store, SERVICE, base, ArxivRecord.from_json_dict),
        partial(settle, report),
        options,
        options.arxiv_max_age,
        offline_prefix="arXiv: offline",
    )
    if plan.pending:
        _ask_for(plan, keys_by_base, store, options, session_factory, report)
    plan.finish(report, "not arXiv ids (never sent): ", malformed)
    return report


def _ask_for(
    plan: StorePlan[ArxivRecord],
    keys_by_base: dict[str, list[str]],
    store: RecordStore,
    options: FetchOptions,
    session_factory: SessionFactory | None,
    report: FetchReport,
) -> None:
    """Ask arXiv about `plan.pending`, one question at a time, and settle every id."""
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv
    import requests

    from scholar_cli.sources.http import DeadlineExceeded

    deadline = Deadline(options.deadline)
    # (ids, asked before): the batches, then single-id questions an empty answer calls for.
    questions = deque(
        (plan.pending[i : i + BATCH_SIZE], False) for i in range(0, len(plan.pending), BATCH_SIZE)
    )
    not_found: list[str] = []
    left_out: list[str] = []
    failed: list[str] = []
    why = ""
    session_options = deadline.session_options(options)
    done = 0
    with arxiv_client(session_options, session_factory, BATCH_SIZE, report) as client:
        while questions:
            options.report_progress("arXiv", done, done + len(questions))
            done += 1
            batch, again = questions.popleft()
            if deadline.left() <= pace_wait(client):
                # arXiv's pace would have us wait past the deadline: stop now, not then.
                why, failed = deadline.why("arXiv"), [*batch, *_ids_of(questions)]
                break
            try:
                found = _ask(client, batch)
            except (arxiv.ArxivError, requests.RequestException, UnreadableAnswer) as exc:
                if isinstance(exc, DeadlineExceeded):
                    why = deadline.why("arXiv")
                else:
                    why = f"arXiv request failed ({describe_failure(exc)})"
                # A failing service fails the next question too: do not hammer it.
                failed = [*batch, *_ids_of(questions)]
                break
            fetched_at = time.time()
            for base in batch:  # in the page's order, whatever the answer's
                if (record := found.get(base)) is not None:
                    store.put(SERVICE, base, record.to_json_dict(), fetched_at=fetched_at)
                    settle(report, keys_by_base[base], "fetched", record, fetched_at)
            missing = [base for base in batch if base not in found]
            if missing and not found and not again:
                # Nothing of what was asked: a glitch, or no such papers? Ask each one alone.
                questions.extendleft(([base], True) for base in reversed(missing))
                continue
            for base in missing:
                if base in plan.stored:
                    # arXiv never deletes a paper (withdrawn ones keep their page), so an
                    # answer without a paper it once gave is a bad answer, not news.
                    left_out.append(base)
                else:
                    not_found.append(base)
                    settle(report, keys_by_base[base], "not_found", note="arXiv has no such paper")

    options.report_progress("arXiv", done, done)
    if not_found:
        report.warnings.append("not found on arXiv: " + ", ".join(not_found))
    if failed:
        report.warnings.append(plan.fall_back(failed, why))
    if left_out:
        report.warnings.append(plan.fall_back(left_out, LEFT_OUT))


def _ask(client: Any, batch: list[str]) -> dict[str, ArxivRecord]:
    """The records arXiv's answer holds for `batch`, by base id (never by position)."""
    import arxiv

    wanted = set(batch)
    found: dict[str, ArxivRecord] = {}
    for result in client.results(arxiv.Search(id_list=batch, max_results=len(batch))):
        record = record_from_result(result)
        if record is not None and record.id in wanted:
            found[record.id] = record
    return found


def _ids_of(questions: deque[tuple[list[str], bool]]) -> list[str]:
    return [base for batch, _ in questions for base in batch]


@contextmanager
def arxiv_client(
    options: FetchOptions,
    session_factory: SessionFactory | None,
    page_size: int,
    report: FetchReport,
) -> Iterator[Any]:
    """An `arxiv.Client` on a transport session, holding arXiv's process-wide pace meanwhile.

    Shared with the title search. An HTTP 200 that is not an Atom feed raises UnreadableAnswer
    before the package's forgiving parser makes an empty or partial page of it. The requests
    sent (retries included) are added to `report.requests` when the block ends normally.
    """
    # Imported here, not at the top: these load requests and lxml (see the module docstring).
    import arxiv

    from scholar_cli.sources import http

    global _last_request_dt
    events: list[HttpEvent] = []

    def heard(event: HttpEvent) -> None:
        events.append(event)
        # Every request counts toward the pace, also one that failed or whose answer we refused
        # (the package notes the time only when it gets an answer it reads).
        client._last_request_dt = datetime.now()

    def check_feed(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code != 200:
            return
        asked = parse_qs(urlsplit(response.request.url or "").query).get("id_list", [""])[0]
        if problem := feed_problem(response.content, [i for i in asked.split(",") if i]):
            raise UnreadableAnswer(problem)

    session = (session_factory or http.build_session)(options, heard)
    session.hooks["response"].append(check_feed)
    # num_retries=0: the package's own retry ignores Retry-After and retries even a 400; the
    # transport adapter retries instead.
    client = arxiv.Client(page_size=page_size, delay_seconds=options.arxiv_delay, num_retries=0)
    client.query_url_format = options.arxiv_api_url + "?{}"
    client._session.close()
    client._session = session
    with _pace_lock:
        client._last_request_dt = _last_request_dt
        try:
            yield client
        finally:
            _last_request_dt = client._last_request_dt
            session.close()
    report.requests += sum(event.attempts for event in events)


def pace_wait(client: Any) -> float:
    """Seconds the client will sleep before its next request, to keep arXiv's pace."""
    last: datetime | None = client._last_request_dt
    if last is None:
        return 0.0
    return max(0.0, float(client.delay_seconds) - (datetime.now() - last).total_seconds())


def feed_problem(content: bytes, asked: list[str]) -> str | None:
    """Why `content` is no answer to a question about the ids `asked` (none: a search), or
    None when it is an Atom feed that answers it (however few entries)."""
    if not content.strip():
        return "empty answer"
    # The standard library's parser, strict where the package's lxml parser recovers: a page
    # cut short must fail here, not lose its last entries. Expat fetches no external entities.
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        return "answer is not an Atom feed"
    if root.tag != ATOM_FEED:
        return "answer is not an Atom feed"
    if asked and root.find(ATOM + "entry") is None:
        named = [root.findtext(ATOM + "title") or ""]
        named += [link.get("href") or "" for link in root.iter(ATOM + "link")]
        if not any(set(asked) <= _id_list(text) for text in named):
            return "empty answer"
    return None


def _id_list(text: str) -> set[str]:
    """The ids in an `id_list=` of a feed's title or link (percent-encoded or not)."""
    match = re.search(r"id_list=([^&\s]*)", text)
    return set(unquote(match.group(1)).split(",")) if match else set()


def record_from_result(result: Any) -> ArxivRecord | None:
    """The record for one `arxiv.Result`; None when its entry id is no arXiv id."""
    parsed = arxiv_id_from_url(str(result.entry_id))
    if parsed is None:
        return None
    return ArxivRecord(
        id=parsed.id,
        version=parsed.version or 1,
        published=_iso(result.published),
        updated=_iso(result.updated),
        title=_collapse(result.title),
        authors=tuple(_collapse(author.name) for author in result.authors),
        primary_category=str(result.primary_category),
        categories=tuple(str(c) for c in result.categories),
        doi=_collapse(result.doi) or None,
        journal_ref=_collapse(result.journal_ref) or None,
        comment=_collapse(result.comment) or None,
        abstract=_collapse(result.summary),
    )


def describe_failure(exc: BaseException) -> str:
    """A short cause for a failed arXiv request: `HTTP 503`, `timed out`, `empty answer`…"""
    if isinstance(exc, UnreadableAnswer):
        return str(exc)
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    from scholar_cli.sources.http import describe_network_error

    return describe_network_error(exc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""
