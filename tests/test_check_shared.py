"""`check_page` on the two real homepages in ../shared/pages, with realistic arXiv/GitHub data.

The records are what arXiv and GitHub said about these papers and repositories (Oct 2025).
"""

from __future__ import annotations

from conftest import needs_shared, shared_page

from scholar_cli.check import check_page, page_owner
from scholar_cli.models import ArxivRecord, Fetched, Finding, RepoStats
from scholar_cli.page import parse_page
from scholar_cli.views import Records

pytestmark = needs_shared

NOW = 1_760_000_000.0  # 2025-10-09
HOUR = 3_600.0
DAY = 86_400.0

DISTZO2_ARXIV = (
    "DistZO2: High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs with "
    "Distributed Parallel Computing"
)
DISTZO2_PAGE = DISTZO2_ARXIV.replace("DistZO2: ", "DistZO2: : ")


def _paper(
    id: str,
    version: int,
    published: str,
    updated: str,
    title: str,
    authors: tuple[str, ...],
    journal_ref: str | None = None,
    doi: str | None = None,
) -> Fetched:
    record = ArxivRecord(
        id=id,
        version=version,
        published=published,
        updated=updated,
        title=title,
        authors=authors,
        primary_category="cs.LG",
        categories=("cs.LG", "cs.DC"),
        doi=doi,
        journal_ref=journal_ref,
        comment=None,
        abstract="",
    )
    return Fetched(id, "fetched", record, NOW - HOUR)


def _repo(full_name: str, stars: int) -> Fetched:
    stats = RepoStats(full_name, stars, stars // 10, False, "2025-09-30T12:00:00Z", None,
                      "Python", f"https://github.com/{full_name}")  # fmt: skip
    return Fetched(full_name, "fetched", stats, NOW - HOUR)


ARXIV = {
    "2503.12668": _paper(
        "2503.12668", 2, "2025-03-16T21:25:46Z", "2025-07-09T08:41:52Z",
        "ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large Language Models with "
        "Limited GPU Memory",
        ("Liangyu Wang", "Jie Ren", "Hang Xu", "Junxiao Wang", "Huanyi Xie", "David E. Keyes",
         "Di Wang"),
        journal_ref="COLM 2025",
    ),
    "2506.22950": _paper(
        "2506.22950", 1, "2025-06-28T17:52:09Z", "2025-06-28T17:52:09Z",
        "Infinite-Sampling: Efficient and Stable Grouped RL Training for Large Language Models",
        ("Liangyu Wang", "Huanyi Xie", "Xinhai Wang", "Tianjin Huang", "Mengdi Li", "Di Wang"),
    ),
    "2507.03211": _paper(
        "2507.03211", 1, "2025-07-03T23:05:14Z", "2025-07-03T23:05:14Z", DISTZO2_ARXIV,
        ("Liangyu Wang", "Huanyi Xie", "Di Wang"),
    ),
    "2507.01154": _paper(
        "2507.01154", 2, "2025-07-01T20:30:03Z", "2025-10-02T11:17:38Z",
        "FlashDP: Memory-Efficient and High-Throughput DP-SGD Training for Large Language Models",
        ("Liangyu Wang", "Junxiao Wang", "Jie Ren", "Zihang Xiang", "David E. Keyes", "Di Wang"),
        journal_ref="NeurIPS 2025", doi="10.48550/arXiv.2507.01154",
    ),
}  # fmt: skip
GITHUB = {
    name.lower(): _repo(name, stars)
    for name, stars in [
        ("liangyuwang/zo2", 212),
        ("liangyuwang/Tiny-DeepSpeed", 642),
        ("deepspeedai/DeepSpeed", 40712),
        ("kaustpradalab/flashdp", 31),
        ("liangyuwang/Tiny-FSDP", 74),
        ("liangyuwang/Tiny-Megatron", 118),
        ("liangyuwang/train-large-model-from-scratch", 93),
    ]
}
RECORDS = Records(arxiv=ARXIV, github=GITHUB)


def check(name: str, records: Records = RECORDS, *, offline: bool = False) -> list[Finding]:
    return check_page(
        parse_page(shared_page(name)), records,
        owner=None, max_age_seconds=DAY, now=NOW, offline=offline,
    )  # fmt: skip


def test_markdown_page_findings() -> None:
    assert check("about-markdown.md") == [
        Finding(
            kind="published",
            severity="warning",
            line=44,
            item="ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large Language Models "
            "with Limited GPU Memory",
            # A workshop plus "arXiv preprint" still reads as a preprint; COLM is not named.
            page="NeurIPS workshop, 2024; arXiv preprint arXiv:2503.12668, 2025",
            source="COLM 2025",
            fix='replace the preprint venue with "COLM 2025"',
            arxiv="2503.12668",
        ),
        Finding(
            kind="title-drift",
            severity="warning",
            line=54,
            item=DISTZO2_PAGE,
            page=DISTZO2_PAGE,
            source=DISTZO2_ARXIV,
            fix=f'use arXiv\'s title: "{DISTZO2_ARXIV}"',
            arxiv="2507.03211",
        ),
    ]


def test_markdown_page_owner_is_the_bold_name() -> None:
    page = parse_page(shared_page("about-markdown.md"))
    assert page_owner(page) == "Liangyu Wang"
    explicit = check_page(page, RECORDS, owner="L. Wang", max_age_seconds=DAY, now=NOW,
                          offline=False)  # fmt: skip
    assert explicit == check("about-markdown.md")


def test_html_page_agrees_with_its_sources() -> None:
    # "COLM, 2025" shows the journal ref; FlashDP's DOI is arXiv's own (10.48550/…).
    assert check("about-html.md") == []


def test_html_page_rate_limited_repo_is_unchecked_not_passed() -> None:
    github = dict(GITHUB)
    github["liangyuwang/tiny-megatron"] = Fetched(
        "liangyuwang/Tiny-Megatron", "unknown", None, None, "GitHub rate limit; no stored record"
    )
    findings = check("about-html.md", Records(arxiv=ARXIV, github=github))
    assert findings == [
        Finding(
            kind="unchecked",
            severity="warning",
            line=65,
            item="liangyuwang/Tiny-Megatron",
            page="liangyuwang/Tiny-Megatron",
            source="GitHub rate limit; no stored record",
            fix="rerun when GitHub is reachable",
            repo="liangyuwang/Tiny-Megatron",
        )
    ]


def test_html_page_renamed_and_stale_offline_record() -> None:
    github = dict(GITHUB)
    moved = RepoStats("kaust-lab/flashdp", 31, 3, False, None, None, "Python",
                      "https://github.com/kaust-lab/flashdp")  # fmt: skip
    github["kaustpradalab/flashdp"] = Fetched(
        "kaustpradalab/flashdp", "offline", moved, NOW - 3 * DAY, "renamed to kaust-lab/flashdp"
    )
    findings = check("about-html.md", Records(arxiv=ARXIV, github=github), offline=True)
    assert [(f.kind, f.severity, f.line, f.page, f.source, f.fix) for f in findings] == [
        ("renamed", "warning", 90, "kaustpradalab/flashdp", "kaust-lab/flashdp",
         "replace https://github.com/kaustpradalab/flashdp with "
         "https://github.com/kaust-lab/flashdp (1 link)"),
        ("unchecked", "warning", 90, "kaustpradalab/flashdp",
         "only a record from 2025-10-06 (older than --max-age); renamed to kaust-lab/flashdp",
         "run without --offline to renew it"),
    ]  # fmt: skip
