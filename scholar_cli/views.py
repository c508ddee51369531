"""Page (+ fetched records) -> rows: filters, sorting, columns. Pure: no I/O."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scholar_cli.errors import UsageError
from scholar_cli.grammar import MARKER_KINDS
from scholar_cli.ids import published_doi_from_url
from scholar_cli.models import (
    ArxivRecord,
    CitationRecord,
    Fetched,
    NewsItem,
    Page,
    Paper,
    Project,
    RepoRef,
    RepoStats,
)

KINDS = MARKER_KINDS  # what `list` shows is what a marker block can hold

# Columns each kind offers, and those shown when --columns is not given. Fetched columns are
# empty until records exist (--no-fetch or never fetched).
COLUMNS: dict[str, tuple[str, ...]] = {
    "papers": (
        "line", "title", "authors", "venue", "year", "arxiv", "links", "repos", "section",
        "version", "published", "updated", "category", "published_as", "stars", "status",
        "citations", "cited_by",
    ),
    "projects": (
        "line", "title", "description", "repos", "mentions", "badges", "section",
        "stars", "forks", "archived", "pushed",
    ),
    "news": ("line", "date", "year", "text", "links", "section"),
    "repos": (
        "repo", "line", "count", "badges", "used_by",
        "stars", "forks", "archived", "pushed", "status",
    ),
}  # fmt: skip
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "papers": ("line", "title", "venue", "year", "arxiv"),
    "projects": ("line", "title", "repos"),
    "news": ("line", "date", "text"),
    "repos": ("repo", "line", "count", "badges"),
}
FETCHED_COLUMNS: dict[str, tuple[str, ...]] = {
    # updated and category on request (-c): a default table has to fit a terminal.
    "papers": ("version", "published_as", "stars"),
    "projects": ("stars", "forks", "archived", "pushed"),
    "news": (),
    "repos": ("stars", "forks", "archived", "pushed"),
}
# What marker blocks without `columns=` have always shown: kept, so pages do not churn.
BLOCK_FETCHED_COLUMNS: dict[str, tuple[str, ...]] = {
    **FETCHED_COLUMNS,
    "papers": ("version", "updated", "category", "published_as", "stars"),
}
# Long text columns, in the order they give way on a narrow terminal (the title last).
SHRINK: dict[str, tuple[str, ...]] = {
    "papers": (
        "authors", "links", "section", "category", "published_as", "venue", "repos", "title",
    ),
    "projects": (
        "description", "mentions", "badges", "section", "pushed", "archived", "forks", "stars",
        "repos", "title",
    ),
    "news": ("text", "links", "section"),
    "repos": ("used_by", "badges", "pushed", "archived", "forks", "stars"),
}  # fmt: skip
_YEAR_SPEC = re.compile(r"^(?P<lo>\d{4})?(?:(?P<range>\.\.)(?P<hi>\d{4})?)?$")


@dataclass(frozen=True, slots=True)
class Filters:
    years: tuple[tuple[int, int], ...] = ()  # inclusive ranges
    author: str | None = None
    venue: str | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class Records:
    """Fetched records by key (arXiv base id, lower-case owner/name)."""

    arxiv: Mapping[str, Fetched] = field(default_factory=dict)
    github: Mapping[str, Fetched] = field(default_factory=dict)
    citations: Mapping[str, Fetched] = field(default_factory=dict)  # by arXiv id or DOI
    citation_source: str | None = None  # None: citations were not asked for

    def citation(self, paper: Paper) -> Fetched | None:
        """The paper's citation outcome (under its arXiv id, else the DOI the page links)."""
        if paper.arxiv is not None and paper.arxiv.id in self.citations:
            return self.citations[paper.arxiv.id]
        doi = paper_doi(paper)
        return self.citations.get(doi.lower()) if doi else None

    def citation_count(self, paper: Paper) -> int | None:
        fetched = self.citation(paper)
        record = fetched.record if fetched is not None else None
        return record.count if isinstance(record, CitationRecord) else None

    def paper(self, paper: Paper) -> ArxivRecord | None:
        if paper.arxiv is None:
            return None
        fetched = self.arxiv.get(paper.arxiv.id)
        rec = fetched.record if fetched else None
        return rec if isinstance(rec, ArxivRecord) else None

    def repo(self, repo: str) -> RepoStats | None:
        fetched = self.github.get(repo.lower())
        rec = fetched.record if fetched else None
        return rec if isinstance(rec, RepoStats) else None


def parse_years(specs: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """["2025", "2020..2022", "2024.."] -> ((2025, 2025), (2020, 2022), (2024, 9999))."""
    ranges: list[tuple[int, int]] = []
    for spec in specs:
        for part in spec.split(","):
            m = _YEAR_SPEC.match(part.strip())
            if not m or not (m.group("lo") or m.group("hi")):
                raise UsageError(
                    f"--year: {part.strip()!r} is not a year or a range like 2024..2025"
                )
            lo = int(m.group("lo")) if m.group("lo") else 0
            hi = int(m.group("hi")) if m.group("hi") else (9999 if m.group("range") else lo)
            if lo > hi:
                raise UsageError(f"--year: {part.strip()!r} ends before it starts")
            ranges.append((lo, hi))
    return tuple(ranges)


def paper_years(paper: Paper, record: ArxivRecord | None) -> tuple[int, ...]:
    """Years the venue text names, plus the year of the arXiv first version."""
    years = set(paper.years)
    if record is not None:
        years.add(int(record.published[:4]))
    elif paper.arxiv is not None:
        years.add(paper.arxiv.year)
    return tuple(sorted(years))


def normalize_text(text: str) -> str:
    # Imported only when a filter or sort needs it: a plain warm `list` never folds text.
    from scholar_cli.normalize import fold_accents

    return fold_accents(text)


def _contains(needle: str | None, *haystacks: str) -> bool:
    if needle is None:
        return True
    n = normalize_text(needle)
    return any(n in normalize_text(h) for h in haystacks)


def _in_years(years: Iterable[int], ranges: tuple[tuple[int, int], ...]) -> bool:
    return not ranges or any(lo <= y <= hi for y in years for lo, hi in ranges)


def check_filters(kind: str, filters: Filters) -> None:
    applies = {
        "years": ("papers", "news"),
        "author": ("papers",),
        "venue": ("papers",),
        "search": KINDS,
    }
    for name, kinds in applies.items():
        value = getattr(filters, name)
        if value and kind not in kinds:
            flag = "--year" if name == "years" else f"--{name}"
            raise UsageError(f"{flag} does not apply to {kind} (it filters {', '.join(kinds)})")


def select(page: Page, kind: str, filters: Filters, records: Records) -> list[Any]:
    """The page's items of one kind that pass the filters, in page order."""
    check_filters(kind, filters)
    if kind == "papers":
        return [
            p
            for p in page.papers
            if _in_years(paper_years(p, records.paper(p)), filters.years)
            and _contains(filters.author, *(a.name for a in p.authors))
            and _contains(filters.venue, p.venue)
            and _contains(filters.search, p.title, p.venue, *(a.name for a in p.authors))
        ]
    if kind == "projects":
        return [
            p for p in page.projects if _contains(filters.search, p.title, p.description, *p.repos)
        ]
    if kind == "news":
        return [
            n
            for n in page.news
            if _in_years([n.year] if n.year else [], filters.years)
            and _contains(filters.search, n.text, n.date or "")
        ]
    return [r for r in page.repos if _contains(filters.search, r.repo, *r.used_by)]


def _stars(repos: Iterable[str], records: Records) -> str:
    counts = []
    for repo in repos:
        stats = records.repo(repo)
        if stats is not None:
            counts.append(str(stats.stars))
    return ", ".join(counts)


def _date(iso: str | None) -> str:
    return iso[:10] if iso else ""


def paper_row(p: Paper, records: Records) -> dict[str, Any]:
    rec = records.paper(p)
    fetched = records.arxiv.get(p.arxiv.id) if p.arxiv else None
    published_as = ""
    if rec is not None:
        published_as = rec.journal_ref or (f"doi:{rec.doi}" if rec.doi else "")
    return {
        "line": p.line,
        "title": p.title,
        "authors": ", ".join(a.name + ("*" if a.equal else "") for a in p.authors),
        "venue": p.venue,
        "year": ", ".join(str(y) for y in paper_years(p, rec)),
        "arxiv": str(p.arxiv) if p.arxiv else "",
        "links": ", ".join(link.label or link.url for link in p.links),
        "repos": ", ".join(p.repos),
        "section": p.section,
        "version": f"v{rec.version}" if rec else "",
        "published": _date(rec.published) if rec else "",
        "updated": _date(rec.updated) if rec else "",
        "category": rec.primary_category if rec else "",
        "published_as": published_as,
        "stars": _stars(p.repos, records),
        "status": fetched.status if fetched else "",
        **citation_cells(p, records),
    }


def citation_cells(p: Paper, records: Records) -> dict[str, Any]:
    """`citations`: the count, or "unknown" when there has never been one (a count is never
    shown as 0 because a request failed); `cited_by`: the source and the date it was counted."""
    if records.citation_source is None:
        return {"citations": None, "cited_by": ""}
    fetched = records.citation(p)
    count = records.citation_count(p)
    if count is None or fetched is None or fetched.fetched_at is None:
        return {"citations": "unknown", "cited_by": ""}
    source = CITATION_NAMES.get(records.citation_source, records.citation_source)
    when = time.strftime("%Y-%m-%d", time.gmtime(fetched.fetched_at))
    stale = " (stale)" if fetched.status == "stale" else ""
    return {"citations": count, "cited_by": f"{source} {when}{stale}"}


CITATION_NAMES = {"openalex": "OpenAlex", "semanticscholar": "Semantic Scholar"}


def paper_doi(paper: Paper) -> str | None:
    """The DOI of a published version the page links (doi.org/10.…), never arXiv's own."""
    for link in paper.links:
        if (doi := published_doi_from_url(link.url)) is not None:
            return doi
    return None


def h_index(counts: Iterable[int]) -> int:
    """The largest h such that h papers have at least h citations each."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for i, c in enumerate(ranked, start=1) if c >= i)


def project_row(p: Project, records: Records) -> dict[str, Any]:
    stats = [s for s in (records.repo(r) for r in p.repos) if s is not None]
    return {
        "line": p.line,
        "title": p.title,
        "description": p.description,
        "repos": ", ".join(p.repos),
        "mentions": ", ".join(p.mentions),
        "badges": len(p.badges),
        "section": p.section,
        "stars": ", ".join(str(s.stars) for s in stats),
        "forks": ", ".join(str(s.forks) for s in stats),
        "archived": ", ".join("yes" if s.archived else "no" for s in stats),
        "pushed": ", ".join(_date(s.pushed_at) for s in stats),
    }


def news_row(n: NewsItem, records: Records) -> dict[str, Any]:
    return {
        "line": n.line,
        "date": n.date or "",
        "year": n.year or "",
        "text": n.text,
        "links": ", ".join(link.url for link in n.links),
        "section": n.section,
    }


def repo_row(r: RepoRef, records: Records) -> dict[str, Any]:
    stats = records.repo(r.repo)
    fetched = records.github.get(r.repo.lower())
    return {
        "repo": r.repo,
        "line": r.line,
        "count": r.count,
        "badges": r.badges,
        "used_by": "; ".join(r.used_by),
        "stars": stats.stars if stats else "",
        "forks": stats.forks if stats else "",
        "archived": ("yes" if stats.archived else "no") if stats else "",
        "pushed": _date(stats.pushed_at) if stats else "",
        "status": fetched.status if fetched else "",
    }


ROW_BUILDERS: dict[str, Callable[[Any, Records], dict[str, Any]]] = {
    "papers": paper_row,
    "projects": project_row,
    "news": news_row,
    "repos": repo_row,
}


def parse_columns(
    kind: str, spec: str | None, fetched: bool, citations: bool = False
) -> tuple[str, ...]:
    if spec is None:
        base = DEFAULT_COLUMNS[kind]
        base = base + FETCHED_COLUMNS[kind] if fetched else base
        return (*base, "citations") if citations and kind == "papers" else base
    columns = tuple(c.strip() for c in spec.split(",") if c.strip())
    unknown = [c for c in columns if c not in COLUMNS[kind]]
    if unknown or not columns:
        what = f"unknown column {unknown[0]!r}" if unknown else "no column named"
        raise UsageError(f"--columns: {what} for {kind} (choose from {', '.join(COLUMNS[kind])})")
    return columns


def sort_items(kind: str, items: list[Any], rows: list[dict[str, Any]], spec: str | None) -> None:
    """Sort rows (and their items, in step) by a column; `-column` sorts descending."""
    if not spec:
        return
    reverse = spec.startswith("-")
    column = spec.lstrip("-")
    if column not in COLUMNS[kind]:
        raise UsageError(
            f"--sort: unknown column {column!r} for {kind} (choose from {', '.join(COLUMNS[kind])})"
        )

    def key(pair: tuple[Any, dict[str, Any]]) -> tuple[int, Any]:
        value = pair[1][column]
        if isinstance(value, int):
            return (0, value)
        text = "" if value is None else str(value)
        if column in ("year", "stars", "forks") and text:
            return (0, max(int(v) for v in re.findall(r"\d+", text) or ["0"]))
        return (1, normalize_text(text))

    pairs = list(zip(items, rows, strict=True))
    # Blanks go last whichever way the rest is sorted: a missing count is not a small one.
    # "unknown" is a citation count never had: a blank, not a word to sort among numbers.
    blank = [p for p in pairs if p[1][column] in (None, "", "unknown")]
    filled = sorted(
        (p for p in pairs if p[1][column] not in (None, "", "unknown")), key=key, reverse=reverse
    )
    pairs = filled + blank
    items[:] = [p[0] for p in pairs]
    rows[:] = [p[1] for p in pairs]


def item_json(kind: str, item: Any, records: Records) -> dict[str, Any]:
    """One item of `scholar list --format json`: the page's fields, then what was fetched."""
    if kind == "repos":
        ref: RepoRef = item
        return {**ref.to_json_dict(), "github": _fetched_json(records.github.get(ref.repo.lower()))}
    doc: dict[str, Any] = item.to_json_dict()
    if kind == "papers":
        paper: Paper = item
        doc["arxiv"] = _fetched_json(records.arxiv.get(paper.arxiv.id) if paper.arxiv else None)
    if kind in ("papers", "projects"):
        doc["github"] = {
            repo: _fetched_json(records.github.get(repo.lower())) for repo in item.repos
        }
    if kind == "papers":
        doc["citations"] = _fetched_json(records.citation(item))
    return doc


def _fetched_json(fetched: Fetched | None) -> dict[str, Any] | None:
    if fetched is None:
        return None
    return {
        "status": fetched.status,
        "fetched_at": fetched.fetched_at,
        "note": fetched.note,
        "record": fetched.record.to_json_dict() if fetched.record else None,
    }
