"""Every failure the user can see, each with its own exit code (documented in the README)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # `check` found drift, `refresh --check` would change the page
    USAGE = 2  # typer/click's own code for bad options
    PAGE = 3  # the page: missing, unreadable, not text, bad front matter, bad markers
    CONFIG = 4  # scholar.toml or an environment value
    FETCH = 5  # a source failed and no last good record exists
    WRITE = 6  # the page could not be written safely; it is untouched
    INTERNAL = 70


class ScholarError(Exception):
    """A failure with a one-line message for stderr and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ScholarError):
    exit_code = ExitCode.USAGE


class PageError(ScholarError):
    """The page cannot be read. The message starts with `path:line:` when the line is known."""

    exit_code = ExitCode.PAGE

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class ConfigError(ScholarError):
    exit_code = ExitCode.CONFIG


class FetchError(ScholarError):
    exit_code = ExitCode.FETCH


class WriteError(ScholarError):
    exit_code = ExitCode.WRITE
