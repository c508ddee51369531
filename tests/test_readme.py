"""The README's console examples are real: each `$ scholar …` block is run and compared."""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT, run

_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def _examples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in _BLOCK.findall(text):
        command, _, output = block.partition("\n")
        assert command.startswith("$ scholar "), command
        examples.append((command[2:], output))
    return examples


@pytest.mark.parametrize(("command", "expected"), _examples())
def test_readme_example(command: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run(*shlex.split(command)[1:])
    assert result.stdout + result.stderr == expected
