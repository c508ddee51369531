"""Rows -> text: tables (any tabulate format), CSV, JSON. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from scholar_cli.models import Finding

FORMATS = ("table", "json", "csv", "markdown")


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], tablefmt: str) -> str:
    from tabulate import tabulate

    body = [[_cell(row[c]) for c in columns] for row in rows]
    # disable_numparse: tabulate would print arXiv id 0704.0001 as 704.0001 and 2104.12255
    # as 2104.12.
    return tabulate(body, headers=list(columns), tablefmt=tablefmt, disable_numparse=True)


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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def render_findings(findings: Sequence[Finding]) -> str:
    """Findings grouped by severity (they arrive sorted), then a one-line count."""
    from tabulate import tabulate

    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = ", ".join(
        f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items()
    )
    if not findings:
        return f"no findings ({summary})"
    rows = [
        [f.severity, f.line, f.kind, _short(f.item), _short(f.page), _short(f.source), f.fix]
        for f in findings
    ]
    headers = ["severity", "line", "kind", "item", "page says", "source says", "fix"]
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
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
