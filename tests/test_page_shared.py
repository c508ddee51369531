"""The two real homepages in ../shared/pages, read exactly."""

from __future__ import annotations

import json

from conftest import needs_shared, run, shared_page

from scholar_cli.page import parse_page

pytestmark = needs_shared


def test_markdown_page_papers() -> None:
    page = parse_page(shared_page("about-markdown.md"))
    assert [p.title.split(":")[0] for p in page.papers] == [
        "ZO2",
        "Infinite-Sampling",
        "DistZO2",
        "FlashDP",
        "WiP",
    ]
    assert [str(p.arxiv) if p.arxiv else None for p in page.papers] == [
        "2503.12668",
        "2506.22950",
        "2507.03211",
        None,
        None,
    ]
    assert page.papers[3].links[0].url == "https://openreview.net/pdf?id=6izXTVVzoI"
    assert page.papers[4].links[0].url == "https://dl.acm.org/doi/pdf/10.1145/3662006.3662065"
    assert [p.line for p in page.papers] == [44, 49, 54, 59, 64]
    zo2 = page.papers[0]
    assert zo2.venue == "NeurIPS workshop, 2024; arXiv preprint arXiv:2503.12668, 2025"
    assert zo2.years == (2024, 2025)
    assert zo2.repos == ("liangyuwang/zo2",)
    assert [(a.name, a.bold) for a in zo2.authors] == [
        ("Liangyu Wang", True),
        ("Jie Ren", False),
        ("Hang Xu", False),
        ("Junxiao Wang", False),
        ("Huanyi Xie", False),
        ("David E. Keyes", False),
        ("Di Wang", False),
    ]
    # The page's own typo, kept as written (check reports it against arXiv).
    assert page.papers[2].title.startswith("DistZO2: : High-Throughput")


def test_markdown_page_projects_badges_news() -> None:
    page = parse_page(shared_page("about-markdown.md"))
    assert [(p.repos, p.mentions) for p in page.projects] == [
        (("liangyuwang/zo2",), ()),
        (("liangyuwang/Tiny-DeepSpeed",), ("deepspeedai/DeepSpeed",)),
    ]
    assert [(b.kind, b.repo, b.line) for b in page.badges] == [
        ("stars", "liangyuwang/zo2", 35),
        ("stars", "liangyuwang/Tiny-DeepSpeed", 38),
    ]
    data = shared_page("about-markdown.md").read_bytes()
    assert [data[b.start : b.end] for b in page.badges] == [
        b"![GitHub stars](https://img.shields.io/github/stars/liangyuwang/zo2?style=social)",
        b"![GitHub stars](https://img.shields.io/github/stars/liangyuwang/Tiny-DeepSpeed"
        b"?style=social)",
    ]
    assert [(n.date, n.year) for n in page.news] == [
        ("07/2025", 2025),
        ("06/2025", 2025),
        ("04/2025", 2025),
        ("03/2025", 2025),
    ]
    assert page.news[0].text == "Released Infinite-Sampling (paper)."
    assert [r.repo for r in page.repos] == [
        "liangyuwang/zo2",
        "liangyuwang/Tiny-DeepSpeed",
        "deepspeedai/DeepSpeed",
    ]


def test_html_page() -> None:
    page = parse_page(shared_page("about-html.md"))
    assert [str(p.arxiv) if p.arxiv else None for p in page.papers] == [
        "2503.12668",
        "2507.01154",
        "2506.22950",
        "2507.03211",
        None,
    ]
    assert [p.venue for p in page.papers] == [
        "COLM, 2025",
        "NeurIPS 2025",
        "preprint arXiv:2506.22950, 2025",
        "preprint arXiv:2507.03211, 2025",
        "Mobisys workshop 2024",
    ]
    assert [p.line for p in page.papers] == [79, 86, 93, 100, 107]
    assert [p.repos for p in page.projects] == [
        ("liangyuwang/zo2",),
        ("liangyuwang/Tiny-FSDP", "liangyuwang/Tiny-DeepSpeed", "liangyuwang/Tiny-Megatron"),
        ("liangyuwang/train-large-model-from-scratch",),
    ]
    assert len(page.badges) == 5
    assert all(b.syntax == "html" and b.kind == "stars" for b in page.badges)
    data = shared_page("about-html.md").read_bytes()
    assert data[page.badges[1].start : page.badges[1].end] == (
        b'<img src="https://img.shields.io/github/stars/liangyuwang/Tiny-FSDP?style=social"'
        b' alt="GitHub stars">'
    )
    # Six news items: the news-item divs under "Reviewer Service" are not news.
    assert [n.date for n in page.news] == [
        "09/2025",
        "07/2025",
        "07/2025",
        "06/2025",
        "04/2025",
        "03/2025",
    ]
    assert page.news[0].text == "FlashDP is accepted by NeurIPS 2025."


def test_list_papers_year_2025_exact_table() -> None:
    result = run("list", "--no-fetch", "papers", "--page", shared_page("about-markdown.md"), "--year", "2025",
                 "--columns", "title,year,arxiv", "--tablefmt", "github")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "| title                                                                                                             | year       | arxiv      |",
        "|-------------------------------------------------------------------------------------------------------------------|------------|------------|",
        "| ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large Language Models with Limited GPU Memory                | 2024, 2025 | 2503.12668 |",
        "| Infinite-Sampling: Efficient and Stable Grouped RL Training for Large Language Models                             | 2025       | 2506.22950 |",
        "| DistZO2: : High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs with Distributed Parallel Computing | 2025       | 2507.03211 |",
    ]
    assert result.stderr == ""


def test_list_papers_year_2024_json() -> None:
    result = run("list", "--no-fetch", "papers", "-p", shared_page("about-markdown.md"), "--year", "2024",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["count"] == 3
    assert [item["title"].split(":")[0] for item in doc["items"]] == ["ZO2", "FlashDP", "WiP"]
    assert list(doc) == ["schema", "page", "kind", "count", "items"]
    assert list(doc["items"][0]) == [
        "line", "title", "authors", "venue", "years", "arxiv_id", "arxiv_version", "repos",
        "links", "section", "arxiv", "github", "citations",
    ]  # fmt: skip


def test_year_ranges_and_repeats() -> None:
    page = shared_page("about-markdown.md")
    both = run(
        "list",
        "--no-fetch",
        "papers",
        "-p",
        page,
        "--year",
        "2024..2025",
        "-c",
        "line",
        "-f",
        "csv",
    )
    assert both.stdout.splitlines() == ["line", "44", "49", "54", "59", "64"]
    again = run(
        "list",
        "--no-fetch",
        "papers",
        "-p",
        page,
        "-y",
        "2023",
        "-y",
        "2024",
        "-c",
        "line",
        "-f",
        "csv",
    )
    assert again.stdout.splitlines() == ["line", "44", "59", "64"]
    none = run("list", "--no-fetch", "papers", "-p", page, "-y", "2019..2020", "-c", "line")
    assert (none.exit_code, none.stdout, none.stderr) == (
        0,
        "",
        "scholar: no papers match the filters (5 on the page)\n",
    )


def test_html_page_lists_six_news_and_five_badged_repos() -> None:
    result = run("list", "--no-fetch", "repos", "-p", shared_page("about-html.md"), "-f", "csv")
    assert result.stdout.splitlines() == [
        "repo,line,count,badges",
        "liangyuwang/zo2,39,5,1",
        "liangyuwang/Tiny-FSDP,55,2,1",
        "liangyuwang/Tiny-DeepSpeed,60,2,1",
        "liangyuwang/Tiny-Megatron,65,2,1",
        "liangyuwang/train-large-model-from-scratch,71,2,1",
        "kaustpradalab/flashdp,90,1,0",
    ]
    news = run(
        "list",
        "--no-fetch",
        "news",
        "-p",
        shared_page("about-html.md"),
        "-f",
        "csv",
        "-c",
        "line,date",
    )
    assert news.stdout.splitlines() == [
        "line,date", "29,09/2025", "31,07/2025", "33,07/2025", "35,06/2025", "37,04/2025",
        "39,03/2025",
    ]  # fmt: skip
