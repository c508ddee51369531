"""How the site turns the page into HTML: kramdown for Jekyll pages, GitHub's GFM for READMEs.

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

Both produce one HTML string whose blocks carry their 1-based file line (`data-sl` attributes
on Markdown blocks, `<!--sl:N-->` comments before raw HTML), which the structure walk reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scholar_cli.models import Dialect

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

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
_MARKER_LINE = re.compile(r"[ \t]*<!--\s*/?\s*scholar:[^\n]*?-->[ \t]*(?:\r?\n|\r|$)", re.I)
_OPENERS = re.compile(
    r"<!--|<(?P<raw>script|style)\b|\{%-?\s*(?P<ltag>[A-Za-z_]+)|\{\{"
    r"|(?P<kext>\{::(?:comment|nomarkdown|options)\b)|(?P<ial>\{:(?!:)[^}\n]*\})"
    r"|(?P<hid>(?<=[^\s\\])[ \t]*\{#[A-Za-z][\w:.-]*\}(?=[ \t]*(?:\r?\n|\r|$)))",
    re.IGNORECASE,
)
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
    while True:
        m = _OPENERS.search(text, pos)
        if m is None:
            break
        at = m.start()
        if m.group(0) == "<!--":
            line_start = text.rfind("\n", 0, at) + 1
            marker = _MARKER_LINE.match(text, line_start)
            if marker is not None and not text[line_start:at].strip():
                pos = marker.end()
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
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_TAG = re.compile(
    r"<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?P<self>/)?>"
)
_MARKDOWN_ATTR = re.compile(r"""\bmarkdown\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_BLOCK_START = re.compile(r"^ {0,3}<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)", re.M)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")


class _Renderer:
    """Renders one page body. `text` is the whole masked page; regions are offsets into it."""

    def __init__(self, text: str, dialect: Dialect) -> None:
        from markdown_it import MarkdownIt

        self.text = text
        self.dialect = dialect
        # CommonMark plus what both GFM and kramdown-GFM add that homepages use.
        self.md: MarkdownIt = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.out: list[str] = []

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self._line_starts, offset)

    # -- Markdown ------------------------------------------------------------------------------
    def markdown(self, start: int, end: int) -> None:
        """Block-level Markdown in text[start:end]; in kramdown, HTML blocks are cut out."""
        if self.dialect == "gfm":
            self._render_md(start, end)
            return
        pos = start
        chunk = start
        in_fence: str | None = None
        while pos < end:
            line_end = self.text.find("\n", pos, end)
            line_end = end if line_end < 0 else line_end
            line = self.text[pos:line_end]
            fence = _FENCE.match(line)
            if in_fence is not None:
                if fence and fence.group("fence")[0] == in_fence[0]:
                    in_fence = None
            elif fence:
                in_fence = fence.group("fence")
            else:
                m = _BLOCK_START.match(line)
                if m and m.group("name").lower() in _BLOCK_TAGS:
                    self._render_md(chunk, pos)
                    block_end = self._html_block_end(pos, end, m.group("name").lower())
                    self.html(pos, block_end)
                    pos = chunk = block_end
                    continue
            pos = line_end + 1
        self._render_md(chunk, end)

    def _render_md(self, start: int, end: int) -> None:
        body = self.text[start:end]
        if not body.strip():
            self.out.append(body.count("\n") * "\n")
            return
        first_line = self.line_of(start)
        tokens = self.md.parse(body)
        for tok in tokens:
            if tok.map is None:
                continue
            if tok.type == "html_block":
                tok.content = f"<!--sl:{tok.map[0] + first_line}-->{tok.content}"
            elif tok.nesting == 1:
                tok.attrSet("data-sl", str(tok.map[0] + first_line))
        self.out.append(self.md.renderer.render(tokens, self.md.options, {}))

    def _html_block_end(self, start: int, limit: int, name: str) -> int:
        """Where the HTML block opening at `start` ends: after the line holding its matching
        end tag; a void or never-closed element ends at the first blank line, as CommonMark's."""
        depth = 0
        for m in _TAG.finditer(self.text, start, limit):
            tag = m.group("name").lower()
            if tag != name:
                continue
            if m.group("close"):
                depth -= 1
            elif not (m.group("self") or tag in _VOID):
                depth += 1
            if depth <= 0:
                line_end = self.text.find("\n", m.end(), limit)
                return limit if line_end < 0 else line_end + 1
        blank = _BLANK_LINE.search(self.text, start, limit)
        return limit if blank is None else blank.start() + 1

    # -- raw HTML ------------------------------------------------------------------------------
    def html(self, start: int, end: int) -> None:
        """Raw HTML in text[start:end], with Markdown inside elements that ask for it."""
        self.out.append(f"<!--sl:{self.line_of(start)}-->")
        pos = start
        for m in _TAG.finditer(self.text, start, end):
            if m.start() < pos or m.group("close"):
                continue
            attr = _MARKDOWN_ATTR.search(m.group("attrs") or "")
            if attr is None:
                continue
            value = (attr.group(1) or attr.group(2) or attr.group(3) or "").lower()
            name = m.group("name").lower()
            if value in ("0", "") or name in _VOID or m.group("self"):
                continue
            inner_end, close_end = self._matching_close(m.end(), end, name)
            self._raw(pos, m.end())
            if value == "span" or (value != "block" and name in _SPAN_MODEL):
                self.out.append(self.md.renderInline(self.text[m.end() : inner_end]))
            else:
                self.markdown(m.end(), inner_end)
            self.out.append(f"<!--sl:{self.line_of(inner_end)}-->")
            pos = inner_end
            if close_end <= pos:
                break
        self._raw(pos, end)

    def _raw(self, start: int, end: int) -> None:
        """Raw HTML, except stretches that are plainly Markdown.

        kramdown leaves an HTML block's content raw unless told otherwise, yet owners write
        `- **Title** …` lists inside `<details>` and sites that set `parse_block_html` show them
        as lists. So a stretch after a blank line that does not start with a tag (nor is
        indented as code) is read as Markdown: that is what the owner meant it to be.
        """
        pos = start
        island: int | None = None  # where the current stretch of Markdown began
        blank_before = False
        line_start = start
        while line_start < end:
            line_end = self.text.find("\n", line_start, end)
            line_end = end if line_end < 0 else line_end + 1
            line = self.text[line_start:line_end]
            stripped = line.strip()
            if island is not None and (not stripped or stripped.startswith("<")):
                self.out.append(self.text[pos:island])
                self._render_md(island, line_start)
                self.out.append(f"<!--sl:{self.line_of(line_start)}-->")
                pos, island = line_start, None
            elif (
                island is None
                and blank_before
                and stripped
                and not stripped.startswith("<")
                and len(line) - len(line.lstrip(" ")) < 4
            ):
                island = line_start
            blank_before = not stripped
            line_start = line_end
        if island is not None:
            self.out.append(self.text[pos:island])
            self._render_md(island, end)
            pos = end
        self.out.append(self.text[pos:end])

    def _matching_close(self, start: int, limit: int, name: str) -> tuple[int, int]:
        """(start, end) of the end tag closing an element `name` whose content starts here."""
        depth = 1
        for m in _TAG.finditer(self.text, start, limit):
            if m.group("name").lower() != name:
                continue
            if m.group("close"):
                depth -= 1
                if depth == 0:
                    return m.start(), m.end()
            elif not m.group("self"):
                depth += 1
        return limit, limit


def render_html(text: str, start: int, dialect: Dialect) -> str:
    """The masked page's body (text[start:]) as HTML, blocks tagged with their file lines."""
    renderer = _Renderer(text, dialect)
    renderer.markdown(start, len(text))
    return "".join(renderer.out)
