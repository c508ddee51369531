"""What a command may say while it runs, and to whom: one small object passed down.

The CLI builds it from -q/-v and whether stderr is a terminal; the commands and the fetch
layer call it. Output (tables, JSON) is not its business: commands return that as text.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

__all__ = ["Console"]


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

    def done(self) -> None:
        """The activity is over: clear its line."""
        self._activity = ""
        self._pause()

    def _pause(self) -> None:
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None
