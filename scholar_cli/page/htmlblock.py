"""kramdown's HTML blocks as a markdown-it block rule (dialect.py installs it for Jekyll pages).

A line opening a block-level element starts an HTML block that runs to the element's matching
end tag, blank lines and all; its content is raw HTML except inside an element that carries
`markdown="1"` (`"block"`, `"span"`), and except Markdown after a one-line element.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock

# kramdown's block-level HTML elements: one of these opening a line starts an HTML block.
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "iframe", "legend", "li", "main",
    "menu", "nav", "noscript", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "video", "audio", "canvas", "object", "map",
}  # fmt: skip
# Elements whose `markdown="1"` content is span-level Markdown (kramdown's content models).
_SPAN_MODEL = {
    "a", "abbr", "b", "big", "button", "caption", "cite", "del", "dfn", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "p", "q", "small", "span", "strong",
    "sub", "sup", "th", "tt", "u", "font", "center",
}  # fmt: skip
# HTML elements that never have content or an end tag.
VOID_TAGS = frozenset(
    ("area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr")
)
_TAG = re.compile(
    r"<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?P<self>/)?>"
)
_MARKDOWN_ATTR = re.compile(r"""\bmarkdown\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_BLOCK_START = re.compile(r"^<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")


def _line_text(state: StateBlock, line: int) -> str:
    return str(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])


def kramdown_html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """kramdown's HTML block: from a line opening a block-level element to the line holding
    its matching end tag (blank lines included), content raw except where `markdown="1"`."""
    if state.is_code_block(start):
        return False
    m = _BLOCK_START.match(_line_text(state, start))
    if m is None or m.group("name").lower() not in _BLOCK_TAGS:
        return False
    if silent:
        return True
    name = m.group("name").lower()
    last = _block_end(state, start, end, name)
    if last == start and _markdown_after_element(state, start, name):
        state.line = start + 1
        return True
    _emit_html(state, start, last + 1)
    state.line = last + 1
    return True


def _markdown_after_element(state: StateBlock, line: int, name: str) -> bool:
    """`- <div class="venue">CCS'25</div> [Title](…) [![stars](…)](…)`: kramdown ends the
    HTML block with the element and reads the rest of the line as a paragraph of Markdown.
    Pushes the two (and returns True) when the element closes on its own line before more
    text that is not another tag; else pushes nothing."""
    text = _line_text(state, line)
    depth = 0
    for m in _TAG.finditer(text):
        if m.group("name").lower() != name or m.group("self") or name in VOID_TAGS:
            continue
        depth += -1 if m.group("close") else 1
        if depth == 0:
            rest = text[m.end() :]
            if not rest.strip() or rest.lstrip().startswith("<"):
                return False
            _push_text(state, "html_block", text[: m.end()] + "\n", line)
            state.push("paragraph_open", "p", 1).map = [line, line + 1]
            _push_text(state, "inline", rest.strip(), line)
            state.push("paragraph_close", "p", -1)
            return True
    return False


def _block_end(state: StateBlock, start: int, end: int, name: str) -> int:
    """The last line of the HTML block opening at `start`. Without a matching end tag kramdown
    closes the element at the end of what contains it (and warns), as browsers do."""
    depth = 0
    for line in range(start, end):
        if line > start and state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return line - 1  # outdented: the list item holding the block has ended
        for m in _TAG.finditer(_line_text(state, line)):
            if m.group("name").lower() != name:
                continue
            if m.group("close"):
                depth -= 1
            elif not (m.group("self") or name in VOID_TAGS):
                depth += 1
            if depth <= 0:
                return line
    return end - 1


def _emit_html(state: StateBlock, start: int, end: int) -> None:
    """Lines [start, end) of an HTML block: raw, except the content of elements that carry
    `markdown="1"` (rendered as Markdown) and stretches that are plainly Markdown."""
    line = start
    raw_from = start
    while line < end:
        text = _line_text(state, line)
        opened = None
        for m in _TAG.finditer(text):
            attr = _MARKDOWN_ATTR.search(m.group("attrs") or "") if not m.group("close") else None
            if attr is None:
                continue
            value = (attr.group(1) or attr.group(2) or attr.group(3) or "").lower()
            name = m.group("name").lower()
            takes_markdown = (
                value not in ("0", "") and name not in VOID_TAGS and not m.group("self")
            )
            if takes_markdown and not text[m.end() :].strip():  # content from the next line
                opened = (name, value)
            elif takes_markdown and (value == "span" or name in _SPAN_MODEL):
                # `<p markdown="span">**Title**, …</p>` on one line.
                closing = re.compile(rf"</{name}\s*>", re.I).search(text, m.end())
                if closing is not None:
                    _emit_raw(state, raw_from, line)
                    _push_text(state, "html_block", text[: m.end()], line)
                    _push_text(state, "inline", text[m.end() : closing.start()], line)
                    _push_text(state, "html_block", text[closing.start() :] + "\n", line)
                    raw_from = line + 1
                    break
        if opened is None:
            line += 1
            continue
        name, value = opened
        close = _close_line(state, line + 1, end, name)
        _emit_raw(state, raw_from, line + 1)
        if value == "span" or (value != "block" and name in _SPAN_MODEL):
            token = state.push("inline", "", 0)
            token.map = [line + 1, close]
            token.content = state.getLines(line + 1, close, state.blkIndent, False).strip()
            token.children = []
        else:
            _tokenize(state, line + 1, close)
        raw_from = line = close
    _emit_raw(state, raw_from, end)


def _close_line(state: StateBlock, start: int, end: int, name: str) -> int:
    depth = 1
    for line in range(start, end):
        for m in _TAG.finditer(_line_text(state, line)):
            if m.group("name").lower() != name or m.group("self"):
                continue
            depth += -1 if m.group("close") else 1
            if depth == 0:
                return line
    return end


def _tokenize(state: StateBlock, start: int, end: int) -> None:
    """Markdown blocks on lines [start, end), inside whatever contains them."""
    if start >= end:
        return
    old_max = state.lineMax
    state.lineMax = end
    state.md.block.tokenize(state, start, end)
    state.lineMax = old_max


def _emit_raw(state: StateBlock, start: int, end: int) -> None:
    """Raw HTML lines, except stretches that are plainly Markdown.

    kramdown leaves an HTML block's content raw unless told otherwise, yet owners write
    `- **Title** …` lists inside `<details>` and sites that set `parse_block_html` show them
    as lists. So a stretch after a blank line that starts with neither a tag nor code
    indentation is read as Markdown: that is what the owner meant it to be."""
    line = start
    raw_from = start
    while line < end:
        if (
            line > start
            and state.isEmpty(line - 1)
            and not state.isEmpty(line)
            and not _line_text(state, line).startswith("<")
            and state.sCount[line] - state.blkIndent < 4
        ):
            island_end = line
            while (
                island_end < end
                and not state.isEmpty(island_end)
                and not _line_text(state, island_end).startswith("<")
            ):
                island_end += 1
            _push_raw(state, raw_from, line)
            _tokenize(state, line, island_end)
            raw_from = line = island_end
            continue
        line += 1
    _push_raw(state, raw_from, end)


def _push_text(state: StateBlock, kind: str, content: str, line: int) -> None:
    token = state.push(kind, "", 0)
    token.map = [line, line + 1]
    token.content = content
    if kind == "inline":
        token.children = []


def _push_raw(state: StateBlock, start: int, end: int) -> None:
    if start >= end:
        return
    token = state.push("html_block", "", 0)
    token.map = [start, end]
    token.content = state.getLines(start, end, state.blkIndent, True)
