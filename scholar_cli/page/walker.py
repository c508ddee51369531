"""The walker: html.parser's callbacks, turned into sections and entries with file lines.

Markdown reaches it replayed as the HTML it stands for (structure.py), raw HTML through the
parser itself, so both are read by the same callbacks. It keeps the state of the walk (open
elements, bold and italic depth, the section and entry now open) and leaves what each element
means to elements.py and what each heading means to sections.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from scholar_cli.models import Link, Section, SectionKind
from scholar_cli.page.elements import (
    _ENTRY_TAGS,
    _FALLBACK_TAGS,
    _FORMATTING,
    _HEADINGS,
    _LINE_TAGS,
    _class_role,
    _is_folded,
    _items,
    _Node,
    ends_citation_style,
    lead_names,
    split_versions,
)
from scholar_cli.page.entries import STAR_TEXT, Image, RawEntry, Seg, Walk, line_text
from scholar_cli.page.htmlblock import VOID_TAGS
from scholar_cli.page.names import _is_author_line
from scholar_cli.page.notpapers import YEAR_LABEL
from scholar_cli.page.sections import _is_paper_heading, names_papers_weakly, section_kind

# Class words of an element that holds one paper.
_PAPER_CLASSES = frozenset(("publication", "paper", "pub", "entry", "item", "article", "box"))

# The open section: (kind now, its name, its heading level, the kind it opened with).
_Open = tuple[SectionKind, str, int, SectionKind]

# What `scholar refresh` writes between these is its own output, not the owner's entries.
_MARKER_OPEN = re.compile(r"^\s*scholar:[a-z]+\b")
_MARKER_CLOSE = re.compile(r"^\s*/scholar:[a-z]+\s*$")
# Characters that take no room on screen (zero-width space, word joiner, soft hyphen, BOM).
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u2060\xad\ufeff"))


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
        self._section: _Open | None = None
        self._entry: RawEntry | None = None
        self._entry_depth = 0
        self._nodes: list[_Node] = []  # open block elements of the entry, its own first
        self._root: _Node | None = None
        self._italic = 0
        self._groups = 0
        self._heading_item = False  # the open heading is being read as a paper
        # A sub-heading under papers that may yet be a paper's title: it is, if the block
        # right after it opens with an author list ("### **Title**" then "**Me**, B. Other.").
        # (title, line, sections before it, section and context before it)
        self._maybe_title: tuple[str, int, int, _Open | None, str] | None = None
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
            and (
                self._in_item()
                or _class_role(tag, attr.get("class", "")) == "title"
                or self._in_paper_element(tag)
            )
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
            # The line the star itself is on: in `<a …>⏎  ★ 1.2k⏎</a>` the data starts on the
            # anchor's line, and the badge's bytes are looked for on the badge's own line.
            line = self._line() + data[: len(data) - len(data.lstrip())].count("\n")
            star = Image("", data.strip(), self._hrefs[-1], line, data.strip())
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
                whole_link = (
                    entry is not None
                    and len(entry.links) == 1
                    and " ".join(entry.links[0][0].label.split()) == heading
                )
                if entry is not None and _is_paper_heading(heading, bool(entry.links), whole_link):
                    self.finish_entry()
                    return
                self._entry, self._nodes, self._root = None, [], None
                if len(heading.split()) >= 4 and not (entry is not None and entry.links):
                    self._maybe_title = (
                        heading,
                        line,
                        len(self.result.sections),
                        self._section,
                        self._context,
                    )
                    self._on_heading(level, heading, line)
                    return
            self._maybe_title = None
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
        if (
            inside
            and self._section is not None
            and self._section[3] != "papers"
            and kind == "papers"
            and not configured
            and names_papers_weakly(text)
        ):
            kind = None  # "## Conferences" under "# Professional Services": venues served
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
        elif (
            self._section is not None
            and self._section[0] == "papers"
            and YEAR_LABEL.fullmatch(text)
        ):
            # "# 2026", "# 2022 and prior" beside "# Preprints": a year group of the papers.
            kind_now, name, _level, opened = self._section
            self.result.sections.append(
                Section(text, kind_now, line, level, "a year heading: it groups items", name)
            )
            self._section = (kind_now, name, level - 1, opened)
            self._context = text
        elif self._section is not None:
            self._section = None  # a sibling heading like "Jane Doe" ends the section
            self._context = ""

    def open_page_section(self, kind: SectionKind, title: str) -> None:
        self._section = (kind, title, 0, kind)
        self.result.sections.append(Section(title, kind, 1, 0, "the page's title"))

    def _in_paper_element(self, tag: str) -> bool:
        """An h3-h6 inside an open element classed as one paper (`<div class="publication">`,
        `paper-box`, `pub-item`) before any text of it: that paper's title."""
        root = self._root
        if tag in ("h1", "h2") or root is None or self._entry is None:
            return False
        if any(line_text(line).strip() for line in self._entry.lines):
            return False
        words = root.cls.lower().replace("-", " ").replace("_", " ").split()
        return any(w in _PAPER_CLASSES for w in words)

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
                parts = split_versions(entry, self._root) if entry.kind == "papers" else [entry]
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
            entry.tag in ("p", "blockquote")
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
            if entry.tag == "blockquote" and not outside and self._section is not None:
                # "> **Clarifying Question Generation**" over a list: a label that groups
                # the papers after it, as a bold sub-heading does.
                self._on_heading(7, text.rstrip(": "), entry.line, bold_line=True)
                return
        maybe, self._maybe_title = self._maybe_title, None
        names = lead_names(entry.lines[0]) if maybe is not None and entry.lines else ""
        # Two names, or one closed with a full stop as citations do ("**Me**."): a bare
        # capitalised phrase ("**Google Geo HD Map**") names no one.
        listed = bool(names) and (
            "," in names or " and " in names or ends_citation_style(entry.lines[0])
        )
        if maybe is not None and listed and _is_author_line(names):
            title, line, sections, section, context = maybe
            # The heading was this paper's title, not a sub-heading: undo it.
            del self.result.sections[sections:]
            self._section, self._context = section, context
            entry.kind = section[0] if section is not None else None
            entry.context = context
            entry.lines.insert(0, [Seg(title, True, None)])
            entry.line = line
        self.result.entries.append(entry)
