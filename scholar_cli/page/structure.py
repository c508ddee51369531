"""Markdown tokens and HTML -> sections -> entries, with file lines.

One walk: dialect.py parses the page as its site would (kramdown or GFM) into markdown-it
tokens; the walk replays Markdown structure as the HTML elements it stands for and feeds raw
HTML to `html.parser`, so both reach the same callbacks. A paper written as a Markdown list
item and one written as `<div class="publication-item">` reach the same code, and a `<div>`
that spans blank lines is still one element. Tokens carry their source line; raw HTML counts
its own newlines from the line it starts on.

This module is the replay, the one place that knows markdown-it's token types; the callbacks
are walker.py's, so a change to what an element or heading means never touches the tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scholar_cli.page.entries import Walk
from scholar_cli.page.sections import section_kind
from scholar_cli.page.walker import _Walker

if TYPE_CHECKING:
    from markdown_it.token import Token


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
