"""Safe writes: no write when unchanged, never over an edit, all or nothing, one at a time."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scholar_cli.edit.write import lock_path, page_lock, unified_diff, write_page
from scholar_cli.errors import WriteError

ORIGINAL = "\ufeffline one\r\nstars: 1.2k\r\nlast line\r\n".encode()
NEW = "\ufeffline one\r\nstars: 1.3k\r\nlast line\r\n".encode()


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "about.md"
    path.write_bytes(ORIGINAL)
    path.chmod(0o640)
    # An old mtime, so "unchanged" cannot pass by writing within the same clock tick.
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return path


def test_unchanged_page_is_not_touched(page: Path) -> None:
    assert write_page(page, ORIGINAL, ORIGINAL) is False
    assert page.stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert page.read_bytes() == ORIGINAL


def test_write_replaces_the_file_and_keeps_mode_bom_and_crlf(page: Path) -> None:
    inode = page.stat().st_ino
    assert write_page(page, NEW, ORIGINAL) is True
    assert page.read_bytes() == NEW
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert page.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in page.parent.iterdir()) == ["about.md"]


def test_read_only_page_is_refused(page: Path) -> None:
    page.chmod(0o444)
    with pytest.raises(WriteError) as raised:
        write_page(page, NEW, ORIGINAL)
    assert raised.value.message == f"{page} is read-only (mode 0444); nothing written"
    assert page.read_bytes() == ORIGINAL
    assert page.stat().st_mtime_ns == 1_000_000_000_000_000_000


def test_page_edited_during_refresh_is_not_overwritten(page: Path) -> None:
    edited = ORIGINAL + b"a line the user just added\r\n"
    page.write_bytes(edited)
    with pytest.raises(WriteError) as raised:
        write_page(page, NEW, ORIGINAL)
    assert raised.value.message == (
        f"{page} changed on disk during the refresh; nothing written (run it again)"
    )
    assert page.read_bytes() == edited


def test_failed_rename_leaves_page_and_folder_as_they_were(
    page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WriteError) as raised:
        write_page(page, NEW, ORIGINAL)
    assert raised.value.message == f"cannot write {page}: Input/output error; nothing written"
    assert page.read_bytes() == ORIGINAL
    assert sorted(p.name for p in page.parent.iterdir()) == ["about.md"]


def test_page_deleted_during_refresh_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError) as raised:
        write_page(tmp_path / "gone.md", NEW, ORIGINAL)
    assert (
        raised.value.message
        == f"{tmp_path / 'gone.md'} was deleted during the refresh; nothing written"
    )


def test_new_file_is_created_with_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "_data" / "scholar.json"
    old_mask = os.umask(0o027)
    try:
        assert write_page(path, b"{}\n", None) is True
    finally:
        os.umask(old_mask)
    assert path.read_bytes() == b"{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["scholar.json"]
    # Someone else created it meanwhile: not overwritten.
    with pytest.raises(WriteError, match="appeared on disk during the refresh"):
        write_page(path, b"[]\n", None)
    assert path.read_bytes() == b"{}\n"


def test_symlinked_page_writes_the_target_and_keeps_the_link(page: Path) -> None:
    link = page.parent / "index.md"
    link.symlink_to(page.name)
    assert write_page(link, NEW, ORIGINAL) is True
    assert link.is_symlink()
    assert page.read_bytes() == NEW


def test_unified_diff() -> None:
    assert unified_diff("about.md", ORIGINAL, ORIGINAL) == ""
    assert unified_diff("about.md", b"a\nb\nc", b"a\nB\nc") == (
        "--- about.md\n"
        "+++ about.md (refreshed)\n"
        "@@ -1,3 +1,3 @@\n"
        " a\n"
        "-b\n"
        "+B\n"
        " c\n"
        "\\ No newline at end of file\n"
    )


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from scholar_cli.edit.write import page_lock
    from scholar_cli.errors import WriteError
    try:
        with page_lock(Path(sys.argv[1]), timeout=0.3):
            print("locked")
    except WriteError as e:
        print(e.message)
    """
)


def try_lock_elsewhere(page: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", HOLD_LOCK, str(page)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.strip()


def test_second_refresh_waits_then_gives_up(page: Path) -> None:
    with page_lock(page, timeout=1):
        assert lock_path(page) == page.parent / ".about.md.scholar-lock"
        assert try_lock_elsewhere(page) == (
            f"another scholar refresh is running on {page} (waited 0.3 s)"
        )
    # Released: the next refresh gets it at once.
    assert try_lock_elsewhere(page) == "locked"


def test_lock_in_a_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    lock = page_lock(tmp_path / "nowhere" / "about.md", timeout=0)
    with pytest.raises(WriteError, match=r"cannot create lock file .*\.about\.md\.scholar-lock"):
        lock.__enter__()
