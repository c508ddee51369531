"""HTML elements -> what they are to the walk: an entry, a line break, a heading, a list of
items, a venue label, a title, or text folded away until a click.

These are judgements about markup, one tag or class at a time; the walker applies them as the
elements open and close, and here they can be read (and changed) without its state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scholar_cli.page.entries import RawEntry, Seg, line_text
from scholar_cli.page.names import _is_author_line

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
    if "list" in node.cls.lower().replace("-", " ").replace("_", " ").split() and any(
        k.tag in _LIST_TAGS for k in kids
    ):
        # <div class="pub-list"> holding a legend and a list: the list's items, the legend apart.
        return [item for kid in kids for item in (_items(kid) if kid.tag in _LIST_TAGS else [kid])]
    if len(kids) == 1:
        return _items(kids[0])
    return [node]


# Inline elements whose only effect on the walk is their formatting.
_FORMATTING = {"strong", "b", "em", "i", "cite", "code", "q", "span", "u", "s", "del", "sup", "sub"}
_FALLBACK_TAGS = {"video", "audio", "canvas", "object", "iframe", "noscript", "svg", "picture"}
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
        if {"tag", "tags"} & set(re.split(r"[-_]", token)):
            return "label"  # "blog-tag", "pub_tag"; not "stage" or "vintage"
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


# -- the shapes of one paper's blocks ----------------------------------------------------


def split_versions(entry: RawEntry, root: _Node | None) -> list[RawEntry]:
    """One box that lists two papers, each a title link over its own author line (a journal
    version and the conference paper it extends): the entry cut where the second title starts,
    the box's venue badge with the first, the shared links with the last. Else [entry]."""
    if root is None or len(entry.links) < 2:
        return [entry]
    starts: list[_Node] = []
    nodes = [root]
    while nodes and not starts:
        node = nodes.pop(0)
        kids = node.children
        # A node's stretch runs into its next sibling's first line: bound each by the next.
        bounds = [k.lines0 for k in kids[1:]] + [node.lines1]
        starts = [
            kid
            for i, kid in enumerate(kids[:-1])
            # (cheap tests first: a paragraph holding exactly one link, then a paragraph)
            if kid.tag == "p"
            and kids[i + 1].tag == "p"
            and kids[i + 1].links0 - kid.links0 == 1
            and _is_title_paragraph(entry, kid, bounds[i], kids[i + 1].links0)
            and kids[i + 1].tag == "p"
            and _is_author_line(_text(entry, kids[i + 1].lines0, bounds[i + 1]))
        ]
        nodes += kids
    if len(starts) < 2:
        return [entry]
    cuts = [(0, 0, 0, entry.line)] + [(k.lines0, k.links0, k.images0, k.line) for k in starts[1:]]
    ends = [(a, b, c) for a, b, c, _line in cuts[1:]]
    ends.append((len(entry.lines), len(entry.links), len(entry.images)))
    parts = []
    for (l0, k0, i0, line), (l1, k1, i1) in zip(cuts, ends, strict=True):
        part = RawEntry(entry.kind, entry.section, entry.tag, line, entry.context)
        part.lines, part.links = entry.lines[l0:l1], entry.links[k0:k1]
        part.images, part.group = entry.images[i0:i1], entry.group
        parts.append(part)
    return parts


def _text(entry: RawEntry, start: int, end: int) -> str:
    return " ".join(" ".join(line_text(line) for line in entry.lines[start:end]).split())


def _is_title_paragraph(entry: RawEntry, node: _Node, end: int, links_end: int) -> bool:
    """A paragraph that is one link and nothing else, long enough to be a title."""
    text = _text(entry, node.lines0, end)
    links = entry.links[node.links0 : links_end]
    return (
        node.tag == "p"
        and len(links) == 1
        and " ".join(links[0][0].label.split()) == text
        and len(text.split()) >= 4
    )


def lead_names(line: list[Seg]) -> str:
    """A line's text up to its first link, without a closing full stop: the names part of
    "**Me**, B. Other. [[Paper]](…)"."""
    cut = next((i for i, seg in enumerate(line) if seg.href), len(line))
    return line_text(line[:cut]).strip().rstrip(".").strip()


def ends_citation_style(line: list[Seg]) -> bool:
    cut = next((i for i, seg in enumerate(line) if seg.href), len(line))
    return line_text(line[:cut]).strip().endswith(".")
