"""Star badges: shields.io's number format, and rewrites that touch only the badge spans."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import fixture_page, needs_shared, shared_page

from scholar_cli.edit.badges import (
    format_count,
    renamed_repos,
    rewrite_badges,
    rewrite_repo_links,
    star_counts,
    static_badge_url,
)
from scholar_cli.models import Badge, Fetched, RepoStats
from scholar_cli.page import parse_page
from scholar_cli.views import Records


def replaced_spans(old: bytes, new: bytes, badges: Sequence[Badge]) -> list[bytes]:
    """What each badge span became, asserting every byte outside the spans is unchanged."""
    spans = sorted((b.start, b.end) for b in badges)
    pattern = b""
    pos = 0
    for start, end in spans:
        pattern += re.escape(old[pos:start]) + b"(.*?)"
        pos = end
    pattern += re.escape(old[pos:])
    m = re.fullmatch(pattern, new, re.DOTALL)
    assert m is not None, "bytes outside the badge spans changed"
    return list(m.groups())


def changed(old: bytes, badges: Sequence[Badge], parts: list[bytes]) -> list[bytes]:
    spans = sorted(badges, key=lambda b: b.start)
    return [new for b, new in zip(spans, parts, strict=True) if old[b.start : b.end] != new]


# --- format_count: shields.io's metric() ---------------------------------------------------


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1k"),
        (1049, "1k"),  # 1.049 -> "1.0" ends in 0 -> Math.round -> 1
        (1050, "1.1k"),  # the double 1.05 is 1.0500000000000000444…, so toFixed gives 1.1
        (1234, "1.2k"),
        (1240, "1.2k"),
        (1250, "1.3k"),  # 1.25 is exact: toFixed rounds the tie up
        # 9950/1000 is the double 9.9499999999999992894…: JavaScript's toFixed(1) says "9.9",
        # so shields shows 9.9k. We follow JavaScript, not the decimal intuition ("10k").
        (9950, "9.9k"),
        (9960, "10k"),  # "10.0" ends in 0 -> Math.round(9.96) = 10
        (12345, "12k"),
        (99_500, "100k"),
        (999_499, "999k"),
        (999_500, "1M"),  # Math.round(999.5) = 1000 -> the next prefix
        (1_234_567, "1.2M"),
        (999_950_000, "1G"),
        (-1234, "-1.2k"),
    ],
)
def test_format_count_matches_shields(n: int, shown: str) -> None:
    assert format_count(n) == shown


# --- static_badge_url ------------------------------------------------------------------------


def test_dynamic_badge_becomes_static_keeping_query_in_order() -> None:
    url = "https://img.shields.io/github/stars/o/r?style=social&label=Stars&color=ff0000"
    assert static_badge_url(url, 1234) == (
        "https://img.shields.io/badge/stars-1.2k-informational"
        "?style=social&label=Stars&color=ff0000&logo=github"
    )


def test_dynamic_badge_keeps_its_own_logo() -> None:
    url = "https://img.shields.io/github/stars/o/r?logo=gitlab&style=flat"
    assert static_badge_url(url, 5) == (
        "https://img.shields.io/badge/stars-5-informational?logo=gitlab&style=flat"
    )


def test_dynamic_badge_without_query_gets_logo() -> None:
    assert static_badge_url("https://img.shields.io/github/stars/o/r", 12_000) == (
        "https://img.shields.io/badge/stars-12k-informational?logo=github"
    )


def test_bare_badge_records_its_repo_in_link() -> None:
    assert static_badge_url("https://img.shields.io/github/stars/o/r?style=flat", 3, "o/r") == (
        "https://img.shields.io/badge/stars-3-informational"
        "?style=flat&logo=github&link=https://github.com/o/r"
    )
    assert static_badge_url("https://img.shields.io/badge/stars-2-blue", 3, "o/r") == (
        "https://img.shields.io/badge/stars-3-blue?link=https://github.com/o/r"
    )


def test_static_badge_changes_only_its_message() -> None:
    url = "https://img.shields.io/badge/GitHub%20stars-1.2k-ff69b4.svg?style=for-the-badge&logo=github"
    assert static_badge_url(url, 15_000) == (
        "https://img.shields.io/badge/GitHub%20stars-15k-ff69b4.svg?style=for-the-badge&logo=github"
    )


def test_static_badge_escaped_dashes_are_part_of_a_field() -> None:
    # `--` is a literal dash in shields' path syntax, not a field separator.
    url = "https://img.shields.io/badge/stars--count-1--2-light--blue"
    assert static_badge_url(url, 1500) == (
        "https://img.shields.io/badge/stars--count-1.5k-light--blue"
    )


def test_unknown_badge_url_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a GitHub stars badge"):
        static_badge_url("https://img.shields.io/badge/license-MIT-green", 1)
    with pytest.raises(ValueError, match="label-message-color"):
        static_badge_url("https://img.shields.io/badge/stars-blue", 1)


# --- the fixture page of every badge form ----------------------------------------------------

STARS = {
    "anna/dyn": 1234,
    "anna/static": 1300,
    "anna/bare": 1000,
    "anna/html": 56789,
    "anna/old-name": 7,
}
# The counts the static badges already show: keep mode then has nothing to redraw.
CURRENT = {"anna/static": 1234, "anna/bare": 999}
UNKNOWN_WARNING = (
    "line 17: static stars badge left as it is: no GitHub link says which repository it counts"
)
RENAME_WARNING = (
    "anna/old-name was renamed to anna/new-name on GitHub: rerun with --fix-links to update "
    "its links and badges"
)


def badges_page() -> tuple[bytes, tuple[Badge, ...]]:
    path = fixture_page("refresh-badges.md")
    return path.read_bytes(), parse_page(path).badges


def test_static_mode_rewrites_every_form() -> None:
    data, badges = badges_page()
    new, warnings = rewrite_badges(data, badges, STARS, "static")
    assert warnings == [UNKNOWN_WARNING]
    assert replaced_spans(data, new, badges) == [
        b'![GitHub stars](https://img.shields.io/badge/stars-1.2k-informational?style=social&label=Stars&logo=github "Star it")',
        b"![stars](https://img.shields.io/badge/stars-1.3k-informational?style=flat&logo=github&color=blue)",
        b"![stars](https://img.shields.io/badge/stars-1k-informational?style=social&logo=github&link=https://github.com/anna/bare)",
        b"![stars](https://img.shields.io/badge/stars-42-blue)",
        # The page wrote &amp; in the attribute; so does the rewrite.
        b'<img alt="GitHub stars" src="https://img.shields.io/badge/stars-57k-informational?style=social&amp;label=Star&amp;logo=github" width="90">',
        b"![GitHub stars](https://img.shields.io/badge/stars-7-informational?style=social&logo=github)",
        b"![License](https://img.shields.io/badge/license-MIT-green)",
    ]


def test_keep_mode_leaves_dynamic_badges_and_updates_static_ones() -> None:
    data, badges = badges_page()
    new, warnings = rewrite_badges(data, badges, STARS, "keep")
    assert warnings == [UNKNOWN_WARNING]
    assert changed(data, badges, replaced_spans(data, new, badges)) == [
        b"![stars](https://img.shields.io/badge/stars-1.3k-informational?style=flat&logo=github&color=blue)",
        b"![stars](https://img.shields.io/badge/stars-1k-informational?style=social&logo=github&link=https://github.com/anna/bare)",
    ]


def test_text_mode_keeps_the_link_and_links_bare_badges() -> None:
    data, badges = badges_page()
    new, warnings = rewrite_badges(data, badges, STARS, "text")
    assert warnings == [UNKNOWN_WARNING]
    assert changed(data, badges, replaced_spans(data, new, badges)) == [
        "★ 1.2k".encode(),
        "★ 1.3k".encode(),
        # No link was around this one: the text carries the repository link itself.
        "[★ 1k](https://github.com/anna/bare)".encode(),
        "★ 57k".encode(),
        "★ 7".encode(),
    ]
    assert '<a href="https://github.com/anna/html">★ 57k</a>'.encode() in new
    assert "[★ 1.2k](https://github.com/anna/dyn)".encode() in new


def test_missing_count_keeps_the_badge_exactly() -> None:
    data, badges = badges_page()
    stars: dict[str, int | None] = {**STARS, "anna/static": None}
    del stars["anna/dyn"]  # never fetched at all: the same as None
    new, warnings = rewrite_badges(data, badges, stars, "static")
    parts = replaced_spans(data, new, badges)
    assert parts[0] == data[badges[0].start : badges[0].end]
    assert parts[1] == data[badges[1].start : badges[1].end]
    assert b"stars-0-" not in new
    assert warnings == [
        "line 8: no star count for anna/dyn: badge left as it is",
        "line 11: no star count for anna/static: badge left as it is",
        UNKNOWN_WARNING,
    ]


def test_rename_without_fix_links_is_reported_not_applied() -> None:
    data, badges = badges_page()
    new, warnings = rewrite_badges(
        data, badges, CURRENT, "keep", {"anna/old-name": "anna/new-name"}
    )
    assert new == data
    assert warnings == [UNKNOWN_WARNING, RENAME_WARNING]


def test_rename_with_fix_links_rewrites_badge_and_links() -> None:
    data, badges = badges_page()
    new, warnings = rewrite_badges(
        data, badges, CURRENT, "keep", {"anna/old-name": "anna/new-name"}, fix_links=True
    )
    assert warnings == [UNKNOWN_WARNING]
    line = next(x for x in new.decode().splitlines() if x.startswith("**Renamed**"))
    assert line == (
        "**Renamed** [![GitHub stars](https://img.shields.io/github/stars/anna/new-name?style=social)]"
        "(https://github.com/anna/new-name) and its [code](https://github.com/anna/new-name/tree/main),"
        " not [this one](https://github.com/anna/old-name2)."
    )
    others = [x for x in data.decode().splitlines() if not x.startswith("**Renamed**")]
    assert [x for x in new.decode().splitlines() if not x.startswith("**Renamed**")] == others


def test_rewrite_repo_links_matches_whole_names_only() -> None:
    before = (
        b"[a](https://github.com/Old/Repo) <https://github.com/old/repo> github.com/old/repo.git "
        b'<a href="https://www.github.com/old/repo#readme">x</a> '
        b"https://img.shields.io/github/stars/old/repo?style=social "
        b"https://img.shields.io/badge/stars-1-blue?link=https://github.com/old/repo&style=flat "
        b"github.com/old/repo2 github.com/old/repo-x github.com/old/repo.x "
        b"gist.github.com/old/repo notgithub.com/old/repo github.com/xold/repo"
    )
    assert rewrite_repo_links(before, {"old/repo": "new/name"}) == (
        b"[a](https://github.com/new/name) <https://github.com/new/name> github.com/new/name.git "
        b'<a href="https://www.github.com/new/name#readme">x</a> '
        b"https://img.shields.io/github/stars/new/name?style=social "
        b"https://img.shields.io/badge/stars-1-blue?link=https://github.com/new/name&style=flat "
        b"github.com/old/repo2 github.com/old/repo-x github.com/old/repo.x "
        b"gist.github.com/old/repo notgithub.com/old/repo github.com/xold/repo"
    )


def test_counts_and_renames_from_records() -> None:
    page = parse_page(fixture_page("refresh-badges.md"))

    def stats(name: str, stars: int) -> RepoStats:
        return RepoStats(name, stars, 0, False, None, None, None, f"https://github.com/{name}")

    records = Records(
        github={
            "anna/dyn": Fetched("anna/dyn", "stale", stats("anna/dyn", 10)),
            "anna/old-name": Fetched("anna/old-name", "fetched", stats("anna/new-name", 3)),
            "anna/static": Fetched("anna/static", "unknown"),
        }
    )
    assert star_counts(page, records) == {
        "anna/dyn": 10,
        "anna/static": None,
        "anna/bare": None,
        "anna/html": None,
        "anna/old-name": 3,
    }
    assert renamed_repos(page, records) == {"anna/old-name": "anna/new-name"}


def test_crlf_and_bom_survive(tmp_path: Path) -> None:
    lf = fixture_page("refresh-badges.md").read_bytes()
    path = tmp_path / "about.md"
    path.write_bytes(b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"))
    data = path.read_bytes()
    page = parse_page(path)
    new, _ = rewrite_badges(data, page.badges, STARS, "static")
    lf_new, _ = rewrite_badges(
        lf, parse_page(fixture_page("refresh-badges.md")).badges, STARS, "static"
    )
    assert new == b"\xef\xbb\xbf" + lf_new.replace(b"\n", b"\r\n")
    assert new.count(b"\n") == new.count(b"\r\n") == data.count(b"\r\n")


# --- the two real homepages ------------------------------------------------------------------

SHARED_STARS = {
    "liangyuwang/zo2": 1234,
    "liangyuwang/Tiny-DeepSpeed": 987,
    "liangyuwang/Tiny-FSDP": 45,
    "liangyuwang/Tiny-Megatron": 1001,
    "liangyuwang/train-large-model-from-scratch": 12_500,
}


@needs_shared
def test_shared_markdown_page_static(tmp_path: Path) -> None:
    path = tmp_path / "about.md"
    shutil.copyfile(shared_page("about-markdown.md"), path)
    data = path.read_bytes()
    badges = parse_page(path).badges
    new, warnings = rewrite_badges(data, badges, SHARED_STARS, "static")
    assert warnings == []
    assert changed(data, badges, replaced_spans(data, new, badges)) == [
        b"![GitHub stars](https://img.shields.io/badge/stars-1.2k-informational?style=social&logo=github)",
        b"![GitHub stars](https://img.shields.io/badge/stars-987-informational?style=social&logo=github)",
    ]

    # A second run with the same counts changes nothing.
    path.write_bytes(new)
    again, warnings = rewrite_badges(new, parse_page(path).badges, SHARED_STARS, "static")
    assert again == new and warnings == []

    # 1234 -> 1240 still shows 1.2k: not one byte changes.
    later = {**SHARED_STARS, "liangyuwang/zo2": 1240}
    assert rewrite_badges(new, parse_page(path).badges, later, "keep")[0] == new

    # 1234 -> 1300 shows 1.3k: only that badge changes.
    later = {**SHARED_STARS, "liangyuwang/zo2": 1300}
    static_badges = parse_page(path).badges
    moved, _ = rewrite_badges(new, static_badges, later, "keep")
    assert changed(new, static_badges, replaced_spans(new, moved, static_badges)) == [
        b"![GitHub stars](https://img.shields.io/badge/stars-1.3k-informational?style=social&logo=github)",
    ]


@needs_shared
def test_shared_html_page_static(tmp_path: Path) -> None:
    path = tmp_path / "about.md"
    shutil.copyfile(shared_page("about-html.md"), path)
    data = path.read_bytes()
    badges = parse_page(path).badges
    new, warnings = rewrite_badges(data, badges, SHARED_STARS, "static")
    assert warnings == []
    assert changed(data, badges, replaced_spans(data, new, badges)) == [
        b'<img src="https://img.shields.io/badge/stars-1.2k-informational?style=social&logo=github" alt="GitHub stars">',
        b'<img src="https://img.shields.io/badge/stars-45-informational?style=social&logo=github" alt="GitHub stars">',
        b'<img src="https://img.shields.io/badge/stars-987-informational?style=social&logo=github" alt="GitHub stars">',
        b'<img src="https://img.shields.io/badge/stars-1k-informational?style=social&logo=github" alt="GitHub stars">',
        b'<img src="https://img.shields.io/badge/stars-13k-informational?style=social&logo=github" alt="GitHub stars">',
    ]
    path.write_bytes(new)
    again, warnings = rewrite_badges(new, parse_page(path).badges, SHARED_STARS, "static")
    assert again == new and warnings == []


def test_spans_from_other_bytes_are_refused() -> None:
    data, badges = badges_page()
    shifted = b"one more line\n" + data
    with pytest.raises(ValueError, match="line 8: badge span does not hold"):
        rewrite_badges(shifted, badges, STARS, "static")


# --- badges inside a link that is not their repository's --------------------------------------

TITLE_LINK_PAGE = """\
## Publications

- [![Star](https://img.shields.io/github/stars/jdoe/vit-split.svg?style=social&label=Star) <br> ViT-Split: Efficient Splitting Heads](https://arxiv.org/abs/2506.03433)
  Jane Doe, John Roe. CVPR 2025.
"""


def rewrite_twice(tmp_path: Path, text: str, mode: str) -> list[tuple[bytes, list[str], str]]:
    """Two refreshes in `mode` (1234 then 99 stars); each time the page bytes, the warnings,
    and what the page reads as afterwards (badge repos and paper titles)."""
    page_path = tmp_path / "about.md"
    page_path.write_text(text, encoding="utf-8")
    out = []
    for count in (1234, 99):
        page = parse_page(page_path)
        repos = {b.repo for b in page.badges if b.repo}
        new, warnings = rewrite_badges(
            page_path.read_bytes(),
            page.badges,
            dict.fromkeys(repos, count),
            mode,  # type: ignore[arg-type]
        )
        page_path.write_bytes(new)
        after = parse_page(page_path)
        read = f"{sorted(b.repo or '' for b in after.badges)} {[p.title for p in after.papers]}"
        out.append((new, warnings, read))
    return out


@pytest.mark.parametrize("mode", ["static", "text"])
def test_a_badge_in_a_papers_title_link_records_its_repository_and_stays_a_picture(
    tmp_path: Path, mode: str
) -> None:
    # The link around the badge is the paper's, so it cannot say which repository the badge
    # counts: the static badge records it (`link=`). Text inside the title link would need a
    # link of its own, and links do not nest, so in text mode the badge stays a picture too.
    runs = rewrite_twice(tmp_path, TITLE_LINK_PAGE, mode)
    first, second = runs[0][0].decode(), runs[1][0].decode()
    assert (
        "[![Star](https://img.shields.io/badge/stars-1.2k-informational?style=social&label=Star"
        "&logo=github&link=https://github.com/jdoe/vit-split) <br> ViT-Split: Efficient "
        "Splitting Heads](https://arxiv.org/abs/2506.03433)"
    ) in first
    assert "stars-99-informational" in second and "link=https://github.com/jdoe/vit-split" in second
    for _new, warnings, read in runs:
        assert warnings == []
        assert read == "['jdoe/vit-split'] ['ViT-Split: Efficient Splitting Heads']"


def test_a_text_badge_on_its_own_line_inside_an_html_link_is_read_and_redrawn(
    tmp_path: Path,
) -> None:
    page = """\
## Projects

<div class="links">
  <a href="https://github.com/jdoe/idea" class="button">
    <img src="https://img.shields.io/github/stars/jdoe/idea?style=social" alt="GitHub Stars">
  </a>
</div>
"""
    runs = rewrite_twice(tmp_path, page, "text")
    assert runs[0][0].decode() == page.replace(
        '<img src="https://img.shields.io/github/stars/jdoe/idea?style=social" alt="GitHub Stars">',
        "★ 1.2k",
    )
    assert runs[1][0].decode() == page.replace(
        '<img src="https://img.shields.io/github/stars/jdoe/idea?style=social" alt="GitHub Stars">',
        "★ 99",
    )
    assert [read for _n, _w, read in runs] == ["['jdoe/idea'] []", "['jdoe/idea'] []"]


def test_a_static_badges_own_link_names_its_repository_over_the_link_around_it(
    tmp_path: Path,
) -> None:
    page_path = tmp_path / "about.md"
    page_path.write_text(
        "## Projects\n\n**Tool** [![stars](https://img.shields.io/badge/stars-12-blue"
        "?link=https://github.com/jdoe/tool)](https://github.com/jdoe/other)\n",
        encoding="utf-8",
    )
    assert [b.repo for b in parse_page(page_path).badges] == ["jdoe/tool"]
