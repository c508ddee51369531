"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself in a site repository.

pre-commit installs a hook repository at a commit, so the hooks come from a temporary git
repository holding this checkout's files as they are now (committed or not). It installs the
package with pip into a virtualenv of its own: that needs the package index, and takes about
ten seconds a time. `pre-commit try-repo` installs into a throwaway store every time, so it
runs once; the other cases use the README's .pre-commit-config.yaml lines and share one
PRE_COMMIT_HOME, so they install once between them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import gitrun
import pytest
import yaml
from conftest import ROOT

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
NAMES = {hook["id"]: hook["name"] for hook in HOOKS}

# Papers without arXiv ids: nothing to fetch, so the hooks need no network. The table between
# the markers is the one `scholar refresh` writes for them.
CURRENT = """## Publications

- **A Paper About Things**. Anna Müller. *Workshop 2024*.
- **Another Paper**. Anna Müller. *Conference 2025*.

<!-- scholar:papers columns=title -->

| title                |
|----------------------|
| A Paper About Things |
| Another Paper        |

<!-- /scholar:papers -->
"""
# An error-severity finding: `2503.1266` is no arXiv id (malformed-id). The table is current.
MALFORMED = CURRENT.replace(
    "*Workshop 2024*.", "[arXiv](https://arxiv.org/abs/2503.1266) *Workshop 2024*."
)
# Well-formed ids the record store does not hold: offline they are "unchecked" warnings, which
# do not stop a commit; `refresh --check` fetches them (from the loopback arXiv) and has no
# table or badge to change.
UNSTORED = """## Publications

- **ZO2: Scalable Zeroth-Order Fine-Tuning**. Liangyu Wang. 2025. [arXiv](https://arxiv.org/abs/2503.12668)
"""
# A table that no longer lists every paper: `refresh --check` fails, lint has nothing to say.
STALE = CURRENT.replace("| Another Paper        |\n", "")


def test_the_manifest() -> None:
    assert [hook["id"] for hook in HOOKS] == ["scholar-check", "scholar-refresh"]
    assert [hook["entry"] for hook in HOOKS] == [
        "scholar check --offline --fail-on error",
        "scholar refresh --check",
    ]
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        files = re.compile(hook["files"])
        assert files.search("_pages/about.md") and files.search("index.markdown")
        assert not files.search("_config.yml") and not files.search("about.md.orig")


# No git or pre-commit variables of this process, and no PYTHONPATH: the hooks run the scholar
# pre-commit installed, not this checkout's import.
_DROP = ("GIT_", "PRE_COMMIT", "PYTHONPATH")


def git(cwd: Path, *args: str) -> str:
    return gitrun.git(cwd, *args, drop=_DROP)


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This checkout's package and hook manifest as they are now (tracked or new, not ignored),
    in one commit: what pre-commit needs to install the hooks, and nothing a developer keeps
    beside them (a virtualenv not in .gitignore would be copied too)."""
    path = tmp_path_factory.mktemp("hook-repo")
    needed = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "scholar_cli")
    listed = git(
        ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *needed
    )
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not listed here
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, path / name)
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "The checkout under test")
    return HookRepo(path, git(path, "rev-parse", "HEAD").strip())


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def site(tmp_path: Path, files: Mapping[str, str]) -> Path:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "--quiet")
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    return repo


@dataclass
class HookRun:
    returncode: int
    output: str
    results: dict[str, str]  # hook id -> Passed, Failed or Skipped


def pre_commit(repo: Path, env: Mapping[str, str], home: Path, *args: str) -> HookRun:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--all-files", "--color", "never"],
        cwd=repo,
        env={**gitrun.clean_environ(_DROP), **env, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    results = {}
    for hook_id, name in NAMES.items():
        m = re.search(rf"^{re.escape(name)}\.+(?:\(no files to check\))?(\w+)$", output, re.M)
        if m:
            results[hook_id] = m.group(1)
    return HookRun(done.returncode, output, results)


def readme_config(hook_repo: HookRepo) -> str:
    """The README's .pre-commit-config.yaml, pointed at the checkout under test."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "repos:" in b]
    assert len(blocks) == 1
    config = yaml.safe_load(blocks[0])
    [entry] = config["repos"]
    assert entry["repo"] == "https://github.com/scholar-cli/scholar"
    assert [hook["id"] for hook in entry["hooks"]] == list(NAMES)
    entry.update(repo=str(hook_repo.path), rev=hook_repo.rev)
    return yaml.safe_dump(config, sort_keys=False)


def test_try_repo_runs_both_hooks(hook_repo: HookRepo, env: dict[str, str], tmp_path: Path) -> None:
    repo = site(tmp_path, {"about.md": STALE})
    done = pre_commit(repo, env, tmp_path / "pre-commit", "try-repo", str(hook_repo.path))
    assert done.results == {"scholar-check": "Passed", "scholar-refresh": "Failed"}, done.output
    assert done.returncode == 1
    assert f"rev: {hook_repo.rev}" in done.output
    assert "the page is out of date (run scholar refresh)" in done.output
    assert (repo / "about.md").read_text(encoding="utf-8") == STALE  # --check writes nothing


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"about.md": CURRENT}, ("Passed", "Passed"), id="current"),
        pytest.param({"about.md": MALFORMED}, ("Failed", "Passed"), id="malformed-id"),
        pytest.param({"about.md": STALE}, ("Passed", "Failed"), id="stale-table"),
        pytest.param({"about.md": UNSTORED}, ("Passed", "Passed"), id="unstored-ids"),
        pytest.param({"notes.txt": STALE}, ("Skipped", "Skipped"), id="no-markdown"),
    ],
)
def test_the_readme_config_passes_and_fails_where_it_should(
    hook_repo: HookRepo,
    pre_commit_home: Path,
    env: dict[str, str],
    tmp_path: Path,
    files: dict[str, str],
    expected: tuple[str, str],
) -> None:
    repo = site(tmp_path, {**files, ".pre-commit-config.yaml": readme_config(hook_repo)})
    done = pre_commit(repo, env, pre_commit_home, "run")
    assert done.results == dict(zip(NAMES, expected, strict=True)), done.output
    assert done.returncode == (1 if "Failed" in expected else 0), done.output
    if expected[0] == "Failed":
        assert "malformed-id" in done.output
        assert "1 error, 0 warnings, 0 info" in done.output
    if expected[1] == "Failed":
        assert "the page is out of date (run scholar refresh)" in done.output
