"""The GitHub Action (action.yml): its inputs and steps, and its refresh step run as a runner
runs it, in a clone of a bare "remote", against the loopback arXiv and GitHub fakes.

A runner runs a composite `shell: bash` step as `bash --noprofile --norc -eo pipefail FILE`,
with the step's `env:` (expressions evaluated) over the job's environment; so does `run_step`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from gitrun import clean_environ, git
from servers import TOKEN, FakeGitHub
from test_cli_refresh import KNOWN_BADGES

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(step_id_or_name: str) -> dict[str, Any]:
    steps = ACTION["runs"]["steps"]
    found = [s for s in steps if step_id_or_name in (s.get("id"), s.get("name"))]
    assert len(found) == 1, step_id_or_name
    return dict(found[0])


# -- what action.yml says ------------------------------------------------------------------


def test_inputs_and_their_defaults() -> None:
    inputs = ACTION["inputs"]
    assert {name: spec["default"] for name, spec in inputs.items()} == {
        "page": "",
        "badges": "",
        "data": "",
        "citations": "",
        "citations-json": "",
        "commit": "true",
        "commit-message": "Refresh star badges and publication tables",
        "token": "${{ github.token }}",
        "python-version": "3.12",
        "source": "",
    }
    assert all(spec["description"] and spec["required"] is False for spec in inputs.values())
    assert set(ACTION["outputs"]) == {"changed", "files", "commit"}
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.refresh.outputs.{name} }}}}"


def test_steps_set_up_python_install_cache_and_run_the_script() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [s.get("uses") for s in ACTION["runs"]["steps"]]
    assert uses == [
        "actions/setup-python@v5",
        None,  # install
        "actions/cache/restore@v4",
        None,  # refresh
        "actions/cache/save@v4",
    ]
    assert step("Set up Python")["with"] == {"python-version": "${{ inputs.python-version }}"}
    assert step("Set up Python")["if"] == "inputs.python-version != ''"

    # The default installs the scholar the action ships, from the action's own checkout.
    install = step("Install scholar")
    assert install["env"] == {"SCHOLAR_SOURCE": "${{ inputs.source }}"}
    assert '"${SCHOLAR_SOURCE:-$GITHUB_ACTION_PATH}"' in install["run"]

    refresh = step("refresh")
    assert refresh["run"] == 'bash "$GITHUB_ACTION_PATH/action/refresh.sh"'
    assert (ROOT / "action" / "refresh.sh").is_file()
    assert refresh["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"
    # Every input but those of other steps reaches the script, as INPUT_NAME.
    for name in set(ACTION["inputs"]) - {"token", "python-version", "source"}:
        assert refresh["env"]["INPUT_" + name.upper().replace("-", "_")] == (
            f"${{{{ inputs.{name} }}}}"
        )

    # One record store path for cache and scholar; a new key each run, restored by prefix.
    restore, save = step("Restore the record store"), step("Save the record store")
    store = "${{ runner.temp }}/scholar-cache"
    assert restore["with"]["path"] == save["with"]["path"] == store
    assert refresh["env"]["SCHOLAR_CACHE_DIR"] == store
    assert restore["with"]["key"] == save["with"]["key"]
    assert "${{ github.run_id }}" in restore["with"]["key"]
    assert restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "!cancelled()" in save["if"]


def test_inputs_reach_shell_code_only_through_the_environment() -> None:
    """`${{ inputs.page }}` pasted into `run:` would run whatever a page name holds."""
    for s in ACTION["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], s["name"]


# -- the refresh step, run as a runner runs it -----------------------------------------------


@dataclass
class Site:
    """A site repository: a bare remote and the workspace actions/checkout made of it."""

    remote: Path
    workspace: Path
    runner_temp: Path

    def remote_commits(self) -> list[str]:
        return git(self.remote, "rev-list", "main").split()

    def files_of(self, commit: str) -> list[str]:
        return git(self.remote, "show", "--name-only", "--format=", commit).split("\n")[:-1]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "--quiet")
    (seed / "about.md").write_text(KNOWN_BADGES, encoding="utf-8")  # Tiny-FSDP: 99, not 74
    (seed / "notes.txt").write_text("notes\n", encoding="utf-8")
    git(seed, "add", "about.md", "notes.txt")
    git(seed, "commit", "--quiet", "-m", "A page whose badge is out of date")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(seed, "push", "--quiet", str(remote), "main")
    workspace = tmp_path / "workspace"
    git(tmp_path, "clone", "--quiet", str(remote), str(workspace))
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    return Site(remote, workspace, runner_temp)


def evaluate(text: str, context: Mapping[str, str]) -> str:
    """`${{ name }}` expressions, for the names action.yml uses (any other fails the test)."""

    def value(m: re.Match[str]) -> str:
        assert m.group(1) in context, f"the test's runner does not know {m.group(1)!r}"
        return context[m.group(1)]

    return _EXPRESSION.sub(value, text)


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT's `name=value` and `name<<DELIMITER` … `DELIMITER` lines; the last wins."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for more in lines:
                if more == delimiter:
                    break
                value.append(more)
            outputs[name] = "\n".join(value)
        else:
            name, _, single = line.partition("=")
            outputs[name] = single
    return outputs


def run_step(site: Site, env: dict[str, str], inputs: Mapping[str, str] | None = None) -> StepRun:
    """The action's refresh step, as a runner runs it in the job's workspace."""
    github = {
        "github.token": TOKEN,
        "github.action_path": str(ROOT),
        "github.workspace": str(site.workspace),
        "github.run_id": "1234567890",
        "github.run_attempt": "1",
        "runner.temp": str(site.runner_temp),
        "runner.os": "Linux",
    }
    given = inputs or {}
    context = dict(github)
    for name, spec in ACTION["inputs"].items():
        context[f"inputs.{name}"] = given.get(name, evaluate(spec["default"], github))
    refresh = step("refresh")
    output_file = site.runner_temp / "github-output"
    output_file.write_text("", encoding="utf-8")
    script = site.runner_temp / "refresh-step.sh"
    script.write_text(refresh["run"], encoding="utf-8")
    job_env = {
        **clean_environ(),
        **env,  # the loopback arXiv and GitHub (a runner sets GITHUB_API_URL itself)
        # The scholar under test: this checkout, on PATH as pip would put it.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(site.workspace),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output_file),
        "RUNNER_TEMP": str(site.runner_temp),
        "RUNNER_OS": "Linux",
    }
    step_env = {name: evaluate(str(value), context) for name, value in refresh["env"].items()}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=site.workspace,
        env={**job_env, **step_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return StepRun(done.returncode, done.stdout, done.stderr, read_outputs(output_file))


def test_one_commit_with_only_the_page_then_none(
    site: Site, env: dict[str, str], fake_github: FakeGitHub
) -> None:
    # Work an earlier step left: a staged edit and an untracked file are not scholar's.
    (site.workspace / "notes.txt").write_text("staged by someone else\n", encoding="utf-8")
    git(site.workspace, "add", "notes.txt")
    (site.workspace / "draft.md").write_text("# Not ready\n", encoding="utf-8")
    first = site.remote_commits()

    done = run_step(site, env)  # page: "" -> scholar finds about.md
    assert done.returncode == 0, done.stderr
    assert f"scholar: {site.workspace / 'about.md'}: updated" in done.stderr
    commits = site.remote_commits()
    assert len(commits) == 2 and commits[1:] == first
    assert site.files_of(commits[0]) == ["about.md"]
    assert git(site.remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", "main") == (
        f"{BOT}|{BOT}|Refresh star badges and publication tables\n"
    )
    assert git(site.remote, "show", "main:about.md") == KNOWN_BADGES.replace(
        "badge/stars-99-", "badge/stars-74-"
    )
    assert done.outputs == {"files": "about.md", "changed": "true", "commit": commits[0]}
    # The token went to the GitHub API, as the token input says.
    assert fake_github.seen
    assert {s.header("Authorization") for s in fake_github.seen} == {f"Bearer {TOKEN}"}
    # What was not scholar's is where it was: still staged, still untracked, not pushed.
    assert git(site.workspace, "status", "--porcelain") == "M  notes.txt\n?? draft.md\n"

    again = run_step(site, env)
    assert again.returncode == 0, again.stderr
    assert "nothing to commit" in again.stdout
    assert site.remote_commits() == commits
    assert again.outputs == {"files": "", "changed": "false", "commit": ""}


def test_a_failed_source_fails_the_step_and_commits_nothing(
    site: Site, env: dict[str, str], fake_github: FakeGitHub
) -> None:
    fake_github.respond_next(500, times=20)  # and the runner's record store is empty
    page = (site.workspace / "about.md").read_bytes()
    first = site.remote_commits()

    done = run_step(site, env)
    assert done.returncode == 5, done.stderr
    assert "::error title=scholar::scholar refresh exited 5; nothing was committed" in done.stderr
    assert site.remote_commits() == first
    assert git(site.workspace, "rev-parse", "HEAD").strip() == first[0]
    assert (site.workspace / "about.md").read_bytes() == page
    assert done.outputs == {"changed": "false", "commit": ""}


def test_the_data_file_is_committed_with_the_page(site: Site, env: dict[str, str]) -> None:
    done = run_step(site, env, {"data": "_data/scholar.json", "commit-message": "Stars"})
    assert done.returncode == 0, done.stderr
    commits = site.remote_commits()
    assert len(commits) == 2
    # A new file too: the data file did not exist before the refresh.
    assert site.files_of(commits[0]) == ["_data/scholar.json", "about.md"]
    assert git(site.remote, "log", "-1", "--format=%s", "main") == "Stars\n"
    assert done.outputs["files"] == "_data/scholar.json\nabout.md"


def test_commit_false_leaves_the_change_in_the_working_tree(
    site: Site, env: dict[str, str]
) -> None:
    first = site.remote_commits()
    done = run_step(site, env, {"page": "about.md", "badges": "text", "commit": "false"})
    assert done.returncode == 0, done.stderr
    assert site.remote_commits() == first
    assert git(site.workspace, "status", "--porcelain") == " M about.md\n"
    assert "[★ 74](https://github.com/liangyuwang/Tiny-FSDP)" in (
        site.workspace / "about.md"
    ).read_text(encoding="utf-8")
    assert done.outputs == {"files": "about.md", "changed": "true", "commit": ""}


def test_a_detached_head_is_refused_before_refreshing(
    site: Site, env: dict[str, str], fake_github: FakeGitHub
) -> None:
    git(site.workspace, "checkout", "--quiet", "--detach")
    done = run_step(site, env)
    assert done.returncode == 1
    assert "HEAD is detached" in done.stderr
    assert fake_github.seen == []
    assert git(site.workspace, "status", "--porcelain") == ""
    assert len(site.remote_commits()) == 1


def test_a_bad_commit_input_is_refused(site: Site, env: dict[str, str]) -> None:
    done = run_step(site, env, {"commit": "yes"})
    assert done.returncode == 2
    assert "input commit must be true or false, not 'yes'" in done.stderr
    assert git(site.workspace, "status", "--porcelain") == ""
