"""The typer app: parse options, call one function in `commands`, render, echo. Nothing else."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

# typer >= 0.29 vendors its own Click; its exceptions are the ones raised (pinned in pyproject).
from typer._click import exceptions as click_exceptions
from typer.core import TyperGroup

from scholar_cli import __version__
from scholar_cli.errors import ExitCode, ScholarError, UsageError

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
            if "-v" in sys.argv or "--verbose" in sys.argv:
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


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    pass


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
) -> None:
    """List the papers, projects, news or GitHub repositories on the page."""
    from scholar_cli import commands, render, views

    _choice("KIND", kind, views.KINDS)
    _choice("--format", output_format, render.FORMATS)
    filters = views.Filters(
        years=views.parse_years(year or []),
        author=author,
        venue=venue,
        search=search,
    )
    page_path = commands.resolve_page(page)
    if output_format == "table" and tablefmt not in render.table_formats():
        raise UsageError(f"--tablefmt: {tablefmt!r} is not a tabulate format")
    loaded = commands.load_page(page_path)
    listing = commands.list_entries(loaded, kind, filters, columns=columns, sort=sort)
    for note in listing.notes:
        typer.echo(f"scholar: {note}", err=True)
    if output_format == "json":
        typer.echo(render.render_json(listing.json_document()))
    elif not listing.rows:
        return
    elif output_format == "csv":
        typer.echo(render.render_csv(listing.rows, listing.columns))
    else:
        fmt = "github" if output_format == "markdown" else tablefmt
        typer.echo(render.render_table(listing.rows, listing.columns, fmt))


def main() -> None:
    app(prog_name="scholar")
