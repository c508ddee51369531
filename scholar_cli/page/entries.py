"""The walk's vocabulary: what a block of the page is once walked, and how a line of it
is read as text or cut, before any rule reads it.

Both halves of the reader speak it, the walk that builds entries and the rules that read
papers, projects and news from them, so it lives apart from either and imports neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scholar_cli.models import Link, Section, SectionKind

# The whole text of a link that `refresh --badges text` wrote: "★ 1.2k".
STAR_TEXT = re.compile(r"★ ?\d+(?:\.\d)?[kMGTPEZY]?")


@dataclass(slots=True)
class Seg:
    """A run of text with the marks that matter to us."""

    text: str
    bold: bool
    href: str | None
    # "code": in a code span (`` `CVPR 2016` ``); "label": in an element classed as a badge or
    # venue (AcadHomepage's `<div class="badge">CVPR 2016</div>`): both name a venue.
    mark: str = ""
    italic: bool = False

    def cut(self, text: str) -> Seg:
        return Seg(text, self.bold, self.href, self.mark, self.italic)


@dataclass(slots=True)
class Image:
    src: str
    alt: str
    href: str | None
    line: int
    text: str | None = None  # set for a `★ 1.2k` star count written as text, src is then ""


@dataclass(slots=True)
class RawEntry:
    """One block of the page before it is read as a paper, project or news item (or skipped).

    `kind` is the kind of section it sits in: None before any section."""

    kind: SectionKind | None
    section: str
    tag: str
    line: int
    context: str = ""  # the latest sub-heading inside the section ("2024", "Preprints")
    header_row: bool = False  # a table row of <th> cells only
    lines: list[list[Seg]] = field(default_factory=lambda: [[]])
    links: list[tuple[Link, int]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    end_line: int = 0
    # Entries cut from one HTML container share its group; a paper's parts never cross one.
    group: int = 0

    def starts_bold(self) -> bool:
        for line in self.lines:
            for seg in line:
                if seg.text.strip():
                    return seg.bold
        return False


@dataclass(slots=True)
class Walk:
    """Everything one walk over the page found."""

    sections: list[Section] = field(default_factory=list)
    entries: list[RawEntry] = field(default_factory=list)
    anchors: list[tuple[str, int]] = field(default_factory=list)  # every href on the page, line
    images: list[Image] = field(default_factory=list)  # every image on the page


def line_text(line: list[Seg]) -> str:
    """A line's text as shown: whitespace collapsed."""
    if len(line) == 1:
        return " ".join(line[0].text.split())
    return " ".join("".join([seg.text for seg in line]).split())


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
