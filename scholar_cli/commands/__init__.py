"""One module per verb; the CLI parses options, builds a Console, calls one `run_*` here and
prints the Output it gets back. No typer below this line."""

from scholar_cli.commands.cache import run_cache_clear, run_cache_info
from scholar_cli.commands.checking import FAIL_ON, run_check
from scholar_cli.commands.checking import FORMATS as CHECK_FORMATS
from scholar_cli.commands.listing import FORMATS as LIST_FORMATS
from scholar_cli.commands.listing import run_list
from scholar_cli.commands.pages import inspect_page, load_page
from scholar_cli.commands.refreshing import RefreshResult, refresh_verdict, run_refresh
from scholar_cli.commands.setup import (
    FetchFlags,
    Output,
    open_store,
    resolve,
    resolve_settings,
    store_options,
)

__all__ = [
    "CHECK_FORMATS",
    "FAIL_ON",
    "LIST_FORMATS",
    "FetchFlags",
    "Output",
    "RefreshResult",
    "inspect_page",
    "load_page",
    "open_store",
    "refresh_verdict",
    "resolve",
    "resolve_settings",
    "run_cache_clear",
    "run_cache_info",
    "run_check",
    "run_list",
    "run_refresh",
    "store_options",
]
