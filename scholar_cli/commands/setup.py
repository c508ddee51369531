"""Where a run's settings, page, record store and fetch options come from: the one builder.

Precedence, lowest first: defaults (scholar_cli.defaults) < scholar.toml or [tool.scholar] <
environment < flags. Each value is resolved here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.errors import ConfigError, PageError, ScholarError, UsageError
from scholar_cli.sources.options import FetchOptions

if TYPE_CHECKING:
    from scholar_cli.config import Settings
    from scholar_cli.sources.store import RecordStore

PAGE_CANDIDATES = ("_pages/about.md", "about.md", "index.md", "README.md")


@dataclass(frozen=True, slots=True)
class Output:
    """What a verb hands back to the CLI: text for stdout, an exit code, and the error to
    report after the text (a partial table is still printed before exit 5)."""

    stdout: str = ""
    code: int = 0
    error: ScholarError | None = None


@dataclass(frozen=True, slots=True)
class FetchFlags:
    """The fetch-related flags every fetching command shares (None: not given)."""

    cache_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    max_age: str | None = None
    deadline: str | None = None


def find_page(here: Path) -> Path:
    """The first usual homepage file in `here` (when neither --page, $SCHOLAR_PAGE nor
    scholar.toml names one)."""
    for name in PAGE_CANDIDATES:
        if (here / name).is_file():
            return here / name
    raise PageError(
        here, f"no page found (looked for {', '.join(PAGE_CANDIDATES)}); pass --page PATH"
    )


def resolve_settings(page: Path | None, flags: Mapping[str, Any]) -> tuple[Settings, Path]:
    """Settings from defaults < scholar.toml/[tool.scholar] < flags, and the page.

    The config file is looked for next to the page named by --page or $SCHOLAR_PAGE, else in
    the current folder.
    """
    from scholar_cli.config import build_settings, load_config

    explicit = page or (
        Path(os.environ["SCHOLAR_PAGE"]) if os.environ.get("SCHOLAR_PAGE") else None
    )
    folder = explicit.parent if explicit is not None else Path.cwd()
    values, source = load_config(folder)
    settings = build_settings(values, flags, source)
    page_path = explicit or settings.page or find_page(folder)
    return settings, page_path


def parse_duration_flag(flag: str, text: str) -> float:
    """`3600`, `90s`, `30m`, `24h`, `7d` -> seconds; a usage error naming `flag` otherwise."""
    from scholar_cli.config import parse_duration

    try:
        return parse_duration(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a duration like 3600, 30m, 24h or 7d") from None


def store_options(cache_dir: Path | None) -> FetchOptions:
    """Options for commands that only open the record store (cache info/clear)."""
    return FetchOptions.from_env(cache_dir=cache_dir)


def resolve(
    page: Path | None, flags: Mapping[str, Any], fetch: FetchFlags
) -> tuple[Settings, Path, FetchOptions]:
    """Settings, the page, and fetch options: environment < settings < flags."""
    max_age = None if fetch.max_age is None else parse_duration_flag("--max-age", fetch.max_age)
    deadline = None
    if fetch.deadline is not None:
        deadline = parse_duration_flag("--deadline", fetch.deadline)
    settings, page_path = resolve_settings(page, flags)
    options = FetchOptions.from_env(
        cache_dir=fetch.cache_dir, offline=fetch.offline, refresh=fetch.refresh
    )
    changes: dict[str, Any] = {
        "arxiv_max_age": settings.arxiv_max_age if max_age is None else max_age,
        "github_max_age": settings.github_max_age if max_age is None else max_age,
    }
    # The deadline: the flag, else $SCHOLAR_DEADLINE (from_env read it), else the file, else
    # the default: defaults < file < environment < flags, like every other value.
    if deadline is None and not os.environ.get("SCHOLAR_DEADLINE", "").strip():
        deadline = settings.deadline
    if deadline is not None:
        changes["deadline"] = deadline
    return settings, page_path, dataclasses.replace(options, **changes)


def open_store(options: FetchOptions) -> RecordStore:
    from scholar_cli.sources.store import RecordStore

    return RecordStore(options.cache_dir)


def open_usable_store(options: FetchOptions) -> RecordStore:
    """The store itself, or ConfigError: the cache commands must never report on a
    throwaway stand-in as if it were the user's store."""
    store = open_store(options)
    if store.folder != store.requested_folder:
        why = store.warnings[0] if store.warnings else f"record store {store.requested_folder}"
        store.close()
        raise ConfigError(why.split("; using a temporary store")[0] + " (unusable)")
    return store
