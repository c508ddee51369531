"""Page lint: what is malformed on the page itself, with no record needed.

- `insecure-link`: an http:// link to a host known to serve https, or one the page itself
  links with https://.
- `empty-title`: no letters or digits, a placeholder (TBD, Untitled), or the owner's name (the
  entry lost its title and the reader took the bold name for one).
- `bad-news-date`: a recognised date that is no calendar day, or a news item whose head before
  ":" holds a digit but no date ("Summer 2O25: …").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from urllib.parse import urlsplit

from scholar_cli.check.kinds import finding, on_paper
from scholar_cli.grammar import MONTHS
from scholar_cli.ids import (
    ARXIV_HOSTS,
    arxiv_id_from_url,
    arxiv_ids_in_text,
    parse_arxiv_id,
    repo_of_badge,
)
from scholar_cli.models import Finding, NewsItem, Page, Paper
from scholar_cli.normalize import author_key, normalize_title, same_author

__all__ = ["is_empty_title", "lint_page"]

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


def lint_page(page: Page, *, owner: str | None = None) -> list[Finding]:
    """Findings that need no network: duplicates, id mismatches, malformed ids, http links,
    empty titles, bad news dates. (Unsorted; `check_page` sorts.)"""
    findings: list[Finding] = []
    findings += _duplicates(page.papers)
    for paper in page.papers:
        findings += _lint_paper_ids(paper)
        if is_empty_title(paper.title, owner):
            findings.append(
                on_paper(
                    "empty-title",
                    paper,
                    paper.title,
                    "",
                    "give the entry its title (in bold, before the authors)",
                )
            )
    findings += _insecure_links(page)
    for news in page.news:
        findings += _lint_news(news)
    return findings


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
                on_paper(
                    "duplicate",
                    paper,
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
        if not _may_contain(link.url, "arxiv"):
            continue  # no arXiv host can come out of it
        parts = urlsplit(link.url)
        if parts.hostname not in ARXIV_HOSTS or not _ARXIV_PAPER_PATH.match(parts.path):
            continue
        found = arxiv_id_from_url(link.url)
        if found is None:
            findings.append(
                on_paper(
                    "malformed-id",
                    paper,
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
                on_paper(
                    "malformed-id",
                    paper,
                    m.group(0),
                    "",
                    "write the id as arXiv shows it, e.g. arXiv:2503.12668",
                )
            )
    text_ids = arxiv_ids_in_text(paper.venue)
    linked = {a.id for a in link_ids}
    if link_ids and text_ids and not linked & {a.id for a in text_ids}:
        findings.append(
            on_paper(
                "id-mismatch",
                paper,
                f"link {link_ids[0]}; text arXiv:{text_ids[0]}",
                "",
                "make the link and the text name the same arXiv id",
            )
        )
    return findings


def is_empty_title(title: str, owner: str | None) -> bool:
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
    # Each link: its line, its url, and how to report it on the item that holds it (so the
    # finding carries that item's key: a paper's arXiv id, a badge's repository).
    About = Callable[[str, str, str], Finding]  # (page, source, fix) -> the finding
    links: list[tuple[int, str, About]] = []
    about: About
    for paper in page.papers:
        about = partial(on_paper, "insecure-link", paper)
        links += [(paper.line, link.url, about) for link in paper.links]
    for project in page.projects:
        about = partial(finding, "insecure-link", project.line, project.title)
        links += [(project.line, link.url, about) for link in project.links]
    for news in page.news:
        about = partial(finding, "insecure-link", news.line, news.date or news.text)
        links += [(news.line, link.url, about) for link in news.links]
    for badge in page.badges:
        repo = repo_of_badge(badge)
        about = partial(finding, "insecure-link", badge.line, badge.repo or badge.url, repo=repo)
        links += [(badge.line, url, about) for url in (badge.url, badge.link) if url]
    # Most pages link nothing over http: then no URL needs splitting at all (a page of 5,000
    # papers has some 35,000 links, and urlsplit costs microseconds each).
    plain = [(line, url, about) for line, url, about in links if _may_contain(url, "http:")]
    if not plain:
        return []
    https_hosts = _HTTPS_HOSTS | {
        urlsplit(u).hostname or "" for _, u, _ in links if u.lower().startswith("https://")
    }
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for line, url, about in plain:
        parts = urlsplit(url)
        if parts.scheme.lower() != "http" or (line, url) in seen:
            continue
        seen.add((line, url))
        if (parts.hostname or "") in https_hosts:
            findings.append(about(url, "", f"use https://{url[7:]}"))
    return findings


def _may_contain(url: str, word: str) -> bool:
    """False only when urlsplit(url) surely has no scheme or host containing `word` (lower
    case): urlsplit deletes tabs and line breaks anywhere, so such a URL is always split."""
    return word in url.lower() or "\t" in url or "\n" in url or "\r" in url


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
        finding(
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
