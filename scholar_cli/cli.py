"""The typer app: parse options, call one function in `commands`, render, echo. Nothing else."""

# No `from __future__ import annotations` here: typer reads these signatures at every start,
# and string annotations would make it eval() each one (several ms per run).
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

# typer 0.28 vendors its own Click: its exceptions are the ones raised (pinned in pyproject).
from typer._click import exceptions as click_exceptions
from typer.core import TyperGroup

from scholar_cli import __version__
from scholar_cli.errors import ExitCode, FetchError, ScholarError, UsageError
from scholar_cli.sources.options import FetchOptions

if TYPE_CHECKING:
    from scholar_cli import commands
    from scholar_cli.config import Settings
    from scholar_cli.sources.store import RecordStore

F = TypeVar("F", bound=Callable[..., Any])


class _OneLineErrors(TyperGroup):
    """Usage errors as one `scholar: error: …` line on stderr (exit 2), like our own errors."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        kwargs.setdefault("prog_name", "scholar")
        try:
            code = super().main(*args, **kwargs)
        except click_exceptions.NoArgsIsHelpError as e:
            typer.echo(e.ctx.get_help() if e.ctx else "")
            sys.exit(0)
        except click_exceptions.UsageError as e:
            _fail(e.format_message(), ExitCode.USAGE)
        except click_exceptions.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except typer.Abort:
            _fail("aborted", 130)
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    typer.echo(f"scholar: error: {message}", err=True)
    sys.exit(code)


app = typer.Typer(
    cls=_OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Keep an academic homepage true: list what is on it, check it, refresh it.",
)


def handles_errors(func: F) -> F:
    """Our errors become one line on stderr and their exit code; bugs become exit 70."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScholarError as e:
            _fail(e.message, e.exit_code)
        except (typer.Exit, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # a bug: say so plainly, never a bare traceback in cron mail
            if kwargs.get("verbose") or _GLOBAL_FLAGS["verbose"]:
                raise
            _fail(
                f"internal error: {type(e).__name__}: {e} (rerun with -v for the traceback)",
                ExitCode.INTERNAL,
            )

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scholar {__version__}")
        raise typer.Exit()


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Log each request and cache hit.")
]

# -q/-v also work before the command (`scholar -v list papers`), as the messages suggest.
_GLOBAL_FLAGS = {"quiet": False, "verbose": False}


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    _GLOBAL_FLAGS.update(quiet=quiet, verbose=verbose)


def _flags(quiet: bool, verbose: bool) -> tuple[bool, bool]:
    """A command's -q/-v, or the ones given before the command."""
    return quiet or _GLOBAL_FLAGS["quiet"], verbose or _GLOBAL_FLAGS["verbose"]


PageOption = Annotated[
    Path | None,
    typer.Option(
        "--page",
        "-p",
        help="The homepage file. Default: $SCHOLAR_PAGE, else _pages/about.md, about.md, "
        "index.md or README.md in this folder.",
        show_default=False,
    ),
]


def _choice(flag: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise UsageError(f"{flag}: {value!r} is not one of {', '.join(choices)}")
    return value


CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Record store folder. Default: $SCHOLAR_CACHE_DIR, else the user cache folder.",
        show_default=False,
    ),
]


def _setup_logging(verbose: bool) -> None:
    if not verbose and "logging" not in sys.modules:
        return  # nothing configured it yet, so there is nothing to undo; a fetch silences urllib3
    import logging

    class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
        """Writes to whatever sys.stderr is now (test runners swap it between runs)."""

        def emit(self, record: logging.LogRecord) -> None:
            self.stream = sys.stderr
            super().emit(record)

    logging.getLogger("urllib3").setLevel(logging.DEBUG if verbose else logging.ERROR)
    log = logging.getLogger("scholar_cli")
    log.propagate = False
    if verbose:
        handler = CurrentStderr()
        handler.setFormatter(logging.Formatter("scholar: %(message)s"))
        log.handlers[:] = [handler]
        log.setLevel(logging.INFO)
    else:
        log.handlers[:] = []
        log.setLevel(logging.WARNING)


def _warn(message: str, quiet: bool) -> None:
    if not quiet:
        typer.echo(f"scholar: {message}", err=True)


def prepare(
    page: Path | None,
    flags: dict[str, Any],
    *,
    cache_dir: Path | None,
    offline: bool = False,
    refresh: bool = False,
    max_age: str | None = None,
) -> "tuple[Settings, Path, FetchOptions]":
    """Settings (file < flags), the page, and fetch options (environment < settings < flags)."""
    from scholar_cli import commands

    seconds = None if max_age is None else parse_duration("--max-age", max_age)
    settings, page_path = commands.resolve_settings(page, flags)
    options = FetchOptions.from_env(cache_dir=cache_dir, offline=offline, refresh=refresh)
    return settings, page_path, commands.with_max_ages(options, settings, seconds)


def parse_duration(flag: str, text: str) -> float:
    """`3600`, `90s`, `30m`, `24h`, `7d` -> seconds; a usage error naming `flag` otherwise."""
    from scholar_cli.config import parse_duration as seconds_of

    try:
        return seconds_of(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a duration like 3600, 30m, 24h or 7d") from None


def run_fetch(
    ids: list[str],
    repos: list[str],
    options: FetchOptions,
    store: "RecordStore",
    *,
    quiet: bool,
    verbose: bool,
) -> "commands.FetchOutcome":
    """Fetch with a spinner on a terminal once a request is due (a warm run never loads rich);
    under cron (no terminal) no spinner and no colour, only the warning lines."""
    from scholar_cli import commands

    what = ", ".join(
        part
        for part in (
            f"{len(ids)} arXiv papers" if ids else "",
            f"{len(repos)} GitHub repos" if repos else "",
        )
        if part
    )
    spinner = _Spinner(f"Checking {what}…", sys.stderr.isatty() and not quiet and not verbose)
    try:
        outcome = commands.fetch_records(ids, repos, options, store, spinner.start)
    finally:
        spinner.stop()
    if verbose:
        _log_cache_use(outcome)
    return outcome


class _Spinner:
    def __init__(self, text: str, enabled: bool) -> None:
        import threading

        self._text = text
        self._enabled = enabled
        self._lock = threading.Lock()
        self._status: Any = None

    def start(self) -> None:
        with self._lock:
            if not self._enabled or self._status is not None:
                return
            from rich.console import Console

            self._status = Console(stderr=True).status(self._text)
            self._status.start()

    def stop(self) -> None:
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None


def _log_cache_use(outcome: "commands.FetchOutcome") -> None:
    import logging
    import time

    log = logging.getLogger("scholar_cli.cache")
    now = time.time()
    for service, results in (("arxiv", outcome.records.arxiv), ("github", outcome.records.github)):
        for key, fetched in results.items():
            if fetched.status in ("fresh", "revalidated", "offline") and fetched.fetched_at:
                age = round(now - fetched.fetched_at)
                log.info("%s %s: %s (record %d s old)", service, key, fetched.status, age)


@app.command("list")
@handles_errors
def list_command(
    kind: Annotated[str, typer.Argument(help="papers, projects, news or repos.")],
    page: PageOption = None,
    year: Annotated[
        list[str] | None,
        typer.Option("--year", "-y", help="Year or range (2024..2025); repeatable."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Author name contains this.")] = None,
    venue: Annotated[str | None, typer.Option(help="Venue text contains this.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Any text.")] = None,
    sort: Annotated[
        str | None, typer.Option(help="Sort by a column; -column for descending.")
    ] = None,
    columns: Annotated[
        str | None, typer.Option("--columns", "-c", help="Comma-separated columns to show.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv or markdown.")
    ] = "table",
    tablefmt: Annotated[
        str, typer.Option(help="Any tabulate format for --format table (github, grid, …).")
    ] = "simple",
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="List the page alone: no records at all.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use stored records of any age; no network.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ignore freshness (GitHub still revalidates).")
    ] = False,
    max_age: Annotated[
        str | None,
        typer.Option(help="Records younger than this are used as they are (3600, 30m, 24h)."),
    ] = None,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """List the papers, projects, news or GitHub repositories on the page."""
    from scholar_cli import commands, render, views

    quiet, verbose = _flags(quiet, verbose)
    _setup_logging(verbose)
    _choice("KIND", kind, views.KINDS)
    _choice("--format", output_format, render.FORMATS)
    filters = views.Filters(
        years=views.parse_years(year or []),
        author=author,
        venue=venue,
        search=search,
    )
    if output_format == "table" and tablefmt not in render.table_formats():
        raise UsageError(f"--tablefmt: {tablefmt!r} is not a tabulate format")
    settings, page_path, options = prepare(
        page, {}, cache_dir=cache_dir, offline=offline, refresh=refresh, max_age=max_age
    )
    records = None
    failed = False
    if no_fetch:
        loaded = commands.load_page(page_path, settings=settings)
    else:
        with commands.open_store(options) as store:
            loaded = commands.load_page(page_path, store, settings)
            ids, repos = commands.needed_sources(loaded, kind)
            if ids or repos:
                outcome = run_fetch(ids, repos, options, store, quiet=quiet, verbose=verbose)
                records, failed = outcome.records, outcome.failed
                for warning in outcome.warnings:
                    _warn(warning, quiet)
            for warning in store.warnings:
                _warn(warning, quiet)
    listing = commands.list_entries(
        loaded, kind, filters, columns=columns, sort=sort, records=records
    )
    for note in listing.notes:
        _warn(note, quiet)
    if output_format == "json":
        typer.echo(render.render_json(listing.json_document()))
    elif not listing.rows:
        pass
    elif output_format == "csv":
        typer.echo(render.render_csv(listing.rows, listing.columns))
    else:
        fmt = "github" if output_format == "markdown" else tablefmt
        typer.echo(render.render_table(listing.rows, listing.columns, fmt))
    if failed:
        # The table is printed with what could be had; the exit code tells cron it is partial.
        raise FetchError("some records could not be fetched and none were stored (see above)")


def _fetcher(
    options: FetchOptions, store: "RecordStore", *, quiet: bool, verbose: bool
) -> "Callable[[list[str], list[str]], commands.FetchOutcome]":
    def fetch(ids: list[str], repos: list[str]) -> "commands.FetchOutcome":
        return run_fetch(ids, repos, options, store, quiet=quiet, verbose=verbose)

    return fetch


OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use stored records of any age; no network.")
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Ignore freshness (GitHub still revalidates).")
]
MaxAgeOption = Annotated[
    str | None,
    typer.Option(help="Use stored records younger than this as they are (3600, 30m, 24h, 1d)."),
]


@app.command("refresh")
@handles_errors
def refresh_command(
    page: PageOption = None,
    badges: Annotated[
        str | None,
        typer.Option(help="Star badges: keep (update static counts), static, or text."),
    ] = None,
    fix_links: Annotated[
        bool, typer.Option("--fix-links", help="Rewrite links of renamed repositories.")
    ] = False,
    data: Annotated[
        Path | None, typer.Option(help="Also write a JSON/YAML data file (.json, .yml, .yaml).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the unified diff; write nothing.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when the page would change.")
    ] = False,
    lock_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for another refresh of the same page.")
    ] = 60.0,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
    max_age: MaxAgeOption = None,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Rewrite star badges and the tables between scholar markers; nothing else changes."""
    from scholar_cli import commands

    quiet, verbose = _flags(quiet, verbose)
    _setup_logging(verbose)
    if not lock_timeout >= 0:
        raise UsageError(f"--lock-timeout: {lock_timeout:g} is not zero or more seconds")
    settings, page_path, options = prepare(
        page,
        {"badges": badges, "data": data},
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        max_age=max_age,
    )
    with commands.open_store(options) as store:
        for warning in store.warnings:
            _warn(warning, quiet)
        result = commands.run_refresh(
            page_path,
            settings,
            options,
            store,
            fix_links=fix_links,
            write=not (dry_run or check),
            lock_timeout=lock_timeout,
            fetch=_fetcher(options, store, quiet=quiet, verbose=verbose),
        )
    for warning in result.warnings:
        _warn(warning, quiet)
    if dry_run and result.diff:
        typer.echo(result.diff, nl=False)
    stale = result.changed or result.data_changed
    if check:
        if stale:
            what = "the page" if result.changed else "the data file"
            _warn(f"{page_path}: {what} is out of date (run scholar refresh)", quiet=False)
            raise typer.Exit(ExitCode.FINDINGS)
        _warn(f"{page_path}: up to date", quiet)
    elif not dry_run:
        _warn(f"{page_path}: {'updated' if result.page_written else 'up to date'}", quiet)
        if result.data_written:
            _warn(f"{settings.data}: updated", quiet)
    if result.failed:
        raise FetchError("some records could not be fetched and none were stored (see above)")


SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@app.command("check")
@handles_errors
def check_command(
    page: PageOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, or github (Actions annotations).")
    ] = "table",
    fail_on: Annotated[
        str, typer.Option(help="Exit 1 on findings at or above: error, warning, info, never.")
    ] = "error",
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Search arXiv by title for papers with no id.")
    ] = False,
    owner: Annotated[
        str | None, typer.Option(help="Your name as papers write it (default: the bold one).")
    ] = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
    max_age: MaxAgeOption = None,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Report what on the page arXiv and GitHub contradict, and what is malformed."""
    from scholar_cli import commands, render

    quiet, verbose = _flags(quiet, verbose)
    _setup_logging(verbose)
    _choice("--format", output_format, ("table", "json", "github"))
    _choice("--fail-on", fail_on, (*SEVERITY_RANK, "never"))
    settings, page_path, options = prepare(
        page,
        {"owner": owner},
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        max_age=max_age,
    )
    with commands.open_store(options) as store:
        result = commands.run_check(
            page_path,
            settings,
            options,
            store,
            suggest=suggest,
            fetch=_fetcher(options, store, quiet=quiet, verbose=verbose),
        )
        for warning in store.warnings:
            _warn(warning, quiet)
    for warning in result.warnings:
        _warn(warning, quiet)
    findings = result.findings
    if output_format == "json":
        doc = {
            "schema": 1,
            "page": str(page_path),
            "findings": [f.to_json_dict() for f in findings],
        }
        typer.echo(render.render_json(doc))
    elif output_format == "github":
        for f in findings:
            typer.echo(render.github_annotation(str(page_path), f))
    else:
        typer.echo(render.render_findings(findings))
    limit = SEVERITY_RANK.get(fail_on, -1)
    if any(SEVERITY_RANK[f.severity] <= limit for f in findings):
        raise typer.Exit(ExitCode.FINDINGS)
    if result.failed:
        # Never a false all-clear: what could not be fetched was not checked.
        raise FetchError("some items could not be checked: a source failed and none were stored")


@app.command("inspect")
@handles_errors
def inspect_command(
    page: PageOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show how the page was read: sections, every item with its fields and line, and each
    block that was skipped and why."""
    from scholar_cli import commands, render

    _choice("--format", output_format, ("text", "json"))
    settings, page_path = commands.resolve_settings(page, {})
    loaded, how = commands.inspect_page(page_path, settings)
    if output_format == "json":
        typer.echo(render.render_json(render.inspect_json(loaded, how)))
    else:
        typer.echo(render.render_inspect(loaded, how))


cache_app = typer.Typer(help="The on-disk record store.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
@handles_errors
def cache_info_command(cache_dir: CacheDirOption = None) -> None:
    """Where the record store is, how many records it holds, how old they are."""
    import time

    from scholar_cli import commands

    info, warnings = commands.cache_info(FetchOptions.from_env(cache_dir=cache_dir))
    for warning in warnings:
        _warn(warning, quiet=False)

    def when(stamp: float | None) -> str:
        if stamp is None:
            return "-"
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))

    lines = [f"folder: {info.folder}"]
    lines += [f"{service} records: {count}" for service, count in info.records]
    lines += [
        f"size: {info.size_bytes} bytes",
        f"oldest: {when(info.oldest)}",
        f"newest: {when(info.newest)}",
    ]
    typer.echo("\n".join(lines))


@cache_app.command("clear")
@handles_errors
def cache_clear_command(cache_dir: CacheDirOption = None) -> None:
    """Remove every stored record (the next run fetches everything again)."""
    from scholar_cli import commands

    removed, warnings = commands.cache_clear(FetchOptions.from_env(cache_dir=cache_dir))
    for warning in warnings:
        _warn(warning, quiet=False)
    typer.echo(f"removed {removed} records")


def main() -> None:
    app(prog_name="scholar")
