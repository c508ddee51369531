"""What a command may say while it runs, and to whom: one small object passed down.

The CLI builds it from -q/-v and whether stderr is a terminal; the commands and the fetch
layer call it. Output (tables, JSON) is not its business: commands return that as text.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

__all__ = ["ANNOUNCE_AFTER", "Console"]

ANNOUNCE_AFTER = 5.0  # seconds a source sends before a cron run says so


class Console:
    """stderr for one run: warnings (silenced by -q), and an activity line on a terminal."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False, tty: bool | None = None):
        self.quiet = quiet
        self.verbose = verbose
        # Asked when built, not per call: a test runner swaps sys.stderr between runs.
        self.tty = sys.stderr.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._status: Any = None
        self._activity = ""
        # Per source label: [done, total, started (monotonic), announced off a terminal].
        self._progress: dict[str, list[Any]] = {}

    def warn(self, message: str) -> None:
        """One `scholar: …` line on stderr, unless -q."""
        if not self.quiet:
            self.say(message)

    def say(self, message: str) -> None:
        """One `scholar: …` line on stderr, even under -q (a verdict the user asked for)."""
        self._pause()
        print(f"scholar: {message}", file=sys.stderr, flush=True)

    def activity(self, text: str) -> None:
        """What the run is waiting for. Shown (a spinner) only on a terminal, without -q/-v,
        and only once `network_started` says a request is really due: a warm run never
        loads rich."""
        self._activity = text

    def network_started(self) -> None:
        with self._lock:
            if not self._activity or self._status is not None:
                return
            if self.quiet or self.verbose or not self.tty:
                return
            from rich.console import Console as RichConsole

            self._status = RichConsole(stderr=True).status(self._activity)
            self._status.start()

    def progress(self, label: str, done: int, total: int) -> None:
        """A source's requests: on a terminal a live line ("arXiv 3/50 requests, ~2 min left;
        GitHub 120/300"); off one (cron, CI), one line once a source has been sending for
        ANNOUNCE_AFTER seconds and one summary at the end, so a long run is not silent and a
        short one adds nothing; nothing per request; nothing under -q."""
        import time

        with self._lock:
            now = time.monotonic()
            state = self._progress.setdefault(label, [0, total, now, False])
            state[0], state[1] = done, total
            announce = (
                not self.tty
                and not self.quiet
                and not state[3]
                and done < total
                and now - state[2] >= ANNOUNCE_AFTER
            )
            if announce:
                state[3] = True
                told = f"{label}: {done}/{total} requests sent, {self._progress_line(label)}"
            line = self._progress_line() if self._status is not None else ""
        if announce:
            print(f"scholar: {told}", file=sys.stderr, flush=True)
        if line:
            self._status.update(line)

    def _progress_line(self, only: str | None = None) -> str:
        """`arXiv 3/50 requests, ~2 min left; GitHub 120/300 requests` (or the time left of
        one source)."""
        import time

        parts = []
        for label, (done, total, started, _announced) in self._progress.items():
            left = ""
            if 0 < done < total:
                left = f"~{_duration((time.monotonic() - started) / done * (total - done))} left"
            if only is not None:
                if label == only:
                    return left or "time left unknown"
                continue
            parts.append(f"{label} {done}/{total} requests" + (f", {left}" if left else ""))
        return "; ".join(parts)

    def done(self) -> None:
        """The activity is over: clear its line, and off a terminal sum up what was said to
        start."""
        import time

        self._activity = ""
        self._pause()
        with self._lock:
            said = [(k, v) for k, v in self._progress.items() if v[3]]
            self._progress.clear()
        if said and not self.quiet:
            summary = "; ".join(
                f"{label} {done}/{total} requests in {_duration(time.monotonic() - started)}"
                for label, (done, total, started, _announced) in said
            )
            print(f"scholar: sent: {summary}", file=sys.stderr, flush=True)

    def _pause(self) -> None:
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"
