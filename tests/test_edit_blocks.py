"""Generated tables between scholar markers: exact output, safe escaping, errors by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fixture_page, needs_shared, shared_page

from scholar_cli.edit.blocks import find_blocks, render_blocks
from scholar_cli.errors import PageError
from scholar_cli.models import (
    ArxivId,
    ArxivRecord,
    Author,
    Fetched,
    Page,
    Paper,
    RepoRef,
    RepoStats,
    Section,
)
from scholar_cli.page import parse_page
from scholar_cli.views import Records

NASTY = "Pipes | and\nnewlines <script>alert(1)</script> & [x](javascript:alert(1))"


def arxiv_record(id_: str, journal_ref: str | None = None) -> ArxivRecord:
    return ArxivRecord(
        id=id_,
        version=2,
        published="2025-03-16T12:00:00Z",
        updated="2025-04-01T12:00:00Z",
        title="Whatever arXiv calls it",
        authors=("Anna Müller",),
        primary_category="cs.LG",
        categories=("cs.LG",),
        doi=None,
        journal_ref=journal_ref,
        comment=None,
        abstract="",
    )


def repo_stats(name: str, stars: int, description: str | None = None) -> RepoStats:
    return RepoStats(
        full_name=name,
        stars=stars,
        forks=3,
        archived=False,
        pushed_at="2025-05-06T07:08:09Z",
        description=description,
        language="Python",
        html_url=f"https://github.com/{name}",
    )


RECORDS = Records(
    arxiv={
        "2503.12668": Fetched(
            "2503.12668", "fetched", arxiv_record("2503.12668", "COLM 2025 | <b>oral</b>")
        )
    },
    github={
        "anna/alpha": Fetched("anna/alpha", "fetched", repo_stats("anna/alpha", 1500, NASTY)),
        "anna/beta": Fetched("anna/beta", "stale", repo_stats("anna/beta", 20)),
    },
)


def render_file(path: Path, records: Records = RECORDS) -> str:
    return render_blocks(path.read_text(encoding="utf-8"), parse_page(path), records, path)


MARKDOWN_EXPECTED = """\
---
title: "Generated tables"
---
Hand-written intro stays as it is.

<!-- scholar:papers year=2025 columns=title,arxiv,stars -->

| title                   | arxiv      | stars   |
|-------------------------|------------|---------|
| Alpha: A \\| Piped Title | 2503.12668 | 1500    |

<!-- /scholar:papers -->

Text between blocks.

<!-- scholar:repos columns=repo,stars sort=-stars -->

| repo       | stars   |
|------------|---------|
| anna/alpha | 1500    |
| anna/beta  | 20      |

<!-- /scholar:repos -->

```markdown
<!-- scholar:papers -->
Inside a fence: an example, not a block.
```

    <!-- scholar:nonsense -->

## Publications

- **Alpha: A | Piped Title**
  **Anna Müller**
  arXiv:2503.12668, 2025
  [code](https://github.com/anna/alpha)

- **Beta Paper**
  **Anna Müller**
  ICML 2024
  [code](https://github.com/anna/beta)
"""


def test_markdown_blocks_render_and_nothing_else_changes() -> None:
    assert render_file(fixture_page("refresh-blocks.md")) == MARKDOWN_EXPECTED


def test_markdown_blocks_settle_after_one_run(tmp_path: Path) -> None:
    path = tmp_path / "about.md"
    path.write_text(render_file(fixture_page("refresh-blocks.md")), encoding="utf-8")
    # Re-read from disk, as the next refresh would: the same page, the same bytes.
    assert render_file(path) == MARKDOWN_EXPECTED


HTML_EXPECTED = """\
---
title: "Generated tables in an HTML page"
---
<!-- scholar:repos columns=repo,stars format=html -->
<table>
<thead>
<tr><th>repo      </th><th>stars  </th></tr>
</thead>
<tbody>
<tr><td>anna/alpha</td><td>1500   </td></tr>
</tbody>
</table>
<!-- /scholar:repos -->

<div class="about-section publications-section">
<h2 class="section-title">Publications</h2>
<!-- scholar:papers columns=title,arxiv,published_as -->
<table>
<thead>
<tr><th>title                 </th><th>arxiv     </th><th>published_as                       </th></tr>
</thead>
<tbody>
<tr><td>Alpha: A | Piped Title</td><td>2503.12668</td><td>COLM 2025 | &lt;b&gt;oral&lt;/b&gt;</td></tr>
</tbody>
</table>
<!-- /scholar:papers -->

<div class="publication-item">
<strong>Alpha: A | Piped Title</strong><br>
<strong>Anna Müller</strong><br>
arXiv:2503.12668, 2025<br>
<a href="https://github.com/anna/alpha">Code</a>
</div>
</div>
"""


def test_html_blocks_render_and_default_to_html_inside_html() -> None:
    # The papers marker has no format=: it sits inside a <div>, where Markdown is not
    # rendered, so it gets an HTML table.
    assert render_file(fixture_page("refresh-blocks-html.md")) == HTML_EXPECTED


def nasty_page() -> Page:
    paper = Paper(
        line=9,
        title=NASTY,
        authors=(Author("Anna Müller", bold=True),),
        venue="COLM\r\n2025",
        years=(2025,),
        links=(),
        arxiv=ArxivId("2503.12668"),
        repos=("anna/alpha",),
        section="Publications",
    )
    ref = RepoRef("anna/alpha", line=12, count=1, badges=0, used_by=(NASTY,))
    section = Section("Publications", "papers", 1, 2, "heading words")
    return Page("about.md", {}, (section,), (paper,), (), (), (), (ref,))


def test_untrusted_text_cannot_break_a_markdown_table() -> None:
    text = "<!-- scholar:papers columns=title,venue,published_as -->\n<!-- /scholar:papers -->\n"
    out = render_blocks(text, nasty_page(), RECORDS, "about.md")
    assert out == (
        "<!-- scholar:papers columns=title,venue,published_as -->\n"
        "\n"
        "| title                                                                                        | venue     | published_as                         |\n"
        "|----------------------------------------------------------------------------------------------|-----------|--------------------------------------|\n"
        "| Pipes \\| and newlines &lt;script&gt;alert(1)&lt;/script&gt; &amp; \\[x\\](javascript:alert(1)) | COLM 2025 | COLM 2025 \\| &lt;b&gt;oral&lt;/b&gt; |\n"
        "\n"
        "<!-- /scholar:papers -->\n"
    )


def test_untrusted_text_is_escaped_once_in_html() -> None:
    text = "<!-- scholar:repos columns=repo,used_by format=html -->\n<!-- /scholar:repos -->\n"
    out = render_blocks(text, nasty_page(), RECORDS, "about.md")
    assert out == (
        "<!-- scholar:repos columns=repo,used_by format=html -->\n"
        "<table>\n"
        "<thead>\n"
        "<tr><th>repo      </th><th>used_by                                                                                  </th></tr>\n"
        "</thead>\n"
        "<tbody>\n"
        "<tr><td>anna/alpha</td><td>Pipes | and newlines &lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:alert(1))</td></tr>\n"
        "</tbody>\n"
        "</table>\n"
        "<!-- /scholar:repos -->\n"
    )
    assert "<script>" not in out and "&amp;amp;" not in out


def test_crlf_page_gets_crlf_lines_and_markers_stay() -> None:
    text = "Intro\r\n<!-- scholar:repos columns=repo,stars -->\r\nold\r\n<!-- /scholar:repos -->\r\nEnd"
    out = render_blocks(text, nasty_page(), RECORDS, "about.md")
    assert out == (
        "Intro\r\n<!-- scholar:repos columns=repo,stars -->\r\n"
        "\r\n| repo       | stars   |\r\n|------------|---------|\r\n| anna/alpha | 1500    |\r\n\r\n"
        "<!-- /scholar:repos -->\r\nEnd"
    )


def test_default_columns_leave_out_line_numbers() -> None:
    text = "<!-- scholar:repos -->\n<!-- /scholar:repos -->\n"
    out = render_blocks(text, nasty_page(), RECORDS, "about.md")
    assert out.splitlines()[2] == (
        "| repo       | count   | badges   | stars   | forks   | archived   | pushed     |"
    )


def test_page_without_markers_is_returned_unchanged() -> None:
    text = "# Hi\r\n\r\nNo <!-- scholar:papers --> marker on its own line here.\r\n"
    assert render_blocks(text, nasty_page(), RECORDS, "about.md") == text
    assert find_blocks(text, "about.md") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a\n<!-- scholar:talks -->\n<!-- /scholar:talks -->\n",
            "about.md:2: unknown scholar marker kind 'talks' (choose from papers, projects, news, repos)",
        ),
        (
            "a\nb\n<!-- scholar:papers colour=red -->\n<!-- /scholar:papers -->\n",
            "about.md:3: scholar:papers marker: unknown option 'colour' (choose from year, author, venue, search, sort, columns, format)",
        ),
        (
            "<!-- scholar:papers -->\nrows\n",
            "about.md:1: scholar:papers marker is never closed",
        ),
        (
            "x\n\n<!-- /scholar:repos -->\n",
            "about.md:3: closing marker /scholar:repos has no opening marker",
        ),
        (
            "<!-- scholar:papers -->\n<!-- scholar:repos -->\n<!-- /scholar:repos -->\n<!-- /scholar:papers -->\n",
            "about.md:2: scholar:repos marker inside the scholar:papers block opened on line 1 (blocks cannot nest)",
        ),
        (
            "<!-- scholar:papers -->\n\n<!-- /scholar:repos -->\n",
            "about.md:3: closing marker /scholar:repos does not match scholar:papers opened on line 1",
        ),
        (
            "<!-- scholar:papers --> trailing text\n<!-- /scholar:papers -->\n",
            "about.md:1: a scholar marker must be alone on its line, ending in -->",
        ),
        (
            "<!-- scholar:papers format=fancy -->\n<!-- /scholar:papers -->\n",
            "about.md:1: scholar:papers marker: unknown format 'fancy' (any tabulate format, e.g. github, pipe, html)",
        ),
        (
            "<!-- scholar:papers columns -->\n<!-- /scholar:papers -->\n",
            "about.md:1: scholar:papers marker: 'columns' is not key=value",
        ),
        (
            "\n<!-- scholar:repos columns=title -->\n<!-- /scholar:repos -->\n",
            "about.md:2: scholar:repos marker: columns: unknown column 'title' for repos (choose from repo, line, count, badges, used_by, stars, forks, archived, pushed, status)",
        ),
        (
            "<!-- scholar:projects year=2025 -->\n<!-- /scholar:projects -->\n",
            "about.md:1: scholar:projects marker: year does not apply to projects (it filters papers, news)",
        ),
        (
            "<!-- scholar:papers year=last -->\n<!-- /scholar:papers -->\n",
            "about.md:1: scholar:papers marker: year: 'last' is not a year or a range like 2024..2025",
        ),
    ],
)
def test_bad_markers_name_the_line(text: str, message: str) -> None:
    with pytest.raises(PageError) as raised:
        render_blocks(text, nasty_page(), RECORDS, "about.md")
    assert raised.value.message == message


def test_a_bad_marker_anywhere_stops_every_block() -> None:
    text = (
        "<!-- scholar:repos -->\nold\n<!-- /scholar:repos -->\n"
        "<!-- scholar:papers -->\n"  # never closed
    )
    with pytest.raises(PageError, match=r"about\.md:4: scholar:papers marker is never closed"):
        render_blocks(text, nasty_page(), RECORDS, "about.md")


def test_markers_in_front_matter_and_code_are_not_blocks() -> None:
    text = (
        "---\nnote: <!-- scholar:papers -->\n---\n"
        "~~~\n<!-- scholar:bogus -->\n~~~\n"
        "    <!-- /scholar:papers -->\n"
    )
    assert find_blocks(text, "about.md") == []


def test_quoted_option_values() -> None:
    text = '<!-- scholar:papers search="piped title" columns=title -->\n<!-- /scholar:papers -->\n'
    page = parse_page(fixture_page("refresh-blocks.md"))
    out = render_blocks(text, page, RECORDS, "about.md")
    assert out.splitlines()[4] == "| Alpha: A \\| Piped Title |"
    assert len(out.splitlines()) == 7


@needs_shared
def test_shared_page_with_a_block_keeps_everything_else(tmp_path: Path) -> None:
    original = shared_page("about-markdown.md").read_text(encoding="utf-8")
    head, sep, tail = original.partition("Projects\n========\n")
    block = "<!-- scholar:papers columns=title,arxiv -->\n<!-- /scholar:papers -->\n"
    text = head + block + "\n" + sep + tail
    path = tmp_path / "about.md"
    path.write_text(text, encoding="utf-8")
    out = render_blocks(text, parse_page(path), Records(), path)
    assert out.startswith(head + "<!-- scholar:papers columns=title,arxiv -->\n\n| title")
    assert out.endswith("\n<!-- /scholar:papers -->\n\n" + sep + tail)
    assert out.count("\n| ") == 6  # the header and five papers


def test_escaped_markdown_table_parses_as_one_row_of_three_cells() -> None:
    from markdown_it import MarkdownIt

    text = "<!-- scholar:papers columns=title,venue,published_as -->\n<!-- /scholar:papers -->\n"
    out = render_blocks(text, nasty_page(), RECORDS, "about.md")
    rendered = MarkdownIt("commonmark").enable("table").render(out)
    assert rendered.count("<td>") == 3
    assert "<script>" not in rendered and "<a " not in rendered and "<b>" not in rendered
    assert (
        "<td>Pipes | and newlines &lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:alert(1))</td>"
        in rendered
    )
