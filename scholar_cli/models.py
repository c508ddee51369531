"""The data every layer shares: frozen, slotted dataclasses with one JSON form each.

The key order of every `to_json_dict` is part of the documented JSON schema (README): add keys
at the end, never rename or reorder them.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any, Literal

# "text-stars": a `★ 1.2k` that `refresh --badges text` wrote inside a repository link.
BadgeKind = Literal["stars", "static-stars", "text-stars", "other"]
Syntax = Literal["markdown", "html", "reference"]
# How the site renders the page: Jekyll's kramdown, or GitHub's GFM for a README.
Dialect = Literal["kramdown", "gfm"]
DIALECTS: tuple[Dialect, ...] = ("kramdown", "gfm")


@dataclass(frozen=True, slots=True)
class ArxivId:
    """An arXiv identifier split into its base id and the version the page names, if any."""

    id: str  # base id without version: "2503.12668", "hep-th/9901001"
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"

    @property
    def year(self) -> int:
        """The year of the first version, which both id schemes encode as YYMM."""
        digits = self.id.split("/")[-1]
        yy = int(digits[:2])
        return 1900 + yy if yy >= 91 else 2000 + yy


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"label": self.label, "url": self.url}

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Link:
        return cls(d["label"], d["url"])


@dataclass(frozen=True, slots=True)
class Badge:
    """A shields.io badge image, with the exact byte span of its image markup in the file.

    The span covers only the image (`![alt](url)` or `<img ...>`), never the link around it,
    so a rewrite can replace the picture and keep the link.
    """

    kind: BadgeKind
    repo: str | None  # "owner/name" the badge counts, when it can be known
    url: str
    alt: str
    link: str | None  # href of the enclosing link, if any
    line: int
    start: int  # byte offsets into the file as stored (BOM and CRLF included)
    end: int
    syntax: Syntax

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "repo": self.repo,
            "url": self.url,
            "alt": self.alt,
            "link": self.link,
            "line": self.line,
            "span": [self.start, self.end],
            "syntax": self.syntax,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Badge:
        start, end = d["span"]
        return cls(
            d["kind"], d["repo"], d["url"], d["alt"], d["link"], d["line"], start, end, d["syntax"]
        )


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    bold: bool = False  # the page bolds the owner's own name
    equal: bool = False  # an equal-contribution mark (*, †, ‡, #) followed the name

    def to_json_dict(self) -> dict[str, Any]:
        return {"name": self.name, "bold": self.bold, "equal": self.equal}

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Author:
        return cls(d["name"], d["bold"], d["equal"])


@dataclass(frozen=True, slots=True)
class Paper:
    line: int
    title: str
    authors: tuple[Author, ...]
    venue: str
    years: tuple[int, ...]
    links: tuple[Link, ...]
    arxiv: ArxivId | None
    repos: tuple[str, ...]
    section: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "title": self.title,
            "authors": [a.to_json_dict() for a in self.authors],
            "venue": self.venue,
            "years": list(self.years),
            "arxiv_id": self.arxiv.id if self.arxiv else None,
            "arxiv_version": self.arxiv.version if self.arxiv else None,
            "repos": list(self.repos),
            "links": [link.to_json_dict() for link in self.links],
            "section": self.section,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Paper:
        arxiv = ArxivId(d["arxiv_id"], d["arxiv_version"]) if d["arxiv_id"] else None
        return cls(
            line=d["line"],
            title=d["title"],
            authors=tuple(Author.from_json_dict(a) for a in d["authors"]),
            venue=d["venue"],
            years=tuple(d["years"]),
            links=tuple(Link.from_json_dict(x) for x in d["links"]),
            arxiv=arxiv,
            repos=tuple(d["repos"]),
            section=d["section"],
        )


@dataclass(frozen=True, slots=True)
class Project:
    line: int
    title: str
    description: str
    repos: tuple[str, ...]  # the project's own repositories (title line, badges, code links)
    mentions: tuple[str, ...]  # other repositories its text links to
    links: tuple[Link, ...]
    badges: tuple[Badge, ...]
    section: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "title": self.title,
            "description": self.description,
            "repos": list(self.repos),
            "mentions": list(self.mentions),
            "links": [link.to_json_dict() for link in self.links],
            "badges": [b.to_json_dict() for b in self.badges],
            "section": self.section,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Project:
        return cls(
            line=d["line"],
            title=d["title"],
            description=d["description"],
            repos=tuple(d["repos"]),
            mentions=tuple(d["mentions"]),
            links=tuple(Link.from_json_dict(x) for x in d["links"]),
            badges=tuple(Badge.from_json_dict(b) for b in d["badges"]),
            section=d["section"],
        )


@dataclass(frozen=True, slots=True)
class NewsItem:
    line: int
    date: str | None  # as written: "07/2025"
    year: int | None
    text: str
    links: tuple[Link, ...]
    section: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "date": self.date,
            "year": self.year,
            "text": self.text,
            "links": [link.to_json_dict() for link in self.links],
            "section": self.section,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> NewsItem:
        links = tuple(Link.from_json_dict(x) for x in d["links"])
        return cls(d["line"], d["date"], d["year"], d["text"], links, d["section"])


@dataclass(frozen=True, slots=True)
class RepoRef:
    """One GitHub repository the page links to, however many times."""

    repo: str
    line: int  # first line that names it
    count: int  # how many links and badges name it
    badges: int  # how many of those are star badges
    used_by: tuple[str, ...]  # titles of the papers/projects that link it

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "line": self.line,
            "count": self.count,
            "badges": self.badges,
            "used_by": list(self.used_by),
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> RepoRef:
        return cls(d["repo"], d["line"], d["count"], d["badges"], tuple(d["used_by"]))


# What a heading makes of the entries under it; "other" sections (Awards, Talks, Service,
# Education…) give no items.
SectionKind = Literal["papers", "projects", "news", "other"]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading the reader acted on: where a kind of item starts (or stops)."""

    name: str  # the heading's text as shown
    kind: SectionKind
    line: int
    level: int  # 0 for the page's title, 1-6 for h1-h6, 7 for a bold line standing for one
    why: str  # "heading words", "paper_sections in the config", "the page's title", …
    parent: str = ""  # the section it groups items of ("" for a section of its own)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "line": self.line,
            "level": self.level,
            "why": self.why,
            "parent": self.parent,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Section:
        return cls(d["name"], d["kind"], d["line"], d["level"], d["why"], d["parent"])


@dataclass(frozen=True, slots=True)
class Skipped:
    """A block the reader saw and did not take as an item, and why (for `scholar inspect`)."""

    line: int
    end_line: int
    reason: str  # "comment", "liquid", "legend", "category label", "not a paper section", …
    text: str  # the start of the block's text, whitespace collapsed

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "end_line": self.end_line,
            "reason": self.reason,
            "text": self.text,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Skipped:
        return cls(d["line"], d["end_line"], d["reason"], d["text"])


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    front_matter: dict[str, Any] = field(hash=False, compare=False)
    sections: tuple[Section, ...]  # headings that start or stop a kind of item
    papers: tuple[Paper, ...]
    projects: tuple[Project, ...]
    news: tuple[NewsItem, ...]
    badges: tuple[Badge, ...]
    repos: tuple[RepoRef, ...]
    dialect: Dialect = "kramdown"
    skipped: tuple[Skipped, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "front_matter": self.front_matter,
            "sections": [s.to_json_dict() for s in self.sections],
            "papers": [p.to_json_dict() for p in self.papers],
            "projects": [p.to_json_dict() for p in self.projects],
            "news": [n.to_json_dict() for n in self.news],
            "badges": [b.to_json_dict() for b in self.badges],
            "repos": [r.to_json_dict() for r in self.repos],
            "dialect": self.dialect,
            "skipped": [s.to_json_dict() for s in self.skipped],
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Page:
        # Tens of thousands of objects for a long page, none freed until it is built: a pass of
        # the cyclic collector meanwhile would walk them all (half the time, as in the reader).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._from_json_dict(d)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _from_json_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            path=d["path"],
            front_matter=d["front_matter"],
            sections=tuple(Section.from_json_dict(s) for s in d["sections"]),
            papers=tuple(Paper.from_json_dict(p) for p in d["papers"]),
            projects=tuple(Project.from_json_dict(p) for p in d["projects"]),
            news=tuple(NewsItem.from_json_dict(n) for n in d["news"]),
            badges=tuple(Badge.from_json_dict(b) for b in d["badges"]),
            repos=tuple(RepoRef.from_json_dict(r) for r in d["repos"]),
            dialect=d["dialect"],
            skipped=tuple(Skipped.from_json_dict(s) for s in d["skipped"]),
        )

    def section_names(self, *kinds: SectionKind) -> tuple[str, ...]:
        """Names of the sections of these kinds (all item kinds when none are given)."""
        wanted = kinds or ("papers", "projects", "news")
        return tuple(s.name for s in self.sections if s.kind in wanted and not s.parent)


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """What arXiv says about one paper (its latest version)."""

    id: str  # base id
    version: int
    published: str  # ISO 8601, first version
    updated: str  # ISO 8601, latest version
    title: str
    authors: tuple[str, ...]
    primary_category: str
    categories: tuple[str, ...]
    doi: str | None
    journal_ref: str | None
    comment: str | None
    abstract: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "published": self.published,
            "updated": self.updated,
            "title": self.title,
            "authors": list(self.authors),
            "primary_category": self.primary_category,
            "categories": list(self.categories),
            "doi": self.doi,
            "journal_ref": self.journal_ref,
            "comment": self.comment,
            "abstract": self.abstract,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> ArxivRecord:
        return cls(
            id=d["id"],
            version=int(d["version"]),
            published=d["published"],
            updated=d["updated"],
            title=d["title"],
            authors=tuple(d["authors"]),
            primary_category=d["primary_category"],
            categories=tuple(d["categories"]),
            doi=d.get("doi"),
            journal_ref=d.get("journal_ref"),
            comment=d.get("comment"),
            abstract=d.get("abstract", ""),
        )


@dataclass(frozen=True, slots=True)
class RepoStats:
    """What GitHub says about one repository."""

    full_name: str  # the current owner/name (differs from the page's after a rename)
    stars: int
    forks: int
    archived: bool
    pushed_at: str | None
    description: str | None
    language: str | None
    html_url: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name,
            "stars": self.stars,
            "forks": self.forks,
            "archived": self.archived,
            "pushed_at": self.pushed_at,
            "description": self.description,
            "language": self.language,
            "html_url": self.html_url,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> RepoStats:
        return cls(
            full_name=d["full_name"],
            stars=int(d["stars"]),
            forks=int(d["forks"]),
            archived=bool(d["archived"]),
            pushed_at=d.get("pushed_at"),
            description=d.get("description"),
            language=d.get("language"),
            html_url=d["html_url"],
        )


# How a record came to be in this run's hands.
FetchStatus = Literal[
    "fresh",  # from the store, within max age: no request
    "fetched",  # fetched now
    "revalidated",  # stale in the store, server said 304: kept, time renewed
    "stale",  # the fetch failed (network, 5xx, rate limit): last good record used
    "offline",  # --offline: store record of any age
    "not_found",  # the source says there is no such item
    "malformed",  # never sent: the id/name is not well-formed
    "unknown",  # no record and none could be fetched
]


@dataclass(frozen=True, slots=True)
class Fetched:
    """One item's outcome: the record (if any), how it was obtained, and when it was fetched."""

    key: str  # arXiv base id or owner/name as the page writes it
    status: FetchStatus
    record: ArxivRecord | RepoStats | None = None
    fetched_at: float | None = None  # epoch seconds of the record's last fetch/revalidation
    note: str = ""  # one human line: why it is stale/unknown, where it was renamed to


Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing on the page that a live record (or the page itself) contradicts."""

    kind: str  # "published", "new-version", "title-drift", "not-found", "unchecked", …
    severity: Severity
    line: int
    item: str  # the paper title, repo or news date the finding is about
    page: str  # what the page says
    source: str  # what the source says ("" for page lint)
    fix: str  # the suggested fix, one line
    # The stable key that joins a finding to its record, when it has one: the paper's arXiv
    # base id, or the "owner/name" of the repository a repository or badge finding is about.
    arxiv: str | None = None
    repo: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "line": self.line,
            "item": self.item,
            "page": self.page,
            "source": self.source,
            "fix": self.fix,
            "arxiv": self.arxiv,
            "repo": self.repo,
        }
