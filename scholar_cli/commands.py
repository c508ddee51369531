"""One core function per verb. No typer here: the CLI parses options, these do the work."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.errors import PageError
from scholar_cli.models import Fetched, Finding, Page
from scholar_cli.sources.options import EventHook, FetchOptions, SessionFactory
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

    from scholar_cli.config import Settings
    from scholar_cli.sources.store import RecordStore, StoreInfo

PAGE_CANDIDATES = ("_pages/about.md", "about.md", "index.md", "README.md")
_SECTION_NAMES = {
    "papers": "publications",
    "projects": "projects",
    "news": "news",
    "repos": "GitHub links",
}


def find_page(here: Path) -> Path:
    """The first usual homepage file in `here` (when neither --page, $SCHOLAR_PAGE nor
    scholar.toml names one)."""
    for name in PAGE_CANDIDATES:
        if (here / name).is_file():
            return here / name
    raise PageError(
        here, f"no page found (looked for {', '.join(PAGE_CANDIDATES)}); pass --page PATH"
    )


def open_store(options: FetchOptions) -> RecordStore:
    from scholar_cli.sources.store import RecordStore

    return RecordStore(options.cache_dir)


def load_page(
    path: Path, store: RecordStore | None = None, settings: Settings | None = None
) -> Page:
    """The parsed page; with a store, a page whose bytes did not change is not parsed again
    (a warm run then never loads the Markdown parser or PyYAML)."""
    # crc32 + length, not sha256: it only has to notice an edit, and zlib is already loaded
    # by diskcache while hashlib would cost a warm run several milliseconds.
    import zlib

    from scholar_cli.page import READER_SCHEMA, read_page_bytes

    data = read_page_bytes(path)
    sections = settings.paper_sections if settings is not None else ()
    dialect = settings.dialect if settings is not None else None
    # The reader's schema and the settings it reads with are part of what was parsed.
    how = f"{READER_SCHEMA}:{dialect or ''}:{'|'.join(sections)}"
    digest = f"{how}:{len(data)}:{zlib.crc32(data):08x}"
    key = str(path.resolve())
    if store is not None:
        entry = store.get("page", key)
        if entry is not None and entry.record.get("digest") == digest:
            return Page.from_json_dict({**entry.record["page"], "path": str(path)})
    from scholar_cli.page import parse_page

    page = parse_page(path, data, paper_sections=sections, dialect=dialect)
    if store is not None:
        record = {"digest": digest, "page": page.to_json_dict()}
        store.put("page", key, record, fetched_at=time.time())
    return page


def reader_args(settings: Settings) -> dict[str, Any]:
    """What parse_page takes from the settings."""
    return {"paper_sections": settings.paper_sections, "dialect": settings.dialect}


def inspect_page(page_path: Path, settings: Settings) -> tuple[Page, str]:
    """The page read afresh (never from the store: inspect shows what this reader makes of
    it) and a line saying which dialect it was read in and why."""
    from scholar_cli.page import parse_page, read_page_bytes

    data = read_page_bytes(page_path)
    page = parse_page(page_path, data, **reader_args(settings))
    if settings.dialect is not None:
        why = f"set in {settings.config_file or 'the settings'}"
    elif data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        why = "the page has front matter, so Jekyll renders it"
    elif page.dialect == "gfm":
        why = "a README without front matter, so GitHub renders it"
    else:
        why = "no front matter, but not a README: read as a page a Jekyll site includes"
    return page, f"{page.dialect} ({why})"


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
    on_network: Callable[[], None] | None = None,
) -> FetchOutcome:
    """Fresh records from the store, the rest from arXiv and GitHub (lazily imported: a warm
    run never loads requests, arxiv or lxml). `on_network` is called each time an HTTP session
    is built, i.e. only when a request is really due. Store warnings stay in `store.warnings`."""
    requests: dict[str, int] = {"arxiv": 0, "github": 0}
    warnings: list[str] = []
    arxiv_results: dict[str, Fetched] = {}
    github_results: dict[str, Fetched] = {}
    factory = _session_factory(on_network)
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


def _session_factory(on_network: Callable[[], None] | None = None) -> SessionFactory:
    def factory(options: FetchOptions, hook: EventHook | None) -> requests.Session:
        import logging

        from scholar_cli.sources.http import build_session

        if on_network is not None:
            on_network()
        # urllib3 says "Retrying (...)" at WARNING on each retry; the fetch layer reports the
        # outcome in one line, so cron mail gets that line only (-v turns urllib3 back on).
        urllib3_log = logging.getLogger("urllib3")
        if urllib3_log.level == logging.NOTSET:
            urllib3_log.setLevel(logging.ERROR)

        return build_session(options, hook)

    return factory


def cache_info(options: FetchOptions) -> tuple[StoreInfo, list[str]]:
    """The store's folder, counts, size and ages, and its warnings (e.g. it was unusable)."""
    with open_store(options) as store:
        return store.info(), list(store.warnings)


def cache_clear(options: FetchOptions) -> tuple[int, list[str]]:
    with open_store(options) as store:
        return store.clear(), list(store.warnings)


def resolve_settings(page: Path | None, flags: dict[str, Any]) -> tuple[Settings, Path]:
    """Settings from defaults < scholar.toml/[tool.scholar] < environment < flags, and the page.

    The config file is looked for next to the page named by --page or $SCHOLAR_PAGE, else in
    the current folder.
    """
    from scholar_cli.config import build_settings, load_config

    explicit = page or (
        Path(os.environ["SCHOLAR_PAGE"]) if os.environ.get("SCHOLAR_PAGE") else None
    )
    folder = explicit.parent if explicit is not None else Path.cwd()
    values, source = load_config(folder)
    settings = build_settings(values, flags, source)
    page_path = explicit or settings.page or find_page(folder)
    return settings, page_path


def with_max_ages(options: FetchOptions, settings: Settings, max_age: float | None) -> FetchOptions:
    import dataclasses

    arxiv_age = settings.arxiv_max_age if max_age is None else max_age
    github_age = settings.github_max_age if max_age is None else max_age
    return dataclasses.replace(options, arxiv_max_age=arxiv_age, github_max_age=github_age)


@dataclass(slots=True)
class RefreshResult:
    page_path: Path
    changed: bool  # the page's new bytes differ from what is on disk
    data_changed: bool
    page_written: bool
    data_written: bool
    diff: str  # unified diff of the page (and data file)
    warnings: list[str]
    failed: bool  # some record could not be fetched and none was stored


def run_refresh(
    page_path: Path,
    settings: Settings,
    options: FetchOptions,
    store: RecordStore,
    *,
    fix_links: bool = False,
    write: bool = True,
    lock_timeout: float = 30.0,
    fetch: Callable[[list[str], list[str]], FetchOutcome] | None = None,
) -> RefreshResult:
    """Rewrite star badges and marker tables (and the data file) from fresh records.

    Under a lock next to the page: read the bytes once, replace only badge spans and marker
    blocks, and write atomically; with `write=False` (--dry-run/--check) only report.
    """
    from scholar_cli.edit.badges import renamed_repos, rewrite_badges, star_counts
    from scholar_cli.edit.blocks import find_blocks, render_blocks
    from scholar_cli.edit.datafile import render_data_file
    from scholar_cli.edit.write import page_lock, unified_diff, write_page
    from scholar_cli.page import parse_page, read_page_bytes

    def default_fetch(ids: list[str], repos: list[str]) -> FetchOutcome:
        return fetch_records(ids, repos, options, store)

    # --check and --dry-run write nothing, not even a lock file (they work on read-only mounts).
    with page_lock(page_path, lock_timeout) if write else contextlib.nullcontext():
        original = read_page_bytes(page_path)
        page = parse_page(page_path, original, **reader_args(settings))
        text = original.decode("utf-8")
        blocks = find_blocks(text, page_path)  # a bad marker fails before any request
        needs_papers = settings.data is not None or any(b.kind == "papers" for b in blocks)
        ids = [p.arxiv.id for p in page.papers if p.arxiv] if needs_papers else []
        repos = [r.repo for r in page.repos]
        outcome = (fetch or default_fetch)(list(dict.fromkeys(ids)), repos)
        records = outcome.records
        warnings = list(outcome.warnings)

        badged, badge_warnings = rewrite_badges(
            original,
            page.badges,
            star_counts(page, records),
            settings.badges,
            renamed_repos(page, records),
            fix_links,
        )
        warnings += badge_warnings
        new = render_blocks(badged.decode("utf-8"), page, records, page_path).encode("utf-8")
        diff = unified_diff(page_path, original, new)

        data_changed = False
        new_data = old_data = None
        if settings.data is not None:
            reread = parse_page(page_path, new, **reader_args(settings))
            new_data = render_data_file(settings.data, reread, records)
            old_data = settings.data.read_bytes() if settings.data.is_file() else None
            data_changed = new_data != old_data
            diff += unified_diff(settings.data, old_data or b"", new_data)

        page_written = data_written = False
        if write:
            page_written = write_page(page_path, new, original)
            if settings.data is not None and new_data is not None and data_changed:
                data_written = write_page(settings.data, new_data, old_data)
    return RefreshResult(
        page_path,
        new != original,
        data_changed,
        page_written,
        data_written,
        diff,
        warnings,
        outcome.failed,
    )


@dataclass(slots=True)
class CheckResult:
    page: Page
    findings: list[Finding]
    warnings: list[str]
    failed: bool  # some item has no record because a fetch failed: the check is incomplete


def run_check(
    page_path: Path,
    settings: Settings,
    options: FetchOptions,
    store: RecordStore,
    *,
    suggest: bool = False,
    fetch: Callable[[list[str], list[str]], FetchOutcome] | None = None,
) -> CheckResult:
    """Every finding for the page: against arXiv and GitHub records, plus page lint."""
    from scholar_cli.check import check_page, sort_findings, suggest_ids

    page = load_page(page_path, store, settings)
    ids = list(dict.fromkeys(p.arxiv.id for p in page.papers if p.arxiv))
    repos = [r.repo for r in page.repos]
    outcome = (fetch or (lambda i, r: fetch_records(i, r, options, store)))(ids, repos)
    findings = check_page(
        page,
        outcome.records,
        owner=settings.owner,
        max_age_seconds=options.arxiv_max_age,
        repo_max_age_seconds=options.github_max_age,
        now=time.time(),
        offline=options.offline,
    )
    warnings = list(outcome.warnings)
    if suggest:
        from scholar_cli.sources.search import search_arxiv_titles

        without = [p for p in page.papers if p.arxiv is None]
        results, report = search_arxiv_titles(
            [p.title for p in without], store, options, _session_factory()
        )
        warnings += report.warnings
        findings = sort_findings(
            [*findings, *suggest_ids(without, results, offline=options.offline)]
        )
    return CheckResult(page, findings, warnings, outcome.failed)
