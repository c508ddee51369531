"""`scholar list`: the page's papers, projects, news or repositories, with fetched fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.commands.fetching import fetch_records, needed_sources
from scholar_cli.commands.pages import load_page
from scholar_cli.commands.setup import Output, open_store
from scholar_cli.errors import FetchError
from scholar_cli.models import Page
from scholar_cli.views import (
    CITATION_NAMES,
    KINDS,
    ROW_BUILDERS,
    SHRINK,
    Filters,
    Records,
    h_index,
    item_json,
    parse_columns,
    select,
    sort_items,
)

if TYPE_CHECKING:
    from scholar_cli.config import Settings
    from scholar_cli.console import Console
    from scholar_cli.sources.options import FetchOptions

FORMATS = ("table", "json", "csv", "markdown")
_SECTION_NAMES = {
    "papers": "publications",
    "projects": "projects",
    "news": "news",
    "repos": "GitHub links",
}


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
    cols = parse_columns(kind, columns, fetched, records.citation_source is not None)
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


def totals_line(listing: Listing) -> str:
    """`papers: 12, citations: 345 (OpenAlex), h-index: 7` over the listed papers; the papers
    without a count are said, never counted as 0."""
    papers = listing.items
    records = listing.records
    line = f"papers: {len(papers)}"
    if records.citation_source is None:
        return line + " (citations: off; use --citations openalex or semanticscholar)"
    counts = [c for c in (records.citation_count(p) for p in papers) if c is not None]
    source = CITATION_NAMES.get(records.citation_source, records.citation_source)
    line += f", citations: {sum(counts)} ({source}), h-index: {h_index(counts)}"
    if len(counts) < len(papers):
        line += f"; {len(papers) - len(counts)} without a count"
    return line


def run_list(
    page_path: Path,
    kind: str,
    filters: Filters,
    settings: Settings,
    options: FetchOptions,
    console: Console,
    *,
    columns: str | None = None,
    sort: str | None = None,
    output_format: str = "table",
    tablefmt: str = "simple",
    no_fetch: bool = False,
    width: int | None = None,
    totals: bool = False,
) -> Output:
    """The whole verb: read, fetch what the columns need, render in the format asked for.

    `width`: a terminal's width, to fit a table to (None: every value whole)."""
    from scholar_cli import render

    records = None
    failed = False
    if no_fetch:
        loaded = load_page(page_path, settings=settings)
    else:
        with open_store(options) as store:
            loaded = load_page(page_path, store, settings)
            ids, repos = needed_sources(loaded, kind)
            cite = settings.citations if kind == "papers" else "off"
            if ids or repos or (cite != "off" and loaded.papers):
                outcome = fetch_records(
                    ids,
                    repos,
                    options,
                    store,
                    console,
                    citations=cite,
                    citation_papers=loaded.papers,
                    citations_max_age=settings.citations_max_age,
                )
                records, failed = outcome.records, outcome.failed
                for warning in outcome.warnings:
                    console.warn(warning)
            for warning in store.warnings:
                console.warn(warning)
    listing = list_entries(loaded, kind, filters, columns=columns, sort=sort, records=records)
    for note in listing.notes:
        console.warn(note)
    if output_format == "json":
        text = render.render_json(listing.json_document())
    elif output_format == "csv":
        # The header even with no rows: a script reading the CSV still learns the columns.
        text = render.render_csv(listing.rows, listing.columns)
    elif not listing.rows:
        text = ""
    else:
        fmt = "github" if output_format == "markdown" else tablefmt
        # Markdown is for pasting: whole values, whatever the terminal.
        fit = None if output_format == "markdown" else width
        text = render.render_table(
            listing.rows, listing.columns, fmt, width=fit, shrink=SHRINK[kind]
        )
    if totals and kind == "papers":
        text = (text + "\n" if text else "") + totals_line(listing)
    # The table is printed with what could be had; the exit code tells cron it is partial.
    error = (
        FetchError("some records could not be fetched and none were stored (see above)")
        if failed
        else None
    )
    return Output(text, 0, error)
