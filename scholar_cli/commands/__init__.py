"""One module per verb; the CLI parses options, builds a Console, calls one `run_*` here and
prints the Output it gets back. No typer below this line.

A command imports only its own verb's module: `scholar list` does not pay for `check`'s rules
or `refresh`'s editing (PEP 562 module `__getattr__`; type checkers see the plain imports)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# name here -> (module, name there)
_HOMES = {
    "run_cache_clear": ("cache", "run_cache_clear"),
    "run_cache_info": ("cache", "run_cache_info"),
    "FAIL_ON": ("checking", "FAIL_ON"),
    "run_check": ("checking", "run_check"),
    "CHECK_FORMATS": ("checking", "FORMATS"),
    "LIST_FORMATS": ("listing", "FORMATS"),
    "run_list": ("listing", "run_list"),
    "inspect_page": ("pages", "inspect_page"),
    "load_page": ("pages", "load_page"),
    "RefreshResult": ("refreshing", "RefreshResult"),
    "refresh_verdict": ("refreshing", "refresh_verdict"),
    "run_refresh": ("refreshing", "run_refresh"),
    "FetchFlags": ("setup", "FetchFlags"),
    "Output": ("setup", "Output"),
    "open_store": ("setup", "open_store"),
    "resolve": ("setup", "resolve"),
    "resolve_settings": ("setup", "resolve_settings"),
    "store_options": ("setup", "store_options"),
}

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


def __getattr__(name: str) -> Any:
    # __all__ and _HOMES name the same things (tests/test_layout.py holds them equal).
    try:
        module, attr = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value
