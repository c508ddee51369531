"""Rows -> text: tables (any tabulate format), CSV, JSON. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from scholar_cli.models import Finding, Page

FORMATS = ("table", "json", "csv", "markdown")


# Characters that would end a table row, or a line, in the middle of a cell.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))
# One pass, so nothing is escaped twice: HTML's three specials become entities (a title's
# `<script>` stays text) and Markdown's inline punctuation is backslash-escaped (a `|` cannot
# split a cell, a `[x](javascript:…)` description cannot become a link).
_MARKDOWN_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
    }
)
_HTML_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ONE_LINE: dict[int, str] = {}  # no escaping beyond keeping each cell on one line
# Formats whose output is Markdown: a page renders their cells as Markdown inline text.
MARKDOWN_TABLE_FORMATS = frozenset({"github", "pipe"})
HTML_TABLE_FORMATS = frozenset({"html", "unsafehtml"})
# tabulate escapes LaTeX's specials itself in these; latex_raw would pass page text through.
LATEX_TABLE_FORMATS = frozenset({"latex", "latex_booktabs", "latex_longtable"})


def render_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    tablefmt: str,
    *,
    in_page: bool = False,
    width: int | None = None,
    shrink: Sequence[str] = (),
) -> str:
    """The one table renderer, for `list` and for marker blocks alike.

    Each cell is escaped exactly once for the format it lands in: Markdown formats get
    Markdown escapes, HTML formats HTML entities, LaTeX formats tabulate's own escaping
    (latex_raw is written as latex). `in_page`: the table goes into a Markdown page, where
    whatever the format, inline HTML would be live, so HTML's specials become entities.
    """

    fmt = "latex" if tablefmt == "latex_raw" else tablefmt
    if fmt in MARKDOWN_TABLE_FORMATS:
        escape = _MARKDOWN_ESCAPES
    elif fmt in HTML_TABLE_FORMATS:
        escape, fmt = _HTML_SPECIALS, "unsafehtml"  # escaped here; tabulate's html would again
    elif in_page and fmt not in LATEX_TABLE_FORMATS:
        escape = _HTML_SPECIALS
    else:
        escape = None
    body = [[_cell(row[c], escape) for c in columns] for row in rows]
    return fit_table(body, list(columns), fmt, width, shrink)


def fit_table(
    body: list[list[str]],
    headers: list[str],
    tablefmt: str,
    width: int | None = None,
    shrink: Sequence[str] = (),
) -> str:
    """tabulate, and when `width` is given (a terminal's), the `shrink` columns shortened
    with "…", first in the list first, each to no less than 10 characters (or its header),
    until every line fits (or nothing more can give). Without `width`, values are whole."""
    from tabulate import tabulate

    def draw(cells: list[list[str]]) -> str:
        # disable_numparse: tabulate would print arXiv id 0704.0001 as 704.0001 and
        # 2104.12255 as 2104.12.
        return tabulate(cells, headers=headers, tablefmt=tablefmt, disable_numparse=True)

    text = draw(body)
    if width is None or not body:
        return text
    excess = max(map(len, text.splitlines())) - width
    if excess <= 0:
        return text
    limits: dict[int, int] = {}
    for name in shrink:
        if name not in headers:
            continue
        i = headers.index(name)
        # tabulate gives a header two spaces more than its text, so that is its floor too.
        header = len(headers[i]) + 2
        natural = max(header, *(len(row[i]) for row in body))
        give = min(natural - max(header, _FLOOR), excess)
        if give > 0:
            limits[i] = natural - give
            excess -= give
        if excess <= 0:
            break
    cut = [
        [_short(cell, limits[i]) if i in limits else cell for i, cell in enumerate(row)]
        for row in body
    ]
    return draw(cut)


_FLOOR = 10  # a shortened column keeps at least this many characters


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue().rstrip("\n")


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def table_formats() -> list[str]:
    from tabulate import tabulate_formats

    return list(tabulate_formats)


def _cell(value: Any, escape: dict[int, str] | None = None) -> str:
    if value is None:
        return ""
    text = str(value)
    if escape is None:
        return text
    return text.replace("\r\n", " ").translate(_LINE_BREAKS).translate(escape)


# Which columns of `check` give way first on a narrow terminal.
FINDING_SHRINK = ("fix", "source says", "page says", "item")


def render_findings(findings: Sequence[Finding], width: int | None = None) -> str:
    """Findings grouped by severity (they arrive sorted), then a one-line count; fitted to
    `width` (a terminal's) by shortening the fix, then what the source and page say."""

    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = ", ".join(
        f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items()
    )
    if not findings:
        return f"no findings ({summary})"
    rows = [[f.severity, str(f.line), f.kind, f.item, f.page, f.source, f.fix] for f in findings]
    headers = ["severity", "line", "kind", "item", "page says", "source says", "fix"]
    rows = [[_cell(cell, _ONE_LINE) for cell in row] for row in rows]
    table = fit_table(rows, headers, "simple", width, FINDING_SHRINK)
    return f"{table}\n\n{summary}"


def github_annotation(path: str, finding: Finding) -> str:
    """A GitHub Actions workflow command, so the finding shows on the pull request."""
    level = {"error": "error", "warning": "warning", "info": "notice"}[finding.severity]
    message = f"{finding.item}: page says {finding.page!r}"
    if finding.source:
        message += f"; source says {finding.source!r}"
    message += f". Fix: {finding.fix}"
    props = f"file={_prop(path)},line={finding.line},title={_prop('scholar ' + finding.kind)}"
    return f"::{level} {props}::{_data(message)}"


def _data(text: str) -> str:
    # GitHub's escaping for workflow command data and properties.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_inspect(page: Page, how: str) -> str:
    """How the reader read the page: sections, every item with its fields, what it skipped.

    `how` says why the page was read in its dialect ("kramdown: the page has front matter")."""
    out = [f"page: {page.path}", f"read as: {how}", f"sections: {len(page.sections)}"]
    width = max((len(s.name) + (2 if s.parent else 0) for s in page.sections), default=0)
    for s in page.sections:
        note = "" if s.why == "heading words" else f"  ({s.why})"
        name = f"  {s.name}" if s.parent else s.name
        out.append(f"  line {s.line:<5} {name:<{width}}  {s.kind}{note}")
    out.append(f"papers: {len(page.papers)}")
    for p in page.papers:
        out.append(f"  line {p.line:<5} {p.title}")
        authors = ", ".join(a.name + ("*" if a.equal else "") for a in p.authors)
        owner = [a.name for a in p.authors if a.bold]
        fields = [
            ("authors", authors + (f"  (bold: {', '.join(owner)})" if owner else "")),
            ("venue", p.venue),
            ("years", ", ".join(str(y) for y in p.years)),
            ("arXiv", str(p.arxiv) if p.arxiv else ""),
            ("repos", ", ".join(p.repos)),
            ("links", " | ".join(f"{link.label or '(no text)'} {link.url}" for link in p.links)),
            ("section", p.section),
        ]
        out += [f"             {name:<8} {value}" for name, value in fields if value]
    out.append(f"projects: {len(page.projects)}")
    for project in page.projects:
        out.append(f"  line {project.line:<5} {project.title}")
        fields = [
            ("repos", ", ".join(project.repos)),
            ("mentions", ", ".join(project.mentions)),
            ("about", _short(project.description, 70)),
        ]
        out += [f"             {name:<8} {value}" for name, value in fields if value]
    out.append(f"news: {len(page.news)}")
    for item in page.news:
        out.append(f"  line {item.line:<5} {item.date or '(no date)'}  {_short(item.text, 60)}")
    out.append(f"star badges: {sum(b.kind != 'other' for b in page.badges)}")
    for badge in page.badges:
        if badge.kind != "other":
            out.append(f"  line {badge.line:<5} {badge.kind:<12} {badge.repo or '(no repository)'}")
    out.append(f"skipped: {len(page.skipped)}")
    for skip in page.skipped:
        where = (
            f"line {skip.line}"
            if skip.end_line <= skip.line
            else f"lines {skip.line}-{skip.end_line}"
        )
        out.append(f"  {where:<12} {skip.reason}: {_short(skip.text, 60)}")
    return "\n".join(out)


def inspect_json(page: Page, how: str) -> dict[str, Any]:
    """The page's own JSON form (models.Page) in inspect's key order, with how it was read."""
    parts = page.to_json_dict()
    return {
        "schema": 1,
        "page": page.path,
        "dialect": page.dialect,
        "read_as": how,
        **{key: parts[key] for key in INSPECT_PARTS},
    }


INSPECT_PARTS = ("sections", "papers", "projects", "news", "badges", "skipped")
