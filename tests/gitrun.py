"""git as a test's own hand (the setup commits of a person, not of the code under test): a fixed
identity, no git configuration from the machine, and none of this process's variables whose
names start with `drop` (a hook running the tests could set GIT_DIR)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def clean_environ(drop: tuple[str, ...] = ("GIT_",)) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str, drop: tuple[str, ...] = ("GIT_",)) -> str:
    identity = ("-c", "user.name=Site Owner", "-c", "user.email=owner@example.invalid")
    done = subprocess.run(
        ["git", *identity, "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=clean_environ(drop),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout
