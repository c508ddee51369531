"""`scholar cache info|clear`: the record store itself, never a stand-in."""

from __future__ import annotations

import time

from scholar_cli.commands.setup import Output, open_usable_store
from scholar_cli.sources.options import FetchOptions


def run_cache_info(options: FetchOptions) -> Output:
    """Where the record store is, how many records it holds, how old they are."""
    with open_usable_store(options) as store:
        info = store.info()

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
    return Output("\n".join(lines))


def run_cache_clear(options: FetchOptions) -> Output:
    with open_usable_store(options) as store:
        removed = store.clear()
    return Output(f"removed {removed} records")
