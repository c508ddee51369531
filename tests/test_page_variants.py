"""Our own fixture pages: each variant the reader must understand, asserted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fixture_page, run

from scholar_cli.ids import (
    arxiv_id_from_url,
    arxiv_ids_in_text,
    github_repo_from_url,
    parse_arxiv_id,
)
from scholar_cli.models import ArxivId, Author
from scholar_cli.page import parse_page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2503.12668", ArxivId("2503.12668")),
        ("https://arxiv.org/abs/2503.12668v2", ArxivId("2503.12668", 2)),
        ("https://arxiv.org/pdf/2506.22950", ArxivId("2506.22950")),
        ("https://arxiv.org/pdf/2506.22950v1.pdf", ArxivId("2506.22950", 1)),
        ("https://arxiv.org/html/2401.01234v2", ArxivId("2401.01234", 2)),
        ("http://export.arxiv.org/abs/0704.0001", ArxivId("0704.0001")),
        ("https://arxiv.org/abs/hep-th/9901001v3", ArxivId("hep-th/9901001", 3)),
        ("https://arxiv.org/pdf/math.AG/0601001.pdf", ArxivId("math.AG/0601001")),
        # The forms people paste: arXiv's own prefix, readers and mirrors, arXiv's DOI.
        ("https://arxiv.org/abs/arXiv:2401.01234", ArxivId("2401.01234")),
        ("https://www.alphaxiv.org/abs/2401.01234v2", ArxivId("2401.01234", 2)),
        ("https://alphaxiv.org/overview/2401.01234", ArxivId("2401.01234")),
        ("https://huggingface.co/papers/2401.01234", ArxivId("2401.01234")),
        ("https://doi.org/10.48550/arXiv.2401.01234", ArxivId("2401.01234")),
        ("https://dx.doi.org/10.48550/ARXIV.2401.01234", ArxivId("2401.01234")),
        ("https://ar5iv.labs.arxiv.org/html/2401.01234", ArxivId("2401.01234")),
        ("https://doi.org/10.1145/3662006.3662065", None),
        ("https://huggingface.co/Qwen", None),
        ("https://arxiv.org/abs/not-an-id", None),
        ("https://example.org/abs/2503.12668", None),
    ],
)
def test_arxiv_urls(url: str, expected: ArxivId | None) -> None:
    assert arxiv_id_from_url(url) == expected


def test_arxiv_ids_in_running_text() -> None:
    text = (
        "arXiv 2401.01234; see https://arxiv.org/abs/2305.12345v2, arXiv:hep-th/9901001 "
        "and doi:10.48550/arXiv.2402.00001"
    )
    assert [str(a) for a in arxiv_ids_in_text(text)] == [
        "2401.01234",
        "2305.12345v2",
        "hep-th/9901001",
        "2402.00001",
    ]


def test_arxiv_id_years() -> None:
    assert [parse_arxiv_id(t).year for t in ("0704.0001", "2503.12668v2", "hep-th/9901001")] == [
        2007,
        2025,
        1999,
    ]
    assert parse_arxiv_id("2503.1266") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/o/r", "o/r"),
        ("https://github.com/o/r.git", "o/r"),
        ("https://github.com/o/r/tree/main/src/x.py", "o/r"),
        ("https://github.com/o/r#readme", "o/r"),
        ("https://www.github.com/o/r/", "o/r"),
        ("https://github.com/o", None),
        ("https://github.com/orgs/o", None),
        ("https://gitlab.com/o/r", None),
    ],
)
def test_github_urls(url: str, expected: str | None) -> None:
    assert github_repo_from_url(url) == expected


def test_variants_papers() -> None:
    page = parse_page(fixture_page("variants.md"))
    assert page.front_matter == {"title": "Variants", "arxiv_featured": "2104.12255"}
    assert [(p.line, str(p.arxiv), p.arxiv.version if p.arxiv else None) for p in page.papers] == [
        (9, "hep-th/9901001v3", 3),
        (14, "math.AG/0601001v2", 2),
        (19, "2401.01234v2", 2),
        (24, "0704.0001", None),
        (30, "None", None),
    ]
    first = page.papers[0]
    assert first.authors == (
        Author("José Álvarez", bold=False, equal=True),
        Author("Anna Müller", bold=True, equal=True),
        Author("Łukasz Nowak", bold=False, equal=True),
    )
    assert first.repos == ("anna/qg",)  # the .git suffix is dropped
    assert page.papers[1].repos == ("anna/stacks",)  # /tree/main/src is dropped
    assert page.papers[2].repos == ("anna/sparse",)  # #readme is dropped
    assert page.papers[1].authors == (Author("Anna Müller", True), Author("Bo Li"))
    # A sub-heading inside Publications does not end the section.
    assert page.papers[4].title == "Thesis: Everything Before 2000"
    assert page.papers[4].section == "📝 Publications"


def test_variants_projects_news_badge() -> None:
    page = parse_page(fixture_page("variants.md"))
    (project,) = page.projects
    assert (project.title, project.repos, project.mentions) == (
        "StarTool",
        ("anna/startool",),
        ("psf/requests",),
    )
    (badge,) = page.badges
    assert (badge.kind, badge.repo, badge.link, badge.alt) == (
        "stars",
        "anna/startool",
        "https://github.com/anna/startool",
        "Stars",
    )
    data = fixture_page("variants.md").read_bytes()
    assert data[badge.start : badge.end] == (
        b"![Stars](https://img.shields.io/github/stars/anna/startool.svg?style=flat&label=Stars)"
    )
    assert [(n.date, n.year, n.text) for n in page.news] == [
        ("2024.05", 2024, "Gave a talk at QFT 2024."),
        ("Jan 2023", 2023, "Moved to Zürich."),
    ]


def test_setext_headings_paragraph_entries_no_front_matter() -> None:
    page = parse_page(fixture_page("setext-nofront.md"))
    assert page.front_matter == {}
    assert page.section_names() == ("Papers", "Open Source", "Updates")
    assert [(p.line, p.title, p.venue, p.years) for p in page.papers] == [
        (7, "Learning to Rank Homepages", "KDD 2023", (2023,)),
        (12, "Second Paper in a Paragraph", "NeurIPS 2022", (2022,)),
    ]
    assert [a.name for a in page.papers[0].authors] == ["Jane Doe", "John Roe"]
    assert [(p.title, p.repos) for p in page.projects] == [("homepage-kit", ("jane/homepage-kit",))]
    assert [(n.line, n.date, n.text) for n in page.news] == [
        (24, "2023-06-01", "Joined the lab."),
        (25, "12/2022", "Defended."),
    ]


def test_html_headings_with_emoji_and_li_entries() -> None:
    page = parse_page(fixture_page("html-headings.md"))
    assert page.section_names() == ("📝 Publications",)
    assert [(p.line, p.title) for p in page.papers] == [
        (3, "Graph Nets at Scale"),
        (4, "Tiny Models"),
    ]
    assert page.papers[0].authors == (
        Author("Ana Silva", False, True),
        Author("Rui Costa", True, True),
    )
    assert page.papers[0].arxiv == ArxivId("2510.00002", 1)
    assert [(b.syntax, b.repo) for b in page.badges] == [("html", "rui/graphnets")]


def test_crlf_and_bom_keep_lines_and_byte_spans(tmp_path: Path) -> None:
    original = fixture_page("variants.md").read_text(encoding="utf-8")
    crlf = tmp_path / "about.md"
    crlf.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8"))
    plain = parse_page(fixture_page("variants.md"))
    page = parse_page(crlf)
    assert [p.line for p in page.papers] == [p.line for p in plain.papers]
    assert [p.title for p in page.papers] == [p.title for p in plain.papers]
    (badge,) = page.badges
    data = crlf.read_bytes()
    assert data[badge.start : badge.end] == (
        b"![Stars](https://img.shields.io/github/stars/anna/startool.svg?style=flat&label=Stars)"
    )
    assert badge.line == plain.badges[0].line == 36


def test_page_without_publications_section(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text("# Hi\n\nJust a bio.\n", encoding="utf-8")
    result = run("list", "--no-fetch", "papers", "--page", page)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        f"scholar: {page}: no publications section found\n",
    )
    as_json = run("list", "--no-fetch", "papers", "--page", page, "--format", "json")
    assert as_json.exit_code == 0
    assert '"count": 0' in as_json.stdout and '"items": []' in as_json.stdout


def test_page_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_pages").mkdir()
    (tmp_path / "README.md").write_text("## News\n\n- 01/2020: readme\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("list", "--no-fetch", "news", "-f", "csv", "-c", "text").stdout == "text\nreadme\n"
    (tmp_path / "_pages" / "about.md").write_text("## News\n\n- 01/2021: about\n", encoding="utf-8")
    assert run("list", "--no-fetch", "news", "-f", "csv", "-c", "text").stdout == "text\nabout\n"
    env = {"SCHOLAR_PAGE": str(tmp_path / "README.md")}
    assert (
        run("list", "--no-fetch", "news", "-f", "csv", "-c", "text", env=env).stdout
        == "text\nreadme\n"
    )


def test_no_page_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("list", "--no-fetch", "papers")
    assert result.exit_code == 3
    assert result.stderr == (
        f"scholar: error: {tmp_path}: no page found (looked for _pages/about.md, about.md, "
        "index.md, README.md); pass --page PATH\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (
            b"---\ntitle: [oops\n---\nbody\n",
            "3: bad front matter: expected ',' or ']', but got '<stream end>'",
        ),
        (
            b"---\ntitle: x\nbody never closes\n",
            "1: front matter opened with '---' is never closed",
        ),
        (b"---\n- a\n- b\n---\n", "2: bad front matter: expected 'key: value' lines"),
        (b"# Papers\n\nok\n\xff\xfe bad\n", "4: not UTF-8 text (byte 0xff at offset 13)"),
        (b"PNG\x00\x00binary", "1: not a text file (contains NUL bytes)"),
    ],
)
def test_bad_pages(tmp_path: Path, content: bytes | None, expected: str) -> None:
    page = tmp_path / "about.md"
    if content is not None:
        page.write_bytes(content)
    result = run("list", "--no-fetch", "papers", "--page", page)
    sep = ":" if expected[0].isdigit() else ": "
    assert (result.exit_code, result.stdout, result.stderr) == (
        3,
        "",
        f"scholar: error: {page}{sep}{expected}\n",
    )


def test_folder_as_page(tmp_path: Path) -> None:
    result = run("list", "--no-fetch", "papers", "--page", tmp_path)
    assert (result.exit_code, result.stderr) == (
        3,
        f"scholar: error: {tmp_path}: is a folder, not a page file\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "books"], "KIND: 'books' is not one of papers, projects, news, repos"),
        (
            ["list", "papers", "--format", "xml"],
            "--format: 'xml' is not one of table, json, csv, markdown",
        ),
        (["list", "papers", "--tablefmt", "fancy"], "--tablefmt: 'fancy' is not a tabulate format"),
        (
            ["list", "papers", "--year", "20x5"],
            "--year: '20x5' is not a year or a range like 2024..2025",
        ),
        (["list", "papers", "--year", "2025..2020"], "--year: '2025..2020' ends before it starts"),
        (
            ["list", "papers", "--sort", "colour"],
            "--sort: unknown column 'colour' for papers (choose from line, title, authors, venue, year, arxiv, links, repos, section, version, published, updated, category, published_as, stars, status, citations, cited_by)",
        ),
        (
            ["list", "repos", "--columns", "repo,nope"],
            "--columns: unknown column 'nope' for repos (choose from repo, line, count, badges, used_by, stars, forks, archived, pushed, status)",
        ),
        (
            ["list", "repos", "--author", "x"],
            "--author does not apply to repos (it filters papers)",
        ),
        (["list", "papers", "--bogus"], "No such option: --bogus"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], message: str) -> None:
    result = run(*args, "--no-fetch", "--page", fixture_page("variants.md"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"scholar: error: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_filters_author_venue_search_are_accent_insensitive() -> None:
    page = fixture_page("variants.md")
    by_author = run(
        "list", "--no-fetch", "papers", "-p", page, "--author", "lukasz", "-c", "line", "-f", "csv"
    )
    assert by_author.stdout == "line\n9\n"
    by_venue = run(
        "list",
        "--no-fetch",
        "papers",
        "-p",
        page,
        "--venue",
        "PHYS. REV",
        "-c",
        "line",
        "-f",
        "csv",
    )
    assert by_venue.stdout == "line\n9\n"
    by_search = run(
        "list", "--no-fetch", "papers", "-p", page, "-s", "muller", "-c", "line", "-f", "csv"
    )
    assert by_search.stdout == "line\n9\n14\n19\n24\n30\n"
    news = run("list", "--no-fetch", "news", "-p", page, "-s", "zurich", "-c", "date", "-f", "csv")
    assert news.stdout == "date\nJan 2023\n"


def test_sort_and_formats() -> None:
    page = fixture_page("variants.md")
    result = run(
        "list",
        "--no-fetch",
        "papers",
        "-p",
        page,
        "--sort",
        "-year",
        "-c",
        "year,arxiv",
        "-f",
        "csv",
    )
    assert result.stdout.splitlines() == [
        "year,arxiv",
        "2024,2401.01234v2",
        "2007,0704.0001",
        "2006,math.AG/0601001v2",
        "1999,hep-th/9901001v3",
        "1998,",
    ]
    md = run(
        "list",
        "--no-fetch",
        "papers",
        "-p",
        page,
        "-y",
        "2007",
        "-c",
        "arxiv,title",
        "-f",
        "markdown",
    )
    assert md.stdout == (
        "| arxiv     | title                |\n"
        "|-----------|----------------------|\n"
        "| 0704.0001 | A Note Without Links |\n"
    )


def test_star_text_in_a_repo_link_is_a_text_badge(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Projects\n\n"
        "**A** [★ 1.2k](https://github.com/o/a)\n\n"
        '<div class="project-item"><strong>B</strong> <a href="https://github.com/o/b">★ 74</a>'
        "</div>\n\n"
        "**C** [★ 5](https://example.org/not-a-repo)\n",
        encoding="utf-8",
    )
    parsed = parse_page(page)
    data = page.read_bytes()
    assert [(b.kind, b.repo, b.syntax, b.line, data[b.start : b.end]) for b in parsed.badges] == [
        ("text-stars", "o/a", "markdown", 3, "★ 1.2k".encode()),
        ("text-stars", "o/b", "html", 5, "★ 74".encode()),
    ]


def test_one_line_entries_split_authors_from_venue(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Publications\n\n"
        "1. **WiP: Towards Light Adaptation** — **Liangyu Wang**, Junxiao Wang and Di Wang."
        " *MobiSys Workshop 2024*.\n"
        "2. **Keyes Paper**: D. E. Keyes, **Liangyu Wang**, et al. NeurIPS 2023."
        " [pdf](https://arxiv.org/pdf/2301.00001)\n\n"
        "<ol><li><b>DistZO2: High-Throughput</b><br>\n"
        "<b>Liangyu Wang</b>, Huanyi Xie, and Di Wang. Preprint 2025."
        ' <a href="https://arxiv.org/pdf/2507.03211v1.pdf">pdf</a></li></ol>\n',
        encoding="utf-8",
    )
    papers = parse_page(page).papers
    assert [(p.title, [a.name for a in p.authors], p.venue, p.years) for p in papers] == [
        ("WiP: Towards Light Adaptation", ["Liangyu Wang", "Junxiao Wang", "Di Wang"],
         "MobiSys Workshop 2024", (2024,)),
        ("Keyes Paper", ["D. E. Keyes", "Liangyu Wang"], "NeurIPS 2023", (2023,)),
        ("DistZO2: High-Throughput", ["Liangyu Wang", "Huanyi Xie", "Di Wang"],
         "Preprint 2025", (2025,)),
    ]  # fmt: skip


def test_badge_lookalike_in_a_code_fence_is_not_the_badge(tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "# Projects\n\n"
        "[![ref][b]](https://github.com/o/r)\n\n"
        "```md\n"
        "[![x](https://img.shields.io/github/stars/o/r)](https://github.com/o/r)\n"
        "```\n\n"
        "[b]: https://img.shields.io/github/stars/o/r\n",
        encoding="utf-8",
    )
    # The reference-style badge is its definition line; the fenced example is text.
    badges = parse_page(page).badges
    assert [(b.kind, b.repo, b.line, b.syntax) for b in badges] == [
        ("stars", "o/r", 9, "reference")
    ]
    data = page.read_bytes()
    assert data[badges[0].start : badges[0].end] == b"[b]: https://img.shields.io/github/stars/o/r"


def test_profile_readme_styles(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text(
        "### Hi there 👋 I'm Ana\n\n"
        "#### 📕 Latest Publications\n"
        "- [Linked Title One](https://arxiv.org/abs/2401.00001) — *NeurIPS 2024*\n"
        "- **Title Two**. Ana Pérez, Bo Li. ICML 2023. [[paper]](https://arxiv.org/abs/2301.00002)"
        " [[code]](https://github.com/ana/two)\n"
        '- **Ana Pérez**, Bo Li. "Quoted Title Three." In *ACL 2022*.'
        " [arXiv](https://arxiv.org/abs/2201.00003)\n\n"
        "#### 📰 News\n"
        "- **[2025-01]** Paper accepted at ICLR.\n"
        "- 🎉 Dec 2024: Started at the lab.\n",
        encoding="utf-8",
    )
    parsed = parse_page(page)
    assert [
        (p.title, [(a.name, a.bold) for a in p.authors], p.venue, str(p.arxiv), p.repos)
        for p in parsed.papers
    ] == [
        ("Linked Title One", [], "NeurIPS 2024", "2401.00001", ()),
        ("Title Two", [("Ana Pérez", False), ("Bo Li", False)], "ICML 2023", "2301.00002",
         ("ana/two",)),
        ("Quoted Title Three", [("Ana Pérez", True), ("Bo Li", False)], "In ACL 2022",
         "2201.00003", ()),
    ]  # fmt: skip
    assert [(n.date, n.text) for n in parsed.news] == [
        ("2025-01", "Paper accepted at ICLR."),
        ("Dec 2024", "Started at the lab."),
    ]


def test_publication_styles_seen_on_real_homepages() -> None:
    page = parse_page(fixture_page("academic-styles.md"))
    assert [
        (p.line, p.title, [(a.name, a.bold, a.equal) for a in p.authors], p.venue, p.years)
        for p in page.papers
    ] == [
        (17, "Scaling Laws for Sparse Models",
         [("Jane Doe", True, False), ("Bob Lee", False, False), ("Carol Chen", False, False)],
         "ICML 2024 (Oral)", (2024,)),
        (20, "Sparse Attention for Long Video",
         [("Jane Doe", False, False), ("Bob Lee", False, False), ("Carol Chen", False, False)],
         "In ICML, 2024", (2024,)),
        (21, "Sketching for Regression", [("A. Kumar", False, False), ("J. Doe", True, False)],
         "SODA 2020", (2020,)),
        (25, "Routing Tokens Without Tears",
         [("Alice Wang", False, True), ("Jane Doe", True, True), ("Bob Lee", False, False)],
         "arXiv 2025", (2025,)),
        (28, "A Paper With Venue On Same Line", [("Jane Doe", False, False), ("Bob Lee", False, False)],
         "NeurIPS 2022 (Spotlight)", (2022,)),
        (32, "Camera-ready Title: With Colon", [("Jane Doe", False, False), ("Bob Lee", False, False)],
         "ACL 2023, Outstanding Paper Award", (2023,)),
        (33, "Superscript Affiliations", [("Jane Doe", False, False), ("Bob Lee", False, False)],
         "WWW 2021", (2021,)),
        # No year in the venue: the "### 2019" sub-heading gives it.
        (37, "Old Workshop Paper", [("Jane Doe", True, False), ("Bob Lee", False, False)],
         "Workshop on Old Things", (2019,)),
        # A folded <details> list is two papers, not one.
        (42, "Old Paper One", [("Jane Doe", False, False), ("Bob Lee", False, False)],
         "BMVC 2018", (2018,)),
        (43, "Old Paper Two", [("Jane Doe", False, False), ("Bob Lee", False, False)],
         "WACV 2017", (2017,)),
    ]  # fmt: skip
    # The "(* denotes equal contribution…)" note is not a paper; sub-headings ("Conference",
    # "Journal") do not end the Publications section.
    assert page.section_names() == ("News", "Publications", "Projects")
    # A pipe table of news is one item a row, its header row none.
    assert [(n.line, n.date, n.text) for n in page.news] == [
        (8, "Jan 15, 2025", "Our paper was accepted at ICLR 2025."),
        (9, "Nov 3, 2024", "Invited talk at Stanford."),
    ]
    assert [(p.title, p.repos, p.mentions, p.description) for p in page.projects] == [
        ("TinyServe", ("janedoe/tinyserve",), (), "a tiny LLM inference server"),
        ("ZeroOpt", ("janedoe/zeroopt",), ("google-deepmind/optax",),
         "zeroth-order optimizers, built on Optax"),
        ("PaperBot", ("janedoe/paperbot",), (), "A bot that summarizes arXiv papers"),
    ]  # fmt: skip
