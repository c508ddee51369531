"""The finding kinds: the one table of kind → severity and meaning, and what every family shares.

The kind strings are part of the JSON schema: never rename them. The table's order is the order
findings of one severity and line are listed in; README.md's kind table is tested against it.

Why these severities: errors are things a reader would see as plainly wrong (a dead id or repo,
a missing own name, an entry with no title); warnings are drift the owner should fix but that is
not false as such; info is advice. `unchecked` is a warning so a run that could check nothing
never looks like an all-clear, while a flaky network alone does not fail CI at the default
`--fail-on error`.

Records: not_found -> `not-found`/`repo-not-found`, malformed -> `malformed-id`, no record
(unknown, or absent from Records) -> `unchecked`. A stale/offline record older than the max age
is still compared (its findings are real: the page is at least that far behind) and the item is
also reported `unchecked`; a recent one counts as checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from scholar_cli.models import SEVERITIES, Fetched, Finding, Paper, Severity


@dataclass(frozen=True, slots=True)
class Kind:
    severity: Severity
    when: str  # one line: when the kind is reported, as README.md's kind table says it


KIND_TABLE: dict[str, Kind] = {
    "not-found": Kind("error", "arXiv has no paper with this (well-formed) id"),
    "malformed-id": Kind("error", "an arXiv link or `arXiv:` mention that is not a valid id"),
    "owner-missing": Kind(
        "error", "your name is not among a paper's authors (unless arXiv agrees)"
    ),
    "repo-not-found": Kind("error", "GitHub answers 404 (deleted, renamed away or private)"),
    "empty-title": Kind("error", "a paper entry without a real title"),
    "published": Kind(
        "warning", "arXiv has a journal ref or DOI; the page still shows a preprint or no venue"
    ),
    "new-version": Kind("warning", "the page links `vN` and arXiv has a later version"),
    "title-drift": Kind(
        "warning",
        "titles differ after folding case, accents, quotes, LaTeX/Markdown marks and spacing",
    ),
    "author-drift": Kind(
        "warning", "authors missing, extra or reordered (initials, accents, `*` marks tolerated)"
    ),
    "year-drift": Kind("warning", "every year on the entry is earlier than arXiv's first version"),
    "renamed": Kind("warning", "GitHub moved the repository (301)"),
    "archived": Kind("warning", "the repository is archived"),
    "stale-badge": Kind("warning", "a static stars badge shows another count than the live one"),
    "duplicate": Kind("warning", "two entries with the same arXiv id or title"),
    "id-mismatch": Kind("warning", "the arXiv link and the `arXiv:` id in the same entry differ"),
    "bad-news-date": Kind("warning", "a news date that is not a calendar date"),
    "unchecked": Kind(
        "warning", "could not be checked (offline, network trouble), never a silent pass"
    ),
    "updated": Kind("info", "arXiv has a later version dated after every year the entry shows"),
    "insecure-link": Kind("info", "an `http://` link to a host that serves `https://`"),
    "suggested-id": Kind(
        "info", "(`--suggest`) arXiv has a paper with this exact title and an author"
    ),
}
KINDS: tuple[str, ...] = tuple(KIND_TABLE)
SEVERITY: dict[str, Severity] = {kind: k.severity for kind, k in KIND_TABLE.items()}

_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}


def finding(
    kind: str,
    line: int,
    item: str,
    page: str,
    source: str,
    fix: str,
    *,
    arxiv: str | None = None,
    repo: str | None = None,
) -> Finding:
    """A finding of `kind`, its severity from the table."""
    return Finding(kind, KIND_TABLE[kind].severity, line, item, page, source, fix, arxiv, repo)


def on_paper(kind: str, paper: Paper, page: str, source: str, fix: str) -> Finding:
    """A finding about a paper: at its line, named by its title, keyed by its arXiv base id."""
    arxiv = paper.arxiv.id if paper.arxiv is not None else None
    return finding(kind, paper.line, paper.title, page, source, fix, arxiv=arxiv)


def on_repo(kind: str, line: int, repo: str, page: str, source: str, fix: str) -> Finding:
    """A finding about a repository: "owner/name" names it and is its key."""
    return finding(kind, line, repo, page, source, fix, repo=repo)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Error, warning, info; then page line; then kind (table order) and item, for stability."""
    return sorted(
        findings,
        key=lambda f: (
            _SEVERITY_RANK[f.severity],
            f.line,
            _KIND_RANK.get(f.kind, len(KINDS)),
            f.item,
            f.page,
        ),
    )


def no_record(fetched: Fetched | None, service: str, offline: bool) -> tuple[str, str]:
    """Source and fix of an `unchecked` finding: the item has no record to compare against."""
    note = "not fetched" if fetched is None else fetched.note or f"no record ({fetched.status})"
    fix = "run without --offline to fetch it" if offline else f"rerun when {service} is reachable"
    return note, fix


def too_old(fetched: Fetched, max_age: float, now: float) -> bool:
    """Whether a record that could not be renewed is older than the max age."""
    if fetched.status not in ("stale", "offline"):
        return False
    return fetched.fetched_at is None or now - fetched.fetched_at > max_age


def old_record(fetched: Fetched, service: str, offline: bool) -> tuple[str, str]:
    """Source and fix of an `unchecked` finding: the item was compared, but only against a
    record older than the max age."""
    when = (
        datetime.fromtimestamp(fetched.fetched_at, UTC).strftime("%Y-%m-%d")
        if fetched.fetched_at is not None
        else "an unknown time"
    )
    note = f"only a record from {when} (older than --max-age)"
    if fetched.note:
        note += f"; {fetched.note}"
    fix = "run without --offline to renew it" if offline else f"rerun when {service} is reachable"
    return note, fix
