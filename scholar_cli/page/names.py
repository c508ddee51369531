"""Author lists: where one starts and stops, what a name looks like, the marks beside one.

Finding a title is often finding the text that is not the author list, so these rules sit
below the title rules and import none of them. Affiliation digits, equal-contribution marks and
"et al." are read here once, for deciding that a line lists names and for parsing the names.
"""

from __future__ import annotations

import re

from scholar_cli.grammar import NAME_PARTICLES
from scholar_cli.models import Author
from scholar_cli.page.entries import Seg, _slice, line_text

_AUTHOR_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*;\s*")
_EQUAL_MARKS = "*†‡#"


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
    return " ".join(piece.split()).strip(_NAME_EDGES)


_NAME_EDGES = " .*†‡#"


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
    if "others" in text or "et al" in text or "et. al" in text:
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
_OTHERS = re.compile(r"\[?&?\s*\d+\s+others\]?|\bet\.?\s*al\.?")
_DIGIT = re.compile(r"\d")


# The end of the author list: a full stop that does not end an initial ("D. E. Keyes"), or a
# dash or bar between parts ("**Title** - A, B - NeurIPS 2022").
# "et. al." (sic, common) ends no sentence.
# (The full stop is matched first and the lookbehinds then include it: tried at every
# position, lookbehinds first cost twice the time.)
_SENTENCE_END = re.compile(
    r"\.(?<=\S\S\.)(?<!\bet\.)\s+(?=\S)|\.(?<=[a-z)]\.)(?<!\bet\.)\s+(?=\S)|\s+[-–—|]\s+(?=\S)"
)


def _leading_authors(line: list[Seg]) -> tuple[list[Seg], list[Seg]] | None:
    """The author list at the start of `line` and the rest (venue text), or None when the
    line does not open with names. (Each candidate list is judged once: on a page of
    thousands of papers judging it again was a tenth of the reading.)"""
    head, tail = _split_at_sentence_end(line)
    if tail:
        return (head, tail) if _looks_like_authors(head) else None
    if _looks_like_authors(head):
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
        listed = _slice(line, 0, end - 1)
        return (listed, _slice(line, end)) if _looks_like_authors(listed) else None
    return None  # the whole line, judged above: no names


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
_EQUAL_MARK = re.compile(f"[{re.escape(_EQUAL_MARKS)}]")
_NO_MARKS = {ord(c): " " for c in _EQUAL_MARKS}


def parse_authors(line: list[Seg]) -> tuple[Author, ...]:
    text = "".join([seg.text for seg in line])
    # Character ranges of bold text: a name is bold when any of its characters is.
    bold: list[tuple[int, int]] = []
    at = 0
    for seg in line:
        if seg.bold and seg.text:
            bold.append((at, at + len(seg.text)))
        at += len(seg.text)
    # Most author lines carry no marks or notes at all; then no name needs looking at for them.
    any_marks = _EQUAL_MARK.search(text) is not None
    any_notes = _MAY_HAVE_NOTES.search(text) is not None
    authors: list[Author] = []
    pos = 0
    for m in [*_AUTHOR_SPLIT_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        is_bold = False
        if bold and piece.strip():
            for a, b in bold:
                if a < end and pos < b:
                    is_bold = True
                    break
        pos = m.end() if m else len(text)
        name = " ".join(piece.split())
        if name.lower().startswith("and "):
            name = name[4:]
        marked = any_marks and _EQUAL_MARK.search(name) is not None
        equal = marked or ("(" in name and _EQUAL_NOTE.search(name) is not None)
        if marked or any_notes:
            name = _clean_name(name.translate(_NO_MARKS) if marked else name)
        else:
            name = name.strip(_NAME_EDGES)  # _clean_name's result for a name already spaced
        if not name or _is_others(name):
            continue
        authors.append(Author(name, is_bold, equal))
    return tuple(authors)


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


def _is_others(piece: str) -> bool:
    """ "et al.", "et. al." (sic) or "others": the rest of an author list, not a name."""
    bare = piece.strip(" .").lower()
    return bare == "others" or _OTHERS.fullmatch(bare) is not None


def _is_author_line(text: str) -> bool:
    """Nothing but names: "Jane Doe, **Bo Li**, and C. Wu" (no title, year or venue)."""
    parts = [p for p in _AUTHOR_SPLIT_RE.split(text) if p.strip(" .")]
    return bool(parts) and all(_is_name(p) or _is_others(p) for p in parts)
