"""Tables fit the terminal they are printed on, and carry whole values everywhere else."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_shared, run, shared_page


def _on_a_terminal(args: list[str], env: dict[str, str], columns: int) -> str:
    """Run `scholar ARGS` with stdout on a pseudo-terminal; what it printed there."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, **env, "COLUMNS": str(columns), "LINES": "50", "NO_COLOR": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "scholar_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=full_env,
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the other end closed: the child is done
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


COMMANDS = [
    ["list", "papers"],
    ["list", "projects"],
    ["list", "papers", "-c", "title,authors,venue,links"],
    ["check"],
]


@needs_shared
@pytest.mark.parametrize("page", ["about-markdown.md", "about-html.md"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_line_is_wider_than_the_terminal(
    command: list[str], page: str, env: dict[str, str]
) -> None:
    out = _on_a_terminal([*command, "--page", str(shared_page(page))], env, 100)
    assert out, out
    assert max(map(len, out.splitlines())) <= 100, out
    if command[0] == "list":
        assert "…" in out  # something had to give on these pages at 100 columns


@needs_shared
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_piped_and_wide_output_keeps_whole_values(command: list[str], env: dict[str, str]) -> None:
    page = shared_page("about-markdown.md")
    piped = run(*command, "--page", page, env=env)
    wide = _on_a_terminal([*command, "--page", str(page), "--wide"], env, 100)
    assert "…" not in piped.stdout
    assert "…" not in wide
    assert max(map(len, piped.stdout.splitlines())) > 100


def test_a_table_that_fits_is_not_touched(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text("---\n---\n# Publications\n\n- **Short.** A. B. ICML 2024.\n", "utf-8")
    args = ["list", "papers", "--no-fetch", "--page", str(page)]
    out = _on_a_terminal(args, env, 100)
    assert out == run(*args, env=env).stdout
    assert out.splitlines()[2] == "5       Short    A. B. ICML 2024  2024"


KNOWN = ["2503.12668", "2506.22950", "2507.03211", "2401.01234"]


def _long_page(tmp_path: Path) -> Path:
    # Four arXiv batches of 100, each with a paper the fake knows (so no one-by-one questions).
    ids = [f"2502.{i:05d}" for i in range(1, 397)]
    for batch, known in enumerate(KNOWN):
        ids.insert(batch * 100, known)
    items = "".join(
        f"- **Paper {i}.** A. Author. 2025. [arXiv](https://arxiv.org/abs/{a})\n"
        for i, a in enumerate(ids)
    )
    page = tmp_path / "long.md"
    page.write_text("---\n---\n# Publications\n\n" + items, encoding="utf-8")
    return page


def test_a_long_fetch_off_a_terminal_says_so_twice_and_no_more(
    env: dict[str, str], tmp_path: Path
) -> None:
    # 4 requests 3 s apart (arXiv's pace): still sending after 5 s, so cron hears of it.
    slow = {**env, "SCHOLAR_ARXIV_DELAY": "3"}
    result = run("list", "papers", "--page", _long_page(tmp_path), "-c", "arxiv", env=slow)
    lines = [line for line in result.stderr.splitlines() if "not found on arXiv" not in line]
    assert result.exit_code == 0
    assert len(lines) == 2, result.stderr
    # How far it got by 5 s depends on the machine; what it says does not.
    assert re.fullmatch(r"scholar: arXiv: [1-3]/4 requests sent, ~\d+ s left", lines[0])
    assert re.fullmatch(r"scholar: sent: arXiv 4/4 requests in \d+ s", lines[1])
    quiet = run("-q", "list", "papers", "--page", _long_page(tmp_path), "--refresh", env=slow)
    assert quiet.stderr == ""
