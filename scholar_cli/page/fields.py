"""Entries -> papers, projects and news items.

titles.py finds the title and names.py the authors; the item is put together here, with what
only the whole entry shows: venue tags, years and dates, links and repos, and the entries that
are no paper at all (legends, notes on the paper above, prose, navigation), each skipped with
the reason the reader reports.
"""

from __future__ import annotations

import re

from scholar_cli.grammar import MONTHS
from scholar_cli.ids import (
    arxiv_id_from_url,
    arxiv_ids_in_text,
    github_repo_from_url,
    strip_arxiv_ids,
)
from scholar_cli.models import Author, Badge, Link, NewsItem, Paper, Project
from scholar_cli.page.entries import RawEntry, Seg, _slice, line_text
from scholar_cli.page.labels import _GENERIC_LABELS, _is_link_words, strip_link_labels
from scholar_cli.page.names import _is_author_line, _leading_authors, parse_authors
from scholar_cli.page.notpapers import (
    LEGEND,
    NOTE_START,
    PATENT,
    PLACEHOLDER,
    SPELLED_VENUE,
    YEAR_LABEL,
    is_keyed_legend,
    is_legend,
    is_long_prose,
    is_prose,
)
from scholar_cli.page.sections import LEAD_TAG
from scholar_cli.page.titles import (
    _bold_runs,
    _find_title,
    _first_bold,
    _first_title_link,
    _is_listed_name,
    _is_title_link,
    _is_venue_like,
    _mid_sentence,
    _quoted_title,
)

_YEAR_RE = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d])")
_LINK_ONLY_FILLER = re.compile(r"^[\s|,;·•/\\\[\]()\-–—:.]*$")
_CODE_LABELS = {"code", "github", "repo", "repository", "source", "source code", "project page"}
_MONTHS = "|".join(MONTHS)
# Dates as people write them at the head of a news item: 07/2025, 2025-07-01, [Jul 2025], …
_DATE_RE = re.compile(
    r"^(?:[^\w]|_)*(?P<date>"
    r"\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    r"|\d{1,2}[-/.]\d{4}"
    rf"|(?:\d{{1,2}}\s+)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+\d{{4}}"
    rf"|\d{{4}}[-/.\s](?:{_MONTHS})\b\.?"
    r"|(?:spring|summer|fall|autumn|winter)\s+\d{4}"
    r"|\d{4}"
    r")(?![\d])[\s\])*_]*[:\-–—|]?\s*",
    re.IGNORECASE,
)


def _is_link_only(line: list[Seg]) -> bool:
    rest = "".join(seg.text for seg in line if seg.href is None)
    return any(seg.href for seg in line) and bool(_LINK_ONLY_FILLER.match(rest))


def _entry_text(entry: RawEntry) -> str:
    return " ".join(line_text(line) for line in entry.lines)


def _links(entry: RawEntry) -> tuple[Link, ...]:
    return tuple(link for link, _line in entry.links)


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return tuple(seen.values())


_SEPARATORS = " \t—–-:,;.|·•[]()"
_JOINERS = " \t—–-:,;.|·•"  # what may join a title, authors and venue; never brackets


def _strip_separators(line: list[Seg]) -> list[Seg]:
    """`**Title** — Authors…`: drop the dash, colon or full stop joining a title to its
    neighbours, at both ends."""
    out = list(line)
    while out and not out[0].text.strip(_JOINERS):
        out.pop(0)
    while out and not out[-1].text.strip(_JOINERS):
        out.pop()
    if out:
        out[0] = Seg(out[0].text.lstrip(_JOINERS), out[0].bold, out[0].href)
        out[-1] = Seg(out[-1].text.rstrip(_JOINERS), out[-1].bold, out[-1].href)
    return out


def _without_trailing_links(line: list[Seg]) -> list[Seg]:
    """`… Preprint 2025. [pdf](…)`: links after the last plain text are links, not venue."""
    end = len(line)
    while end and (line[end - 1].href is not None or not line[end - 1].text.strip(_SEPARATORS)):
        end -= 1
    return line[:end] if end and any(seg.href is None for seg in line[:end]) else line


def years_in(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(y) for y in _YEAR_RE.findall(strip_arxiv_ids(text))}))


_DATE_ONLY = re.compile(
    rf"[\[(]?\s*(?:(?:{_MONTHS})\.?\s+)?(?:19|20)\d\d(?:[-/.]\d{{1,2}}){{0,2}}\s*[\])]?[:.]?",
    re.IGNORECASE,
)
# Numbering, not a venue: "[J1]", "[C12]", "(3)".
_ENUMERATOR = re.compile(r"^[A-Za-z]{0,2}\d{1,3}$")


def _take_venue_tags(lines: list[list[Seg]]) -> tuple[list[list[Seg]], list[str]]:
    """The entry's lines without venue tags, and the tags: a badge label anywhere
    (`<div class="badge">CVPR 2016</div>`), a code span or bracketed tag opening the entry
    (`` `CVPR 2016` ``, `[ICLR'25]`, `**[AAAI 2025]**`). Folded text (abstracts) is dropped."""
    tags: list[str] = []
    out: list[list[Seg]] = []
    for line in lines:
        kept = [seg for seg in line if seg.mark not in ("label", "aside")]
        tags += [line_text([seg]) for seg in line if seg.mark == "label" and seg.text.strip()]
        marked = line_text([seg for seg in kept if seg.mark == "title"])
        if marked and _is_venue_like(marked):
            # <div class="pubtitle">ACM CCS'25</div>: a class says title, the words a venue.
            tags.append(marked)
            kept = [seg for seg in kept if seg.mark != "title"]
        if kept and any(seg.text.strip() for seg in kept):
            out.append(kept)
    # A line that is only a date ("2025", "Mar 2024") stands beside the entry, as a label.
    while out and _DATE_ONLY.fullmatch(line_text(out[0])):
        tags.append(line_text(out.pop(0)))
    if not out:
        return out, [t for t in tags if t]
    first = list(out[0])
    while first:
        lead = next((i for i, seg in enumerate(first) if seg.text.strip()), None)
        if lead is None:
            break
        seg = first[lead]
        if seg.mark == "code" and seg.href is None:
            tags.append(line_text([seg]))
            first = first[lead + 1 :]
            continue
        # "(**oral**) [Title](…)", or inside the title's link: "[[TKDE 2026] Title](…)".
        m = LEAD_TAG.match("".join(g.text for g in first))
        if m is None or len(m.group("tag").split()) > 5:
            break
        in_link = any(g.href for g in _slice(first, 0, m.end()))
        if in_link and _GENERIC_LABELS.match(m.group("tag")):
            break  # "[[pdf]](…)" is a link, not a tag
        tag = m.group("tag").strip()
        if not _ENUMERATOR.match(tag):
            tags.append(tag)
        first = _slice(first, m.end())
    out[0] = first
    return [line for line in out if any(seg.text.strip() for seg in line)], tags


_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»", "„": "“"}


def _unquote(title: str) -> str:
    """ "\"Title\"" -> "Title"; a quote that only opens the title ("\"Any Other Thoughts,
    Hedgehog?\" Linking …") stays."""
    close = _QUOTE_PAIRS.get(title[:1])
    inner = title[1:-1]
    if close and len(title) > 2 and title.endswith(close) and close not in inner:
        return inner.strip().rstrip(".,;")
    return title


_ANNOTATION = re.compile(r"\s*[(\[](?P<note>[^()\[\]]{1,40})[)\]]\s*$")
# ", Jane Doe, Bo Li, Chen Wei": names in a row after commas, as author lists have.
_WITH_COAUTHORS = re.compile(
    r"\s*\((?:joint\s+)?(?:with|w/)\s+(?P<names>[^()]+)\)\s*$", re.IGNORECASE
)


def _entry_texts(entry: RawEntry) -> tuple[str, str]:
    """The entry's text, and the text a visitor sees without unfolding anything (no abstract
    or BibTeX): a line with nothing folded reads the same in both, so it is read once."""
    full: list[str] = []
    shown: list[str] = []
    for line in entry.lines:
        text = line_text(line)
        full.append(text)
        if any(seg.mark == "aside" for seg in line):
            text = line_text([seg for seg in line if seg.mark != "aside"])
        shown.append(text)
    return " ".join(full), " ".join(shown)


def is_continuation(entry: RawEntry, prev: RawEntry) -> bool:
    """Does `entry` (a block after `prev`) carry more of prev's paper rather than a paper of
    its own? A links bar ("[ abstract | paper ]"), a hidden abstract, an italic venue line, an
    author list, or a short venue line when prev names no year yet."""
    lines = [[seg for seg in line if seg.mark != "aside"] for line in entry.lines]
    lines = [line for line in lines if line_text(line)]
    if not lines:
        return True
    loose = [seg for line in lines for seg in line if seg.href is None]
    words = [
        word
        for word in " ".join(seg.text for seg in loose).split()
        if word.strip(_SEPARATORS) and not _GENERIC_LABELS.match(word)
    ]
    has_links = any(seg.href for line in lines for seg in line)
    if not words or (has_links and len(words) <= 2):
        return True  # a bar of links: "[ abstract | paper | coverage: NYT ]"
    if all(seg.italic or not seg.text.strip(_SEPARATORS) for seg in loose) and len(lines) == 1:
        return True
    text = " ".join(line_text(line) for line in lines)
    titled = _first_title_link(lines[0]) is not None or _quoted_title(lines) is not None
    if titled or len(lines) > 2:
        return False
    if len(lines) == 1 and _is_author_line(text):
        return True
    prev_text = " ".join(line_text(line) for line in prev.lines)
    count = len(text.split())
    # A venue spelled out names its year: "The IEEE/CVF Conference on Computer Vision and
    # Pattern Recognition (CVPR 2026) Main Conference" is one line of prev's paper.
    short = count <= 12 or (
        count <= 24 and bool(years_in(text)) and bool(SPELLED_VENUE.search(text))
    )
    return short and not years_in(prev_text) and (bool(years_in(text)) or _is_venue_like(text))


def _is_plain(lines: list[list[Seg]], title_index: int) -> bool:
    """No markup says where a title is: no bold run that opens a phrase on the title's line,
    no link opening the entry, no quoted title."""
    lead = next((seg for seg in lines[0] if seg.text.strip()), None)
    title_line = lines[title_index]
    emphasised = any(not _mid_sentence(title_line[:j]) for j, _k in _bold_runs(title_line))
    marked_up = emphasised or (lead is not None and lead.href is not None)
    return not marked_up and _quoted_title(lines) is None


def to_paper(entry: RawEntry) -> Paper | str:
    """The paper an entry lists, or why it lists none."""
    text, shown = _entry_texts(entry)
    links = _links(entry)
    link_ids = [arxiv_id_from_url(link.url) for link in links]
    # (The cheap tests first: most entries link a paper or a title and are no legend.)
    if (
        not any(link_ids)
        and not any(_is_title_link(link.label) and not LEGEND.search(link.label) for link in links)
        and (is_legend(text) and not arxiv_ids_in_text(text))
    ):
        return "a legend or note, not a paper"
    if is_keyed_legend(" ".join(text.split())):
        return "a legend or note, not a paper"
    if entry.links and all(link.url.startswith("#") for link, _line in entry.links):
        loose = "".join(seg.text for line in entry.lines for seg in line if seg.href is None)
        if not loose.strip(_SEPARATORS + "·•|/"):
            return "links to places on this page (navigation), not a paper"
    if (
        entry.tag == "p"
        and len(entry.lines) == 1
        and not entry.links
        and (visible := [seg for line in entry.lines for seg in line if seg.text.strip()])
        and all(seg.italic for seg in visible)
        and len(shown.split()) <= 10
    ):
        return "a caption in italics, not a paper"
    plain = " ".join(shown.split())
    if not links and PLACEHOLDER.fullmatch(plain):
        return "a placeholder, not a paper"
    if not links and YEAR_LABEL.fullmatch(plain):
        return "a year label (it heads the papers after it), not a paper"
    if (
        not links
        and plain.endswith((":", "："))
        and sum(1 for line in entry.lines if line_text(line).strip()) == 1
    ):
        return "a line that leads into what follows (it ends with a colon), not a paper"
    lines, tags = _take_venue_tags(entry.lines)
    if any(tag.strip().lower() in ("blog", "blog post", "post") for tag in tags):
        return "a blog post, not a paper"
    found = _find_title(lines)
    if found is None:
        return "no text"
    title_index, title, before, rest = found
    title = _unquote(strip_link_labels(title.strip()).rstrip(".,;"))
    award = _ANNOTATION.search(title)
    if award is not None and _is_link_words(award.group("note")):
        title = title[: award.start()].rstrip()  # "Title ([Project](…) | [Paper](…))"
        award = _ANNOTATION.search(title)
    if award is not None and _is_venue_like(award.group("note")):
        # "***Title*** **(Highlight)**": two bold runs side by side, the second an award.
        tags.append(award.group("note"))
        # "Title. (ICML 2025)": the full stop ended the title before the tag.
        title = title[: award.start()].rstrip().rstrip(".,;")
    coauthors = _WITH_COAUTHORS.search(title)
    if coauthors is not None:
        # "Title (with Jane Doe and Bo Li)": the co-authors, as economists write them.
        title = title[: coauthors.start()].rstrip()
    if not title and not before:
        return "no title"
    # Lines above the title's line (authors written first: "A, B, C,<br>**Title**") lead.
    text_lines: list[list[Seg]] = [
        _strip_separators(line)
        for line in lines[:title_index]
        if line_text(line) and not _is_link_only(line)
    ]
    for piece in (_strip_separators(before), _strip_separators(rest)):
        if piece and line_text(piece) and not _is_link_only(piece):
            text_lines.append(piece)
    text_lines += [
        line for line in lines[title_index + 1 :] if line_text(line) and not _is_link_only(line)
    ]
    text_lines = [_without_trailing_links(line) for line in text_lines]
    authors: tuple[Author, ...] = ()
    if text_lines:
        # "A, B and C. Venue 2024." on one line: the first full stop that does not end an
        # initial ("D. E. Keyes") closes the author list.
        leading = _leading_authors(text_lines[0])
        if leading is not None:
            names, after = leading
            text_lines.pop(0)
            authors = parse_authors(names)
            if line_text(after):
                text_lines.insert(0, after)
        else:
            # "**Title**, ICML 2024\" then the authors on a line of their own.
            at = next(
                (i for i, ln in enumerate(text_lines[1:], 1) if _is_author_line(line_text(ln))),
                None,
            )
            if at is not None:
                authors = parse_authors(text_lines.pop(at))
    if not authors and coauthors is not None:
        authors = parse_authors([Seg(coauthors.group("names"), False, None)])
    venue = " ".join(line_text(line) for line in text_lines).strip(_JOINERS).strip()
    if tags:
        venue = "; ".join([*tags, venue] if venue else tags)
    arxiv = next((a for a in link_ids if a), None)
    if arxiv is None:
        # Written in the text, or inside a link that does not parse as one
        # ("[Title]([https://arxiv.org/abs/…](https://…))").
        in_text = arxiv_ids_in_text(text + " " + " ".join(lk.url for lk in links))
        arxiv = in_text[0] if in_text else None
    repos = [r for r in (github_repo_from_url(link.url) for link in links) if r]
    # Years the venue names, else a year sub-heading the entry sits under ("### 2024").
    years = years_in(venue) or years_in(entry.context)
    # (A year or an arXiv id settles it first: most entries have one.)
    if (
        not years
        and arxiv is None
        and _is_plain(lines, title_index)
        and (sum(1 for line in lines if line_text(line)) == 1 or not links)
        and is_prose(shown)
        # a bold name makes it a citation, however it ends
        and not any(_is_listed_name(ln, j, k) for ln in lines for j, k in _bold_runs(ln))
    ):
        return "a sentence, not a paper (no title markup, year or arXiv id)"
    if entry.tag == "p" and is_long_prose(shown):
        return "prose, not a paper (several sentences of running text)"
    if not (authors or years or links or arxiv) and len(venue.split()) > 40:
        # "**Google Geo HD Map**" and a paragraph on the work: a job or project described.
        return "a description, not a paper (no authors, year, link or arXiv id)"
    if PATENT.match(title):
        return "a patent, not a paper"
    if NOTE_START.match(text) and arxiv is None:
        return "a note about the paper above (award, coverage, legend)"
    return Paper(
        line=entry.line,
        title=title,
        authors=authors,
        venue=venue,
        years=years,
        links=links,
        arxiv=arxiv,
        repos=_unique(repos),
        section=entry.section,
    )


def to_project(entry: RawEntry, badges: list[Badge]) -> Project | str:
    lines = entry.lines
    found = _first_bold(lines)
    title_href: str | None = None
    if found is None and lines:
        # "[PaperBot](https://github.com/o/paperbot): A bot …": the opening link is the title.
        first = lines[0]
        lead = next((i for i, seg in enumerate(first) if seg.text.strip()), None)
        if lead is None or first[lead].href is None:
            return "no title (bold text or an opening link)"
        title_href = first[lead].href
        end = lead
        while end < len(first) and first[end].href == title_href:
            end += 1
        found = (0, line_text(first[lead:end]), first[:lead], first[end:])
    if found is None:
        return "no text"
    title_index, title, _before, after = found
    if title_href is None:
        # A bold link ("[**ZeroOpt**](…)") is the title's own link too.
        title_href = next((seg.href for seg in lines[title_index] if seg.bold and seg.href), None)
    title = title.strip().rstrip(".,;:")
    own: list[str] = [b.repo for b in badges if b.repo and b.kind != "other"]
    mentions: list[str] = []
    for link, _line in entry.links:
        repo = github_repo_from_url(link.url)
        if repo is None:
            continue
        label = link.label.strip().lower()
        is_own = (
            link.url == title_href
            or label in _CODE_LABELS
            or any(word in label for word in ("github", "code", "star"))
            or label == title.lower()
        )
        (own if is_own else mentions).append(repo)
    own_unique = _unique(own)
    owned = {r.lower() for r in own_unique}
    title_lines = {i for i, line in enumerate(lines) if _bold_runs(line)}
    # The description: what follows the title on its line, then the lines up to the next
    # bold sub-title (a nested item such as the HTML page's tiny-lib-item).
    not_prose = {title_href} | {
        link.url
        for link, _line in entry.links
        if link.label.strip().lower() in _CODE_LABELS or "star" in link.label.lower()
    }
    prose = [seg for seg in after if seg.href is None or seg.href not in not_prose]
    description = [line_text(_strip_separators(prose))]
    for i, line in enumerate(lines):
        if i <= title_index:
            continue
        if i in title_lines:
            break
        description.append(line_text(line))
    return Project(
        line=entry.line,
        title=title,
        description=" ".join(d for d in description if d),
        repos=own_unique,
        mentions=tuple(r for r in _unique(mentions) if r.lower() not in owned),
        links=_links(entry),
        badges=tuple(badges),
        section=entry.section,
    )


def to_news(entry: RawEntry) -> NewsItem | str:
    text = _entry_text(entry)
    if not text:
        return "no text"
    m = _DATE_RE.match(text)
    date: str | None = None
    year: int | None = None
    if m:
        date = m.group("date")
        found = re.search(r"\d{4}", date)
        year = int(found.group()) if found else None
        text = text[m.end() :].strip()
    elif entry.tag == "p":
        return "a paragraph with no date, not a news item"
    return NewsItem(
        line=entry.line,
        date=date,
        year=year,
        text=text,
        links=_links(entry),
        section=entry.section,
    )
