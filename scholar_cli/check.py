"""What on the page is stale or wrong: the page against fetched records, plus page lint.

Pure: no I/O, no clock (`now` is passed in). The caller fetches records and renders findings.

Severities (the kind strings are part of the JSON schema; never rename them):

| kind          | severity | when |
|---------------|----------|------|
| not-found     | error    | arXiv/GitHub answered: no such paper |
| malformed-id  | error    | an arXiv link or `arXiv:` mention that is not a well-formed id |
| owner-missing | error    | the owner is not among a paper's authors (unless arXiv agrees) |
| repo-not-found| error    | GitHub answered 404 for a linked repository |
| empty-title   | error    | a paper entry without a real title |
| published     | warning  | arXiv has a journal ref/DOI; the page shows a preprint or no venue |
| new-version   | warning  | the page links vN and arXiv has a later version |
| title-drift   | warning  | titles differ after `normalize_title` |
| author-drift  | warning  | authors missing, extra or reordered (`compare_authors`) |
| year-drift    | warning  | every year on the entry is earlier than arXiv's first version |
| renamed       | warning  | GitHub moved the repository (301) |
| archived      | warning  | the repository is archived |
| stale-badge   | warning  | a static stars badge shows another count than the live one |
| duplicate     | warning  | a second entry with the same arXiv id or normalised title |
| id-mismatch   | warning  | the arXiv link and the `arXiv:` id in the entry's text differ |
| bad-news-date | warning  | a news date that is not a calendar date (13/2025, 2025-02-30) |
| unchecked     | warning  | not checked, or only against a record older than the max age |
| updated       | info     | arXiv has a later version dated after every year the entry shows |
| insecure-link | info     | an http:// link to a host that serves https:// |
| suggested-id  | info     | (--suggest) arXiv has a paper with this exact title and an author |

Why these: errors are things a reader would see as plainly wrong (a dead id or repo, a missing
own name, an entry with no title); warnings are drift the owner should fix but that is not
false as such; info is advice. `unchecked` is a warning so a run that could check nothing never
looks like an all-clear, while a flaky network alone does not fail CI at the default
`--fail-on error`.

Rules where the issue is silent:
- A venue "shows a preprint" when it is empty or says preprint/arXiv/CoRR/under review/
  submitted/manuscript, even next to another venue ("NeurIPS workshop, 2024; arXiv preprint
  …"), unless it already contains every distinctive word of arXiv's journal ref.
  arXiv's own DataCite DOI (10.48550/…) never counts as published.
- `updated` needs a later version (v2+), no version pinned by the page (that is
  `new-version`), and the update's year after every year the entry shows; `year-drift` needs
  every year the entry shows to be earlier than the first version's (a workshop year before
  the preprint is not drift).
- `author-drift` only for entries that list authors; the owner missing is `owner-missing`
  instead. The owner is `owner`, else the page's most frequent bold author. When arXiv's
  record lacks the owner too, the page agrees with it: no finding.
- Records: not_found -> `not-found`/`repo-not-found`, malformed -> `malformed-id`, no record
  (unknown, or absent from Records) -> `unchecked`. A stale/offline record older than the max
  age is still compared (its findings are real: the page is at least that far behind) and the
  item is also reported `unchecked`; a recent one counts as checked.
- `insecure-link`: an http:// link to a host known to serve https, or one the page itself
  links with https://. `empty-title`: no letters or digits, a placeholder (TBD, Untitled), or
  the owner's name (the entry lost its title and the reader took the bold name for one).
- `bad-news-date`: a recognised date that is no calendar day, or a news item whose head before
  ":" holds a digit but no date ("Summer 2O25: …").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import unquote, urlsplit

from scholar_cli.grammar import MONTHS, format_count
from scholar_cli.ids import (
    ARXIV_HOSTS,
    arxiv_id_from_url,
    arxiv_ids_in_text,
    parse_arxiv_id,
    repo_of_badge,
)
from scholar_cli.models import (
    SEVERITIES,
    ArxivRecord,
    Badge,
    Fetched,
    Finding,
    NewsItem,
    Page,
    Paper,
    RepoRef,
    RepoStats,
    Severity,
)
from scholar_cli.normalize import (
    author_key,
    compare_authors,
    fold_text,
    normalize_title,
    same_author,
)
from scholar_cli.views import Records

__all__ = [
    "KINDS",
    "SEVERITY",
    "check_page",
    "lint_page",
    "page_owner",
    "parse_badge_count",
    "sort_findings",
    "suggest_ids",
]

SEVERITY: dict[str, Severity] = {
    "not-found": "error",
    "malformed-id": "error",
    "owner-missing": "error",
    "repo-not-found": "error",
    "empty-title": "error",
    "published": "warning",
    "new-version": "warning",
    "title-drift": "warning",
    "author-drift": "warning",
    "year-drift": "warning",
    "renamed": "warning",
    "archived": "warning",
    "stale-badge": "warning",
    "duplicate": "warning",
    "id-mismatch": "warning",
    "bad-news-date": "warning",
    "unchecked": "warning",
    "updated": "info",
    "insecure-link": "info",
    "suggested-id": "info",
}
KINDS: tuple[str, ...] = tuple(SEVERITY)
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}

# A venue that still reads as a preprint. "CoRR" is how DBLP-generated lists name arXiv.
_PREPRINT_RE = re.compile(
    r"\b(?:preprint|arxiv|corr|under review|in submission|submitted|manuscript)\b", re.IGNORECASE
)
# arXiv mints a DataCite DOI (10.48550/arXiv.ID) for every paper: it says nothing about
# publication, so it never makes a paper "published".
_ARXIV_DOI_PREFIX = "10.48550/"
# Words that do not identify a venue, so "Proceedings of COLM 2025" is shown by "COLM, 2025".
_VENUE_STOPWORDS = {
    "of", "the", "on", "in", "and", "for", "proceedings", "proc", "conference", "journal",
    "international", "annual", "workshop", "vol", "volume", "no", "pp", "pages", "to", "appear",
}  # fmt: skip
_TEXT_ID_CANDIDATE = re.compile(r"\barXiv\s*:\s*(?P<id>[\w./-]*\d[\w./-]*)", re.IGNORECASE)
_ARXIV_PAPER_PATH = re.compile(r"^/(?:abs|pdf|html)/")
# Hosts that homepages link to and that serve https (checked by hand); any host the page itself
# links with https:// counts too.
_HTTPS_HOSTS = {
    "arxiv.org", "export.arxiv.org", "github.com", "doi.org", "dx.doi.org", "openreview.net",
    "dl.acm.org", "ieeexplore.ieee.org", "link.springer.com", "aclanthology.org",
    "proceedings.neurips.cc", "papers.nips.cc", "neurips.cc", "iclr.cc", "icml.cc",
    "proceedings.mlr.press", "openaccess.thecvf.com", "huggingface.co", "scholar.google.com",
    "www.semanticscholar.org", "orcid.org", "www.youtube.com", "youtube.com", "twitter.com",
    "x.com", "www.linkedin.com", "en.wikipedia.org", "img.shields.io", "colmweb.org",
    "aaai.org", "www.kaust.edu.sa", "dblp.org", "www.nature.com", "www.science.org",
}  # fmt: skip
_TITLE_PLACEHOLDERS = {"tbd", "tba", "todo", "untitled", "title", "paper title", "xxx"}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{1,4}))?$")
_NAMED_DATE = re.compile(
    r"^(?:(\d{1,2})\s+)?([a-z]+)\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?,?\s+(\d{4})$"
)
_BADGE_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmb]?)\+?$", re.IGNORECASE)


# --- public API ------------------------------------------------------------------------------


def check_page(
    page: Page,
    records: Records,
    *,
    owner: str | None,
    max_age_seconds: float,
    now: float,
    offline: bool,
    repo_max_age_seconds: float | None = None,
) -> list[Finding]:
    """Every finding for `page` against `records`, sorted by severity then line.

    `owner` defaults to the page's most frequent bold author (`page_owner`). A record fetched
    (`fetched_at`) longer than `max_age_seconds` before `now` that could not be renewed
    (status stale/offline) is still checked, and the item is also reported as unchecked.
    `repo_max_age_seconds` lets GitHub records age differently (stars move faster than papers).
    """
    who = owner or page_owner(page)
    repo_age = max_age_seconds if repo_max_age_seconds is None else repo_max_age_seconds
    findings: list[Finding] = []
    for paper in page.papers:
        findings += _check_paper(paper, records, who, max_age_seconds, now, offline)
    for ref in page.repos:
        findings += _check_repo(ref, records, repo_age, now, offline)
    for badge in page.badges:
        findings += _check_badge(badge, records, offline)
    findings += lint_page(page, owner=who)
    return sort_findings(findings)


def lint_page(page: Page, *, owner: str | None = None) -> list[Finding]:
    """Findings that need no network: duplicates, id mismatches, malformed ids, http links,
    empty titles, bad news dates. (Unsorted; `check_page` sorts.)"""
    findings: list[Finding] = []
    findings += _duplicates(page.papers)
    for paper in page.papers:
        findings += _lint_paper_ids(paper)
        if _is_empty_title(paper.title, owner):
            findings.append(
                _finding(
                    "empty-title",
                    paper.line,
                    paper.title,
                    paper.title,
                    "",
                    "give the entry its title (in bold, before the authors)",
                )
            )
    findings += _insecure_links(page)
    for news in page.news:
        findings += _lint_news(news)
    return findings


def suggest_ids(
    papers: Iterable[Paper],
    search_results: Mapping[str, Sequence[ArxivRecord]],
    *,
    offline: bool = False,
) -> list[Finding]:
    """Propose an arXiv id for papers without one, from arXiv title searches.

    `search_results` maps a paper's title as on the page to what arXiv answered. A record is
    proposed only when its normalised title equals the page's and at least one author matches;
    a near miss proposes nothing, and so do two different matching papers (no guessing). A
    paper whose title is missing from `search_results` was not searched: it is unchecked.
    """
    findings: list[Finding] = []
    for paper in papers:
        if paper.arxiv is not None:
            continue
        if paper.title not in search_results:
            findings.append(
                _finding(
                    "unchecked",
                    paper.line,
                    paper.title,
                    paper.title,
                    "not searched: offline" if offline else "arXiv title search did not answer",
                    "run without --offline to search arXiv"
                    if offline
                    else "rerun with --suggest when arXiv is reachable",
                )
            )
            continue
        want = normalize_title(paper.title)
        names = [a.name for a in paper.authors]
        matches = {
            r.id: r
            for r in search_results[paper.title]
            if normalize_title(r.title) == want
            and any(same_author(p, a) for p in names for a in r.authors)
        }
        if len(matches) != 1:
            continue
        (record,) = matches.values()
        findings.append(
            _finding(
                "suggested-id",
                paper.line,
                paper.title,
                "",
                record.id,
                f"link https://arxiv.org/abs/{record.id}",
            )
        )
    return sort_findings(findings)


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


def page_owner(page: Page) -> str | None:
    """The most frequent bold author name on the page (first spelling seen; ties: first seen)."""
    counts: Counter[tuple[str, tuple[str, ...]]] = Counter()
    spelling: dict[tuple[str, tuple[str, ...]], str] = {}
    for paper in page.papers:
        for author in paper.authors:
            if author.bold:
                key = author_key(author.name)
                counts[key] += 1
                spelling.setdefault(key, author.name)
    if not counts:
        return None
    return spelling[counts.most_common(1)[0][0]]


def parse_badge_count(message: str) -> int | None:
    """Badge text as a number: "212" -> 212, "1.2k" -> 1200, "3M+" -> 3000000; else None."""
    m = _BADGE_COUNT.match(message.strip())
    if not m:
        return None
    scale = {"": 1, "k": 1000, "m": 1000**2, "b": 1000**3}[m.group(2).lower()]
    return int(Decimal(m.group(1)) * scale)


# --- papers ----------------------------------------------------------------------------------


def _finding(kind: str, line: int, item: str, page: str, source: str, fix: str) -> Finding:
    return Finding(kind, SEVERITY[kind], line, item, page, source, fix)


def _unchecked(
    line: int, item: str, page: str, fetched: Fetched | None, service: str, offline: bool
) -> Finding:
    note = "not fetched" if fetched is None else fetched.note or f"no record ({fetched.status})"
    fix = "run without --offline to fetch it" if offline else f"rerun when {service} is reachable"
    return _finding("unchecked", line, item, page, note, fix)


def _too_old(fetched: Fetched, max_age: float, now: float) -> bool:
    if fetched.status not in ("stale", "offline"):
        return False
    return fetched.fetched_at is None or now - fetched.fetched_at > max_age


def _old_record(
    line: int, item: str, page: str, fetched: Fetched, service: str, offline: bool
) -> Finding:
    when = (
        datetime.fromtimestamp(fetched.fetched_at, UTC).strftime("%Y-%m-%d")
        if fetched.fetched_at is not None
        else "an unknown time"
    )
    note = f"only a record from {when} (older than --max-age)"
    if fetched.note:
        note += f"; {fetched.note}"
    fix = "run without --offline to renew it" if offline else f"rerun when {service} is reachable"
    return _finding("unchecked", line, item, page, note, fix)


def _check_paper(
    paper: Paper,
    records: Records,
    owner: str | None,
    max_age: float,
    now: float,
    offline: bool,
) -> list[Finding]:
    findings: list[Finding] = []
    record: ArxivRecord | None = None
    if paper.arxiv is not None:
        shown = f"arXiv:{paper.arxiv}"
        fetched = records.arxiv.get(paper.arxiv.id)
        if fetched is not None and fetched.status == "not_found":
            return [
                _finding(
                    "not-found",
                    paper.line,
                    paper.title,
                    str(paper.arxiv),
                    fetched.note or "arXiv has no such paper",
                    "check the id against the paper's arXiv page",
                )
            ]
        if fetched is not None and fetched.status == "malformed":
            return [
                _finding(
                    "malformed-id",
                    paper.line,
                    paper.title,
                    str(paper.arxiv),
                    fetched.note,
                    "write the id as arXiv shows it, e.g. 2503.12668 or hep-th/9901001",
                )
            ]
        if fetched is None or not isinstance(fetched.record, ArxivRecord):
            findings.append(_unchecked(paper.line, paper.title, shown, fetched, "arXiv", offline))
        else:
            record = fetched.record
            if _too_old(fetched, max_age, now):
                findings.append(
                    _old_record(paper.line, paper.title, shown, fetched, "arXiv", offline)
                )
            findings += _against_record(paper, record, owner)
    findings += _owner_check(paper, record, owner)
    return findings


def _against_record(paper: Paper, rec: ArxivRecord, owner: str | None) -> list[Finding]:
    findings: list[Finding] = []
    line, item = paper.line, paper.title
    assert paper.arxiv is not None

    published_as = rec.journal_ref or (
        f"doi:{rec.doi}" if rec.doi and not rec.doi.startswith(_ARXIV_DOI_PREFIX) else None
    )
    if (
        published_as is not None
        and (not paper.venue.strip() or _PREPRINT_RE.search(paper.venue))
        and not (rec.journal_ref and _venue_shows(paper.venue, rec.journal_ref))
    ):
        findings.append(
            _finding(
                "published",
                line,
                item,
                paper.venue,
                published_as,
                f'replace the preprint venue with "{rec.journal_ref}"'
                if rec.journal_ref
                else f"name the venue of https://doi.org/{rec.doi}",
            )
        )

    if paper.arxiv.version is not None and rec.version > paper.arxiv.version:
        findings.append(
            _finding(
                "new-version",
                line,
                item,
                f"v{paper.arxiv.version}",
                f"v{rec.version}",
                f"link https://arxiv.org/abs/{rec.id}v{rec.version} (or drop the version)",
            )
        )
    elif (
        paper.arxiv.version is None
        and rec.version > 1
        and paper.years
        and max(paper.years) < int(rec.updated[:4])
    ):
        findings.append(
            _finding(
                "updated",
                line,
                item,
                str(max(paper.years)),
                f"v{rec.version} updated {rec.updated[:10]}",
                f"review arXiv v{rec.version} and update the entry's venue and year",
            )
        )

    arxiv_title = " ".join(rec.title.split())
    if normalize_title(paper.title) != normalize_title(arxiv_title):
        findings.append(
            _finding(
                "title-drift",
                line,
                item,
                paper.title,
                arxiv_title,
                f'use arXiv\'s title: "{arxiv_title}"',
            )
        )

    page_names = [a.name for a in paper.authors]
    if page_names:
        missing, extra, reordered = compare_authors(page_names, rec.authors)
        # The owner's own name gets its own, louder finding (owner-missing).
        if owner is not None:
            missing = [m for m in missing if not same_author(owner, m)]
        if missing or extra or reordered:
            parts = []
            if missing:
                parts.append(f"add {', '.join(missing)}")
            if extra:
                parts.append(f"remove {', '.join(extra)}")
            if reordered:
                parts.append("order the authors as arXiv does")
            findings.append(
                _finding(
                    "author-drift",
                    line,
                    item,
                    ", ".join(page_names),
                    ", ".join(rec.authors),
                    "; ".join(parts),
                )
            )

    first_year = int(rec.published[:4])
    if paper.years and max(paper.years) < first_year:
        findings.append(
            _finding(
                "year-drift",
                line,
                item,
                str(max(paper.years)),
                str(first_year),
                f"use {first_year}, the year of arXiv's first version ({rec.published[:10]})",
            )
        )
    return findings


def _venue_shows(venue: str, journal_ref: str) -> bool:
    """Whether the venue text already names the journal ref's venue (all its words)."""
    shown = set(re.findall(r"[^\W\d_]+", fold_text(venue)))
    wanted = {
        w for w in re.findall(r"[^\W\d_]+", fold_text(journal_ref)) if w not in _VENUE_STOPWORDS
    }
    return bool(wanted) and wanted <= shown


def _owner_check(paper: Paper, rec: ArxivRecord | None, owner: str | None) -> list[Finding]:
    if owner is None or not paper.authors or _is_empty_title(paper.title, owner):
        return []
    if any(same_author(a.name, owner) for a in paper.authors):
        return []
    source = ""
    if rec is not None:
        on_arxiv = [a for a in rec.authors if same_author(owner, a)]
        if not on_arxiv:
            return []  # arXiv agrees the owner is not an author: nothing on the page to fix
        source = on_arxiv[0]
    return [
        _finding(
            "owner-missing",
            paper.line,
            paper.title,
            ", ".join(a.name for a in paper.authors),
            source,
            f"add {source or owner} to the authors",
        )
    ]


# --- repositories ----------------------------------------------------------------------------


def _check_repo(
    ref: RepoRef, records: Records, max_age: float, now: float, offline: bool
) -> list[Finding]:
    fetched = records.github.get(ref.repo.lower())
    url = f"https://github.com/{ref.repo}"
    if fetched is not None and fetched.status == "not_found":
        return [
            _finding(
                "repo-not-found",
                ref.line,
                ref.repo,
                ref.repo,
                fetched.note or "GitHub has no such repository",
                f"fix or remove the {_links(ref.count)} to {url}",
            )
        ]
    if fetched is not None and fetched.status == "malformed":
        return [
            _finding(
                "malformed-id",
                ref.line,
                ref.repo,
                ref.repo,
                fetched.note,
                "link the repository as https://github.com/owner/name",
            )
        ]
    if fetched is None or not isinstance(fetched.record, RepoStats):
        return [_unchecked(ref.line, ref.repo, ref.repo, fetched, "GitHub", offline)]
    stats = fetched.record
    findings: list[Finding] = []
    if _too_old(fetched, max_age, now):
        findings.append(_old_record(ref.line, ref.repo, ref.repo, fetched, "GitHub", offline))
    if stats.full_name.lower() != ref.repo.lower():
        findings.append(
            _finding(
                "renamed",
                ref.line,
                ref.repo,
                ref.repo,
                stats.full_name,
                f"replace {url} with https://github.com/{stats.full_name} ({_links(ref.count)})",
            )
        )
    if stats.archived:
        findings.append(
            _finding(
                "archived",
                ref.line,
                ref.repo,
                ref.repo,
                "archived",
                "say on the page that the repository is archived, or drop the link",
            )
        )
    return findings


def _links(count: int) -> str:
    return "1 link" if count == 1 else f"{count} links"


def _badge_message(url: str) -> str | None:
    """The message of a static badge: img.shields.io/badge/<label>-<message>-<color>."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 2 or segments[0] != "badge":
        return None
    # shields escapes a literal dash as "--" and a space as "_".
    parts = unquote(segments[1]).replace("--", "\0").split("-")
    if len(parts) < 3:
        return None
    return parts[-2].replace("\0", "-").replace("_", " ").strip()


def _check_badge(badge: Badge, records: Records, offline: bool) -> list[Finding]:
    if badge.kind not in ("static-stars", "text-stars"):
        return []
    # A text badge's alt is its text ("★ 1.2k"); a static one's count is in its URL.
    if badge.kind == "text-stars":
        message = badge.alt.removeprefix("★").strip()
    else:
        message = _badge_message(badge.url) or ""
    # The same lookup and count format as `scholar refresh`, so check and refresh agree on
    # which repository a badge counts and on when its picture would change.
    repo = repo_of_badge(badge)
    if repo is None:
        return [
            _finding(
                "unchecked",
                badge.line,
                badge.url,
                message,
                "the badge links no GitHub repository",
                "link the badge to its repository, or use a dynamic stars badge",
            )
        ]
    stats = records.repo(repo)
    if stats is None:
        if badge.repo is not None:
            return []  # a repository the page links: reported unchecked / not found there
        # Named only by the badge's `link=` parameter: nothing else would report it.
        fetched = records.github.get(repo.lower())
        return [_unchecked(badge.line, repo, message, fetched, "GitHub", offline)]
    live = format_count(stats.stars)
    shown = parse_badge_count(message)
    if shown == stats.stars or message.lower() == live.lower():
        return []
    return [
        _finding(
            "stale-badge",
            badge.line,
            repo,
            message,
            live,
            f"show {live}, or use the live badge "
            f"https://img.shields.io/github/stars/{stats.full_name}",
        )
    ]


# --- page lint -------------------------------------------------------------------------------


def _duplicates(papers: Sequence[Paper]) -> list[Finding]:
    findings: list[Finding] = []
    by_id: dict[str, Paper] = {}
    by_title: dict[str, Paper] = {}
    for paper in papers:
        title_key = normalize_title(paper.title)
        first = (by_id.get(paper.arxiv.id) if paper.arxiv else None) or (
            by_title.get(title_key) if title_key else None
        )
        if first is not None:
            same = (
                f"arXiv:{paper.arxiv.id}"
                if paper.arxiv and first.arxiv and first.arxiv.id == paper.arxiv.id
                else "title"
            )
            findings.append(
                _finding(
                    "duplicate",
                    paper.line,
                    paper.title,
                    paper.title,
                    "",
                    f"same {same} as line {first.line}: remove one entry or merge them",
                )
            )
            continue
        if paper.arxiv:
            by_id[paper.arxiv.id] = paper
        if title_key:
            by_title[title_key] = paper
    return findings


def _lint_paper_ids(paper: Paper) -> list[Finding]:
    findings: list[Finding] = []
    link_ids = []
    for link in paper.links:
        parts = urlsplit(link.url)
        if parts.hostname not in ARXIV_HOSTS or not _ARXIV_PAPER_PATH.match(parts.path):
            continue
        found = arxiv_id_from_url(link.url)
        if found is None:
            findings.append(
                _finding(
                    "malformed-id",
                    paper.line,
                    paper.title,
                    link.url,
                    "",
                    "link the paper's arXiv page, e.g. https://arxiv.org/abs/2503.12668",
                )
            )
        else:
            link_ids.append(found)
    for m in _TEXT_ID_CANDIDATE.finditer(paper.venue):
        if parse_arxiv_id(m.group("id").rstrip(".")) is None:
            findings.append(
                _finding(
                    "malformed-id",
                    paper.line,
                    paper.title,
                    m.group(0),
                    "",
                    "write the id as arXiv shows it, e.g. arXiv:2503.12668",
                )
            )
    text_ids = arxiv_ids_in_text(paper.venue)
    linked = {a.id for a in link_ids}
    if link_ids and text_ids and not linked & {a.id for a in text_ids}:
        findings.append(
            _finding(
                "id-mismatch",
                paper.line,
                paper.title,
                f"link {link_ids[0]}; text arXiv:{text_ids[0]}",
                "",
                "make the link and the text name the same arXiv id",
            )
        )
    return findings


def _is_empty_title(title: str, owner: str | None) -> bool:
    """No letters or digits, a placeholder, or the owner's name (the entry has no title and the
    reader took the bold own name for one)."""
    key = normalize_title(title)
    if not re.search(r"\w", key) or key in _TITLE_PLACEHOLDERS:
        return True
    return (
        owner is not None
        and len(title.split()) <= 4
        and bool(author_key(title)[1])
        and same_author(title, owner)
    )


def _insecure_links(page: Page) -> list[Finding]:
    urls: list[tuple[int, str, str]] = []  # (line, item, url)
    for paper in page.papers:
        urls += [(paper.line, paper.title, link.url) for link in paper.links]
    for project in page.projects:
        urls += [(project.line, project.title, link.url) for link in project.links]
    for news in page.news:
        urls += [(news.line, news.date or news.text, link.url) for link in news.links]
    for badge in page.badges:
        urls.append((badge.line, badge.repo or badge.url, badge.url))
        if badge.link:
            urls.append((badge.line, badge.repo or badge.url, badge.link))
    https_hosts = _HTTPS_HOSTS | {
        urlsplit(u).hostname or "" for _, _, u in urls if u.lower().startswith("https://")
    }
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for line, item, url in urls:
        parts = urlsplit(url)
        if parts.scheme.lower() != "http" or (line, url) in seen:
            continue
        seen.add((line, url))
        if (parts.hostname or "") in https_hosts:
            findings.append(
                _finding("insecure-link", line, item, url, "", f"use https://{url[7:]}")
            )
    return findings


def _lint_news(item: NewsItem) -> list[Finding]:
    if item.date is not None:
        if _date_ok(item.date):
            return []
        shown = item.date
    else:
        # No date was recognised; if the head of the item still looks like one, it is a typo.
        head = re.split(r"[:|–—]", item.text, maxsplit=1)[0].strip(" *_[]()")
        if ":" not in item.text or len(head) > 20 or not re.search(r"\d", head):
            return []
        shown = head
    return [
        _finding(
            "bad-news-date",
            item.line,
            shown,
            shown,
            "",
            "write the date as MM/YYYY, YYYY-MM-DD or Month YYYY",
        )
    ]


def _valid(year: int, month: int, day: int = 1) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1950 <= year <= 2099


def _date_ok(text: str) -> bool:
    """Whether a news date as written is a real calendar date (either order for a/b/YYYY)."""
    s = text.strip().lower()
    m = _NUMERIC_DATE.match(s)
    if m:
        a, b, c = m.group(1), m.group(2), m.group(3)
        if len(a) == 4:  # YYYY-MM[-DD]
            return _valid(int(a), int(b), int(c) if c else 1)
        if c is None:
            return False
        if len(c) == 4:  # DD/MM/YYYY or MM/DD/YYYY: fine if either reading is a date
            return _valid(int(c), int(b), int(a)) or _valid(int(c), int(a), int(b))
        return False
    m = re.match(r"^(\d{1,2})[-/.](\d{4})$", s)
    if m:
        return _valid(int(m.group(2)), int(m.group(1)))
    m = re.match(r"^(\d{4})[-/.\s]([a-z]+)\.?$", s)  # 2024-Dec
    if m:
        month = MONTHS.get(m.group(2))
        return month is not None and _valid(int(m.group(1)), month)
    m = re.match(r"^(spring|summer|fall|autumn|winter)\s+(\d{4})$", s)
    if m:
        return _valid(int(m.group(2)), 1)
    m = _NAMED_DATE.match(s)
    if m:
        month = MONTHS.get(m.group(2))
        day = m.group(1) or m.group(3)
        return month is not None and _valid(int(m.group(4)), month, int(day) if day else 1)
    return bool(re.fullmatch(r"\d{4}", s)) and _valid(int(s), 1)
