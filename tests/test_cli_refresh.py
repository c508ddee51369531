"""`scholar refresh` end to end: the real CLI against the loopback fakes, on copies of pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Run, fixture_page, needs_shared, run, shared_page
from servers import FakeGitHub


def scholar(env: dict[str, str], *args: str | Path) -> Run:
    return run(*args, env=env)


def copy(src: Path, tmp_path: Path, name: str = "about.md") -> Path:
    dest = tmp_path / "site" / name
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def changed_regions(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    """The (old, new) byte runs that differ, found with difflib on bytes."""
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return [
        (before[i1:i2], after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


# Repos the GitHub fake knows (fixtures/github/repos), in the badge forms users write.
KNOWN_BADGES = (
    "## Projects\n\n"
    "**Zo2** [![GitHub stars](https://img.shields.io/github/stars/liangyuwang/zo2?style=social)]"
    "(https://github.com/liangyuwang/zo2)\n"
    "- A framework.\n\n"
    "**Tiny** [![stars](https://img.shields.io/badge/stars-99-blue)]"
    "(https://github.com/liangyuwang/Tiny-FSDP)\n"
    "- Small.\n"
)


def known_page(tmp_path: Path, name: str = "about.md") -> Path:
    page = tmp_path / "site" / name
    page.parent.mkdir(exist_ok=True)
    page.write_text(KNOWN_BADGES, encoding="utf-8")
    return page


def badge_images(data: bytes) -> list[bytes]:
    return re.findall(rb"!\[[^\]]*\]\([^)]*\)|<img [^>]*>", data)


@needs_shared
def test_static_badges_on_the_markdown_page_change_only_badge_bytes(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = copy(shared_page("about-markdown.md"), tmp_path)
    before = page.read_bytes()
    result = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert (result.exit_code, result.stderr) == (0, f"scholar: {page}: updated\n")
    after = page.read_bytes()
    assert badge_images(after) == [
        b"![GitHub stars](https://img.shields.io/badge/stars-212-informational"
        b"?style=social&logo=github)",
        b"![GitHub stars](https://img.shields.io/badge/stars-642-informational"
        b"?style=social&logo=github)",
    ]
    # Outside the two badge spans, not one byte moved.
    regions = changed_regions(before, after)
    old_badges = badge_images(before)
    assert len(old_badges) == 2
    for old, _new in regions:
        assert any(old in badge for badge in old_badges), old
    assert (
        before.replace(old_badges[0], badge_images(after)[0]).replace(
            old_badges[1], badge_images(after)[1]
        )
        == after
    )

    # A second run writes nothing (same mtime); --check agrees the page is current.
    mtime = page.stat().st_mtime_ns
    again = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert (again.exit_code, again.stderr) == (0, f"scholar: {page}: up to date\n")
    assert page.stat().st_mtime_ns == mtime
    check = scholar(env, "refresh", "--page", page, "--badges", "static", "--check")
    assert check.exit_code == 0

    # 642 -> 1234 is visible (1.2k): only that badge changes. 1234 -> 1240 still shows 1.2k:
    # nothing is written at all.
    fake_github.set_stars("liangyuwang/Tiny-DeepSpeed", 1234)
    visible = scholar(env, "refresh", "--page", page, "--badges", "static", "--max-age", "0")
    assert visible.exit_code == 0
    moved = page.read_bytes()
    assert moved == after.replace(b"badge/stars-642-", b"badge/stars-1.2k-")
    assert moved != after
    fake_github.set_stars("liangyuwang/Tiny-DeepSpeed", 1240)
    mtime = page.stat().st_mtime_ns
    invisible = scholar(env, "refresh", "--page", page, "--badges", "static", "--max-age", "0")
    assert (invisible.exit_code, invisible.stderr) == (0, f"scholar: {page}: up to date\n")
    assert page.read_bytes() == moved
    assert page.stat().st_mtime_ns == mtime


@needs_shared
def test_static_badges_on_the_html_page(env: dict[str, str], tmp_path: Path) -> None:
    page = copy(shared_page("about-html.md"), tmp_path)
    before = page.read_bytes()
    result = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert result.exit_code == 0, result.stderr
    after = page.read_bytes()
    new_badges = [b for b in badge_images(after) if b"shields.io" in b]
    assert new_badges == [
        f'<img src="https://img.shields.io/badge/stars-{n}-informational?style=social&logo=github"'
        f' alt="GitHub stars">'.encode()
        for n in ("212", "74", "642", "118", "93")
    ]
    old_badges = [b for b in badge_images(before) if b"shields.io" in b]
    rebuilt = before
    for old, new in zip(old_badges, new_badges, strict=True):
        rebuilt = rebuilt.replace(old, new)
    assert rebuilt == after


def test_keep_mode_leaves_dynamic_badges_and_text_mode(env: dict[str, str], tmp_path: Path) -> None:
    src = tmp_path / "src.md"
    src.write_text(
        "## Projects\n\n"
        "**Zo2** [![GitHub stars](https://img.shields.io/github/stars/liangyuwang/zo2)]"
        "(https://github.com/liangyuwang/zo2)\n",
        encoding="utf-8",
    )
    page = copy(src, tmp_path)
    kept = scholar(env, "refresh", "--page", page)
    assert (kept.exit_code, kept.stderr) == (0, f"scholar: {page}: up to date\n")
    assert page.read_bytes() == src.read_bytes()
    text = scholar(env, "refresh", "--page", page, "--badges", "text")
    assert text.exit_code == 0
    assert page.read_text(encoding="utf-8") == (
        "## Projects\n\n**Zo2** [★ 212](https://github.com/liangyuwang/zo2)\n"
    )


def test_crlf_and_bom_survive(env: dict[str, str], tmp_path: Path) -> None:
    body = (
        "## Projects\n\n"
        "**Zo2** [![GitHub stars](https://img.shields.io/github/stars/liangyuwang/zo2)]"
        "(https://github.com/liangyuwang/zo2)\n- A framework.\n"
    )
    page = tmp_path / "about.md"
    page.write_bytes(b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode())
    result = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert result.exit_code == 0, result.stderr
    assert (
        page.read_bytes()
        == b"\xef\xbb\xbf"
        + body.replace(
            "https://img.shields.io/github/stars/liangyuwang/zo2",
            "https://img.shields.io/badge/stars-212-informational?logo=github",
        )
        .replace("\n", "\r\n")
        .encode()
    )


def test_read_only_page_is_an_error_and_untouched(env: dict[str, str], tmp_path: Path) -> None:
    page = known_page(tmp_path)
    before = page.read_bytes()
    page.chmod(0o444)
    result = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert result.exit_code == 6
    assert (
        result.stderr.splitlines()[-1]
        == f"scholar: error: {page} is read-only (mode 0444); nothing written"
    )
    assert page.read_bytes() == before
    assert sorted(p.name for p in page.parent.iterdir()) == [
        ".about.md.scholar-lock",
        "about.md",
    ]


def test_failure_before_rename_leaves_original_and_no_temp_file(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = known_page(tmp_path)
    before = page.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)  # the stdlib call between temp write and rename
    result = scholar(env, "refresh", "--page", page, "--badges", "static")
    assert result.exit_code == 6
    assert "No space left on device" in result.stderr.splitlines()[-1]
    assert page.read_bytes() == before
    assert sorted(p.name for p in page.parent.iterdir()) == [
        ".about.md.scholar-lock",
        "about.md",
    ]


def test_two_refreshes_at_once_both_finish(env: dict[str, str], tmp_path: Path) -> None:
    page = known_page(tmp_path)
    argv = [sys.executable, "-m", "scholar_cli", "refresh", "--page", str(page),
            "--badges", "static"]  # fmt: skip
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(argv, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    done = sorted(err.decode().splitlines()[-1] for _out, err in outputs)
    assert done == [f"scholar: {page}: up to date", f"scholar: {page}: updated"]
    single = known_page(tmp_path, "single.md")
    assert scholar(env, "refresh", "--page", single, "--badges", "static").exit_code == 0
    assert page.read_bytes() == single.read_bytes()


def test_dry_run_prints_the_diff_and_check_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    src = tmp_path / "src.md"
    src.write_text(
        "## Projects\n\n**Zo2** [![stars](https://img.shields.io/badge/stars-150-blue)]"
        "(https://github.com/liangyuwang/zo2)\n",
        encoding="utf-8",
    )
    page = copy(src, tmp_path)
    dry = scholar(env, "refresh", "--page", page, "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout == (
        f"--- {page}\n+++ {page} (refreshed)\n@@ -1,3 +1,3 @@\n"
        " ## Projects\n"
        " \n"
        "-**Zo2** [![stars](https://img.shields.io/badge/stars-150-blue)]"
        "(https://github.com/liangyuwang/zo2)\n"
        "+**Zo2** [![stars](https://img.shields.io/badge/stars-212-blue)]"
        "(https://github.com/liangyuwang/zo2)\n"
    )
    assert page.read_bytes() == src.read_bytes()
    check = scholar(env, "refresh", "--page", page, "--check")
    assert (check.exit_code, check.stderr) == (
        1,
        f"scholar: {page}: the page is out of date (run scholar refresh)\n",
    )
    assert page.read_bytes() == src.read_bytes()


def test_marker_tables_markdown_and_html(env: dict[str, str], tmp_path: Path) -> None:
    md = copy(fixture_page("refresh-blocks.md"), tmp_path)
    result = scholar(env, "refresh", "--page", md)
    assert result.exit_code == 0, result.stderr
    text = md.read_text(encoding="utf-8")
    assert (
        "<!-- scholar:papers year=2025 columns=title,arxiv,stars -->\n\n"
        "| title                   | arxiv      | stars   |\n"
        "|-------------------------|------------|---------|\n"
        "| Alpha: A \\| Piped Title | 2503.12668 |         |\n\n"
        "<!-- /scholar:papers -->\n"
    ) in text
    assert "Inside a fence: an example, not a block." in text
    html = copy(fixture_page("refresh-blocks-html.md"), tmp_path, "html.md")
    result = scholar(env, "refresh", "--page", html)
    assert result.exit_code == 0, result.stderr
    out = html.read_text(encoding="utf-8")
    assert "<p>stale</p>" not in out
    assert "<table>" in out and "<td>2503.12668</td>" in out
    # A second run finds the generated tables current.
    assert scholar(env, "refresh", "--page", html, "--check").exit_code == 0
    assert scholar(env, "refresh", "--page", md, "--check").exit_code == 0


def test_unbalanced_marker_is_a_page_error_naming_the_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    page = tmp_path / "about.md"
    page.write_text("# Me\n\n<!-- scholar:papers -->\nno end\n", encoding="utf-8")
    before = page.read_bytes()
    result = scholar(env, "refresh", "--page", page)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"scholar: error: {page}:3: ")
    assert page.read_bytes() == before


def test_data_file_and_config(env: dict[str, str], tmp_path: Path) -> None:
    page = copy(fixture_page("refresh-blocks.md"), tmp_path)
    (page.parent / "scholar.toml").write_text(
        'badges = "static"\ndata = "_data/scholar.json"\n', encoding="utf-8"
    )
    assert scholar(env, "refresh", "--page", page).exit_code == 0
    data = page.parent / "_data" / "scholar.json"
    first = data.read_bytes()
    assert first.startswith(b'{\n  "schema": 1,\n  "papers": [')
    mtime = data.stat().st_mtime_ns
    assert scholar(env, "refresh", "--page", page).exit_code == 0
    assert data.stat().st_mtime_ns == mtime
    (page.parent / "scholar.toml").write_text('badge = "static"\n', encoding="utf-8")
    bad = scholar(env, "refresh", "--page", page)
    assert bad.exit_code == 4
    assert "unknown key 'badge'" in bad.stderr


def test_text_badges_keep_updating_and_can_go_back_to_static(
    env: dict[str, str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    page = known_page(tmp_path)
    assert scholar(env, "refresh", "--page", page, "--badges", "text").exit_code == 0
    assert page.read_text(encoding="utf-8") == KNOWN_BADGES.replace(
        "![GitHub stars](https://img.shields.io/github/stars/liangyuwang/zo2?style=social)",
        "★ 212",
    ).replace("![stars](https://img.shields.io/badge/stars-99-blue)", "★ 74")
    # The text is still a badge to later runs: a visible change updates it in place.
    fake_github.set_stars("liangyuwang/zo2", 1250)
    moved = scholar(env, "refresh", "--page", page, "--badges", "text", "--max-age", "0")
    assert moved.exit_code == 0
    assert "[★ 1.3k](https://github.com/liangyuwang/zo2)" in page.read_text(encoding="utf-8")
    check = scholar(env, "check", "--page", page, "-f", "json", "--offline")
    assert '"kind": "stale-badge"' not in check.stdout
    # And --badges static turns the text back into a static image inside the same link, in
    # the social style the badge had before it became text.
    assert scholar(env, "refresh", "--page", page, "--badges", "static").exit_code == 0
    assert (
        "[![GitHub stars](https://img.shields.io/badge/stars-1.3k-informational"
        "?style=social&logo=github)]"
        "(https://github.com/liangyuwang/zo2)"
    ) in page.read_text(encoding="utf-8")


def test_renamed_repo_is_reported_then_fixed_with_fix_links(
    env: dict[str, str], tmp_path: Path
) -> None:
    page = tmp_path / "about.md"
    original = (
        "## Projects\n\n"
        "**DS** [![GitHub stars](https://img.shields.io/github/stars/microsoft/DeepSpeed)]"
        "(https://github.com/microsoft/DeepSpeed) and [code](https://github.com/microsoft/DeepSpeed.git)\n"
    )
    page.write_text(original, encoding="utf-8")
    told = scholar(env, "refresh", "--page", page)
    assert told.exit_code == 0
    assert (
        "scholar: microsoft/DeepSpeed was renamed to deepspeedai/DeepSpeed on GitHub: rerun with "
        "--fix-links to update its links and badges"
    ) in told.stderr.splitlines()
    assert page.read_text(encoding="utf-8") == original
    fixed = scholar(env, "refresh", "--page", page, "--fix-links")
    assert fixed.exit_code == 0
    assert page.read_text(encoding="utf-8") == original.replace(
        "microsoft/DeepSpeed", "deepspeedai/DeepSpeed"
    )


def test_check_and_dry_run_write_nothing_not_even_a_lock(
    env: dict[str, str], tmp_path: Path
) -> None:
    page = known_page(tmp_path)
    page.parent.chmod(0o555)  # a read-only folder (mode bits; CI runs as root)
    try:
        check = scholar(env, "refresh", "--page", page, "--check")
        dry = scholar(env, "refresh", "--page", page, "--dry-run")
    finally:
        page.parent.chmod(0o755)
    assert (check.exit_code, dry.exit_code) == (1, 0)
    assert sorted(p.name for p in page.parent.iterdir()) == ["about.md"]


def test_negative_lock_timeout_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = scholar(env, "refresh", "--page", known_page(tmp_path), "--lock-timeout", "-1")
    assert (result.exit_code, result.stderr) == (
        2,
        "scholar: error: --lock-timeout: -1 is not zero or more seconds\n",
    )
