"""Honest answers on hostile or unusual input (issue 9): markers, escaping, config bytes,
unusable stores, empty CSV, blank sorting, badges, indented marker tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run

PAPERS = (
    "- **First Paper Title.** A. Author. NeurIPS 2024.\n\n"
    "- **Second Paper Title.** B. Author. ICML 2023.\n\n"
    "# Projects\n\n- [proj](https://github.com/a/b) a thing\n"
)


def _page(tmp_path: Path, marker_line: str) -> Path:
    page = tmp_path / "about.md"
    page.write_text(f"---\n---\n# Publications\n\n{marker_line}\n\n{PAPERS}", encoding="utf-8")
    return page


@pytest.mark.parametrize(
    "marker",
    [
        "<!-- scholar:papers -->",  # never closed
        "<!-- scholar:papers --> and a note <!-- later -->",  # shares its line
        "<!-- /scholar:papers -->",  # a closing marker alone
        "<!-- scholar:papers -->\n<!-- /scholar:repos -->",  # mismatched
    ],
)
def test_a_marker_the_writer_would_refuse_hides_nothing_from_the_reader(
    marker: str, tmp_path: Path
) -> None:
    page = _page(tmp_path, marker)
    listed = run("list", "papers", "--no-fetch", "--page", page, "-f", "csv", "-c", "title")
    projects = run("list", "projects", "--no-fetch", "--page", page, "-f", "csv", "-c", "title")
    assert (listed.exit_code, listed.stdout, listed.stderr) == (
        0,
        "title\nFirst Paper Title\nSecond Paper Title\n",
        "",
    )
    assert projects.stdout == "title\nproj\n"
    refreshed = run("refresh", "--page", page, "--offline")
    assert refreshed.exit_code == 3


def test_a_capitalised_marker_is_told_to_be_lower_case(tmp_path: Path) -> None:
    page = _page(tmp_path, "<!-- Scholar:papers -->\n<!-- /scholar:papers -->")
    result = run("refresh", "--page", page, "--offline")
    assert (result.exit_code, result.stderr) == (
        3,
        f"scholar: error: {page}:5: scholar markers are lower case: <!-- scholar:KIND --> "
        "(KIND: papers, projects, news or repos)\n",
    )


HOSTILE = (
    "---\n---\n# Publications\n\n"
    "- **Pipes | and &lt;img src=x onerror=alert(1)&gt; in_title.** A. Author. NeurIPS 2024.\n"
)


def test_list_markdown_escapes_every_cell(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(HOSTILE, encoding="utf-8")
    result = run("list", "papers", "--no-fetch", "--page", page, "-f", "markdown", "-c", "title")
    assert result.stdout.splitlines()[2] == (
        "| Pipes \\| and &lt;img src=x onerror=alert(1)&gt; in\\_title |"
    )


@pytest.mark.parametrize(
    ("fmt", "cell"),
    [
        ("github", "| Pipes \\| and &lt;img src=x onerror=alert(1)&gt; in\\_title |"),
        ("grid", "| Pipes | and &lt;img src=x onerror=alert(1)&gt; in_title |"),
        (
            "latex",
            " Pipes | and \\ensuremath{<}img src=x onerror=alert(1)\\ensuremath{>} in\\_title \\\\",
        ),
        ("html", "<tr><td>Pipes | and &lt;img src=x onerror=alert(1)&gt; in_title</td></tr>"),
    ],
)
def test_marker_tables_escape_for_their_own_format(fmt: str, cell: str, tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        HOSTILE
        + f"\n<!-- scholar:papers columns=title format={fmt} -->\n<!-- /scholar:papers -->\n",
        encoding="utf-8",
    )
    assert run("refresh", "--page", page, "--offline").exit_code == 0
    lines = page.read_text(encoding="utf-8").splitlines()
    assert cell in lines
    assert not [line for line in lines if "<img" in line]


@pytest.mark.parametrize("name", ["scholar.toml", "pyproject.toml"])
def test_a_config_file_that_is_not_utf8_is_a_config_error(name: str, tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(HOSTILE, encoding="utf-8")
    (tmp_path / name).write_bytes(b'[tool.scholar]\nowner = "Jos\xe9"\n')
    result = run("list", "papers", "--no-fetch", "--page", page)
    assert (result.exit_code, result.stderr) == (
        4,
        f"scholar: error: {tmp_path / name}: not UTF-8 text (byte 27); TOML files are UTF-8\n",
    )


@pytest.mark.parametrize("verb", ["info", "clear"])
def test_cache_commands_on_an_unusable_folder_say_so(verb: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store should be", encoding="utf-8")
    result = run("cache", verb, "--cache-dir", blocker)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.startswith(f"scholar: error: record store {blocker} cannot be opened (")
    assert result.stderr.endswith(" (unusable)\n")


def test_sort_puts_blanks_last_in_both_directions(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "---\n---\n# Publications\n\n"
        "- **Undated Work.** A. Author. Workshop.\n"
        "- **Old Work.** A. Author. ICML 2019.\n"
        "- **New Work.** A. Author. ICML 2024.\n",
        encoding="utf-8",
    )
    for spec, order in (("year", "Old,New"), ("-year", "New,Old")):
        result = run(
            "list",
            "papers",
            "--no-fetch",
            "--page",
            page,
            "-f",
            "csv",
            "-c",
            "title",
            "--sort",
            spec,
        )
        titles = result.stdout.splitlines()[1:]
        assert titles == [f"{t} Work" for t in order.split(",")] + ["Undated Work"]


def test_a_marker_table_in_a_list_item_stays_in_the_item(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "---\n---\n# Publications\n\n"
        "- **Only Paper.** A. Author. ICML 2024.\n\n"
        "# Summary\n\n"
        "- Selected work:\n"
        "  <!-- scholar:papers columns=title -->\n"
        "  <!-- /scholar:papers -->\n"
        "- Next item\n",
        encoding="utf-8",
    )
    assert run("refresh", "--page", page, "--offline").exit_code == 0
    assert page.read_text(encoding="utf-8").endswith(
        "- Selected work:\n"
        "  <!-- scholar:papers columns=title -->\n"
        "\n"
        "  | title      |\n"
        "  |------------|\n"
        "  | Only Paper |\n"
        "\n"
        "  <!-- /scholar:papers -->\n"
        "- Next item\n"
    )
