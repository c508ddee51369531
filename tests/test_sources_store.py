"""RecordStore: JSON records on diskcache that never stop a run."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import time
import zlib
from pathlib import Path

from scholar_cli.sources.store import RecordStore, StoredRecord, StoreInfo

ZO2 = {"full_name": "liangyuwang/zo2", "stars": 212}


def test_put_get_touch(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "cache") as store:
        assert store.get("github", "liangyuwang/zo2") is None
        store.put(
            "github", "liangyuwang/zo2", ZO2, fetched_at=1000.0, etag='W/"abc"', last_modified="x"
        )
        assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 1000.0, 'W/"abc"', "x")
        assert store.get("arxiv", "liangyuwang/zo2") is None  # services do not share keys

        assert store.touch("github", "liangyuwang/zo2", 2000.0) is True
        assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 2000.0, 'W/"abc"', "x")
        assert store.touch("github", "nobody/nothing", 2000.0) is False
        assert store.warnings == []


def test_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "cache"
    with RecordStore(folder):
        pass
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_values_are_json_not_pickle(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "cache") as store:
        store.put("arxiv", "2503.12668", {"id": "2503.12668"}, fetched_at=1.5)

    with sqlite3.connect(tmp_path / "cache" / "cache.db") as db:
        ((raw_key, raw_value),) = db.execute("SELECT key, value FROM Cache").fetchall()
    assert json.loads(zlib.decompress(raw_key)) == "arxiv:2503.12668"
    assert json.loads(zlib.decompress(raw_value)) == {
        "record": {"id": "2503.12668"},
        "fetched_at": 1.5,
        "etag": None,
        "last_modified": None,
    }


def test_info_and_clear(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "cache") as store:
        assert store.info() == StoreInfo(
            folder=tmp_path / "cache",
            records=(
                ("arxiv", 0),
                ("github", 0),
                ("page", 0),
                ("arxiv-search", 0),
                ("openalex", 0),
                ("semanticscholar", 0),
            ),
            size_bytes=store.info().size_bytes,
            oldest=None,
            newest=None,
        )
        store.put("arxiv", "2503.12668", {}, fetched_at=300.0)
        store.put("arxiv", "2506.22950", {}, fetched_at=100.0)
        store.put("github", "liangyuwang/zo2", ZO2, fetched_at=200.0)

        info = store.info()
        assert (info.records, info.oldest, info.newest) == (
            (
                ("arxiv", 2),
                ("github", 1),
                ("page", 0),
                ("arxiv-search", 0),
                ("openalex", 0),
                ("semanticscholar", 0),
            ),
            100.0,
            300.0,
        )
        assert info.size_bytes > 0
        assert store.clear() == 3
        assert store.info().records == (
            ("arxiv", 0),
            ("github", 0),
            ("page", 0),
            ("arxiv-search", 0),
            ("openalex", 0),
            ("semanticscholar", 0),
        )


def test_a_corrupt_store_is_moved_aside(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    with RecordStore(folder) as store:
        store.put("github", "liangyuwang/zo2", ZO2, fetched_at=1.0)
    (folder / "cache.db").write_bytes(b"this is not a database\n" * 200)

    with RecordStore(folder) as store:
        (warning,) = store.warnings
        assert re.fullmatch(
            rf"record store {re.escape(str(folder))}/cache\.db was corrupt \(file is not a "
            r"database\); moved it to cache\.db\.corrupt-\d{8}T\d{6}-\d+ and started a fresh store",
            warning,
        )
        assert store.folder == folder
        assert store.get("github", "liangyuwang/zo2") is None
        store.put("github", "liangyuwang/zo2", ZO2, fetched_at=2.0)
        assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 2.0)

    (aside,) = folder.glob("cache.db.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database\n")
    with RecordStore(folder) as store:
        assert store.warnings == []
        assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 2.0)


def test_a_locked_store_gives_a_temporary_one(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    with RecordStore(folder) as store:
        store.put("github", "liangyuwang/zo2", ZO2, fetched_at=1.0)
    holder = sqlite3.connect(folder / "cache.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with RecordStore(folder, lock_timeout=0.2) as store:
            assert time.monotonic() - started < 5
            assert store.warnings == [
                f"record store {folder} is locked by another process; using a temporary store "
                "for this run (nothing fetched now will be kept)"
            ]
            temporary = store.folder
            assert temporary != folder and temporary.parent == folder.parent
            store.put("github", "liangyuwang/zo2", ZO2, fetched_at=5.0)
            assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 5.0)
        assert not temporary.exists()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with RecordStore(folder) as store:
        assert store.get("github", "liangyuwang/zo2") == StoredRecord(ZO2, 1.0)


def test_entries_of_another_shape_are_misses(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "cache") as store:
        store._cache.set("github:liangyuwang/zo2", {"record": "not a dict", "fetched_at": 1})
        store._cache.set("github:liangyuwang/tiny-fsdp", [1, 2, 3])
        assert store.get("github", "liangyuwang/zo2") is None
        assert store.get("github", "liangyuwang/tiny-fsdp") is None
        assert store.warnings == []
