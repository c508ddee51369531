"""`check_page` on our own fixture pages: every finding kind, asserted exactly."""

from __future__ import annotations

from pathlib import Path

from conftest import fixture_page

from scholar_cli.check import (
    KINDS,
    check_page,
    lint_page,
    sort_findings,
    suggest_ids,
)
from scholar_cli.models import ArxivRecord, Fetched, FetchStatus, Finding, RepoStats
from scholar_cli.page import parse_page
from scholar_cli.views import Records

NOW = 1_760_000_000.0  # 2025-10-09
DAY = 86_400.0

Row = tuple[str, str, int, str, str]


def rows(findings: list[Finding]) -> list[Row]:
    """What each finding says: kind, severity, line, old value (page), new value (source)."""
    return [(f.kind, f.severity, f.line, f.page, f.source) for f in findings]


def arxiv(
    id: str,
    title: str,
    authors: list[str],
    *,
    version: int = 1,
    published: str = "2024-01-03T10:00:00Z",
    updated: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
    status: FetchStatus = "fetched",
    fetched_at: float = NOW,
) -> Fetched:
    record = ArxivRecord(
        id=id,
        version=version,
        published=published,
        updated=updated or published,
        title=title,
        authors=tuple(authors),
        primary_category="cs.LG",
        categories=("cs.LG",),
        doi=doi,
        journal_ref=journal_ref,
        comment=None,
        abstract="",
    )
    return Fetched(id, status, record, fetched_at)


def repo(
    name: str,
    stars: int,
    *,
    full_name: str | None = None,
    archived: bool = False,
    status: FetchStatus = "fetched",
    fetched_at: float = NOW,
) -> Fetched:
    full = full_name or name
    stats = RepoStats(full, stars, 3, archived, "2025-09-01T00:00:00Z", None, "Python",
                      f"https://github.com/{full}")  # fmt: skip
    note = f"renamed to {full}" if full != name else ""
    return Fetched(name, status, stats, fetched_at, note)


def check(path: Path, records: Records, *, offline: bool = False) -> list[Finding]:
    return check_page(
        parse_page(path), records, owner=None, max_age_seconds=DAY, now=NOW, offline=offline
    )


DRIFT_RECORDS = Records(
    arxiv={
        "2401.01234": arxiv(
            "2401.01234", "Sparse Mixtures of Tiny Experts", ["Ana Pérez", "Bo Li"],
            journal_ref="ICML 2024",
        ),
        "2402.02345": arxiv(
            "2402.02345", "Streaming Attention at Scale", ["Ana Pérez", "Chen Wei"],
            version=3, published="2024-02-05T09:00:00Z", updated="2024-06-10T09:00:00Z",
        ),
        "2305.03456": arxiv(
            "2305.03456", "Gradient Noise in Low Precision", ["Ana Pérez", "Dan Ray"],
            version=2, published="2023-05-06T12:00:00Z", updated="2024-05-20T12:00:00Z",
        ),
        "2403.04567": arxiv(
            "2403.04567", "Low-Rank Adapters Revisited: When Rank Matters",
            ["Ana Pérez", "Eva Ng"],
        ),
        "2405.05678": arxiv(
            "2405.05678", "Memory-Light Optimisers",
            ["Ana Pérez", "Gil Hart", "Félix García", "Hui Zhou"],
        ),
        "2406.06789": arxiv(
            "2406.06789", "Quantised Checkpoints", ["Ivan Kos", "Ana Pérez", "Jon Lee"]
        ),
        "2307.07890": arxiv(
            "2307.07890", "Early Exits for Encoders", ["Ana Pérez", "Kim Moss"],
            published="2023-07-17T08:00:00Z",
        ),
        "2501.09999": Fetched("2501.09999", "not_found", None, NOW, "arXiv has no such paper"),
        "2502.00001": Fetched(
            "2502.00001", "unknown", None, None, "arXiv timed out; no stored record"
        ),
        "2503.00002": arxiv(
            "2503.00002", "Cached Long Ago", ["Ana Pérez", "Nia Cole"],
            published="2025-03-01T08:00:00Z", doi="10.1145/3650000.3650001",
            status="stale", fetched_at=NOW - 40 * DAY,
        ),
    }
)  # fmt: skip


def test_drift_page() -> None:
    findings = check(fixture_page("check-drift.md"), DRIFT_RECORDS)
    assert rows(findings) == [
        ("owner-missing", "error", 33, "Ivan Kos, Jon Lee", "Ana Pérez"),
        ("not-found", "error", 43, "2501.09999", "arXiv has no such paper"),
        ("published", "warning", 8, "arXiv preprint arXiv:2401.01234, 2024", "ICML 2024"),
        ("new-version", "warning", 13, "v1", "v3"),
        (
            "title-drift", "warning", 23,
            "Low-Rank Adapters, Revisited", "Low-Rank Adapters Revisited: When Rank Matters",
        ),
        (
            "author-drift", "warning", 28,
            "Ana Pérez, F. Garcia, Gil Hart", "Ana Pérez, Gil Hart, Félix García, Hui Zhou",
        ),
        ("year-drift", "warning", 38, "2022", "2023"),
        ("unchecked", "warning", 48, "arXiv:2502.00001", "arXiv timed out; no stored record"),
        # A record older than --max-age is still compared, and the item is flagged unchecked.
        ("published", "warning", 53, "Preprint 2025", "doi:10.1145/3650000.3650001"),
        (
            "unchecked", "warning", 53,
            "arXiv:2503.00002", "only a record from 2025-08-30 (older than --max-age)",
        ),
        ("updated", "info", 18, "2023", "v2 updated 2024-05-20"),
    ]  # fmt: skip
    by_kind = {f.kind: f for f in findings}
    assert by_kind["title-drift"] == Finding(
        kind="title-drift",
        severity="warning",
        line=23,
        item="Low-Rank Adapters, Revisited",
        page="Low-Rank Adapters, Revisited",
        source="Low-Rank Adapters Revisited: When Rank Matters",
        fix='use arXiv\'s title: "Low-Rank Adapters Revisited: When Rank Matters"',
        arxiv="2403.04567",
    )
    assert by_kind["author-drift"].fix == "add Hui Zhou; order the authors as arXiv does"
    assert by_kind["new-version"].fix == (
        "link https://arxiv.org/abs/2402.02345v3 (or drop the version)"
    )
    assert by_kind["owner-missing"].fix == "add Ana Pérez to the authors"
    assert by_kind["year-drift"].fix == "use 2023, the year of arXiv's first version (2023-07-17)"


def test_owner_from_config_overrides_the_bold_name() -> None:
    # Bo Li is on only a few entries: the others lack "the owner" now.
    findings = check_page(
        parse_page(fixture_page("check-drift.md")), DRIFT_RECORDS,
        owner="Bo Li", max_age_seconds=DAY, now=NOW, offline=False,
    )  # fmt: skip
    missing = [(f.line, f.source) for f in findings if f.kind == "owner-missing"]
    # Where arXiv has a record without Bo Li, the page agrees with it: no finding there. Line
    # 48 has no record (arXiv timed out) and 62 no id, so only the page can be read.
    assert missing == [(48, ""), (62, "")]


def test_recent_offline_record_counts_as_checked() -> None:
    fetched = arxiv(
        "2503.00002", "Cached Long Ago", ["Ana Pérez", "Nia Cole"],
        published="2025-03-01T08:00:00Z", status="offline", fetched_at=NOW - 3600,
    )  # fmt: skip
    page = parse_page(fixture_page("check-drift.md"))
    records = Records(arxiv={"2503.00002": fetched})
    findings = check_page(page, records, owner=None, max_age_seconds=DAY, now=NOW, offline=True)
    assert [f for f in findings if f.line == 53] == []
    # Everything else was never fetched: each is named, none passes silently.
    unchecked = [(f.line, f.source, f.fix) for f in findings if f.kind == "unchecked"]
    assert unchecked == [
        (line, "not fetched", "run without --offline to fetch it")
        for line in (8, 13, 18, 23, 28, 33, 38, 43, 48)
    ]


REPO_RECORDS = Records(
    github={
        "ana/moved-tool": repo("ana/moved-tool", 88, full_name="ana-lab/moved-tool"),
        "ana/gone-tool": Fetched(
            "ana/gone-tool", "not_found", None, NOW, "not found (deleted, renamed away or private)"
        ),
        "ana/old-tool": repo("ana/old-tool", 5, archived=True),
        "ana/static-tool": repo("ana/static-tool", 1534),
        "ana/fresh-static": repo("ana/fresh-static", 212),
        "ana/limited-tool": Fetched(
            "ana/limited-tool", "unknown", None, None, "GitHub rate limit; no stored record"
        ),
    }
)


def test_repos_page() -> None:
    findings = check(fixture_page("check-repos.md"), REPO_RECORDS)
    assert rows(findings) == [
        ("repo-not-found", "error", 9, "ana/gone-tool",
         "not found (deleted, renamed away or private)"),
        ("renamed", "warning", 6, "ana/moved-tool", "ana-lab/moved-tool"),
        ("archived", "warning", 12, "ana/old-tool", "archived"),
        ("stale-badge", "warning", 15, "1.2k", "1.5k"),
        ("unchecked", "warning", 21, "ana/limited-tool", "GitHub rate limit; no stored record"),
        ("unchecked", "warning", 24, "40", "the badge links no GitHub repository"),
        ("stale-badge", "warning", 27, "9", "212"),
    ]  # fmt: skip
    by_kind = {f.kind: f for f in findings if f.line != 27}
    assert by_kind["renamed"].fix == (
        "replace https://github.com/ana/moved-tool with https://github.com/ana-lab/moved-tool"
        " (2 links)"
    )
    assert by_kind["stale-badge"] == Finding(
        kind="stale-badge",
        severity="warning",
        line=15,
        item="ana/static-tool",
        page="1.2k",
        source="1.5k",
        fix="show 1.5k, or use the live badge https://img.shields.io/github/stars/ana/static-tool",
        repo="ana/static-tool",
    )
    assert by_kind["repo-not-found"].fix == (
        "fix or remove the 1 link to https://github.com/ana/gone-tool"
    )


def test_repos_page_offline_without_store() -> None:
    findings = check(fixture_page("check-repos.md"), Records(), offline=True)
    assert [(f.kind, f.line, f.page, f.source, f.fix) for f in findings] == [
        ("unchecked", 6, "ana/moved-tool", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 9, "ana/gone-tool", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 12, "ana/old-tool", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 15, "ana/static-tool", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 18, "ana/fresh-static", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 21, "ana/limited-tool", "not fetched", "run without --offline to fetch it"),
        ("unchecked", 24, "40", "the badge links no GitHub repository",
         "link the badge to its repository, or use a dynamic stars badge"),
    ]  # fmt: skip


def test_lint_page_needs_no_records() -> None:
    page = parse_page(fixture_page("check-lint.md"))
    findings = sort_findings(lint_page(page, owner="Ana Pérez"))
    assert rows(findings) == [
        ("malformed-id", "error", 32, "arXiv:2502.1234", ""),
        ("malformed-id", "error", 36, "https://arxiv.org/abs/2513.12345", ""),
        ("empty-title", "error", 41, "", ""),
        ("bad-news-date", "warning", 6, "13/2025", ""),
        ("bad-news-date", "warning", 7, "2025-02-30", ""),
        ("bad-news-date", "warning", 9, "Summer 2O25", ""),
        ("duplicate", "warning", 18, "First paper", ""),
        ("duplicate", "warning", 22, "First Paper, Extended", ""),
        ("id-mismatch", "warning", 27, "link 2402.02354; text arXiv:2402.02345", ""),
        ("insecure-link", "info", 13, "http://arxiv.org/abs/2401.01234", ""),
        ("insecure-link", "info", 41, "http://github.com/ana/untitled", ""),
    ]
    fixes = {(f.kind, f.line): f.fix for f in findings}
    assert fixes[("duplicate", 18)] == "same title as line 13: remove one entry or merge them"
    assert fixes[("duplicate", 22)] == (
        "same arXiv:2401.01234 as line 13: remove one entry or merge them"
    )
    assert fixes[("insecure-link", 13)] == "use https://arxiv.org/abs/2401.01234"
    # example.org is not known to serve https and the page never links it so: no finding.
    assert all("example.org" not in f.page for f in findings)


def test_lint_page_inside_check_page_with_owner_from_bold_names() -> None:
    page = parse_page(fixture_page("check-lint.md"))
    findings = check_page(page, Records(), owner=None, max_age_seconds=DAY, now=NOW,
                          offline=True)  # fmt: skip
    lint = sort_findings(lint_page(page, owner="Ana Pérez"))
    assert [f for f in findings if f.kind != "unchecked"] == lint
    assert [(f.line, f.page) for f in findings if f.kind == "unchecked"] == [
        (13, "arXiv:2401.01234"),
        (22, "arXiv:2401.01234v2"),
        (27, "arXiv:2402.02354"),
        (43, "ana/untitled"),
    ]


AGREE_RECORDS = Records(
    arxiv={
        "2401.04321": arxiv(
            "2401.04321",
            "``Attention'' Is \\emph{Not} All You Need for Caf\\'e Robots",
            ["Ana Perez", "Jonas M\\\"uller", "Łukasz Nowak", "Soren Odegard"],
            version=2, published="2024-01-09T10:00:00Z", updated="2024-03-01T10:00:00Z",
            journal_ref="Proceedings of ICML 2024",
        ),
        "2502.05432": arxiv(
            "2502.05432", "Ernst's {Law} for {GPU} Kernels -- A Study",
            ["Ana Pérez", "Keyes, David E."], published="2025-02-08T10:00:00Z",
            doi="10.48550/arXiv.2502.05432",
        ),
    },
    github={"ana/tiny-cafe": repo("ana/tiny-cafe", 1234)},
)  # fmt: skip


def test_agreeing_page_has_no_findings() -> None:
    """Accents, initials, `*`/† marks, Markdown emphasis, curly quotes and LaTeX: all agree."""
    assert check(fixture_page("check-agree.md"), AGREE_RECORDS) == []


def search_record(id: str, title: str, authors: list[str]) -> ArxivRecord:
    fetched = arxiv(id, title, authors)
    assert isinstance(fetched.record, ArxivRecord)
    return fetched.record


def test_suggest_ids_exact_title_and_a_shared_author() -> None:
    page = parse_page(fixture_page("check-drift.md"))
    results = {
        "Title Search Hit: Small Models Know More": [
            search_record("2409.01111", "Title search hit: small models know more.",
                          ["B. Li", "Zoe Park"]),
            search_record("2409.02222", "Small Models Know More", ["Ana Pérez"]),
        ],
        # A near miss in the title, and an exact title by strangers: no guess either way.
        "Title Search Near Miss": [
            search_record("2409.03333", "Title Search Near Misses", ["Ana Pérez", "Omar Diaz"]),
            search_record("2409.04444", "Title Search Near Miss", ["Quinn Roe"]),
        ],
    }  # fmt: skip
    assert suggest_ids(page.papers, results) == [
        Finding(
            kind="suggested-id",
            severity="info",
            line=58,
            item="Title Search Hit: Small Models Know More",
            page="",
            source="2409.01111",
            fix="link https://arxiv.org/abs/2409.01111",
        )
    ]


def test_suggest_ids_reports_unsearched_papers_and_ambiguity() -> None:
    page = parse_page(fixture_page("check-drift.md"))
    twins = [
        search_record("2409.05555", "Title Search Near Miss", ["Ana Pérez"]),
        search_record("2409.06666", "Title search near miss", ["Omar Diaz"]),
    ]
    findings = suggest_ids(page.papers, {"Title Search Near Miss": twins})
    assert rows(findings) == [
        ("unchecked", "warning", 58, "Title Search Hit: Small Models Know More",
         "arXiv title search did not answer"),
    ]  # fmt: skip


def test_every_kind_is_reproduced_by_a_fixture() -> None:
    seen: set[str] = set()
    seen |= {f.kind for f in check(fixture_page("check-drift.md"), DRIFT_RECORDS)}
    seen |= {f.kind for f in check(fixture_page("check-repos.md"), REPO_RECORDS)}
    seen |= {f.kind for f in check(fixture_page("check-lint.md"), Records(), offline=True)}
    page = parse_page(fixture_page("check-drift.md"))
    hit = [search_record("2409.01111", page.papers[10].title, ["Ana Pérez"])]
    seen |= {f.kind for f in suggest_ids(page.papers, {page.papers[10].title: hit})}
    assert seen == set(KINDS)
