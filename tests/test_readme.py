"""The README's console examples are real: each `$ scholar …` block is run and compared.

They run against the loopback arXiv and GitHub stand-ins (tests/servers.py), which serve the
records in fixtures/, each example with an empty record store.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, run

if TYPE_CHECKING:
    from citation_servers import FakeOpenAlex

from scholar_cli.check import KIND_TABLE

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
def test_readme_example(
    command: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    fake_openalex: FakeOpenAlex,
) -> None:
    monkeypatch.chdir(ROOT)
    env = {**env, "SCHOLAR_OPENALEX_URL": fake_openalex.url}
    result = run(*shlex.split(command)[1:], env=env)
    actual = result.stdout + result.stderr
    if os.environ.get("SCHOLAR_UPDATE_README") == "1" and actual != expected:
        # A maintainer's tool, never set in CI: write the real output into the README.
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        old = f"```console\n$ {command}\n{expected}```"
        assert text.count(old) == 1, command
        readme.write_text(text.replace(old, f"```console\n$ {command}\n{actual}```"), "utf-8")
        return
    assert actual == expected


def test_readme_setup_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = re.findall(r"```sh\n(pip install .*?)\n```", readme)
    assert setup == [
        "pip install . && scholar list papers --offline --page examples/about.md",
        "pip install -e '.[test]' && python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -q -e '.[test]'" in ci
    assert "\npython -m pytest\n" in ci


def test_readme_workflow_recipes_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cron = (ROOT / "examples" / "crontab").read_text(encoding="utf-8").splitlines()[-1]
    assert f"```sh\n{cron}\n```" in readme
    for name in ("refresh.yml", "refresh-pr.yml"):
        assert f"(examples/github-actions/{name})" in readme
        text = (ROOT / "examples" / "github-actions" / name).read_text(encoding="utf-8")
        assert "schedule:" in text and "contents: write" in text and "cache: pip" in text
        assert "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}" in text
        assert "git diff --quiet" in text  # commit only when the page changed


def _documented_keys(kind: str) -> list[str]:
    """The top-level item keys the README's JSON section lists for `kind`, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"^- \*\*{kind}\*\*: (.*?)(?=^- \*\*|^$)", readme, re.S | re.M)
    assert m, kind
    # Keys are the backticked names outside parentheses (parentheses describe the value).
    text = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", "", m.group(1))
    return re.findall(r"`(\w+)`", text)


@pytest.mark.parametrize("kind", ["papers", "projects", "news", "repos"])
def test_readme_json_schema_matches_the_output(kind: str) -> None:
    result = run("list", kind, "--no-fetch", "--format", "json", "--page",
                 str(ROOT / "examples" / "about.md"))  # fmt: skip
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "page", "kind", "count", "items"]
    assert list(doc["items"][0]) == _documented_keys(kind)


def _table(header: str) -> list[tuple[str, ...]]:
    """The rows of the README table that starts with `header`, cells stripped."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(header)
    assert re.fullmatch(r"\|(?:---\|)+", lines[start + 1]), lines[start + 1]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
    return rows


def test_readme_kind_table_is_the_check_kind_table() -> None:
    # Same kinds, same order (the order findings are listed in), same severities and wording.
    assert _table("| kind | severity | when |") == [
        (kind, k.severity, k.when) for kind, k in KIND_TABLE.items()
    ]


def test_readme_check_json_keys_match_the_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r'`scholar check`: `\{"schema": 1, "page": …, "findings": \[\{(.*?)\}, …\]\}`',
                  readme, re.S)  # fmt: skip
    assert m
    result = run("check", "--format", "json", "--offline", "--page",
                 str(ROOT / "examples" / "about.md"))  # fmt: skip
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "page", "findings"]
    assert list(doc["findings"][0]) == re.split(r",\s+", m.group(1))
