"""Reading a homepage. `parse_page(path) -> Page` is the one public name.

Kept light: the parsers load only when a page is actually parsed, so a run served from the
parsed-page cache never imports markdown-it, PyYAML or html.parser.
"""

from __future__ import annotations

from pathlib import Path

from scholar_cli.errors import PageError
from scholar_cli.models import Dialect, Page

__all__ = ["READER_SCHEMA", "parse_page", "read_page_bytes"]

# Bumped by every change to what the reader makes of a page: parsed pages kept in the record
# store under an older number are parsed again. tests/test_page_patterns.py holds it.
READER_SCHEMA = 40


def parse_page(
    path: Path,
    data: bytes | None = None,
    *,
    paper_sections: tuple[str, ...] = (),
    dialect: Dialect | None = None,
) -> Page:
    """Read the page at `path` (or `data`, its bytes already read).

    `paper_sections`: headings that list papers although their words do not say so.
    `dialect`: "kramdown" or "gfm" instead of what the page's form implies."""
    from scholar_cli.page.reader import read_page

    return read_page(path, data, paper_sections=paper_sections, dialect=dialect)


def read_page_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise PageError(path, "is a folder, not a page file")
        return path.read_bytes()
    except FileNotFoundError:
        raise PageError(path, "no such file") from None
    except PermissionError:
        raise PageError(path, "cannot read: permission denied") from None
    except OSError as e:
        raise PageError(path, f"cannot read: {e.strerror or e}") from None
