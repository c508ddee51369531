"""Rows -> text: tables (any tabulate format), CSV, JSON. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

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
