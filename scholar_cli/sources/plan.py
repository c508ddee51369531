"""The store's part of every fetch: settle what it can, say what must be asked for, and fall
back to stored records when asking fails.

Shared by fetch_arxiv, fetch_github and search_arxiv_titles. Each groups its keys as given
under a store key (an arXiv base id, a lower-case owner/name, a normalised title); the plan
loads the stored entries, settles fresh ones (and, offline, every one), and leaves the rest
pending. When a request fails, `StorePlan.fall_back` is the one rule for what the user gets:
the stored record of any age, else unknown, plus one warning line. Imports no HTTP stack: a
run that finds everything fresh loads none.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Generic, TypeVar

from scholar_cli.models import Fetched
from scholar_cli.sources.options import describe_age, fallback_warning, record_age

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any

    from scholar_cli.models import ArxivRecord, FetchStatus, RepoStats
    from scholar_cli.sources.options import FetchOptions, FetchReport
    from scholar_cli.sources.store import RecordStore, StoredRecord

R = TypeVar("R")


class StorePlan(Generic[R]):
    """What `plan_fetch` left to the fetcher, how to fall back, and the warnings owed at the end.

    A plain slotted class, not a dataclass: this module loads on every run, and building a
    dataclass costs more than the whole rest of it.
    """

    __slots__ = (
        "_groups",
        "_labels",
        "_missing_note",
        "_note",
        "_settle",
        "_stale_note",
        "offline_warning",
        "pending",
        "stored",
    )

    def __init__(
        self,
        groups: Mapping[str, list[str]],
        stored: dict[str, tuple[StoredRecord, R]],  # store key -> usable stored entry, any age
        settle: Callable[[list[str], FetchStatus, R | None, float | None, str], None],
        labels: Callable[[str], list[str]],
        note: Callable[[str, R], str],
        stale_note: str,
        missing_note: str,
    ) -> None:
        self.stored = stored
        self.pending: list[str] = []  # store keys to ask the service for, in the order given
        self.offline_warning = ""  # set when offline with records too old or missing
        self._groups = groups
        self._settle = settle
        self._labels = labels
        self._note = note
        self._stale_note = stale_note
        self._missing_note = missing_note

    def fall_back(self, keys: Iterable[str], why: str) -> str:
        """Settle `keys` (store keys) after a failure: each one's stored record, of any age, as
        "stale", else "unknown", with `why` in its note. Returns the one warning line."""
        return self.fall_back_each(dict.fromkeys(keys, why), why)

    def fall_back_each(self, causes: Mapping[str, str], headline: str) -> str:
        """`fall_back` with a cause per store key; the warning line starts with `headline`."""
        return self._use_stored(
            causes,
            "stale",
            headline,
            kept=lambda cause, age: f"{cause}; {self._stale_note.format(age=age)}",
            missing=lambda cause: f"{cause}; {self._missing_note}",
            mention=lambda age: True,
        )

    def _use_stored(
        self,
        causes: Mapping[str, str],
        status: FetchStatus,
        headline: str,
        *,
        kept: Callable[[str, str], str],
        missing: Callable[[str], str],
        mention: Callable[[float], bool],
    ) -> str:
        """The stored record of any age (with `status`), else unknown; "" when no record worth
        mentioning (`mention(age)`) and none missing, else one warning line."""
        now = time.time()
        stale: list[tuple[str, float]] = []
        unknown: list[str] = []
        for key, cause in causes.items():
            pair = self.stored.get(key)
            if pair is None:
                unknown += self._labels(key)
                self._settle(self._groups[key], "unknown", None, None, missing(cause))
                continue
            entry, record = pair
            age = record_age(entry.fetched_at, now)
            if mention(age):
                stale += [(label, entry.fetched_at) for label in self._labels(key)]
            said = join_notes(kept(cause, describe_age(age)), self._note(key, record))
            self._settle(self._groups[key], status, record, entry.fetched_at, said)
        if not stale and not unknown:
            return ""
        return fallback_warning(headline, stale, unknown, now)

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
    offline_missing_note: str = "offline and no stored record",
    offline_note: str = "offline; fetched {age} ago",
    stale_note: str = "record fetched {age} ago",
    missing_note: str = "no stored record",
) -> StorePlan[R]:
    """Settle `groups` (store key -> keys as given) from the store where options allow.

    `settle(keys, status, record, fetched_at, note)` records an outcome; `labels` names a store
    key in warnings; `note` adds to the note of a fresh, offline or stale record (GitHub's
    renames). The other notes are the wording of the fallbacks: offline, and after a failure
    (`<cause>; <stale_note>`, `<cause>; <missing_note>`); `{age}` is the record's age.
    """
    now = time.time()
    stored: dict[str, tuple[StoredRecord, R]] = {}
    for key in groups:
        if (pair := load(key)) is not None:
            stored[key] = pair
    plan = StorePlan(groups, stored, settle, labels, note, stale_note, missing_note)

    offline: list[str] = []
    for key, keys in groups.items():
        pair = stored.get(key)
        if options.offline:
            offline.append(key)
            continue
        if pair is not None and not options.refresh:
            entry, record = pair
            if record_age(entry.fetched_at, now) < max_age:
                settle(keys, "fresh", record, entry.fetched_at, note(key, record))
                continue
        plan.pending.append(key)

    if offline:
        # Offline is the same fallback, said differently: only records past their max age
        # are worth a warning, and the line comes last (StorePlan.finish).
        plan.offline_warning = plan._use_stored(
            dict.fromkeys(offline, "offline"),
            "offline",
            offline_prefix,
            kept=lambda cause, age: offline_note.format(age=age),
            missing=lambda cause: offline_missing_note,
            mention=lambda age: age >= max_age,
        )
    return plan


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


class Deadline:
    """The end of a source's time to send: `options.deadline` seconds after it starts.

    Checked before each request; sessions built with `session_options` stop requests in flight
    at the same moment (http.build_session counts `deadline` from when it is called).
    """

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (negative once passed); infinite without a deadline."""
        return float("inf") if self.at is None else self.at - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0

    def session_options(self, options: FetchOptions) -> FetchOptions:
        """`options` for a session built now: its deadline is the time this one has left."""
        if self.at is None:
            return options
        from dataclasses import replace

        return replace(options, deadline=max(0.0, self.left()))

    def why(self, service: str) -> str:
        """`<service>: gave up after 30 s (deadline)`: the cause in notes and the warning."""
        if self.seconds is None:  # cannot happen through build_session; say it plainly anyway
            return f"{service}: gave up (deadline)"
        return f"{service}: gave up after {self.seconds:g} s (deadline)"


def batches(identifiers: Sequence[tuple[str | None, str | None]], limit: int) -> list[list[int]]:
    """Indices of papers per request: in order, a paper's identifiers never split, at most
    `limit` identifiers in each."""
    out: list[list[int]] = []
    size = 0
    for i, pair in enumerate(identifiers):
        n = len({value for value in pair if value})
        if not out or size + n > limit:
            out.append([])
            size = 0
        out[-1].append(i)
        size += n
    return out
