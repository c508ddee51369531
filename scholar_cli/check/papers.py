"""Papers against their arXiv records, and arXiv ids proposed for papers without one.

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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from scholar_cli.check.kinds import no_record, old_record, on_paper, sort_findings, too_old
from scholar_cli.check.lint import is_empty_title
from scholar_cli.models import ArxivRecord, Finding, Page, Paper
from scholar_cli.normalize import (
    author_key,
    compare_authors,
    fold_text,
    normalize_title,
    same_author,
)
from scholar_cli.views import Records

__all__ = ["check_paper", "page_owner", "suggest_ids"]

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


def check_paper(
    paper: Paper,
    records: Records,
    owner: str | None,
    max_age: float,
    now: float,
    offline: bool,
) -> list[Finding]:
    """A paper against its arXiv record (if it names an id), and whether it lists the owner."""
    findings: list[Finding] = []
    record: ArxivRecord | None = None
    if paper.arxiv is not None:
        shown = f"arXiv:{paper.arxiv}"
        fetched = records.arxiv.get(paper.arxiv.id)
        if fetched is not None and fetched.status == "not_found":
            return [
                on_paper(
                    "not-found",
                    paper,
                    str(paper.arxiv),
                    fetched.note or "arXiv has no such paper",
                    "check the id against the paper's arXiv page",
                )
            ]
        if fetched is not None and fetched.status == "malformed":
            return [
                on_paper(
                    "malformed-id",
                    paper,
                    str(paper.arxiv),
                    fetched.note,
                    "write the id as arXiv shows it, e.g. 2503.12668 or hep-th/9901001",
                )
            ]
        if fetched is None or not isinstance(fetched.record, ArxivRecord):
            findings.append(
                on_paper("unchecked", paper, shown, *no_record(fetched, "arXiv", offline))
            )
        else:
            record = fetched.record
            if too_old(fetched, max_age, now):
                findings.append(
                    on_paper("unchecked", paper, shown, *old_record(fetched, "arXiv", offline))
                )
            findings += _against_record(paper, record, owner)
    findings += _owner_check(paper, record, owner)
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
                on_paper(
                    "unchecked",
                    paper,
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
            on_paper(
                "suggested-id",
                paper,
                "",
                record.id,
                f"link https://arxiv.org/abs/{record.id}",
            )
        )
    return sort_findings(findings)


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


def _against_record(paper: Paper, rec: ArxivRecord, owner: str | None) -> list[Finding]:
    findings: list[Finding] = []
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
            on_paper(
                "published",
                paper,
                paper.venue,
                published_as,
                f'replace the preprint venue with "{rec.journal_ref}"'
                if rec.journal_ref
                else f"name the venue of https://doi.org/{rec.doi}",
            )
        )

    if paper.arxiv.version is not None and rec.version > paper.arxiv.version:
        findings.append(
            on_paper(
                "new-version",
                paper,
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
            on_paper(
                "updated",
                paper,
                str(max(paper.years)),
                f"v{rec.version} updated {rec.updated[:10]}",
                f"review arXiv v{rec.version} and update the entry's venue and year",
            )
        )

    arxiv_title = " ".join(rec.title.split())
    if normalize_title(paper.title) != normalize_title(arxiv_title):
        findings.append(
            on_paper(
                "title-drift",
                paper,
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
                on_paper(
                    "author-drift",
                    paper,
                    ", ".join(page_names),
                    ", ".join(rec.authors),
                    "; ".join(parts),
                )
            )

    first_year = int(rec.published[:4])
    if paper.years and max(paper.years) < first_year:
        findings.append(
            on_paper(
                "year-drift",
                paper,
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
    if owner is None or not paper.authors or is_empty_title(paper.title, owner):
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
        on_paper(
            "owner-missing",
            paper,
            ", ".join(a.name for a in paper.authors),
            source,
            f"add {source or owner} to the authors",
        )
    ]
