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
from scholar_cli.errors import ExitCode, ScholarError, UsageError

if TYPE_CHECKING:
    from scholar_cli.commands import Output
    from scholar_cli.console import Console

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


def _console(quiet: bool, verbose: bool) -> "Console":
    """The run's stderr, after the -q/-v given before or after the command."""
    from scholar_cli.console import Console

    quiet, verbose = _flags(quiet, verbose)
    _setup_logging(verbose)
    return Console(quiet=quiet, verbose=verbose)


CitationsOption = Annotated[
    str | None,
    typer.Option(
        help="Citation counts from openalex, semanticscholar, or off (the default; or "
        "citations = in scholar.toml).",
        show_default=False,
    ),
]
WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Whole values in the table, however wide the terminal."),
]


def _table_width(wide: bool) -> int | None:
    """The terminal's width to fit tables to; None (whole values) with --wide or when the
    output goes to a pipe or file."""
    if wide or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _emit(output: "Output") -> None:
    """Print what a verb produced, then exit as it says (its error after its text)."""
    if output.stdout:
        typer.echo(output.stdout, nl=not output.stdout.endswith("\n"))
    if output.error is not None:
        raise output.error
    if output.code:
        raise typer.Exit(output.code)


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
DeadlineOption = Annotated[
    str | None,
    typer.Option(
        help="Network time per source before stored records are used instead (30s, 2m). "
        "Default: deadline in scholar.toml, $SCHOLAR_DEADLINE (seconds), else 30s.",
        show_default=False,
    ),
]


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
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
    max_age: MaxAgeOption = None,
    deadline: DeadlineOption = None,
    citations: CitationsOption = None,
    totals: Annotated[
        bool,
        typer.Option("--totals", help="After papers: a line with the count, citations, h-index."),
    ] = False,
    wide: WideOption = False,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """List the papers, projects, news or GitHub repositories on the page."""
    from scholar_cli import commands, render, views

    console = _console(quiet, verbose)
    _choice("KIND", kind, views.KINDS)
    _choice("--format", output_format, commands.LIST_FORMATS)
    filters = views.Filters(
        years=views.parse_years(year or []), author=author, venue=venue, search=search
    )
    if output_format == "table" and tablefmt not in render.table_formats():
        raise UsageError(f"--tablefmt: {tablefmt!r} is not a tabulate format")
    fetch = commands.FetchFlags(cache_dir, offline, refresh, max_age, deadline)
    settings, page_path, options = commands.resolve(page, {"citations": citations}, fetch)
    _emit(
        commands.run_list(
            page_path,
            kind,
            filters,
            settings,
            options,
            console,
            columns=columns,
            sort=sort,
            output_format=output_format,
            tablefmt=tablefmt,
            no_fetch=no_fetch,
            width=_table_width(wide),
            totals=totals,
        )
    )


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
    citations: CitationsOption = None,
    citations_json: Annotated[
        Path | None,
        typer.Option(
            help="Also write the total citation count as a shields.io endpoint file (.json).",
            show_default=False,
        ),
    ] = None,
    lock_timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds to wait for another refresh of the same page. Default: 60.",
            show_default=False,
        ),
    ] = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
    max_age: MaxAgeOption = None,
    deadline: DeadlineOption = None,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Rewrite star badges and the tables between scholar markers; nothing else changes."""
    from scholar_cli import commands, defaults

    console = _console(quiet, verbose)
    if lock_timeout is None:
        lock_timeout = defaults.LOCK_TIMEOUT
    if not lock_timeout >= 0:
        raise UsageError(f"--lock-timeout: {lock_timeout:g} is not zero or more seconds")
    fetch = commands.FetchFlags(cache_dir, offline, refresh, max_age, deadline)
    flags = {"badges": badges, "data": data, "citations": citations}
    settings, page_path, options = commands.resolve(
        page, {**flags, "citations_json": citations_json}, fetch
    )
    mode = "check" if check else "dry-run" if dry_run else "write"
    with commands.open_store(options) as store:
        for warning in store.warnings:
            console.warn(warning)
        result = commands.run_refresh(
            page_path,
            settings,
            options,
            store,
            console,
            fix_links=fix_links,
            mode=mode,
            lock_timeout=lock_timeout,
        )
    _emit(commands.refresh_verdict(result, mode, console))


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
    deadline: DeadlineOption = None,
    wide: WideOption = False,
    cache_dir: CacheDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Report what on the page arXiv and GitHub contradict, and what is malformed."""
    from scholar_cli import commands

    console = _console(quiet, verbose)
    _choice("--format", output_format, commands.CHECK_FORMATS)
    _choice("--fail-on", fail_on, commands.FAIL_ON)
    fetch = commands.FetchFlags(cache_dir, offline, refresh, max_age, deadline)
    settings, page_path, options = commands.resolve(page, {"owner": owner}, fetch)
    _emit(
        commands.run_check(
            page_path,
            settings,
            options,
            console,
            output_format=output_format,
            fail_on=fail_on,
            suggest=suggest,
            width=_table_width(wide),
        )
    )


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
    from scholar_cli import commands

    _emit(commands.run_cache_info(commands.store_options(cache_dir)))


@cache_app.command("clear")
@handles_errors
def cache_clear_command(cache_dir: CacheDirOption = None) -> None:
    """Remove every stored record (the next run fetches everything again)."""
    from scholar_cli import commands

    _emit(commands.run_cache_clear(commands.store_options(cache_dir)))


def main() -> None:
    app(prog_name="scholar")
