"""Markdown tokens and HTML -> sections -> entries, with file lines.

One walk: dialect.py parses the page as its site would (kramdown or GFM) into markdown-it
tokens; the walk replays Markdown structure as the HTML elements it stands for and feeds raw
HTML to `html.parser`, so both reach the same callbacks. A paper written as a Markdown list
item and one written as `<div class="publication-item">` reach the same code, and a `<div>`
that spans blank lines is still one element. Tokens carry their source line; raw HTML counts
its own newlines from the line it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from scholar_cli.models import Link, Section, SectionKind
from scholar_cli.normalize import fold_accents
from scholar_cli.page.dialect import VOID_TAGS

if TYPE_CHECKING:
    from markdown_it.token import Token

# Word stems: a heading matches a stem when one of its words starts with it. The first group
# that matches decides, in this order, so "Publications and Talks" lists papers, "Conference
# Reviewer" and "Research Interests" list none, and a bare "Research" or "Journal" lists papers.
_SECTION_WORDS: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    (
        "papers",
        (
            "publication",
            "paper",
            "preprint",
            "manuscript",
            "article",
            "thesis",
            "theses",
            "dissertation",
            "bibliography",
            "technical report",
            "tech report",
            "working paper",
            "book chapter",
            "proceeding",
            r"pubs\b",
            "under review",
            "submitted",
            "in submission",
            "in preparation",
            "peer-reviewed",
            "peer reviewed",
            "refereed",
            "in progress",
        ),
    ),
    (
        "other",
        (
            "award",
            "honor",
            "honour",
            "prize",
            "scholarship",
            "fellowship",
            "grant",
            "funding",
            "service",
            "review",
            "talk",
            "presentation",
            "lecture",
            "seminar",
            "keynote",
            "tutorial",
            "teaching",
            "course",
            "education",
            "experience",
            "employment",
            "internship",
            "position",
            "appointment",
            "student",
            "mentor",
            "supervis",
            "advis",
            "contact",
            "interest",
            r"bio\b",
            "biograph",
            "about",
            "skill",
            "hobb",
            "misc",
            "activit",
            "outreach",
            "media",
            "press",
            "patent",
            "blog",
            "vita",
            "resume",
            "membership",
            "affiliation",
            "visit",
            "collaborat",
            "acknowledg",
            "certific",
            "competition",
            "volunteer",
            "leadership",
            "organiz",
            "organis",
            "committee",
            "statement",
            "group",
            "people",
            "team",
            "member",
            "news coverage",
            "invited",
            "poster session",
            "friends",
            r"links\b",
            r"cv\b",
            r"notes\b",
            "pipeline",
            "planned",
        ),
    ),
    (
        "projects",
        (
            "project",
            "software",
            "open source",
            "opensource",
            "open-source",
            "code",
            "tool",
            "librar",
            "repositor",
            "demo",
        ),
    ),
    ("news", ("news", "update", "announcement", "what's new", "whats new")),
    ("papers", ("research", "journal", "conference", "workshop", "selected work")),
)
# Elements that open an entry when they start inside a section and no entry is open.
# (Not <details>: a folded "Older publications" list holds many entries.)
# (A <td> too: browsers supply the <tr> that hand-written tables leave out.)
_ENTRY_TAGS = {"li", "p", "div", "article", "section", "tr", "td", "blockquote", "figure"}
# Elements whose edges end a visual line.
_LINE_TAGS = {
    "p", "div", "li", "ul", "ol", "tr", "td", "th", "blockquote", "section", "article",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "details", "summary", "figure", "dd", "dt",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# The whole text of a link that `refresh --badges text` wrote: "★ 1.2k".
STAR_TEXT = re.compile(r"★ ?\d+(?:\.\d)?[kMGTPEZY]?")
# What `scholar refresh` writes between these is its own output, not the owner's entries.
_MARKER_OPEN = re.compile(r"^\s*scholar:[a-z]+\b")
_MARKER_CLOSE = re.compile(r"^\s*/scholar:[a-z]+\s*$")


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
class _Node:
    """A block element inside an open entry, with the stretch of the entry it holds."""

    tag: str
    cls: str
    line: int
    depth: int  # its place on the walker's stack
    lines0: int  # indexes into the entry's lines, links and images where it starts
    links0: int
    images0: int
    lines1: int = 0
    links1: int = 0
    images1: int = 0
    own_text: bool = False  # text that is not inside a child block
    children: list[_Node] = field(default_factory=list)

    def signature(self) -> tuple[str, str]:
        return self.tag, self.cls


# Elements whose children are always separate items.
_LIST_TAGS = {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot"}
# Elements that may only be holding items; anything else is an item however it is built.
_CONTAINER_TAGS = _LIST_TAGS | {
    "div", "section", "article", "main", "aside", "details", "blockquote", "figure", "center",
}  # fmt: skip


def _items(node: _Node) -> list[_Node]:
    """The items an entry element holds: itself, or, for a container with no text of its own
    (`<div class="pub-list">` of `<div class="pub">`s, a wrapper around a list), each of its
    children of one kind, recursively."""
    if node.own_text or node.tag not in _CONTAINER_TAGS:
        return [node]  # a list item, table row or paragraph is one item, whatever it holds
    kids = [k for k in node.children if k.lines1 > k.lines0 or k.images1 > k.images0]
    if not kids:
        return [node]
    if node.tag in _LIST_TAGS or (len(kids) >= 2 and len({k.signature() for k in kids}) == 1):
        return [item for kid in kids for item in _items(kid)]
    if len(kids) == 1:
        return _items(kids[0])
    return [node]


@dataclass(slots=True)
class Walk:
    """Everything one walk over the page found."""

    sections: list[Section] = field(default_factory=list)
    entries: list[RawEntry] = field(default_factory=list)
    anchors: list[tuple[str, int]] = field(default_factory=list)  # every href on the page, line
    images: list[Image] = field(default_factory=list)  # every image on the page


_SECTION_RES: tuple[tuple[SectionKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"(?<![\w])(?:" + "|".join(stems) + ")")) for kind, stems in _SECTION_WORDS
)


def heading_words(heading: str) -> str:
    """ "📝 Selected Publications {#pubs}" -> "selected publications": what a heading says."""
    words = fold_accents(heading).lower()
    return " ".join(re.sub(r"[^\w' -]+", " ", words).split())


# Headings that name a field of work: a section of prose at the top ("Research Focus"), but
# under Publications only a group of papers ("Research Direction 1: Agentic Search").
_TOPIC_RE = re.compile(r"(?<![\w])(?:focus|areas?\b|direction|overview|topics?\b|theme|agenda)")


# A bracketed tag before a title: "[ICLR'25]", "(NeurIPS 2024)", "【CVPR】", "(2025+)".
LEAD_TAG = re.compile(r"^\s*(?:[\[(【]\s*(?P<tag>[^\[\]()【】]{1,40}?)\s*[\])】])\s*[:\-–—|]?\s*")


def _is_paper_heading(text: str, has_links: bool) -> bool:
    """A sub-heading that names a paper rather than a group of them: it links somewhere or opens
    with a venue tag ("[ICML'24] Effects of …"), and reads like a title, not "2024" or a topic."""
    words = text.split()
    if len(words) < 4 or _TOPIC_RE.search(text.lower()):
        return False
    if LEAD_TAG.match(text):
        return True
    return has_links and section_kind(text) is None


def line_text(line: list[Seg]) -> str:
    """A line's text as shown: whitespace collapsed."""
    if len(line) == 1:
        return " ".join(line[0].text.split())
    return " ".join("".join([seg.text for seg in line]).split())


def section_kind(
    heading: str, paper_sections: tuple[str, ...] = (), *, topic: SectionKind | None = "other"
) -> SectionKind | None:
    """ "📝 Selected Publications" -> "papers"; "Reviewer Service" -> "other"; "Jane Doe" -> None.

    `paper_sections` (from the config) are headings the words would not give: a heading that
    contains one of them lists papers."""
    words = heading_words(heading)
    for name in paper_sections:
        if heading_words(name) and heading_words(name) in words:
            return "papers"
    for index, (kind, pattern) in enumerate(_SECTION_RES):
        if index == len(_SECTION_RES) - 1 and _TOPIC_RE.search(words):
            return topic  # a field of work: `topic` says what it is where it stands
        # The last rule's words ("Research", "Journal") name papers only in short headings:
        # "Mini Programs for Research" does not.
        if pattern.search(words) and (index < len(_SECTION_RES) - 1 or len(words.split()) <= 3):
            return kind
    return None


class UnreadableHTML(Exception):
    """html.parser gave up (it asserts on some malformed markup, e.g. `<![x`)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def walk_page(
    tokens: list[Token], first_line: int, paper_sections: tuple[str, ...] = (), page_title: str = ""
) -> Walk:
    """Sections and entries of the page, from markdown-it's tokens: Markdown structure is
    replayed as the HTML it stands for, raw HTML goes through the HTML parser, so both reach
    the same walker without rendering the page to HTML and parsing it back.

    A page whose short title names a kind (`title: Publications` in the front matter) is that
    section from its first line."""
    walker = _Walker(paper_sections)
    short = 0 < len(page_title.split()) <= 4
    kind = section_kind(page_title, paper_sections) if short else None
    if kind is not None and kind != "other":
        walker.open_page_section(kind, page_title)
    try:
        _replay(walker, tokens, first_line)
        walker.close()
    except AssertionError as e:
        raise UnreadableHTML(walker.current_line(), str(e).splitlines()[0]) from None
    walker.finish_entry()
    return walker.result


def _replay(walker: _Walker, tokens: list[Token], first_line: int) -> None:
    for tok in tokens:
        if tok.map is not None:
            walker.at_line(tok.map[0] + first_line)
        kind = tok.type
        if kind == "inline":
            _replay_inline(walker, tok.children or [], walker.line)
        elif kind == "html_block":
            walker.feed_html(tok.content, walker.line)
        elif tok.hidden:
            continue  # the paragraphs of a tight list
        elif tok.nesting == 1:
            walker.handle_starttag(tok.tag, list(tok.attrs.items()) if tok.attrs else [])  # type: ignore[arg-type]
        elif tok.nesting == -1:
            walker.handle_endtag(tok.tag)
        elif kind in ("fence", "code_block"):
            walker.handle_starttag("pre", [])
            walker.handle_data(tok.content)
            walker.handle_endtag("pre")
        elif kind == "hr":
            walker.handle_starttag("hr", [])


def _replay_inline(walker: _Walker, children: list[Token], line: int) -> None:
    depth = 0  # open links and emphasis
    for tok in children:
        kind = tok.type
        if kind == "text":
            walker.handle_data(tok.content)
        elif kind == "softbreak" and depth:
            # "[Title that wraps\n over two lines](…)": inside a link or emphasis a source
            # line break is the space it shows as; between them it separates the entry's lines.
            walker.handle_data(" ")
            line += 1
            walker.at_line(line)
        elif kind in ("softbreak", "hardbreak"):
            walker.handle_starttag("br", [])
            line += 1
            walker.at_line(line)
        elif kind == "html_inline":
            walker.feed_html(tok.content, line)
            line += tok.content.count("\n")
            walker.at_line(line)
        elif kind == "image":
            alt = "".join(c.content for c in tok.children or [])
            walker.handle_starttag("img", [("src", str(tok.attrs.get("src", ""))), ("alt", alt)])
        elif kind == "code_inline":
            walker.handle_starttag("code", [])
            walker.handle_data(tok.content)
            walker.handle_endtag("code")
        elif tok.nesting == 1:
            depth += 1
            walker.handle_starttag(tok.tag, list(tok.attrs.items()) if tok.attrs else [])  # type: ignore[arg-type]
        elif tok.nesting == -1:
            depth -= 1
            walker.handle_endtag(tok.tag)


# Inline elements whose only effect on the walk is their formatting.
_FORMATTING = {"strong", "b", "em", "i", "cite", "code", "q", "span", "u", "s", "del", "sup", "sub"}
_FALLBACK_TAGS = {"video", "audio", "canvas", "object", "iframe", "noscript", "svg", "picture"}
# Characters that take no room on screen (zero-width space, word joiner, soft hyphen, BOM).
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u2060\xad\ufeff"))
# Class names that mark an element's text as a venue label, not part of the entry's prose.
_LABEL_WORDS = ("badge", "venue", "conf", "journal", "booktitle", "publisher", "label")
_NOT_TITLE_WORDS = (
    "section", "page", "site", "header", "nav", "sub", "card", "year", "date", "group",
    "category", "count",
)  # fmt: skip


def _class_role(tag: str, classes: str) -> str:
    """What an element's class says its text is: a venue "label" (`<div class="badge">`,
    `class="journalTitle"`), the paper's "title" (`class="articleTitle"`, `paper-title`,
    AcadHomepage-style `<papertitle>`), or nothing."""
    if tag == "papertitle":
        return "title"
    if not classes:
        return ""
    role = ""
    for token in classes.lower().split():
        word = token.replace("-", "").replace("_", "")
        if any(w in word for w in _LABEL_WORDS):
            return "label"
        if word.endswith("title") and not any(w in word for w in _NOT_TITLE_WORDS):
            role = "title"
    return role


# Elements a visitor sees only on a click (abstracts, BibTeX): part of the item, not its text.
_FOLDED_CLASSES = {
    "abstract", "abs", "bibtex", "bib", "popup", "collapse", "hidden", "modal",
    # embedded posts: another site's content shown in the page
    "twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed", "mastodon-embed",
}  # fmt: skip
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _is_folded(attr: dict[str, str], *, by_class_only: bool = False) -> bool:
    """Shown only on a click. Inside an item a hidden element is its abstract; a hidden block
    of its own may be a whole tab of the page, so there only the class says so."""
    if len(attr) == 0 or ("class" not in attr and "style" not in attr and "hidden" not in attr):
        return False
    if _FOLDED_CLASSES.intersection(attr.get("class", "").lower().split()):
        return True
    if by_class_only:
        return False
    return attr.get("hidden") is not None or bool(_DISPLAY_NONE.search(attr.get("style", "")))


class _Walker(HTMLParser):
    def __init__(self, paper_sections: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.result = Walk()
        self._paper_sections = paper_sections
        self._base_src = 1  # file line of output line `_base_out`
        self._base_out = 1
        self._stack: list[str] = []
        self._bold = 0
        self._hrefs: list[str | None] = []
        self._link_text: list[tuple[list[str], list[str]]] = []  # per open <a>: text, img alts
        self._marks: list[tuple[int, str]] = []  # (stack depth, mark) of open code/label elements
        self._demoted: list[int] = []  # stack depths of headings read as an item's bold title
        self._heading: tuple[int, int, list[str]] | None = None  # level, line, text
        # kind now, name, level, and the kind the heading gave (sub-headings may switch it)
        self._section: tuple[SectionKind, str, int, SectionKind] | None = None
        self._entry: RawEntry | None = None
        self._entry_depth = 0
        self._nodes: list[_Node] = []  # open block elements of the entry, its own first
        self._root: _Node | None = None
        self._italic = 0
        self._groups = 0
        self._heading_item = False  # the open heading is being read as a paper
        self._generated = False  # inside a scholar marker block
        self._context = ""  # latest sub-heading within the current section

    # -- positions ------------------------------------------------------------------------
    # Markdown tokens say their line (at_line); raw HTML fed to the parser counts its own
    # newlines from the line it starts on (feed_html).
    line = 1
    _fixed = True

    def at_line(self, line: int) -> None:
        self.line = line
        self._fixed = True

    def feed_html(self, html: str, line: int) -> None:
        self._anchor_here(line)
        self._fixed = False
        self.feed(html)
        self._fixed = True

    def _line(self) -> int:
        if self._fixed:
            return self.line
        return self._base_src + self.getpos()[0] - self._base_out

    def current_line(self) -> int:
        return self._line()

    def _anchor_here(self, src_line: int) -> None:
        self._base_src = src_line
        self._base_out = self.getpos()[0]

    # -- parser callbacks -------------------------------------------------------------------
    def handle_comment(self, data: str) -> None:
        if _MARKER_OPEN.match(data):
            self.finish_entry()
            self._generated = True
        elif _MARKER_CLOSE.match(data):
            self._generated = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._generated:
            return
        attr = {k: (v or "") for k, v in attrs} if attrs else {}
        if not attr and tag in _FORMATTING:
            # The common case, kept short: <strong>, <em>, <code> and friends without classes.
            self._stack.append(tag)
            self._format(tag)
            return
        line = self._line()
        if tag in VOID_TAGS:
            self._void(tag, attr, line)
            return
        # HTML lets <p> and <li> close implicitly; keep the stack honest about it.
        if tag in ("p", "li") and self._stack and self._stack[-1] == tag:
            self.handle_endtag(tag)
        if (
            tag in _HEADINGS
            and self._entry is not None
            and (self._in_item() or _class_role(tag, attr.get("class", "")) == "title")
        ):
            # `- ### Title`, a heading in a table cell, <h3 class="paper-title"> in an item:
            # the item's title, not a section.
            self._demoted.append(len(self._stack) + 1)
            self._bold += 1
        elif tag in _HEADINGS:
            self.finish_entry()
            self._heading = (_HEADINGS[tag], line, [])
            if (
                self._section is not None
                and self._section[0] == "papers"
                and (_HEADINGS[tag] > self._section[2])
            ):
                # Under Publications a heading may be a paper of its own ("### [NDSS'25]
                # Title ([Paper](…))"): read it as an item until it shows it is not one.
                self._entry = RawEntry("papers", self._section[1], tag, line, self._context)
                self._entry_depth = len(self._stack) + 1
                self._root = _Node(tag, "", line, self._entry_depth, 0, 0, 0)
                self._nodes = [self._root]
                self._bold += 1
                self._heading_item = True
        elif self._entry is None and tag in _ENTRY_TAGS:
            kind, name = self._section[:2] if self._section is not None else (None, "")
            self._entry = RawEntry(kind, name, tag, line, self._context, tag == "tr")
            self._entry_depth = len(self._stack) + 1
            self._root = _Node(tag, attr.get("class", ""), line, self._entry_depth, 0, 0, 0)
            self._nodes = [self._root]
        if tag == "td" and self._entry is not None:
            self._entry.header_row = False
        self._stack.append(tag)
        if tag in _LINE_TAGS:
            self._newline()
            if self._entry is not None and len(self._stack) > self._entry_depth and self._nodes:
                node = _Node(
                    tag,
                    attr.get("class", ""),
                    line,
                    len(self._stack),
                    len(self._entry.lines) - 1,
                    len(self._entry.links),
                    len(self._entry.images),
                )
                self._nodes[-1].children.append(node)
                self._nodes.append(node)
        self._format(tag)
        if tag == "a":
            self._hrefs.append(attr.get("href") or None)
            self._link_text.append(([], []))
        elif (
            tag != "code"
            and self._entry is not None
            and (
                (self._entry_depth < len(self._stack) and (tag == "details" or _is_folded(attr)))
                or _is_folded(attr, by_class_only=True)
            )
        ):
            # An abstract or BibTeX folded inside an item: its links count, its text is aside.
            self._marks.append((len(self._stack), "aside"))
        if tag in _FALLBACK_TAGS:
            # "Your browser does not support the video tag": shown only when the media is not.
            self._marks.append((len(self._stack), "aside"))
        if tag != "q":
            role = _class_role(tag, attr.get("class", ""))
            if role == "label":
                self._marks.append((len(self._stack), "label"))
                self._newline()  # a label stands apart from the text around it
            elif role == "title":
                self._marks.append((len(self._stack), "title"))

    def _format(self, tag: str) -> None:
        """What an opening formatting tag (already on the stack) does to the text after it."""
        if tag in ("strong", "b"):
            self._bold += 1
        elif tag in ("em", "i", "cite"):
            self._italic += 1
        elif tag == "code":
            self._marks.append((len(self._stack), "code"))
        elif tag == "q":
            self.handle_data("“")  # as browsers show <q>

    def handle_endtag(self, tag: str) -> None:
        if self._generated or tag in VOID_TAGS or tag not in self._stack:
            return
        while self._stack:
            top = self._stack.pop()
            self._close(top)
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._generated:
            return
        if "\u200b" in data or "\u2060" in data or "\xad" in data or "\ufeff" in data:
            data = data.translate(_INVISIBLE)
        if self._heading is not None:
            self._heading[2].append(data)
        for text, _alts in self._link_text:
            text.append(data)
        if self._hrefs and self._hrefs[-1] and STAR_TEXT.fullmatch(data.strip()):
            star = Image("", data.strip(), self._hrefs[-1], self._line(), data.strip())
            self.result.images.append(star)
            if self._entry is not None:
                self._entry.images.append(star)
        if self._entry is None or (self._heading is not None and not self._heading_item):
            return
        href = self._hrefs[-1] if self._hrefs else None
        mark = ""
        if self._marks:
            mark = next((m for _d, m in reversed(self._marks) if m in ("aside", "label")), "")
            mark = mark or self._marks[-1][1]
        if self._nodes and data.strip():
            self._nodes[-1].own_text = True
        if "\n" in data:
            data = data.replace("\n", " ")  # lines are made by <br> and blocks, not newlines
        self._entry.lines[-1].append(Seg(data, self._bold > 0, href, mark, self._italic > 0))

    # -- helpers ---------------------------------------------------------------------------
    def _void(self, tag: str, attr: dict[str, str], line: int) -> None:
        if tag == "br":
            self._newline()
        elif tag == "img":
            href = self._hrefs[-1] if self._hrefs else None
            image = Image(attr.get("src", ""), attr.get("alt", ""), href, line)
            self.result.images.append(image)
            if self._entry is not None:
                self._entry.images.append(image)
            for _text, alts in self._link_text:
                alts.append(image.alt)

    def _close(self, tag: str) -> None:
        if (
            self._marks
            and self._marks[-1][0] > len(self._stack)
            and self._marks.pop()[1] == "label"
        ):
            self._newline()
        if tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i", "cite"):
            self._italic = max(0, self._italic - 1)
        elif tag == "q":
            self.handle_data("”")  # as browsers show <q>
        elif tag == "a" and self._hrefs:
            href = self._hrefs.pop()
            text, alts = self._link_text.pop()
            # A link that is only an image (a badge) is labelled by the image's alt text.
            label = " ".join("".join(text).split()) or " ".join(" ".join(alts).split())
            if href:
                line = self._line()
                self.result.anchors.append((href, line))
                if self._entry is not None:
                    self._entry.links.append((Link(label, href), line))
        elif tag in _HEADINGS and self._demoted and self._demoted[-1] > len(self._stack):
            self._demoted.pop()
            self._bold = max(0, self._bold - 1)
        elif tag in _HEADINGS and self._heading is not None:
            level, line, parts = self._heading
            self._heading = None
            heading = " ".join("".join(parts).split())
            if self._heading_item:
                self._heading_item = False
                self._bold = max(0, self._bold - 1)
                entry = self._entry
                if entry is not None and _is_paper_heading(heading, bool(entry.links)):
                    self.finish_entry()
                    return
                self._entry, self._nodes, self._root = None, [], None
            self._on_heading(level, heading, line)
        if tag in _LINE_TAGS:
            self._newline()
            if len(self._nodes) > 1 and self._nodes[-1].depth > len(self._stack):
                self._end_node(self._nodes.pop())
        if self._entry is not None and len(self._stack) < self._entry_depth:
            self.finish_entry()

    def _on_heading(self, level: int, text: str, line: int, *, bold_line: bool = False) -> None:
        if not text:
            return
        inside = self._section is not None and level > self._section[2]
        kind = section_kind(text, self._paper_sections, topic="other" if not inside else None)
        configured = kind == "papers" and section_kind(text) != "papers"
        why = "paper_sections in the config" if configured else "heading words"
        if bold_line:
            why = "a bold line standing for a heading"
        inside = self._section is not None and level > self._section[2]
        if inside and self._section is not None:
            # "### Preprints", "### 2024" under "## Publications": the outer section goes on;
            # "### Talks" under it switches the kind (until the next sub-heading).
            _now, outer_name, outer_level, opened = self._section
            resolved = kind or opened
            why = "a bold line" if bold_line else "sub-heading"
            if kind is None:
                why += ": it groups items"
            self.result.sections.append(Section(text, resolved, line, level, why, outer_name))
            self._section = (resolved, outer_name, outer_level, opened)
            self._context = text
        elif kind is not None:
            self._section = (kind, text, level, kind)
            self._context = ""
            self.result.sections.append(Section(text, kind, line, level, why))
        elif self._section is not None:
            self._section = None  # a sibling heading like "Jane Doe" ends the section
            self._context = ""

    def open_page_section(self, kind: SectionKind, title: str) -> None:
        self._section = (kind, title, 0, kind)
        self.result.sections.append(Section(title, kind, 1, 0, "the page's title"))

    def _in_item(self) -> bool:
        return any(t in ("li", "td", "th") for t in self._stack)

    def _newline(self) -> None:
        if self._entry is not None and self._entry.lines[-1]:
            self._entry.lines.append([])

    def _end_node(self, node: _Node) -> None:
        assert self._entry is not None
        node.lines1 = len(self._entry.lines)
        node.links1 = len(self._entry.links)
        node.images1 = len(self._entry.images)

    def finish_entry(self) -> None:
        entry = self._entry
        if entry is not None and not entry.header_row:
            while self._nodes:
                self._end_node(self._nodes.pop())
            root_end = max(entry.line, self._line())
            items = _items(self._root) if self._root is not None else []
            if len(items) > 1:
                self._groups += 1
                parts = [self._cut(entry, node, self._groups) for node in items]
            else:
                parts = [entry]
            for part in parts:
                part.lines = [line for line in part.lines if line]
                part.end_line = max(part.line, part.end_line or root_end)
                if part.lines or part.images:
                    self._add_entry(part)
        self._entry = None
        self._entry_depth = 0
        self._nodes = []
        self._root = None

    @staticmethod
    def _cut(entry: RawEntry, node: _Node, group: int) -> RawEntry:
        part = RawEntry(
            entry.kind,
            entry.section,
            node.tag,
            node.line,
            entry.context,
            lines=entry.lines[node.lines0 : node.lines1],
            links=entry.links[node.links0 : node.links1],
            images=entry.images[node.images0 : node.images1],
            group=group,
        )
        return part

    def _add_entry(self, entry: RawEntry) -> None:
        """An entry, unless it is a bold line standing for a heading ("**Journal Papers**",
        "**Selected Publications on X:**"): then it opens or switches a section."""
        bold_only = (
            entry.tag == "p"
            and not entry.links
            and not entry.images
            and all(seg.bold or not seg.text.strip(" :") for ln in entry.lines for seg in ln)
        )
        text = " ".join(line_text(line) for line in entry.lines) if bold_only else ""
        words = text.rstrip(": ").split()
        if bold_only and words:
            kind = section_kind(text, self._paper_sections)
            outside = self._section is None
            if kind is not None and (
                (outside and len(words) <= 12) or len(words) <= 4 or text.endswith(":")
            ):
                self._on_heading(7, text.rstrip(": "), entry.line, bold_line=True)
                return
        self.result.entries.append(entry)
