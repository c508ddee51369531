"""Citation counts on the page: static shields.io citation badges and the shields endpoint
file (`--citations-json`) the AcadHomepage template's badge reads.

Which paper a badge counts (the rule, since badges carry no id): a badge on the line where a
paper's item starts, or within the next ten lines and before the next paper, is that paper's;
any other citation badge (a header, an "about me" line) shows the total over the page's papers.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable

from scholar_cli.edit.badges import escape_badge_text, split_badge_content
from scholar_cli.grammar import format_count
from scholar_cli.ids import is_shields_url, static_badge_label
from scholar_cli.models import Badge, Page, Paper
from scholar_cli.views import Records

__all__ = ["citation_badge_edits", "endpoint_json", "is_citation_badge", "total_citations"]

_LABELS = {"citations", "citation", "cited by", "cited"}
_ITEM_LINES = 10  # how far below an item's first line its badges may sit
_STATIC = re.compile(r"/badge/(?P<content>[^/?#]+)")


def is_citation_badge(url: str) -> bool:
    """A static shields.io badge whose label is citations, citation, cited or cited by."""
    label = static_badge_label(url) if is_shields_url(url) else None
    return label is not None and label.replace("_", " ").strip() in _LABELS


def _owner(badge: Badge, papers: list[Paper], starts: list[int]) -> Paper | None:
    i = bisect.bisect_right(starts, badge.line) - 1
    if i < 0 or badge.line - starts[i] > _ITEM_LINES:
        return None
    return papers[i]


def total_citations(papers: Iterable[Paper], records: Records) -> int | None:
    """The sum of the papers' counts (stale ones included: they are the last good values);
    None when no paper has a count at all."""
    counts = [c for c in (records.citation_count(p) for p in papers) if c is not None]
    return sum(counts) if counts else None


def citation_badge_edits(
    data: bytes, page: Page, records: Records
) -> tuple[list[tuple[int, int, bytes]], list[str]]:
    """(start, end, new bytes) for every citation badge whose count is known, and warnings for
    those left as they are. A count never had leaves the badge alone (never a 0)."""
    papers = sorted(page.papers, key=lambda p: p.line)
    starts = [p.line for p in papers]
    total = total_citations(page.papers, records)
    edits: list[tuple[int, int, bytes]] = []
    warnings: list[str] = []
    for badge in page.badges:
        if badge.kind != "other" or not is_citation_badge(badge.url):
            continue
        paper = _owner(badge, papers, starts)
        count = records.citation_count(paper) if paper is not None else total
        if count is None:
            what = f"{paper.title!r}" if paper is not None else "the page's papers"
            warnings.append(f"line {badge.line}: no citation count for {what}: badge left as it is")
            continue
        span = data[badge.start : badge.end].decode("utf-8")
        new = _with_message(span, format_count(count))
        if new is None:
            warnings.append(f"line {badge.line}: citation badge is not label-message-color")
        elif new != span:
            edits.append((badge.start, badge.end, new.encode("utf-8")))
    return edits, warnings


def _with_message(span: str, message: str) -> str | None:
    """The badge markup with the message field of `/badge/<label>-<message>-<color>` set."""
    m = _STATIC.search(span)
    if m is None:
        return None
    fields = split_badge_content(m.group("content"))
    if len(fields) != 3:
        return None
    fields[1] = escape_badge_text(message)
    return span[: m.start("content")] + "-".join(fields) + span[m.end("content") :]


def endpoint_json(total: int) -> bytes:
    """The shields.io endpoint document for a citations badge (`img.shields.io/endpoint?url=…`)."""
    document = {"schemaVersion": 1, "label": "citations", "message": format_count(total)}
    return (json.dumps(document) + "\n").encode("utf-8")
