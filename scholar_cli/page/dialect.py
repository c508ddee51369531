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
from scholar_cli.page.htmlblock import kramdown_html_block

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
            kramdown_html_block,
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
