"""The store's part of every fetch: settle what it can, and say what must be asked for.

Shared by fetch_arxiv, fetch_github and search_arxiv_titles. Each groups its keys as given
under a store key (an arXiv base id, a lower-case owner/name, a normalised title); the plan
loads the stored entries, settles fresh ones (and, offline, every one), and leaves the rest
pending. Imports no HTTP stack: a run that finds everything fresh loads none.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Generic, TypeVar

from scholar_cli.models import Fetched
from scholar_cli.sources.options import describe_age, fallback_warning, record_age

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from scholar_cli.models import ArxivRecord, FetchStatus, RepoStats
    from scholar_cli.sources.options import FetchOptions, FetchReport
    from scholar_cli.sources.store import RecordStore, StoredRecord

R = TypeVar("R")


class StorePlan(Generic[R]):
    """What `plan_fetch` left to the fetcher, and the warnings it owes at the end.

    A plain slotted class, not a dataclass: this module loads on every run, and building a
    dataclass costs more than the whole rest of it.
    """

    __slots__ = ("offline_warning", "pending", "stored")

    def __init__(
        self,
        stored: dict[str, tuple[StoredRecord, R]],  # store key -> usable stored entry, any age
        pending: list[str],  # store keys to ask the service for, in the order given
        offline_warning: str,  # "" unless offline with records too old or missing
    ) -> None:
        self.stored = stored
        self.pending = pending
        self.offline_warning = offline_warning

    def finish(self, report: FetchReport, never_sent_prefix: str, never_sent: list[str]) -> None:
        """The closing warnings: keys never sent (if any), then the offline fallback."""
        if never_sent:
            report.warnings.append(never_sent_prefix + ", ".join(never_sent))
        if self.offline_warning:
            report.warnings.append(self.offline_warning)


def plan_fetch(
    groups: Mapping[str, list[str]],
    load: Callable[[str], tuple[StoredRecord, R] | None],
    settle: Callable[[list[str], FetchStatus, R | None, float | None, str], None],
    options: FetchOptions,
    max_age: float,
    *,
    offline_prefix: str,
    labels: Callable[[str], list[str]] = lambda key: [key],
    note: Callable[[str, R], str] = lambda key, record: "",
    missing_note: str = "offline and no stored record",
    offline_note: str = "offline; fetched {age} ago",
) -> StorePlan[R]:
    """Settle `groups` (store key -> keys as given) from the store where options allow.

    `settle(keys, status, record, fetched_at, note)` records an outcome; `labels` names a store
    key in warnings; `note` adds to the note of a fresh or offline record (GitHub's renames);
    `offline_note` gets the record's age as `{age}`.
    """
    now = time.time()
    stored: dict[str, tuple[StoredRecord, R]] = {}
    for key in groups:
        if (pair := load(key)) is not None:
            stored[key] = pair

    pending: list[str] = []
    offline_old: list[tuple[str, float]] = []
    offline_missing: list[str] = []
    for key, keys in groups.items():
        pair = stored.get(key)
        if options.offline:
            if pair is None:
                offline_missing += labels(key)
                settle(keys, "unknown", None, None, missing_note)
            else:
                entry, record = pair
                age = record_age(entry.fetched_at, now)
                if age >= max_age:
                    offline_old += [(label, entry.fetched_at) for label in labels(key)]
                said = join_notes(offline_note.format(age=describe_age(age)), note(key, record))
                settle(keys, "offline", record, entry.fetched_at, said)
            continue
        if pair is not None and not options.refresh:
            entry, record = pair
            if record_age(entry.fetched_at, now) < max_age:
                settle(keys, "fresh", record, entry.fetched_at, note(key, record))
                continue
        pending.append(key)

    warning = ""
    if offline_old or offline_missing:
        warning = fallback_warning(offline_prefix, offline_old, offline_missing, now)
    return StorePlan(stored, pending, warning)


def join_notes(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def load_stored(
    store: RecordStore, service: str, key: str, parse: Callable[[dict[str, Any]], R]
) -> tuple[StoredRecord, R] | None:
    """The stored entry for `key` and its record, or None when missing or unreadable."""
    entry = store.get(service, key)
    if entry is None:
        return None
    try:
        return entry, parse(entry.record)
    except (KeyError, TypeError, ValueError):
        return None  # written by an incompatible version: refetch


def settle(
    report: FetchReport,
    keys: list[str],
    status: FetchStatus,
    record: ArxivRecord | RepoStats | None = None,
    fetched_at: float | None = None,
    note: str = "",
) -> None:
    """The same outcome for every key (as given) that shares one store key."""
    for key in keys:
        report.results[key] = Fetched(key, status, record, fetched_at, note)
