"""Generated tables between scholar markers.

    <!-- scholar:papers year=2025 columns=title,venue,stars -->
    …replaced on every refresh…
    <!-- /scholar:papers -->

Each marker is alone on its line; markers inside fenced or indented code are text, not markers.
Only what lies between a pair changes: the marker lines, and everything outside them, are kept
byte for byte. Options are those of `scholar list` (year, author, venue, search, sort, columns)
plus `format`, any tabulate format. A value with spaces is quoted: `search="zeroth order"`.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from scholar_cli.errors import PageError, UsageError
from scholar_cli.grammar import MARKER, MARKER_ANY_CASE, MARKER_START, front_matter_line_count
from scholar_cli.models import Page
from scholar_cli.render import HTML_TABLE_FORMATS, render_table
from scholar_cli.views import (
    BLOCK_FETCHED_COLUMNS,
    COLUMNS,
    DEFAULT_COLUMNS,
    KINDS,
    ROW_BUILDERS,
    Filters,
    Records,
    parse_columns,
    parse_years,
    select,
    sort_items,
)

__all__ = ["OPTIONS", "MarkerBlock", "find_blocks", "render_block", "render_blocks"]

OPTIONS = ("year", "author", "venue", "search", "sort", "columns", "format")

_NEWLINE = re.compile(r"\r\n|\r|\n")
# What every line MARKER_START accepts contains, searched for in the whole text at once.
_ANY_MARKER = re.compile(r"<!--\s*/?\s*scholar:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MarkerBlock:
    """One pair of markers: what to render, and where its inside lies in the text."""

    kind: str
    options: Mapping[str, str]
    line: int  # 1-based line of the opening marker
    end_line: int  # 1-based line of the closing marker
    inner_start: int  # character offset just after the opening marker's line ending
    inner_end: int  # character offset where the closing marker's line starts
    newline: str  # the opening marker's line ending, used for every generated line
    in_html_block: bool  # the marker sits inside an HTML block, where Markdown is not rendered
    indent: str = ""  # the opening marker's indent: a block in a list item stays in the item


def _split_lines(text: str) -> list[str]:
    lines: list[str] = []
    pos = 0
    for m in _NEWLINE.finditer(text):
        lines.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        lines.append(text[pos:])
    return lines


def _code_and_html_lines(lines: list[str], skip: int) -> tuple[set[int], set[int]]:
    """0-based lines inside code blocks, and lines inside (not starting) an HTML block."""
    from markdown_it import MarkdownIt

    # Front matter is blanked, not removed, so the parser's line numbers stay the file's.
    body = "\n" * skip + "".join(line.rstrip("\r\n") + "\n" for line in lines[skip:])
    code: set[int] = set()
    inside_html: set[int] = set()
    # Block structure only: inline parsing (links, emphasis) is three quarters of the parse
    # and changes no block token or line map.
    for token in MarkdownIt("commonmark").disable("inline").parse(body):
        if token.map is None:
            continue
        first, last = token.map
        if token.type in ("fence", "code_block"):
            code.update(range(first, last))
        elif token.type == "html_block":
            inside_html.update(range(first + 1, last))
    return code, inside_html


def _content(lines: list[str], index: int) -> str:
    """The line without its ending (nor, on the first line, a byte order mark)."""
    content = lines[index].rstrip("\r\n")
    return content.lstrip("\ufeff") if index == 0 else content


def _parse_options(path: object, kind: str, text: str, line: int) -> dict[str, str]:
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise PageError(path, f"scholar:{kind} marker: {e}", line) from None
    options: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq:
            raise PageError(path, f"scholar:{kind} marker: {word!r} is not key=value", line)
        if key not in OPTIONS:
            raise PageError(
                path,
                f"scholar:{kind} marker: unknown option {key!r} (choose from {', '.join(OPTIONS)})",
                line,
            )
        if key in options:
            raise PageError(path, f"scholar:{kind} marker: option {key!r} given twice", line)
        options[key] = value
    return options


def find_blocks(text: str, path: object) -> list[MarkerBlock]:
    """Every marker pair in `text`, in order. Raises PageError naming the line of the first
    unknown kind or option, nested, mismatched, unclosed or stray marker."""
    if not _ANY_MARKER.search(text):
        return []  # most pages: nothing marker-like anywhere, so nothing to split or parse
    lines = _split_lines(text)
    skip = front_matter_line_count(lines)
    candidates = [i for i in range(skip, len(lines)) if MARKER_START.match(_content(lines, i))]
    if not candidates:
        return []
    code, inside_html = _code_and_html_lines(lines, skip)
    starts = [0, *itertools.accumulate(len(line) for line in lines)]
    blocks: list[MarkerBlock] = []
    open_: tuple[str, dict[str, str], int, int, str, str] | None = None  # kind, options, line, …
    for index in candidates:
        raw = lines[index]
        line_start = starts[index]
        offset = starts[index + 1]
        content = _content(lines, index)
        if index in code:
            continue
        lineno = index + 1
        m = MARKER.match(content)
        if m is None and MARKER_ANY_CASE.match(content):
            raise PageError(
                path,
                "scholar markers are lower case: <!-- scholar:KIND --> (KIND: papers, "
                "projects, news or repos)",
                lineno,
            )
        if m is None:
            raise PageError(
                path, "a scholar marker must be alone on its line, ending in -->", lineno
            )
        kind = m.group("kind")
        closing = m.group("close") is not None
        if kind not in KINDS:
            raise PageError(
                path,
                f"unknown scholar marker kind {kind!r} (choose from {', '.join(KINDS)})",
                lineno,
            )
        if closing:
            if m.group("options").strip():
                raise PageError(path, f"closing marker /scholar:{kind} takes no options", lineno)
            if open_ is None:
                raise PageError(
                    path, f"closing marker /scholar:{kind} has no opening marker", lineno
                )
            open_kind, options, open_line, inner_start, newline, indent = open_
            if kind != open_kind:
                raise PageError(
                    path,
                    f"closing marker /scholar:{kind} does not match scholar:{open_kind} "
                    f"opened on line {open_line}",
                    lineno,
                )
            blocks.append(
                MarkerBlock(
                    kind=kind,
                    options=options,
                    line=open_line,
                    end_line=lineno,
                    inner_start=inner_start,
                    inner_end=line_start,
                    newline=newline,
                    in_html_block=(open_line - 1) in inside_html,
                    indent=indent,
                )
            )
            open_ = None
            continue
        if open_ is not None:
            raise PageError(
                path,
                f"scholar:{kind} marker inside the scholar:{open_[0]} block opened on line "
                f"{open_[2]} (blocks cannot nest)",
                lineno,
            )
        newline = raw[len(raw.rstrip("\r\n")) :]
        if not newline:
            raise PageError(path, f"scholar:{kind} marker is never closed", lineno)
        options = _parse_options(path, kind, m.group("options"), lineno)
        _check_format(path, kind, options, lineno)
        indent = content[: len(content) - len(content.lstrip(" \t"))]
        open_ = (kind, options, lineno, offset, newline, indent)
    if open_ is not None:
        raise PageError(path, f"scholar:{open_[0]} marker is never closed", open_[2])
    return blocks


def _check_format(path: object, kind: str, options: Mapping[str, str], line: int) -> None:
    from tabulate import tabulate_formats

    fmt = options.get("format")
    if fmt is not None and fmt not in tabulate_formats:
        raise PageError(
            path,
            f"scholar:{kind} marker: unknown format {fmt!r} (any tabulate format, e.g. "
            "github, pipe, html)",
            line,
        )


def render_block(block: MarkerBlock, page: Page, records: Records, path: object) -> str:
    """The new inside of one block: the table, with the block's line ending on every line."""
    opts = block.options
    fmt = opts.get("format", "html" if block.in_html_block else "github")
    html_format = fmt in HTML_TABLE_FORMATS
    try:
        filters = Filters(
            years=parse_years([opts["year"]]) if "year" in opts else (),
            author=opts.get("author"),
            venue=opts.get("venue"),
            search=opts.get("search"),
        )
        if "columns" in opts:
            columns = parse_columns(block.kind, opts["columns"], fetched=True)
        else:
            # Without `line`: entries below a block move whenever the table above them grows,
            # and a column that changes because the table changed would never settle.
            default = DEFAULT_COLUMNS[block.kind] + BLOCK_FETCHED_COLUMNS[block.kind]
            columns = tuple(c for c in default if c != "line" and c in COLUMNS[block.kind])
        items = select(page, block.kind, filters, records)
        rows = [ROW_BUILDERS[block.kind](item, records) for item in items]
        sort_items(block.kind, items, rows, opts.get("sort"))
    except UsageError as e:
        problem = e.message.removeprefix("--")
        raise PageError(path, f"scholar:{block.kind} marker: {problem}", block.line) from None
    table = render_table(rows, columns, fmt, in_page=True)
    nl = block.newline
    table_lines = [block.indent + line for line in table.split("\n")]
    if html_format:
        return nl.join(table_lines) + nl
    # Blank lines around a Markdown table: it must not run into the marker comments.
    return nl + nl.join(table_lines) + nl + nl


def _missing_key(block: MarkerBlock, page: Page, missing: frozenset[str]) -> str | None:
    """A key (arXiv id, owner/name) with no record that the block's rows could need: its
    items before filters that need records (a year may come from arXiv)."""
    if not missing or block.kind == "news":
        return None
    opts = block.options
    filters = Filters(author=opts.get("author"), venue=opts.get("venue"), search=opts.get("search"))
    try:
        items = select(page, block.kind, filters, Records())
    except UsageError:
        return None  # render_block reports it
    for item in items:
        if block.kind == "papers":
            keys = [item.arxiv.id] if item.arxiv else []
            keys += [r.lower() for r in item.repos]
        elif block.kind == "projects":
            keys = [r.lower() for r in item.repos]
        else:
            keys = [item.repo.lower()]
        for key in keys:
            if key in missing:
                return str(key)
    return None


def render_blocks(
    text: str,
    page: Page,
    records: Records,
    path: object,
    missing: frozenset[str] = frozenset(),
    warnings: list[str] | None = None,
) -> str:
    """`text` with the inside of every marker block replaced by its freshly rendered table.

    Validates every marker first, so a bad marker anywhere means no block is rendered. A
    block whose rows need a record in `missing` (a source failed and none was stored) keeps
    what it shows: those cells are the last good values, and a blank is not news. Each kept
    block adds a line to `warnings`.
    """
    blocks = find_blocks(text, path)
    out: list[str] = []
    pos = 0
    for block in blocks:
        out.append(text[pos : block.inner_start])
        key = _missing_key(block, page, missing)
        if key is None:
            out.append(render_block(block, page, records, path))
        else:
            out.append(text[block.inner_start : block.inner_end])
            if warnings is not None:
                warnings.append(
                    f"{path}:{block.line}: kept the scholar:{block.kind} table as it was "
                    f"(no record for {key}; its source failed)"
                )
        pos = block.inner_end
    out.append(text[pos:])
    return "".join(out)
