"""The record store: one JSON record per item, with when it was fetched and its validators.

Records, not HTTP responses, are cached: GitHub answers `Vary: Authorization`, so a response
cache ends up storing the token; arXiv batch URLs change whenever a paper is added to a page.
Values are JSON (`diskcache.JSONDisk`), never pickle, so a planted cache file cannot run code.

The store never stops a run: a corrupt database is moved aside and a locked one replaced by a
temporary store for this run; each such event leaves a one-line message in `warnings`.
Imports diskcache and the stdlib only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import diskcache

# "page" holds parsed pages keyed by content hash, so a warm run skips the Markdown parser;
# "arxiv-search" holds arXiv title-search answers keyed by normalised title.
SERVICES = ("arxiv", "github", "page", "arxiv-search", "openalex", "semanticscholar")
# What scholar knows about a service rather than a record from it: "github-budget" holds the
# REST rate limit GitHub reported last. Not counted by `info` and kept by `clear`: emptying the
# store gives no requests back.
STATE = ("github-budget",)
DB_NAME = "cache.db"  # diskcache's database file inside the folder
# How long to wait on a store another scholar process holds before using a temporary one.
LOCK_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class StoredRecord:
    record: dict[str, Any]  # the model's to_json_dict()
    fetched_at: float  # epoch seconds of the last fetch or 304 revalidation
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class StoreInfo:
    folder: Path
    records: tuple[tuple[str, int], ...]  # (service, count), services in SERVICES order
    size_bytes: int
    oldest: float | None  # fetched_at of the oldest record
    newest: float | None


class RecordStore:
    """Records keyed `<service>:<key>` ("arxiv:2503.12668", "github:owner/name").

    `folder` is where records are actually kept this run: the requested folder, or a
    temporary sibling when that one could not be used (see `warnings`).
    """

    def __init__(self, folder: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.requested_folder = Path(folder)
        self.warnings: list[str] = []
        self._temporary: Path | None = None
        self._lock_timeout = lock_timeout
        self.folder, self._cache = self._open_or_recover(self.requested_folder)

    # -- opening --------------------------------------------------------------------------

    def _open(self, folder: Path) -> diskcache.Cache:
        # Records are public data, but ETags and the page's reading list are the user's own.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if (folder / DB_NAME).exists():
            self._probe(folder / DB_NAME)
        return diskcache.Cache(
            str(folder),
            timeout=self._lock_timeout,
            disk=diskcache.JSONDisk,
            # Uncompressed JSON: records are small and the file stays inspectable (and
            # greppable, which is how the tests prove no token is ever written).
            disk_compress_level=0,
            eviction_policy="none",
        )

    def _probe(self, db: Path) -> None:
        """Raise what opening would raise, but within lock_timeout.

        diskcache's own initialisation retries a locked database for 60 seconds; a quick
        write-lock probe turns that into a prompt fallback (and finds corruption early).
        """
        con = sqlite3.connect(db, timeout=self._lock_timeout, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()

    def _open_or_recover(self, folder: Path) -> tuple[Path, diskcache.Cache]:
        try:
            return folder, self._open(folder)
        except (diskcache.Timeout, sqlite3.OperationalError) as err:
            if not _is_locked(err) and isinstance(err, sqlite3.OperationalError):
                return self._open_temporary(folder, f"cannot be opened ({_one_line(err)})")
            return self._open_temporary(folder, "is locked by another process")
        except sqlite3.DatabaseError as err:
            moved = self._move_aside(folder)
            if moved is None:
                return self._open_temporary(folder, f"is corrupt ({_one_line(err)})")
            try:
                cache = self._open(folder)
            except (sqlite3.DatabaseError, diskcache.Timeout) as again:
                return self._open_temporary(folder, f"is unusable ({_one_line(again)})")
            self.warnings.append(
                f"record store {folder / DB_NAME} was corrupt ({_one_line(err)}); "
                f"moved it to {moved.name} and started a fresh store"
            )
            return folder, cache
        except OSError as err:
            return self._open_temporary(folder, f"cannot be opened ({_one_line(err)})")

    def _move_aside(self, folder: Path) -> Path | None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = folder / f"{DB_NAME}.corrupt-{stamp}-{os.getpid()}"
        try:
            os.replace(folder / DB_NAME, target)
            # The write-ahead log belongs to the corrupt file; a fresh database must not replay it.
            for suffix in ("-wal", "-shm"):
                side = folder / (DB_NAME + suffix)
                if side.exists():
                    os.replace(side, Path(str(target) + suffix))
        except OSError:
            return None
        return target

    def _open_temporary(self, folder: Path, why: str) -> tuple[Path, diskcache.Cache]:
        parent = folder.parent if folder.parent.is_dir() else Path(tempfile.gettempdir())
        try:
            temporary = Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp-", dir=parent))
        except OSError:
            temporary = Path(tempfile.mkdtemp(prefix="scholar-cli-store-"))
        self._temporary = temporary
        self.warnings.append(
            f"record store {folder} {why}; using a temporary store for this run "
            "(nothing fetched now will be kept)"
        )
        return temporary, self._open(temporary)

    # -- records --------------------------------------------------------------------------

    def get(self, service: str, key: str) -> StoredRecord | None:
        """The stored entry, or None when absent or unreadable (a miss, never an error)."""
        try:
            value = self._cache.get(_store_key(service, key), default=None, retry=False)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError, ValueError) as err:
            self._warn_once(f"record store read failed ({_one_line(err)}); treating as missing")
            return None
        return _entry_from_json(value)

    def put(
        self,
        service: str,
        key: str,
        record: Mapping[str, Any],
        *,
        fetched_at: float,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> bool:
        """Store `record` (a to_json_dict()); False (and a warning) when it could not be."""
        value = {
            "record": dict(record),
            "fetched_at": float(fetched_at),
            "etag": etag,
            "last_modified": last_modified,
        }
        return self._set(_store_key(service, key), value)

    def touch(self, service: str, key: str, fetched_at: float) -> bool:
        """Renew a record's fetched_at after the server confirmed it (HTTP 304)."""
        entry = self.get(service, key)
        if entry is None:
            return False
        return self.put(
            service,
            key,
            entry.record,
            fetched_at=fetched_at,
            etag=entry.etag,
            last_modified=entry.last_modified,
        )

    def info(self) -> StoreInfo:
        counts = dict.fromkeys(SERVICES, 0)
        oldest: float | None = None
        newest: float | None = None
        size = 0
        try:
            for raw_key in self._cache.iterkeys():
                service = str(raw_key).partition(":")[0]
                if service in STATE:
                    continue
                counts[service] = counts.get(service, 0) + 1
                entry = _entry_from_json(self._cache.get(raw_key, default=None, retry=False))
                if entry is None:
                    continue
                oldest = entry.fetched_at if oldest is None else min(oldest, entry.fetched_at)
                newest = entry.fetched_at if newest is None else max(newest, entry.fetched_at)
            size = int(self._cache.volume())
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError, ValueError) as err:
            self._warn_once(f"record store read failed ({_one_line(err)})")
        return StoreInfo(
            folder=self.folder,
            records=tuple(counts.items()),
            size_bytes=size,
            oldest=oldest,
            newest=newest,
        )

    def clear(self) -> int:
        """Remove every record (STATE stays); returns how many records there were."""
        try:
            kept = {
                key: self._cache.get(key, retry=False)
                for key in self._cache.iterkeys()
                if str(key).partition(":")[0] in STATE
            }
            removed = int(self._cache.clear(retry=False))
            for key, value in kept.items():
                if value is not None:
                    self._cache.set(key, value, retry=False)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError, ValueError) as err:
            self._warn_once(f"record store could not be cleared ({_one_line(err)})")
            return 0
        return removed - len(kept)

    def close(self) -> None:
        self._cache.close()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _set(self, store_key: str, value: dict[str, Any]) -> bool:
        try:
            self._cache.set(store_key, value, retry=False)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError, ValueError) as err:
            self._warn_once(f"record store write failed ({_one_line(err)}); record not kept")
            return False
        return True

    def _warn_once(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _store_key(service: str, key: str) -> str:
    if service not in SERVICES and service not in STATE:
        raise ValueError(f"unknown service {service!r}")
    return f"{service}:{key}"


def _entry_from_json(value: object) -> StoredRecord | None:
    # A value written by another version (or by hand) is a miss, not a crash.
    if not isinstance(value, dict):
        return None
    record = value.get("record")
    fetched_at = value.get("fetched_at")
    etag = value.get("etag")
    last_modified = value.get("last_modified")
    if (
        not isinstance(record, dict)
        or not isinstance(fetched_at, int | float)
        or not isinstance(etag, str | None)
        or not isinstance(last_modified, str | None)
    ):
        return None
    return StoredRecord(record, float(fetched_at), etag, last_modified)


def _is_locked(err: BaseException) -> bool:
    return isinstance(err, diskcache.Timeout) or "locked" in str(err).lower()


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__
