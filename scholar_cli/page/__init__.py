"""Reading a homepage. `parse_page(path) -> Page` is the one public name.

Kept light: the parsers load only when a page is actually parsed, so a run served from the
parsed-page cache never imports markdown-it, PyYAML or html.parser.
"""

from __future__ import annotations

from pathlib import Path

from scholar_cli.models import Page

__all__ = ["parse_page"]


def parse_page(path: Path, data: bytes | None = None) -> Page:
    """Read the page at `path` (or `data`, its bytes already read)."""
    from scholar_cli.page.reader import read_page

    return read_page(path, data)
