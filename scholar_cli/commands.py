"""One core function per verb. No typer here: the CLI parses options, these do the work."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.errors import PageError
from scholar_cli.models import Fetched, Page
from scholar_cli.sources.options import EventHook, FetchOptions, HttpEvent, SessionFactory
from scholar_cli.views import (
    KINDS,
    ROW_BUILDERS,
    Filters,
    Records,
    item_json,
    parse_columns,
    select,
    sort_items,
)

if TYPE_CHECKING:
    import requests

    from scholar_cli.sources.store import RecordStore, StoreInfo

PAGE_CANDIDATES = ("_pages/about.md", "about.md", "index.md", "README.md")
_SECTION_NAMES = {
    "papers": "publications",
    "projects": "projects",
    "news": "news",
    "repos": "GitHub links",
}


def resolve_page(explicit: Path | None, cwd: Path | None = None) -> Path:
    """--page, else $SCHOLAR_PAGE, else the first usual homepage file in the folder."""
    if explicit is not None:
        return explicit
    env = os.environ.get("SCHOLAR_PAGE")
    if env:
        return Path(env)
    here = cwd or Path.cwd()
    for name in PAGE_CANDIDATES:
        if (here / name).is_file():
            return here / name
    raise PageError(
        here, f"no page found (looked for {', '.join(PAGE_CANDIDATES)}); pass --page PATH"
    )


def open_store(options: FetchOptions) -> RecordStore:
    from scholar_cli.sources.store import RecordStore

    return RecordStore(options.cache_dir)


def load_page(path: Path, store: RecordStore | None = None) -> Page:
    """The parsed page; with a store, a page whose bytes did not change is not parsed again
    (a warm run then never loads the Markdown parser or PyYAML)."""
    # crc32 + length, not sha256: it only has to notice an edit, and zlib is already loaded
    # by diskcache while hashlib would cost a warm run several milliseconds.
    import zlib

    from scholar_cli import __version__
    from scholar_cli.page.frontmatter import read_page_bytes

    data = read_page_bytes(path)
    digest = f"{__version__}:{len(data)}:{zlib.crc32(data):08x}"
    key = str(path.resolve())
    if store is not None:
        entry = store.get("page", key)
        if entry is not None and entry.record.get("digest") == digest:
            return Page.from_json_dict({**entry.record["page"], "path": str(path)})
    from scholar_cli.page import parse_page

    page = parse_page(path, data)
    if store is not None:
        record = {"digest": digest, "page": page.to_json_dict()}
        store.put("page", key, record, fetched_at=time.time())
    return page


@dataclass(slots=True)
class Listing:
    page: Page
    kind: str
    items: list[Any]
    rows: list[dict[str, Any]]
    columns: tuple[str, ...]
    records: Records
    notes: list[str] = field(default_factory=list)  # one-line messages for stderr

    def json_document(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "page": self.page.path,
            "kind": self.kind,
            "count": len(self.items),
            "items": [item_json(self.kind, item, self.records) for item in self.items],
        }


def list_entries(
    page: Page,
    kind: str,
    filters: Filters,
    *,
    columns: str | None = None,
    sort: str | None = None,
    records: Records | None = None,
) -> Listing:
    assert kind in KINDS
    records = records or Records()
    fetched = bool(records.arxiv or records.github)
    cols = parse_columns(kind, columns, fetched)
    items = select(page, kind, filters, records)
    rows = [ROW_BUILDERS[kind](item, records) for item in items]
    sort_items(kind, items, rows, sort)
    listing = Listing(page, kind, items, rows, cols, records)
    total = len(getattr(page, kind))
    if total == 0:
        if kind == "repos":
            listing.notes.append(f"{page.path}: the page links no GitHub repositories")
        else:
            listing.notes.append(f"{page.path}: no {_SECTION_NAMES[kind]} section found")
    elif not items:
        listing.notes.append(f"no {kind} match the filters ({total} on the page)")
    return listing


@dataclass(slots=True)
class FetchOutcome:
    records: Records
    requests: dict[str, int]  # HTTP requests sent per service
    warnings: list[str]  # one line each, printed once
    failed: bool  # some item has no record because a fetch failed (not --offline)


def needed_sources(page: Page, kind: str) -> tuple[list[str], list[str]]:
    """(arXiv base ids, GitHub repos) a listing of `kind` shows fetched fields for."""
    if kind == "papers":
        ids = [p.arxiv.id for p in page.papers if p.arxiv]
        repos = [r for p in page.papers for r in p.repos]
        return list(dict.fromkeys(ids)), list(dict.fromkeys(repos))
    if kind == "projects":
        return [], list(dict.fromkeys(r for p in page.projects for r in p.repos))
    if kind == "repos":
        return [], [r.repo for r in page.repos]
    return [], []


def fetch_records(
    ids: list[str],
    repos: list[str],
    options: FetchOptions,
    store: RecordStore,
    on_request: Callable[[HttpEvent], None] | None = None,
) -> FetchOutcome:
    """Fresh records from the store, the rest from arXiv and GitHub (lazily imported: a warm
    run never loads requests, arxiv or lxml). Store warnings stay in `store.warnings`."""
    requests: dict[str, int] = {"arxiv": 0, "github": 0}
    warnings: list[str] = []
    arxiv_results: dict[str, Fetched] = {}
    github_results: dict[str, Fetched] = {}
    factory = _session_factory(on_request)
    if ids:
        from scholar_cli.sources.arxiv import fetch_arxiv

        report = fetch_arxiv(ids, store, options, factory)
        requests["arxiv"] = report.requests
        warnings += report.warnings
        arxiv_results = dict(report.results)
    if repos:
        from scholar_cli.sources.github import fetch_github

        report = fetch_github(repos, store, options, factory)
        requests["github"] = report.requests
        warnings += report.warnings
        github_results = {key.lower(): f for key, f in report.results.items()}
    failed = not options.offline and any(
        f.status == "unknown" for f in (*arxiv_results.values(), *github_results.values())
    )
    return FetchOutcome(
        Records(arxiv=arxiv_results, github=github_results), requests, warnings, failed
    )


def _session_factory(
    on_request: Callable[[HttpEvent], None] | None,
) -> SessionFactory:
    def factory(options: FetchOptions, hook: EventHook | None) -> requests.Session:
        import logging

        from scholar_cli.sources.http import build_session

        # urllib3 says "Retrying (...)" at WARNING on each retry; the fetch layer reports the
        # outcome in one line, so cron mail gets that line only (-v turns urllib3 back on).
        urllib3_log = logging.getLogger("urllib3")
        if urllib3_log.level == logging.NOTSET:
            urllib3_log.setLevel(logging.ERROR)

        def both(event: HttpEvent) -> None:
            if hook is not None:
                hook(event)
            if on_request is not None:
                on_request(event)

        return build_session(options, both)

    return factory


def cache_info(options: FetchOptions) -> StoreInfo:
    with open_store(options) as store:
        return store.info()


def cache_clear(options: FetchOptions) -> int:
    with open_store(options) as store:
        return store.clear()
