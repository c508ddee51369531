"""The page as a command sees it: read once, from the record store when its bytes did not
change since it was last parsed."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.models import Page

if TYPE_CHECKING:
    from scholar_cli.config import Settings
    from scholar_cli.sources.store import RecordStore


def reader_args(settings: Settings | None) -> dict[str, Any]:
    """What parse_page takes from the settings."""
    if settings is None:
        return {"paper_sections": (), "dialect": None}
    return {"paper_sections": settings.paper_sections, "dialect": settings.dialect}


def load_page(
    path: Path,
    store: RecordStore | None = None,
    settings: Settings | None = None,
    data: bytes | None = None,
) -> Page:
    """The parsed page; with a store, a page whose bytes did not change is not parsed again
    (a warm run then never loads the Markdown parser or PyYAML)."""
    # crc32 + length, not sha256: it only has to notice an edit, and zlib is already loaded
    # by diskcache while hashlib would cost a warm run several milliseconds.
    import zlib

    from scholar_cli.page import READER_SCHEMA, read_page_bytes

    if data is None:
        data = read_page_bytes(path)
    args = reader_args(settings)
    # The reader's schema (bumped by every reader change) and the settings it reads with are
    # part of what was parsed.
    how = f"{READER_SCHEMA}:{args['dialect'] or ''}:{'|'.join(args['paper_sections'])}"
    digest = f"{how}:{len(data)}:{zlib.crc32(data):08x}"
    key = str(path.resolve())
    if store is not None:
        entry = store.get("page", key)
        if entry is not None and entry.record.get("digest") == digest:
            # Tens of thousands of objects for a long page, none freed until it is built: a
            # pass of the cyclic collector meanwhile would walk them all (half the time).
            collecting = gc.isenabled()
            gc.disable()
            try:
                return Page.from_json_dict({**entry.record["page"], "path": str(path)})
            finally:
                if collecting:
                    gc.enable()
    from scholar_cli.page import parse_page

    page = parse_page(path, data, **args)
    if store is not None:
        record = {"digest": digest, "page": page.to_json_dict()}
        store.put("page", key, record, fetched_at=time.time())
    return page


def inspect_page(page_path: Path, settings: Settings) -> tuple[Page, str]:
    """The page read afresh (never from the store: inspect shows what this reader makes of
    it) and a line saying which dialect it was read in and why."""
    from scholar_cli.page import parse_page, read_page_bytes

    data = read_page_bytes(page_path)
    page = parse_page(page_path, data, **reader_args(settings))
    if settings.dialect is not None:
        why = f"set in {settings.config_file or 'the settings'}"
    elif data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        why = "the page has front matter, so Jekyll renders it"
    elif page.dialect == "gfm":
        why = "a README without front matter, so GitHub renders it"
    else:
        why = "no front matter, but not a README: read as a page a Jekyll site includes"
    return page, f"{page.dialect} ({why})"
