"""Reading a homepage. `parse_page(path) -> Page` is the one public name.

Kept light: the parsers load only when a page is actually parsed, so a run served from the
parsed-page cache never imports markdown-it, PyYAML or html.parser.
"""

from __future__ import annotations

from pathlib import Path

from scholar_cli.errors import PageError
from scholar_cli.models import Page

__all__ = ["parse_page", "read_page_bytes"]


def parse_page(path: Path, data: bytes | None = None) -> Page:
    """Read the page at `path` (or `data`, its bytes already read)."""
    from scholar_cli.page.reader import read_page

    return read_page(path, data)


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
