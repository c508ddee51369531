"""`scholar refresh`: star badges, marker tables and the data file, from fresh records.

The order is what keeps a page safe: read and validate, fetch (no lock held, so a slow
network never blocks an overlapping run), compute every new byte, and only then, when
something would change, lock the file written, re-read it, re-apply if it moved, check
every target, and replace. A value the page shows stays until a real record replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scholar_cli.commands.fetching import FetchOutcome, fetch_records
from scholar_cli.commands.pages import load_page, reader_args
from scholar_cli.commands.setup import Output
from scholar_cli.errors import ExitCode, FetchError, WriteError

if TYPE_CHECKING:
    from scholar_cli.config import Settings
    from scholar_cli.console import Console
    from scholar_cli.models import Page
    from scholar_cli.sources.options import FetchOptions
    from scholar_cli.sources.store import RecordStore


@dataclass(slots=True)
class RefreshResult:
    page_path: Path
    changed: bool  # the page's new bytes differ from what is on disk
    data_changed: bool  # a side file (data file, citations JSON) would change
    page_written: bool
    written: list[Path]  # side files written
    diff: str  # unified diff of the page (and side files); only for --dry-run
    warnings: list[str]
    failed: bool  # some record could not be fetched and none was stored


@dataclass(slots=True)
class _File:
    """A file refresh writes beside the page: the data file, the citations JSON."""

    path: Path
    new: bytes
    old: bytes | None  # None: it does not exist yet


@dataclass(slots=True)
class _Plan:
    new: bytes
    files: list[_File]  # only those that would change
    warnings: list[str]


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _plan(
    original: bytes,
    page_path: Path,
    settings: Settings,
    outcome: FetchOutcome,
    fix_links: bool,
    page: Page | None = None,
) -> _Plan:
    """Every new byte of the page and its side files, from `original` (read as `page`, when
    the caller already parsed it) and the records."""
    from scholar_cli.edit.badges import renamed_repos, rewrite_badges, star_counts
    from scholar_cli.edit.blocks import render_blocks
    from scholar_cli.edit.citations import citation_badge_edits, endpoint_json, total_citations
    from scholar_cli.edit.datafile import render_data_file
    from scholar_cli.page import parse_page

    if page is None:
        page = parse_page(page_path, original, **reader_args(settings))
    records = outcome.records
    warnings: list[str] = []
    cited: list[tuple[int, int, bytes]] = []
    if records.citation_source is not None:
        cited, cite_warnings = citation_badge_edits(original, page, records)
        warnings += cite_warnings
    badged, badge_warnings = rewrite_badges(
        original,
        page.badges,
        star_counts(page, records),
        settings.badges,
        renamed_repos(page, records),
        fix_links,
        cited,
    )
    warnings += badge_warnings
    missing = outcome.missing()
    new = render_blocks(badged.decode("utf-8"), page, records, page_path, missing, warnings).encode(
        "utf-8"
    )
    files: list[_File] = []
    if settings.data is not None:
        data, old = settings.data, _read(settings.data)
        if outcome.failed and old is not None:
            warnings.append(f"{data}: kept as it was (some records could not be fetched)")
        else:
            reread = (
                page if new == original else parse_page(page_path, new, **reader_args(settings))
            )
            files.append(_File(data, render_data_file(data, reread, records), old))
    if settings.citations_json is not None and records.citation_source is not None:
        path, old = settings.citations_json, _read(settings.citations_json)
        total = total_citations(page.papers, records)
        if missing & {p.arxiv.id for p in page.papers if p.arxiv}:
            # A paper whose count was never had would make the total too small.
            warnings.append(f"{path}: kept as it was (some citation counts could not be fetched)")
        elif total is None:
            warnings.append(f"{path}: not written: no paper on the page has a citation count")
        else:
            files.append(_File(path, endpoint_json(total), old))
    return _Plan(new, [f for f in files if f.new != f.old], warnings)


def run_refresh(
    page_path: Path,
    settings: Settings,
    options: FetchOptions,
    store: RecordStore,
    console: Console | None = None,
    *,
    fix_links: bool = False,
    mode: str = "write",  # write | dry-run | check
    lock_timeout: float,
) -> RefreshResult:
    from scholar_cli.edit.blocks import find_blocks
    from scholar_cli.edit.write import (
        check_writable,
        clean_stale_temps,
        page_lock,
        unified_diff,
        write_page,
    )
    from scholar_cli.page import read_page_bytes

    original = read_page_bytes(page_path)  # a missing page or a folder: exit 3, no lock
    # The stored parse when these very bytes were read before (a warm run reads no Markdown).
    page = load_page(page_path, store, settings, data=original)
    blocks = find_blocks(original.decode("utf-8"), page_path)  # a bad marker: before requests
    cite = settings.citations
    needs_papers = (
        settings.data is not None or cite != "off" or any(b.kind == "papers" for b in blocks)
    )
    ids = list(dict.fromkeys(p.arxiv.id for p in page.papers if p.arxiv)) if needs_papers else []
    outcome = fetch_records(
        ids,
        [r.repo for r in page.repos],
        options,
        store,
        console,
        citations=cite,
        citation_papers=page.papers,
        citations_max_age=settings.citations_max_age,
    )
    plan = _plan(original, page_path, settings, outcome, fix_links, page)
    warnings = [*outcome.warnings, *plan.warnings]

    def result(
        current: bytes, page_written: bool = False, written: list[Path] | None = None
    ) -> RefreshResult:
        diff = ""
        if mode == "dry-run":  # a diff of a large page costs seconds: only when shown
            diff = unified_diff(page_path, current, plan.new)
            diff += "".join(unified_diff(f.path, f.old or b"", f.new) for f in plan.files)
        return RefreshResult(
            page_path,
            plan.new != current,
            bool(plan.files),
            page_written,
            written or [],
            diff,
            warnings,
            outcome.failed,
        )

    if mode != "write" or (plan.new == original and not plan.files):
        # Nothing to write (or not asked to): no lock file, so a read-only checkout works.
        return result(original)

    with page_lock(page_path, lock_timeout):
        for target in (page_path, *(f.path for f in plan.files)):
            clean_stale_temps(target)
        current = read_page_bytes(page_path)
        if current != original:
            # Edited while we fetched: apply the same records to what is there now.
            plan = _plan(current, page_path, settings, outcome, fix_links)
            warnings = [*outcome.warnings, *plan.warnings]
        if plan.new != current:
            check_writable(page_path, current)
        for f in plan.files:
            check_writable(f.path, f.old)
        page_written = write_page(page_path, plan.new, current)
        written: list[Path] = []
        for f in plan.files:
            try:
                if write_page(f.path, f.new, f.old):
                    written.append(f.path)
            except WriteError as e:
                if not page_written and not written:
                    raise
                done = ", ".join(str(p) for p in ([page_path] if page_written else []) + written)
                raise WriteError(
                    f"{done} updated, but {e.message.removesuffix('; nothing written')}; "
                    f"{f.path} is as it was (run scholar refresh again)"
                ) from None
    return result(current, page_written, written)


def refresh_verdict(result: RefreshResult, mode: str, console: Console) -> Output:
    """What refresh says and how it exits: the diff for --dry-run, exit 1 for --check when
    something is out of date, exit 5 (after everything else) when a source failed."""
    for warning in result.warnings:
        console.warn(warning)
    page_path = result.page_path
    code = ExitCode.OK
    if mode == "check":
        if result.changed or result.data_changed:
            what = "the page" if result.changed else "a file it writes beside the page"
            console.say(f"{page_path}: {what} is out of date (run scholar refresh)")
            code = ExitCode.FINDINGS
        else:
            console.warn(f"{page_path}: up to date")
    elif mode == "write":
        console.warn(f"{page_path}: {'updated' if result.page_written else 'up to date'}")
        for path in result.written:
            console.warn(f"{path}: updated")
    error = None
    if result.failed and code == ExitCode.OK:
        error = FetchError("some records could not be fetched and none were stored (see above)")
    return Output(result.diff, code, error)
