"""Putting new bytes on disk safely: one refresh at a time, all or nothing, never over an edit.

The page is replaced, not rewritten: a temporary file in the same folder (so os.replace is an
atomic rename on one filesystem) is written, flushed and fsynced, given the page's permission
bits, then renamed over it; the folder is fsynced so the rename survives a crash. If anything
fails on the way the temporary file is removed and the page is untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from scholar_cli.edit.diff import unified_diff_lines
from scholar_cli.errors import WriteError

__all__ = [
    "check_writable",
    "clean_stale_temps",
    "lock_path",
    "page_lock",
    "unified_diff",
    "write_page",
]

_POLL = 0.05  # seconds between attempts to take a held lock
# A line and its ending (\r\n, \r or \n), or the unterminated last line. Matching lines is
# five times faster than splitting at zero-width positions after each ending.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


_TEMP_SUFFIX = ".scholar-tmp"


def lock_path(page: Path) -> Path:
    """The lock file beside the file written (a symlink's target, so two names of one page
    share one lock): `.about.md.scholar-lock`."""
    target = Path(os.path.realpath(page))
    return target.parent / f".{target.name}.scholar-lock"


def clean_stale_temps(path: Path) -> list[Path]:
    """Remove temporary copies a killed write of `path` left behind; call under its lock
    (any such file is then stale: the writer that made it is gone). Returns what went."""
    target = Path(os.path.realpath(path))
    removed: list[Path] = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    prefix = f".{target.name}."
    for name in names:
        if name.startswith(prefix) and name.endswith(_TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(target.parent / name)
                removed.append(target.parent / name)
    return removed


@contextlib.contextmanager
def page_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the block; wait at most `timeout` seconds for it.

    flock, not the lock file's existence, is the lock: the kernel drops it when the process
    dies, so a crashed refresh never leaves the page locked. The file itself stays (removing it
    would let a waiter lock an unlinked file while a newcomer locks a fresh one).
    """
    lock = lock_path(path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise WriteError(f"cannot create lock file {lock}: {e.strerror or e}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteError(
                        f"another scholar refresh is running on {path} (waited {timeout:g} s)"
                    ) from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _is_read_only(path: Path, st: os.stat_result) -> bool:
    # Root may write anything, so os.access says yes even for `chmod a-w`; the owner's write
    # bit is what the user set to say "leave this file alone". For someone else's file the
    # kernel's answer is the right one.
    euid = os.geteuid()
    if euid == 0 or euid == st.st_uid:
        return not st.st_mode & stat.S_IWUSR
    return not os.access(path, os.W_OK)


def write_page(path: Path, new: bytes, original: bytes | None) -> bool:
    """Replace the file at `path` with `new`, atomically. False (file untouched, mtime too)
    when `new == original`; True when written.

    `original` is what the file held when the refresh read it, or None for a file that did
    not exist yet (a first data file: it is created, with its folder, mode 0666 less umask).
    Raises WriteError, leaving the file as it was, when the file no longer holds `original`
    (edited, created or deleted during the refresh), is read-only, or cannot be replaced.
    """
    if new == original:
        return False
    target, mode, owner = _writable_target(path, original)
    _replace(path, target, new, mode, owner)
    return True


def check_writable(path: Path, original: bytes | None) -> None:
    """Raise the WriteError `write_page(path, …, original)` would raise before writing, so a
    refresh that writes two files can find out before it writes the first."""
    target, _mode, _owner = _writable_target(path, original)
    folder = target.parent
    if not os.access(folder, os.W_OK | os.X_OK) and os.geteuid() != 0:
        raise WriteError(
            f"cannot write {path}: its folder {folder} is not writable; nothing written"
        )


def _writable_target(
    path: Path, original: bytes | None
) -> tuple[Path, int, tuple[int, int] | None]:
    # Replace the file a symlink points to, not the symlink itself.
    target = Path(os.path.realpath(path))
    if original is None and not target.parent.exists():
        # A first data file: its folders are created, under the nearest one that exists.
        ancestor = target.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise WriteError(f"cannot write {path}: {ancestor} is not a folder; nothing written")
        return target, 0o666 & ~_umask(), None
    try:
        if original is None:
            if os.path.isdir(target):
                raise WriteError(f"cannot write {path}: it is a folder; nothing written")
            if os.path.lexists(target):
                raise WriteError(
                    f"{path} appeared on disk during the refresh; nothing written (run it again)"
                )
            mode, owner = 0o666 & ~_umask(), None
        else:
            st = os.stat(target)
            if stat.S_ISDIR(st.st_mode):
                raise WriteError(f"cannot write {path}: it is a folder; nothing written")
            if _is_read_only(target, st):
                raise WriteError(
                    f"{path} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); nothing written"
                )
            if target.read_bytes() != original:
                raise WriteError(
                    f"{path} changed on disk during the refresh; nothing written (run it again)"
                )
            mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    except FileNotFoundError:
        raise WriteError(f"{path} was deleted during the refresh; nothing written") from None
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}; nothing written") from None
    return target, mode, owner


def _replace(
    path: Path, target: Path, new: bytes, mode: int, owner: tuple[int, int] | None
) -> None:
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=_TEMP_SUFFIX
        )
        with os.fdopen(fd, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
            # mkstemp creates 0600; the page keeps the bits it had (a web server may read it).
            os.fchmod(out.fileno(), mode)
            if owner is not None:
                with contextlib.suppress(PermissionError):
                    # Only root can give the file back to its owner; anyone else already is it.
                    os.fchown(out.fileno(), *owner)
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(target.parent)
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}; nothing written") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    # The only way to read the umask is to set it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some filesystems cannot open a folder; the rename itself has happened
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _lines(text: str) -> list[str]:
    return _LINE.findall(text)


def unified_diff(path: Path | str, original: bytes, new: bytes) -> str:
    """A `diff -u` of the two versions ("" when they are equal)."""
    if original == new:
        return ""
    old_lines = _lines(original.decode("utf-8", errors="replace"))
    new_lines = _lines(new.decode("utf-8", errors="replace"))
    out: list[str] = []
    for line in unified_diff_lines(old_lines, new_lines, f"{path}", f"{path} (refreshed)"):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            # difflib ends every header with a newline, so this is the file's unterminated
            # last line.
            out.append(line + "\n")
            out.append("\\ No newline at end of file\n")
    return "".join(out)
