"""Entries -> papers, projects and news items: which line is the title, the authors, the venue."""

from __future__ import annotations

import re

from scholar_cli.grammar import MONTHS, NAME_PARTICLES
from scholar_cli.ids import (
    arxiv_id_from_url,
    arxiv_ids_in_text,
    github_repo_from_url,
    strip_arxiv_ids,
)
from scholar_cli.models import Author, Badge, Link, NewsItem, Paper, Project
from scholar_cli.page.entries import STAR_TEXT, RawEntry, Seg, line_text
from scholar_cli.page.sections import LEAD_TAG

_YEAR_RE = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d])")
_AUTHOR_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*;\s*")
_EQUAL_MARKS = "*†‡#"
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


def _bold_runs(line: list[Seg]) -> list[tuple[int, int]]:
    """(start, end) segment indexes of each run of bold text on the line."""
    runs: list[tuple[int, int]] = []
    j = 0
    while j < len(line):
        if line[j].bold and line[j].text.strip():
            k = j
            while k < len(line) and (line[k].bold or not line[k].text.strip()):
                k += 1
            runs.append((j, k))
            j = k
        else:
            j += 1
    return runs


def _is_listed_name(line: list[Seg], j: int, k: int) -> bool:
    """Is the bold run line[j:k] a name in a list of authors (the owner, bolded)?"""
    before = "".join(seg.text for seg in line[:j]).rstrip()
    after = "".join(seg.text for seg in line[k:]).lstrip().lstrip("*†‡#^\\0123456789 ")
    text = "".join(seg.text for seg in line[j:k]).strip()
    if ":" in text or len(text.split()) > 5:
        return False  # "ZO2: Scalable …" is a title however it is punctuated around
    if _CITED_NAME.fullmatch(text) or _CITED_YEAR.match(after):
        return True  # "**Quispe-Salazar, E.** (2026). Title." names the author
    return before.endswith((",", " and", "&")) or after.startswith((",", "and ", "&"))


# A name as citations write it: "Quispe-Salazar, E.", "Doe, J. R.", "van Dam, A.-M."
_CITED_NAME = re.compile(r"(?:[a-z]+ )*[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*, (?:[A-Z]\.[ -]?)+")


# "CVPR 2026", "arXiv 2025", "TPAMI'24", "(Oral)": short bold text that names a venue or an
# award; "**Title**, **CVPR 2026**" keeps the title.
_VENUE_WORDS = re.compile(
    r"(?:^|\s)(?:'\d\d|(?:19|20)\d\d)\b|\b(?:oral|spotlight|poster|highlight|best paper|"
    r"award|accepted|under review|preprint|submitted|in press|forthcoming)\b|'\d\d\b|"
    r"\b[A-Z][A-Za-z-]*'?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _is_venue_like(text: str) -> bool:
    words = text.strip(" ()[]*.,;:").split()
    if ":" in text or not 0 < len(words) <= 4:
        return False
    return _VENUE_WORDS.search(" ".join(words)) is not None


def _mid_sentence(before: list[Seg]) -> bool:
    """Is bold text after this emphasis inside a sentence ("How to **transfer …**") rather
    than a title after a tag, a number or an author list?"""
    text = "".join(seg.text for seg in before if seg.href is None).rstrip()
    return text[-1:].isalpha()


def _first_bold(
    lines: list[list[Seg]], *, only: int | None = None
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """(line index, bold text, what precedes and follows it on that line) for the first bold
    run that is not an author's name in a list; `only` limits the search to one line."""
    for i, line in enumerate(lines):
        if only is not None and i != only:
            continue
        for j, k in _bold_runs(line):
            text = " ".join("".join(s.text for s in line[j:k]).split())
            if _is_listed_name(line, j, k) or _is_venue_like(text) or _mid_sentence(line[:j]):
                continue
            return i, text, line[:j], line[k:]
    return None


def _entry_text(entry: RawEntry) -> str:
    return " ".join(line_text(line) for line in entry.lines)


def _links(entry: RawEntry) -> tuple[Link, ...]:
    return tuple(link for link, _line in entry.links)


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return tuple(seen.values())


# Affiliation digits and equal-contribution notes that follow a name, not part of it.
_NAME_NOTES = re.compile(
    r"\((?:equal contribution|co-first(?: author)?|equal|joint first)\)"
    r"|\^"
    r"|(?<=[^\d\s])\d+(?=$|\s*[*†‡#])",
    re.IGNORECASE,
)
# Words that make a short capitalised phrase a venue or status, not a person.
_NOT_NAME_WORDS = {
    "in", "under", "proceedings", "proc", "journal", "conference", "workshop", "review",
    "submitted", "preprint", "accepted", "transactions", "letters", "nature", "science", "ieee",
    "acm", "arxiv", "thesis", "symposium", "international", "annual", "forthcoming", "to",
    "appear", "technical", "report",
}  # fmt: skip


def _clean_name(piece: str) -> str:
    if _MAY_HAVE_NOTES.search(piece):  # most names have no notes; the full pattern is slower
        piece = _NAME_NOTES.sub(" ", piece)
    return " ".join(piece.split()).strip(" .*†‡#")


_MAY_HAVE_NOTES = re.compile(r"[(^\d]")


def _is_name(piece: str) -> bool:
    """ "Jane Doe", "D. E. Keyes", "Ludwig van Beethoven"; not "In ACL" or "Nature Methods"."""
    words = _clean_name(piece).split()
    if not 1 < len(words) <= 5 or any(c.isdigit() for c in piece):
        return False
    for word in words:
        bare = word.strip(".,-'’")
        if bare.lower() in _NOT_NAME_WORDS:
            return False
        if not (bare[:1].isupper() or bare.lower() in NAME_PARTICLES):
            return False
    return True


def _looks_like_authors(line: list[Seg]) -> bool:
    """A list of names: comma or "and" separated parts of a few words without digits (a bolded
    part is the owner's name, whatever it looks like)."""
    text = line_text(line)
    if "(" in text:
        text = _APA_YEAR.sub(" ", text)  # APA's "(2024)"
    if "others" in text or "et al" in text:
        # "et al.", "[& 16 others]" end a list of names as names do.
        text = _OTHERS.sub(" ", text)
    parts = [p for p in _AUTHOR_SPLIT_RE.split(text) if p.strip(" .")]
    if len(parts) < 2:
        bold = any(seg.bold and seg.text.strip() for seg in line)
        return len(parts) == 1 and (_is_name(parts[0]) or (bold and len(parts[0].split()) <= 5))
    for part in parts:
        name = _clean_name(part)
        if not 0 < len(name.split()) <= 6 or _DIGIT.search(name):
            return False
    return True


_APA_YEAR = re.compile(r"\(\s*(?:19|20)\d\d\s*\)")
_OTHERS = re.compile(r"\[?&?\s*\d+\s+others\]?|\bet al\.?")
_DIGIT = re.compile(r"\d")


_SEPARATORS = " \t—–-:,;.|·•[]()"
_JOINERS = " \t—–-:,;.|·•"  # what may join a title, authors and venue; never brackets
# The end of the author list: a full stop that does not end an initial ("D. E. Keyes"), or a
# dash or bar between parts ("**Title** - A, B - NeurIPS 2022").
_SENTENCE_END = re.compile(r"(?<=\S{2})\.\s+(?=\S)|(?<=[a-z)])\.\s+(?=\S)|\s+[-–—|]\s+(?=\S)")


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


def _split_authors(line: list[Seg]) -> tuple[list[Seg], list[Seg]]:
    """The author list at the start of `line`, and the rest (venue text)."""
    head, tail = _split_at_sentence_end(line)
    if tail or _looks_like_authors(head):
        return head, tail
    # "Jane Doe, Bob Lee, ACL 2023, Outstanding Paper": the names are the leading parts.
    text = "".join(seg.text for seg in line)
    end = 0
    names = 0
    for m in re.finditer(r"[^,]+(?:,|$)", text):
        if not _is_name(m.group().rstrip(",")):
            break
        end, names = m.end(), names + 1
    if names >= 2 and end < len(text):
        return _slice(line, 0, end - 1), _slice(line, end)
    return line, []


def _split_at_sentence_end(line: list[Seg]) -> tuple[list[Seg], list[Seg]]:
    text = "".join(seg.text for seg in line)
    m = _SENTENCE_END.search(text)
    if m is None:
        return line, []
    cut = m.start()
    head: list[Seg] = []
    tail: list[Seg] = []
    pos = 0
    for seg in line:
        end = pos + len(seg.text)
        if end <= cut:
            head.append(seg)
        elif pos >= m.end():
            tail.append(seg)
        else:
            if cut > pos:
                head.append(Seg(seg.text[: cut - pos], seg.bold, seg.href))
            if end > m.end():
                tail.append(Seg(seg.text[m.end() - pos :], seg.bold, seg.href))
        pos = end
    return head, tail


_EQUAL_NOTE = re.compile(r"\((?:equal contribution|co-first|equal|joint first)", re.I)
_NO_MARKS = {ord(c): " " for c in _EQUAL_MARKS}


def parse_authors(line: list[Seg]) -> tuple[Author, ...]:
    text = ""
    bold: list[bool] = []
    for seg in line:
        text += seg.text
        bold.extend([seg.bold] * len(seg.text))
    authors: list[Author] = []
    pos = 0
    for m in [*_AUTHOR_SPLIT_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        is_bold = any(bold[pos:end]) if piece.strip() else False
        pos = m.end() if m else len(text)
        name = " ".join(piece.split())
        if name.lower().startswith("and "):
            name = name[4:]
        equal = any(mark in name for mark in _EQUAL_MARKS) or (
            "(" in name and _EQUAL_NOTE.search(name) is not None
        )
        name = _clean_name(name.translate(_NO_MARKS))
        if not name or name.lower() in ("et al", "others"):
            continue
        authors.append(Author(name, is_bold, equal))
    return tuple(authors)


def years_in(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(y) for y in _YEAR_RE.findall(strip_arxiv_ids(text))}))


# Link texts that name what a link is, never a paper's title: "[pdf]", "Paper", "Code", …
_GENERIC_LABELS = re.compile(
    r"^[\s\[\](){}|·•]*(?:(?:view|read|see|download|get|open|visit|watch|access|full|"
    r"the|our|this|project|conference|official|online|free)\s+)*"
    r"(?:paper|papers|pdf|publication|article|version|poster|presentation|recording|details|"
    r"more|record|entry|listing|arxiv|preprint|code|github|project(?: page)?|"
    r"website|webpage|homepage|page|site|slides?|video|talk|poster|bib(?:tex)?|cite|citation|"
    r"link|html|abs|abstract|doi|openreview|demo|dataset|data|model|models|blog|media|press|"
    r"supp(?:lementary)?|appendix|full text|journal|proceedings|publisher|springer|ieee|acm|"
    r"acl anthology|hugging ?face|hf|youtube|zhihu|twitter|x|tweet|colab|docs?|repo|"
    r"repository|leaderboard|benchmark|here|this|link|url|camera[- ]ready|extended version|"
    r"official|open access|pmc|pubmed|ssrn|researchgate|google scholar|scholar|news|"
    r"\W*)[\s\[\](){}|·•.:]*$",
    re.IGNORECASE,
)


def _is_title_link(label: str, *, leading: bool = False) -> bool:
    """Could this link text be a title: not a generic label; later in a line (where authors'
    homepages are linked) not a person's name either."""
    label = label.strip()
    if not label or _GENERIC_LABELS.match(label) or STAR_TEXT.fullmatch(label):
        return False
    if leading:
        return True
    return not _is_link_to_person(label) and (len(label.split()) >= 2 or len(label) >= 12)


def _is_link_to_person(label: str) -> bool:
    """A co-author's homepage link: a name of two or three words, or a longer one with an
    initial or a particle ("Maria de la Cruz"); "Managing Self-Replicating Innovative Goods"
    is a title."""
    if not _is_name(label):
        return False
    words = _clean_name(label).split()
    return len(words) <= 3 or any(
        w.lower() in NAME_PARTICLES or re.fullmatch(r"[A-Z]\.?", w) for w in words
    )


def _is_link_words(text: str) -> bool:
    """ "Project | Paper | Code": nothing but link labels and separators."""
    words = [w for w in re.split(r"[\s|/·,;]+", text) if w]
    return bool(words) and all(_GENERIC_LABELS.match(w) for w in words)


def _first_title_link(line: list[Seg]) -> tuple[int, int] | None:
    """Segment span of the first link on the line whose text could be a title: any link that
    opens the line (unless it is a name starting an author list), else one that is neither a
    generic label nor a name."""
    lead = next((i for i, seg in enumerate(line) if seg.text.strip()), None)
    i = lead or 0
    while i < len(line):
        if line[i].href is None:
            i += 1
            continue
        end = _link_run(line, i)
        label = line_text(line[i:end])
        after = "".join(seg.text for seg in line[end:]).lstrip()
        opens_names = _is_link_to_person(label) and after.startswith((",", "and ", "&"))
        if _is_title_link(label, leading=i == lead and not opens_names):
            return i, end
        i = end
    return None


def _link_run(line: list[Seg], start: int) -> int:
    """The end of the run of segments that belong to the link starting at `start`."""
    end = start
    while end < len(line) and line[end].href == line[start].href:
        end += 1
    return end


# Lines that tell something about the paper above them, never a paper of their own.
_NOTE_START = re.compile(
    r"^\W*(?:winner|featured|finalist|runner[- ]up|(?:second|third) place|honou?rable mention|"
    r"nominated|nominee|media coverage|press coverage|covered by|highlighted|also appeared|"
    r"see also|previously titled|former(?:ly)? title|equal contribution|corresponding author|"
    r"(?:\*|†|‡|#)\s*(?:denotes|indicates|equal|corresponding))\b",
    re.IGNORECASE,
)


def _find_title(lines: list[list[Seg]]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """(line index, title, text before it, text after it on that line).

    In order: markup that says it is the title (`class="paper-title"`); on the first line the
    earliest of a bold run that is not a name, a venue or emphasis inside a sentence, a link
    whose text could be a title (`[Title](url) — Venue`, `A, B, 2018. [Title](doi). Venue`)
    and a quoted title (`A, B. "Title." In ACL.`); a quoted title on the next lines; bold text on
    a later line; a citation's title after its authors (`A (2024). Title.`, `A. Title [J].`,
    `A, B and C: Title.`, `2021 — A et al. *Title.*`, `Lu, G., Marais, E. A. Title.`); the
    sentence after an author list; the text before an author list (`Title, **A. Me**, B.
    Other`); the part after a list of names (`A, B, **Me**, Title, *Venue*`); the plain text
    before a bold venue or links; else the whole first line. Link texts such as "[pdf]" or
    "Code" and people's names are never titles."""
    if not lines:
        return None
    for i, line in enumerate(lines):
        # Markup that says so: <span class="articleTitle">, <div class="paper-title">.
        start = next((j for j, seg in enumerate(line) if seg.mark == "title"), None)
        if start is None:
            continue
        end = start
        while end < len(line) and line[end].mark == "title":
            end += 1
        marked = line_text(line[start:end])
        current, after = line, line[end:]
        # An HTML title element may wrap over source lines.
        for nxt in lines[i + 1 :]:
            if end < len(current) or not nxt or nxt[0].mark != "title":
                break
            end = next((j for j, seg in enumerate(nxt) if seg.mark != "title"), len(nxt))
            marked = f"{marked} {line_text(nxt[:end])}"
            current, after = nxt, nxt[end:]
        if marked.strip():
            return i, " ".join(marked.split()), line[:start], after
    first = lines[0]
    # The earliest of a bold title, a title-like link and a quoted title on the first line:
    # in "A, B. [Title](url). (**Oral**)" the bold text is an award, not the title.
    candidates: list[tuple[int, tuple[int, str, list[Seg], list[Seg]]]] = []
    bold = _first_bold(lines, only=0)
    if bold is not None:
        candidates.append((_chars(bold[2]), bold))
    link = _first_title_link(first)
    if link is not None:
        start, end = link
        found = (0, line_text(first[start:end]), first[:start], first[end:])
        candidates.append((_chars(first[:start]) + 1, found))
    quoted = _quoted_title(lines[:1])
    if quoted is not None:
        candidates.append((_chars(quoted[2]) + 2, quoted))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    quoted = _quoted_title(lines[:3])
    if quoted is not None:
        return quoted
    bold = _first_bold(lines)
    if bold is not None and not _looks_like_authors(first):
        # A plain first line ("Title\nAlice, **Jane**") is the title, not a later bold line.
        return 0, line_text(first), [], []
    if bold is not None:
        return bold
    cited = _title_after_authors(first)
    if cited is not None:
        return cited
    names, rest = _split_at_sentence_end(first)
    if rest and _looks_like_authors(names):
        title, venue = _split_at_sentence_end(rest)
        text = line_text(title)
        if len(text.split()) >= 2 and not _GENERIC_LABELS.match(text) and not _is_venue_like(text):
            return 0, text, names, venue
    before_authors = _title_before_authors(first)
    if before_authors is not None:
        return before_authors
    link_at = _chars(first[: next((i for i, g in enumerate(first) if g.href), len(first))])
    after_names = _title_after_comma_names(first, link_at)
    if after_names is not None:
        return after_names
    plain_end = next(
        (i for i, g in enumerate(first) if g.href is not None or (g.bold and g.text.strip())),
        len(first),
    )
    lead_text = line_text(first[:plain_end]).rstrip(" ,;:—–-")
    if 0 < plain_end < len(first) and len(lead_text.split()) >= 3:
        # "Title, **CVPR 2026** [[PDF]](…)": the plain text before the venue and links.
        return 0, lead_text, [], first[plain_end:]
    runs = _bold_runs(first)
    if runs and _is_listed_name(first, *runs[0]) and _looks_like_authors(first):
        # "**Ana Pérez**, Bo Li" first: the entry lost its title (check reports empty-title).
        return 0, "", first, []
    return 0, line_text(first), [], []


# Where the author list of a citation ends and the title begins or ends: "(2025).",
# "(2025+)", and GB/T 7714's document marks "[J]." / "; proceedings of …".
_CITED_YEAR = re.compile(r"\(\s*(?:19|20)\d\d[a-z]?\+?\s*\)[.,:]?\s*")
_GBT_END = re.compile(
    r"\s*\[(?:J|C|M|D|R|P|S|N|A|Z|G|EB/OL|J/OL|C/OL|M/OL)\]|;\s*(?=proceedings\b|in\b)",
    re.IGNORECASE,
)
_TITLE_END = re.compile(r"(?<=[^\s.])[.?!](?=\s|$)")


def _title_after_authors(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """A citation that names its authors first: "A. Me and B. Other (2025). Title. *Venue*."
    or "Me L, Other B. Title [J]. Venue, 2021"."""
    text = "".join(seg.text for seg in line)
    link_at = _chars(line[: next((i for i, g in enumerate(line) if g.href), len(line))])
    year = _CITED_YEAR.search(text, 0, link_at)
    if year is not None and _looks_like_authors(_slice(line, 0, year.start())):
        start = year.end()
        end_m = _TITLE_END.search(text, start, link_at)
        end = (
            end_m.end()
            if end_m and text[end_m.start()] in "?!"
            else end_m.start()
            if end_m
            else link_at
        )
        title = text[start:end].strip()
        if len(title.split()) >= 2:
            return 0, title, _slice(line, 0, year.start()), _slice(line, end)
    mark = _GBT_END.search(text, 0, link_at)
    if mark is not None:
        cut = text.rfind(". ", 0, mark.start())
        names = _slice(line, 0, cut) if cut > 0 else []
        if names and _looks_like_authors(names):
            title = text[cut + 2 : mark.start()].strip()
            if len(title.split()) >= 2:
                return 0, title, names, _slice(line, mark.end())
    colon = text.find(": ", 0, link_at)
    names_text = text[:colon]
    if (
        colon > 0
        and _is_author_line(names_text)
        and _SENTENCE_END.search(names_text) is None
        and (
            len(_AUTHOR_SPLIT_RE.split(names_text)) >= 3
            or any(g.bold for g in _slice(line, 0, colon))
        )
    ):
        # "Yaowei Zheng, Richong Zhang and Yongyi Mao: Title. **ACL2024**. [[arXiv]](…)"
        end_m = _TITLE_END.search(text, colon + 2, link_at)
        end = (
            end_m.start()
            if end_m and text[end_m.start()] == "."
            else end_m.end()
            if end_m
            else link_at
        )
        title = text[colon + 2 : end].strip()
        if len(title.split()) >= 2:
            return 0, title, _slice(line, 0, colon), _slice(line, end)
    italic = _italic_title(line)
    if italic is not None:
        return italic
    return _title_after_name_list(line, link_at)


def _title_after_comma_names(
    line: list[Seg], link_at: int
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Jane Doe, Bo Li, **Me**, Title of the Paper, *Venue 2025*", and the same with no comma
    after the last name ("Jane Doe, Bo Li Title of the Paper (ICML 2026)"): the part after
    two or more names, cut after as many words as the other names have."""
    text = "".join(seg.text for seg in line)[:link_at]
    parts = [(m.start(), m.group()) for m in re.finditer(r"[^,]+", text)]
    names = 0
    for start, part in parts:
        words = part.split()
        if _is_name(part) and len(words) <= 4:
            names += 1
            continue
        if names < 1 or len(words) < 4 or _SENTENCE_END.search(part):
            return None
        sizes = sorted(len(p.split()) for _s, p in parts[:names])
        typical = sizes[len(sizes) // 2]
        if not any(w[:1].islower() for w in words):
            return None  # "Jane Doe Bo Li": more names, not a title
        lead = part[: len(part) - len(part.lstrip())]
        head = " ".join(words[:typical])
        glued = _is_name(head) and _is_name(" ".join(words[:2])) and words[typical][:1].isupper()
        # "Yiping Lu Simple Unbiased …": the last author's name runs into the title.
        if not glued and names < 2:
            return None
        title = " ".join(words[typical:]) if glued and len(parts) - 1 == names else part.strip()
        title = re.split(r"\s+\((?=[^()]*\d{4}\)\s*$)", title)[0].rstrip(" .")
        offset = start + len(lead) + (part.strip().find(title) if title in part else 0)
        return 0, title, _slice(line, 0, offset), _slice(line, offset + len(title))
    return None


_NAME_TOKEN = re.compile(
    r"[A-Z][\w'’-]*\.?|[A-Z](?:\.|-[A-Z])+\.?|(?:van|von|de|der|den|da|di|du|del|la|le|dos|"
    r"and|et|al\.?|&|\[&|\d+|others\]?\.?)"
)


def _title_after_name_list(
    line: list[Seg], link_at: int
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Lu, G., Marais, E. A., **Zhang, D.**, Guttikunda, S. Title of the Paper. Venue": the
    first sentence that reads like a title (lower-case words in it) after sentences made only
    of names and initials."""
    text = "".join(seg.text for seg in line)
    pos = 0
    for m in re.finditer(r"[^.]+(?:\.(?!\s)[^.]*)*\.?", text[:link_at]):
        piece = m.group().strip()
        tokens = [t for t in re.split(r"[\s,;]+", piece) if t]
        if not tokens:
            continue
        if all(_NAME_TOKEN.fullmatch(t) for t in tokens):
            pos = m.end()
            continue
        lower = [t for t in tokens if t[:1].islower() and len(t) > 1]
        if pos and len(tokens) >= 3 and lower:
            title = piece.rstrip(".").strip()
            return 0, title, _slice(line, 0, pos), _slice(line, m.end())
        return None
    return None


def _italic_title(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "2021 — Urbain et al. *Effect of compliance on ….* Autonomous Robots.": an italic run of
    four words or more after a year, names or a dash is the title."""
    start = next((i for i, seg in enumerate(line) if seg.italic and seg.text.strip()), None)
    if start is None or line[start].href is not None:
        return None
    end = start
    while end < len(line) and (line[end].italic or not line[end].text.strip()):
        end += 1
    title = line_text(line[start:end]).rstrip(" .,;:")
    before = "".join(seg.text for seg in line[:start]).rstrip()
    after_names = not before or before[-1] in ".:—–-|)," or _looks_like_authors(line[:start])
    if len(title.split()) < 4 or not after_names:
        return None
    return 0, title, line[:start], line[end:]


def _chars(segs: list[Seg]) -> int:
    return sum(len(seg.text) for seg in segs)


def _title_before_authors(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Title, **A. Me**, B. Other, et al." -> the text before the first name of a list of
    names that runs on (a bolded name, or two names in a row)."""
    text = "".join(seg.text for seg in line)
    bold_at = [False] * len(text)
    pos = 0
    for seg in line:
        if seg.bold:
            bold_at[pos : pos + len(seg.text)] = [True] * len(seg.text)
        pos += len(seg.text)
    # Parts end at commas and at full stops that end a word ("Title. Yichi Zhang, Bo Li").
    parts = [(m.start(), m.group()) for m in re.finditer(r"(?:[^,.]|\.(?!\s))+\.?", text)]
    for k in range(1, len(parts)):
        start, part = parts[k]
        name = part.strip()
        lead = start + len(part) - len(part.lstrip())
        is_bold = lead < len(bold_at) and bold_at[lead]
        following = [p.strip() for _s, p in parts[k + 1 : k + 3]]
        runs_on = bool(following) and all(
            _is_name(p) or p.lower().rstrip(".") in ("et al", "and others") for p in following
        )
        if _is_name(name) and (is_bold or runs_on):
            title = text[: parts[k - 1][0] + len(parts[k - 1][1])]
            linked = any(seg.href for seg in _slice(line, 0, len(title)))
            if k == 1 and not linked and _is_link_to_person(title.strip()):
                return None  # "Jasen Lai, Sifan Wang, …": names from the start, no title first
            if line_text([Seg(title, False, None)]):
                return 0, " ".join(title.split()), [], _slice(line, start)
            return None
    return None


_QUOTED = re.compile(r"[\"“](?P<title>[^\"“”]{8,}?)[,.]?[\"”]")


def _quoted_title(lines: list[list[Seg]]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    for index, line in enumerate(lines):
        text = "".join(seg.text for seg in line)
        m = _QUOTED.search(text)
        if m is not None and len(m.group("title").split()) >= 2:
            return index, m.group("title"), _slice(line, 0, m.start()), _slice(line, m.end())
    return None


def _slice(line: list[Seg], start: int, end: int | None = None) -> list[Seg]:
    """The segments covering characters [start, end) of the line's text."""
    out: list[Seg] = []
    pos = 0
    stop = end if end is not None else sum(len(seg.text) for seg in line)
    for seg in line:
        seg_end = pos + len(seg.text)
        lo, hi = max(start, pos), min(stop, seg_end)
        if lo < hi:
            out.append(Seg(seg.text[lo - pos : hi - pos], seg.bold, seg.href))
        pos = seg_end
    return out


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


# A short line that explains the marks, or points elsewhere, is not a paper.
_LEGEND = re.compile(
    r"^\W*(?:\w+ )?(?:legend|note|notes|remark)\s*:|equal(?:ly)? contribut|"
    r"contributed equally|co-?first author|corresponding author|joint first|"
    r"[*†‡#]\W{0,3}(?:denotes?|indicates?|means?)\b|"
    r"\b(?:denotes?|indicates?)\s+(?:equal|corresponding|co-?first|joint|student|intern)|"
    r"(?:full|complete|whole) (?:publication )?list|"
    r"google scholar|dblp|semantic scholar|curriculum vitae|\b(?:my|full|complete) cv\b|"
    r"you can find|can be found|\b(?:see|find|visit) (?:my|our)\b|"
    r"^\W*(?:over |more than |about )?\d{1,3}\+?\s+(?:more\s+)?"
    r"(?:papers?|publications?|articles?)\b",
    re.IGNORECASE,
)
# "(under review)" alone, with no title beside it.
_STATUS_ONLY = re.compile(
    r"^\W*(?:under review|in preparation|submitted|in submission|to appear)\W*$", re.IGNORECASE
)


# Words one of the legend patterns needs; most entries have none, and `in` is cheap.
_LEGEND_KEYS = (
    "legend", "note", "remark", "equal", "contribut", "author", "joint", "denot", "indicat",
    "list", "scholar", "dblp", "vita", "cv", "find", "found", "see", "visit", "review",
    "preparation", "paper", "publication", "article", "record", "available",
)  # fmt: skip


def _is_legend(text: str) -> bool:
    lower = text.lower()
    if not any(key in lower for key in _LEGEND_KEYS):
        return False
    if _LEGEND_LABEL.match(text) or _STATUS_ONLY.match(text):
        return True  # "**Access legend:** 🔓 public · 🔒 private", however long it runs
    words = len(text.split())
    if words <= 40 and _ELSEWHERE.search(text):
        return True  # "A complete list … is available on my Google Scholar page, or my CV."
    return words <= 20 and _LEGEND.search(text) is not None


_ELSEWHERE = re.compile(
    r"(?:full|complete|whole) (?:list|publication list|record)|available (?:on|at|from) my",
    re.IGNORECASE,
)


_LEGEND_LABEL = re.compile(r"^\W*(?:\w+ )?(?:legend|note|notes|remark)\s*:", re.IGNORECASE)


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
_NAME_RUN = re.compile(r"(?:,\s*(?:and\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]*){1,2}){3,}")
_WITH_COAUTHORS = re.compile(
    r"\s*\((?:joint\s+)?(?:with|w/)\s+(?P<names>[^()]+)\)\s*$", re.IGNORECASE
)


def _is_prose(text: str) -> bool:
    """Running text rather than a title: long, more than one sentence, or a sentence of more
    than a dozen words ending in a full stop; never a line that lists names like a citation."""
    if _NAME_RUN.search(text):
        return False
    words = len(text.split())
    sentence = words >= 8 and text.rstrip().endswith((".", ":"))
    return words > 30 or sentence or len(re.findall(r"[a-z]{2}[.!?]\s+[A-Z]", text)) >= 1


def _is_author_line(text: str) -> bool:
    """Nothing but names: "Jane Doe, **Bo Li**, and C. Wu" (no title, year or venue)."""
    parts = [p for p in _AUTHOR_SPLIT_RE.split(text) if p.strip(" .")]
    return bool(parts) and all(
        _is_name(p) or p.strip(" .").lower() in ("et al", "others") for p in parts
    )


def _is_long_prose(text: str) -> bool:
    """A paragraph of running text (links to papers in it or not), not one paper: over sixty
    words in more than one sentence, or over 120 words."""
    words = len(text.split())
    return words > 120 or (words > 60 and len(re.findall(r"[a-z]{3}[.!?]\s+[A-Z]", text)) >= 2)


def _visible_text(entry: RawEntry) -> str:
    return " ".join(line_text([s for s in line if s.mark != "aside"]) for line in entry.lines)


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
    short = len(text.split()) <= 12
    return short and not years_in(prev_text) and (bool(years_in(text)) or _is_venue_like(text))


def to_paper(entry: RawEntry) -> Paper | str:
    """The paper an entry lists, or why it lists none."""
    text = _entry_text(entry)
    shown = _visible_text(entry)
    links = _links(entry)
    link_ids = [arxiv_id_from_url(link.url) for link in links]
    # (The cheap tests first: most entries link a paper or a title and are no legend.)
    if (
        not any(link_ids)
        and not any(_is_title_link(link.label) and not _LEGEND.search(link.label) for link in links)
        and (_is_legend(text) and not arxiv_ids_in_text(text))
    ):
        return "a legend or note, not a paper"
    if entry.links and all(link.url.startswith("#") for link, _line in entry.links):
        loose = "".join(seg.text for line in entry.lines for seg in line if seg.href is None)
        if not loose.strip(_SEPARATORS + "·•|/"):
            return "links to places on this page (navigation), not a paper"
    visible = [seg for line in entry.lines for seg in line if seg.text.strip()]
    if (
        entry.tag == "p"
        and len(entry.lines) == 1
        and not entry.links
        and visible
        and all(seg.italic for seg in visible)
        and len(shown.split()) <= 10
    ):
        return "a caption in italics, not a paper"
    lines, tags = _take_venue_tags(entry.lines)
    found = _find_title(lines)
    if found is None:
        return "no text"
    title_index, title, before, rest = found
    title = _unquote(title.strip().rstrip(".,;"))
    award = _ANNOTATION.search(title)
    if award is not None and _is_link_words(award.group("note")):
        title = title[: award.start()].rstrip()  # "Title ([Project](…) | [Paper](…))"
        award = _ANNOTATION.search(title)
    if award is not None and _is_venue_like(award.group("note")):
        # "***Title*** **(Highlight)**": two bold runs side by side, the second an award.
        tags.append(award.group("note"))
        title = title[: award.start()].rstrip()
    coauthors = _WITH_COAUTHORS.search(title)
    if coauthors is not None:
        # "Title (with Jane Doe and Bo Li)": the co-authors, as economists write them.
        title = title[: coauthors.start()].rstrip()
    if not title and not before:
        return "no title"
    text_lines: list[list[Seg]] = []
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
        names, after = _split_authors(text_lines[0])
        if _looks_like_authors(names):
            text_lines.pop(0)
            authors = parse_authors(names)
            if line_text(after):
                text_lines.insert(0, after)
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
    lead = next((seg for seg in lines[0] if seg.text.strip()), None)
    title_line = lines[title_index]
    emphasised = any(not _mid_sentence(title_line[:j]) for j, _k in _bold_runs(title_line))
    marked_up = emphasised or (lead is not None and lead.href is not None)
    plain = not marked_up and _quoted_title(lines) is None
    one_line = sum(1 for line in lines if line_text(line)) == 1
    if (
        plain
        and not years
        and arxiv is None
        and (one_line or not links)
        and _is_prose(shown)
        # a bold name makes it a citation, however it ends
        and not any(_is_listed_name(ln, j, k) for ln in lines for j, k in _bold_runs(ln))
    ):
        return "a sentence, not a paper (no title markup, year or arXiv id)"
    if entry.tag == "p" and _is_long_prose(shown):
        return "prose, not a paper (several sentences of running text)"
    if _NOTE_START.match(text) and arxiv is None:
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
