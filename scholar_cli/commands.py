"""One core function per verb. No typer here: the CLI parses options, these do the work."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholar_cli.errors import PageError
from scholar_cli.models import Page
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


def load_page(path: Path) -> Page:
    from scholar_cli.page import parse_page

    return parse_page(path)


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
