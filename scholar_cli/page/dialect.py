"""How the site reads the page: kramdown for Jekyll pages, GitHub's GFM for READMEs.

A visitor sees what the site's renderer makes of the page, so the reader renders it the same
way before it looks for papers:

- **What nobody sees is masked first**: HTML comments (also across lines, and one never closed
  hides the rest, as browsers do), `<script>`/`<style>`, and on Jekyll pages Liquid (`{{ … }}`,
  `{% … %}` tags, and the whole body of `{% for %}`, `{% comment %}`, `{% raw %}` and
  `{% capture %}`) and kramdown's own markup (IALs such as `{: .notice}`, heading ids
  `{#pubs}`, `{::comment}` extensions). Masking writes spaces over those characters and keeps
  every newline, so lines and byte offsets of everything else stay exactly as in the file.
  Only a `<!-- scholar:… -->` marker alone on its line survives: refresh owns what it encloses.
- **kramdown** (Jekyll): an HTML block that starts a line runs to its matching end tag, blank
  lines and all, and its content is raw HTML, except inside an element carrying
  `markdown="1"` (`"block"`, `"span"`), whose content is Markdown again, as AcadHomepage's
  `paper-box-text` needs. A line ending in `\\` is a line break.
- **GFM** (a `README.md` without front matter): CommonMark with pipe tables and
  strikethrough; an HTML block ends at a blank line and Markdown resumes after it.

Both are markdown-it (CommonMark) with pipe tables and strikethrough; kramdown's HTML blocks are
a block rule of our own. The result is markdown-it's token stream, which structure.py walks.
Links are read, never followed: markdown-it's URL normalisation is skipped and its link
destination parser has a fast path for plain URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scholar_cli.grammar import paired_marker_lines
from scholar_cli.models import Dialect

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Names GitHub renders as a repository's or profile's README.
_README_NAMES = {"readme.md", "readme.markdown", "readme.mdown", "readme"}


def choose_dialect(file_name: str, has_front_matter: bool) -> Dialect:
    """Front matter means Jekyll (kramdown); a README without it is rendered by GitHub (GFM).

    Any other file without front matter is most often a fragment a Jekyll page includes
    (`_pages/includes/pub.md`), so kramdown too."""
    if not has_front_matter and file_name.lower() in _README_NAMES:
        return "gfm"
    return "kramdown"


@dataclass(frozen=True, slots=True)
class Hidden:
    """A stretch of the page that no visitor sees, and why."""

    reason: str  # "comment", "liquid", "script", "style", "kramdown"
    line: int  # 1-based file lines
    end_line: int
    text: str  # the start of what was hidden, whitespace collapsed


# A scholar marker comment alone on its line (the writer's grammar: edit/blocks.py).
_OPENERS = re.compile(
    r"<!--|<(?P<raw>script|style)\b|\{%-?\s*(?P<ltag>[A-Za-z_]+)|\{\{"
    r"|(?P<kext>\{::(?:comment|nomarkdown|options)\b)|(?P<ial>\{:(?!:)[^}\n]*\})"
    r"|(?P<hid>(?<=[^\s\\])[ \t]*\{#[A-Za-z][\w:.-]*\}(?=[ \t]*(?:\r?\n|\r|$)))",
    re.IGNORECASE,
)
_OPENER_TEXTS = ("<!--", "<script", "<style", "{%", "{{", "{:", "{#")
_LIQUID_TAG = re.compile(r"\{%-?\s*(?P<name>[A-Za-z_]+)[^%]*?-?%\}", re.S)
_LIQUID_BLOCKS = {"comment", "raw", "for", "capture", "tablerow"}
_KRAMDOWN_LINE_BREAK = re.compile(r"\\\\(?=[ \t]*(?:\r?\n|\r))")
_NOT_NEWLINE = re.compile(r"[^\r\n]")


def mask_hidden(text: str, start: int, dialect: Dialect) -> tuple[str, list[Hidden]]:
    """`text` with every character a visitor never sees (from `start` on) turned into a space.

    Newlines are kept, so each remaining character keeps its line and offset."""
    import bisect

    spans: list[tuple[int, int]] = []
    hidden: list[Hidden] = []
    jekyll = dialect == "kramdown"
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def blank(a: int, b: int, reason: str) -> None:
        spans.append((a, b))
        if reason:
            first = bisect.bisect_right(line_starts, a)
            last = bisect.bisect_right(line_starts, max(a, b - 1))
            hidden.append(Hidden(reason, first, last, " ".join(text[a:b].split())))

    pos = start
    markers = paired_marker_lines(text)
    lower = text.lower()
    # Most pages hold few of these, and scanning half a megabyte for none of them is the cost.
    if not any(opener in lower for opener in _OPENER_TEXTS):
        pos = len(text)
    while True:
        m = _OPENERS.search(text, pos)
        if m is None:
            break
        at = m.start()
        if m.group(0) == "<!--":
            line_start = text.rfind("\n", 0, at) + 1
            if line_start in markers and not text[line_start:at].strip():
                pos = text.find("-->", at) + 3
                continue
            close = text.find("-->", at + 4)
            end = len(text) if close < 0 else close + 3
            blank(at, end, "comment")
        elif m.group("raw"):
            tag = m.group("raw").lower()
            close_m = re.compile(rf"</{tag}\s*>", re.I).search(text, m.end())
            end = len(text) if close_m is None else close_m.end()
            blank(at, end, tag)
        elif not jekyll:
            pos = m.end()  # Liquid and kramdown markup are plain text to GitHub
            continue
        elif m.group("ltag") is not None:
            end = _liquid_end(text, at)
            blank(at, end, "liquid")
        elif m.group(0) == "{{":
            close = text.find("}}", at + 2)
            end = len(text) if close < 0 else close + 2
            blank(at, end, "liquid")
        elif m.group("kext"):
            end = _kramdown_extension_end(text, at, m.group("kext"))
            blank(at, end, "kramdown")
        else:  # an IAL or a heading id: markup, not text
            end = m.end()
            blank(at, end, "")
        pos = max(end, at + 1)
    if jekyll:
        # `\\` ending a line is kramdown's line break; two spaces are CommonMark's.
        spans += [(m.start(), m.end()) for m in _KRAMDOWN_LINE_BREAK.finditer(text, start)]
        spans.sort()
    if not spans:
        return text, hidden
    pieces: list[str] = []
    pos = 0
    for a, b in spans:
        a = max(a, pos)
        if a >= b:
            continue
        pieces.append(text[pos:a])
        pieces.append(_NOT_NEWLINE.sub(" ", text[a:b]))
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces), hidden


def _liquid_end(text: str, at: int) -> int:
    """End of a Liquid tag, or of the whole block for tags whose body nobody sees as written."""
    first = _LIQUID_TAG.match(text, at)
    if first is None:
        close = text.find("%}", at)
        return len(text) if close < 0 else close + 2
    name = first.group("name").lower()
    if name not in _LIQUID_BLOCKS:
        return first.end()
    depth = 1
    for m in _LIQUID_TAG.finditer(text, first.end()):
        tag = m.group("name").lower()
        if tag == name and name != "raw" and name != "comment":
            depth += 1
        elif tag == f"end{name}":
            depth -= 1
            if depth == 0:
                return m.end()
    return len(text)


def _kramdown_extension_end(text: str, at: int, opener: str) -> int:
    name = opener[3:].lower()
    head_end = text.find("}", at)
    if head_end < 0:
        return len(text)
    if text[head_end - 1] == "/":  # {::options … /}
        return head_end + 1
    if name == "nomarkdown":
        return head_end + 1  # only the tag: its content is raw HTML, shown as it is
    close = re.compile(rf"\{{:/(?:{name})?\}}").search(text, head_end)
    return len(text) if close is None else close.end()


# -- rendering ---------------------------------------------------------------------------------

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

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock


def _line_text(state: StateBlock, line: int) -> str:
    return str(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])


def _kramdown_html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """kramdown's HTML block: from a line opening a block-level element to the line holding
    its matching end tag (blank lines included), content raw except where `markdown="1"`."""
    if state.is_code_block(start):
        return False
    m = _BLOCK_START.match(_line_text(state, start))
    if m is None or m.group("name").lower() not in _BLOCK_TAGS:
        return False
    if silent:
        return True
    last = _block_end(state, start, end, m.group("name").lower())
    _emit_html(state, start, last + 1)
    state.line = last + 1
    return True


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


def _as_written(url: str) -> str:
    return url


# What the enabled inline rules start at (newline, escape, backticks, strikethrough, emphasis,
# link, image, autolink/HTML, entity), and "]", where a link label ends.
_TERMINATORS = re.compile(r"[\n!&*<\[\\\]_`~]")
_PLAIN_DESTINATION = re.compile(r"[^\s()\\<&\x00-\x1f\x7f]+")


def _link_destination_parser() -> Any:
    """markdown-it's link destination parser with a fast path for the common case.

    The original walks a URL character by character in Python; on a page of thousands of
    links that is a tenth of the reading time. A destination with no parentheses, escapes,
    entities or angle brackets is read with one regex; anything else goes to the original."""
    from markdown_it.helpers import parse_link_destination

    original = parse_link_destination.parseLinkDestination

    def parse(string: str, pos: int, maximum: int) -> Any:
        m = _PLAIN_DESTINATION.match(string, pos, maximum)
        # Ended by the link's closing parenthesis (no "(" came before it), a space before a
        # title, or the end: exactly where the original would stop.
        if m is not None and (m.end() == maximum or string[m.end()] in ") \t\n\"'"):
            result = parse_link_destination._Result()
            result.ok, result.pos, result.str = True, m.end(), m.group()
            return result
        return original(string, pos, maximum)

    return parse


def _markdown(dialect: Dialect) -> MarkdownIt:
    import types

    from markdown_it import MarkdownIt
    from markdown_it import helpers as md_helpers

    # CommonMark plus what both GFM and kramdown's GFM input add that homepages use.
    # `breaks`: a Markdown line break becomes <br>, so the walk can take every newline left
    # in the HTML for what browsers take it for, a space ("Title\n  of a paper" in raw HTML).
    md = MarkdownIt("commonmark", {"breaks": True}).enable(["table", "strikethrough"])
    # Links are read, never followed or shown: percent-encoding and punycode (a third of the
    # Markdown time on a long page) buy nothing here; same_url() compares URLs unquoted.
    md.normalizeLink = _as_written  # type: ignore[method-assign]
    # The text rule runs up to the next character some inline rule could start at. The default
    # set also stops at characters only plugins we do not load use ("-", ":", "#", "=" …),
    # which splits every "Vision-and-Language: …" title into many small steps.
    md.inline.terminator_re = _TERMINATORS
    md.helpers = types.SimpleNamespace(  # type: ignore[assignment]
        parseLinkLabel=md_helpers.parseLinkLabel,
        parseLinkTitle=md_helpers.parseLinkTitle,
        parseLinkDestination=_link_destination_parser(),
    )
    if dialect == "kramdown":
        md.block.ruler.before(
            "html_block",
            "kramdown_html_block",
            _kramdown_html_block,
            {"alt": ["paragraph", "reference", "blockquote"]},
        )
        # In kramdown only block-level elements start an HTML block: a line such as `<br>`
        # or `<img …>` is part of a paragraph whose Markdown is read (CommonMark would make it
        # raw HTML up to the next blank line).
        md.disable("html_block")
    return md


# A setext underline or a thematic break, anywhere: what `lheading` and `hr` need to see.
_UNDERLINE = re.compile(r"(?:^|[ \t>\r\n])(?:-+|=+)[ \t]*(?:[\r\n]|$)")
_BREAK = re.compile(r"([-*_])[ \t]*\1[ \t]*\1")


def _needless_rules(body: str) -> list[str]:
    """markdown-it rules that nothing in `body` can set off.

    markdown-it tries every block rule at each block (and each as a terminator at each line of
    a paragraph) and every inline rule at each stop in the text; a rule that cannot match
    anywhere on the page changes no token when left out, and leaving out the ones a page of
    thousands of papers never uses saves a tenth of the parse (setext headings alone scan
    ahead through every paragraph)."""
    needed = {
        "lheading": _UNDERLINE.search(body) is not None,
        "hr": _BREAK.search(body) is not None,
        "fence": "```" in body or "~~~" in body,
        "heading": "#" in body,
        "reference": "]:" in body,
        "strikethrough": "~" in body,
        "escape": "\\" in body,
        "backticks": "`" in body,
        "entity": "&" in body,
        "image": "![" in body,
    }
    return [rule for rule, used in needed.items() if not used]


def parse_markdown(text: str, start: int, dialect: Dialect) -> tuple[list[Token], int]:
    """The masked page's body (text[start:]) as markdown-it block tokens (their `map` lines
    count from the body), and the file line the body starts on."""
    body = text[start:]
    md = _markdown(dialect)
    md.disable(_needless_rules(body))
    tokens = md.parse(body)
    return tokens, text.count("\n", 0, start) + 1
