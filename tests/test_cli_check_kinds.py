"""`scholar check` end to end on our own fixture pages: every finding kind through the real CLI.

test_check_fixtures.py proves each kind with hand-built `Records`; here the loopback fakes
serve the records those pages need (fixtures/arxiv/entries/, fixtures/github/repos/ and
renames.json), and the real CLI fetches, stores and checks them.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import fixture_page, run
from servers import FakeArxiv, FakeGitHub, load_fixture

from scholar_cli.check import KINDS
from scholar_cli.sources.store import RecordStore

DAY = 86_400.0

# What each finding says: kind, severity, line, old value (page), new value (source).
Row = tuple[str, str, int, str, str]

DRIFT = fixture_page("check-drift.md")
REPOS = fixture_page("check-repos.md")
LINT = fixture_page("check-lint.md")

DRIFT_IDS = [
    "2401.01234", "2402.02345", "2305.03456", "2403.04567", "2405.05678",
    "2406.06789", "2307.07890", "2501.09999", "2502.00001", "2503.00002",
]  # fmt: skip

# What arXiv's records make of check-drift.md, shared by every run that reaches them.
DRIFT_AGAINST_ARXIV: list[Row] = [
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
]  # fmt: skip


def check(env: dict[str, str], page: Path, *args: str) -> tuple[int, list[Row], str]:
    """`scholar check --page PAGE --format json ARGS`: exit code, finding rows, stderr."""
    result = run("check", "--page", page, "--format", "json", *args, env=env)
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert doc["page"] == str(page)
    rows = [(f["kind"], f["severity"], f["line"], f["page"], f["source"]) for f in doc["findings"]]
    return result.exit_code, rows, result.stderr


def limit_github_for(fake_github: FakeGitHub, repo: str) -> None:
    """GitHub's primary rate limit (403, X-RateLimit-Remaining: 0), for `repo` only."""
    body = json.dumps(load_fixture("github/rate-limit.json"))
    headers = {**fake_github.rate_limit_headers(0), "Content-Type": "application/json"}
    fake_github.respond_next(403, headers, body, path=f"/repos/{repo}")


# --- check-drift.md --------------------------------------------------------------------------


def test_drift_page_against_arxiv_with_suggest(env: dict[str, str], fake_arxiv: FakeArxiv) -> None:
    code, rows, stderr = check(env, DRIFT, "--suggest")
    assert code == 1  # not-found and owner-missing are errors
    assert rows == [
        ("owner-missing", "error", 33, "Ivan Kos, Jon Lee", "Ana Pérez"),
        ("not-found", "error", 43, "2501.09999", "arXiv has no such paper"),
        # Not on arXiv yet: the id arXiv does not know is as dead as a vanished one.
        ("not-found", "error", 48, "2502.00001", "arXiv has no such paper"),
        *DRIFT_AGAINST_ARXIV,
        ("published", "warning", 53, "Preprint 2025", "doi:10.1145/3650000.3650001"),
        ("updated", "info", 18, "2023", "v2 updated 2024-05-20"),
        # An exact title with one shared author ("B. Li" is Bo Li); the near miss's only
        # exact-title record is by a stranger: no guess.
        ("suggested-id", "info", 58, "", "2409.01111"),
    ]  # fmt: skip
    assert stderr == "scholar: not found on arXiv: 2501.09999, 2502.00001\n"
    # One batched id_list request, then one title search per paper without an id.
    assert fake_arxiv.id_lists() == [DRIFT_IDS, [""], [""]]
    assert fake_arxiv.search_queries() == [
        "",
        'ti:"Title Search Hit: Small Models Know More"',
        'ti:"Title Search Near Miss"',
    ]


def test_drift_page_when_arxiv_fails_after_a_warm_run(
    env: dict[str, str], fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    assert check(env, DRIFT)[0] == 1  # warm the store
    # Cached Long Ago: its stored record dates from 40 days ago, older than --max-age (1 d).
    fetched_at = time.time() - 40 * DAY
    with RecordStore(tmp_path / "cache") as store:
        entry = store.get("arxiv", "2503.00002")
        assert entry is not None
        assert store.put("arxiv", "2503.00002", entry.record, fetched_at=fetched_at)
    fake_arxiv.seen.clear()
    fake_arxiv.respond_next(503, times=2)  # the request and its one retry

    code, rows, stderr = check(env, DRIFT)
    old = datetime.fromtimestamp(fetched_at, UTC).strftime("%Y-%m-%d")
    assert code == 1
    assert rows == [
        ("owner-missing", "error", 33, "Ivan Kos, Jon Lee", "Ana Pérez"),
        *DRIFT_AGAINST_ARXIV,
        (
            "unchecked", "warning", 43,
            "arXiv:2501.09999", "arXiv request failed (HTTP 503); no stored record",
        ),
        (
            "unchecked", "warning", 48,
            "arXiv:2502.00001", "arXiv request failed (HTTP 503); no stored record",
        ),
        # A record older than --max-age is still compared, and the item is flagged unchecked.
        ("published", "warning", 53, "Preprint 2025", "doi:10.1145/3650000.3650001"),
        (
            "unchecked", "warning", 53, "arXiv:2503.00002",
            f"only a record from {old} (older than --max-age); "
            "arXiv request failed (HTTP 503); record fetched 40 d ago",
        ),
        ("updated", "info", 18, "2023", "v2 updated 2024-05-20"),
    ]  # fmt: skip
    # Fresh records are not asked for again; the three others are, once plus one retry.
    assert fake_arxiv.id_lists() == [["2501.09999", "2502.00001", "2503.00002"]] * 2
    assert stderr == (
        "scholar: arXiv request failed (HTTP 503); using cached values for 2503.00002 "
        "(40 d old); no cached value for 2501.09999, 2502.00001\n"
    )


# --- check-repos.md --------------------------------------------------------------------------


def test_repos_page_against_github_with_a_rate_limit(
    env: dict[str, str], fake_github: FakeGitHub
) -> None:
    limit_github_for(fake_github, "ana/limited-tool")
    code, rows, stderr = check(env, REPOS)
    assert code == 1  # repo-not-found is an error
    assert rows == [
        ("repo-not-found", "error", 9, "ana/gone-tool",
         "not found (deleted, renamed away or private)"),
        ("renamed", "warning", 6, "ana/moved-tool", "ana-lab/moved-tool"),
        ("archived", "warning", 12, "ana/old-tool", "archived"),
        ("stale-badge", "warning", 15, "1.2k", "1.5k"),
        ("unchecked", "warning", 21, "ana/limited-tool", "GitHub rate limit; no stored record"),
        ("unchecked", "warning", 24, "40", "the badge links no GitHub repository"),
        # Named by the badge's link= parameter only; the live count is the same repository's.
        ("stale-badge", "warning", 27, "9", "212"),
    ]  # fmt: skip
    # Each linked repository is asked for once (in parallel, so in any order); the 301 for
    # the moved one is followed to /repositories/<id>.
    assert sorted(fake_github.paths()) == [
        "/repos/ana/fresh-static", "/repos/ana/gone-tool", "/repos/ana/limited-tool",
        "/repos/ana/moved-tool", "/repos/ana/old-tool", "/repos/ana/static-tool",
        "/repositories/920000001",
    ]  # fmt: skip
    lines = stderr.splitlines()
    assert lines[0].startswith("scholar: GitHub rate limit reached; resets at ")
    assert lines[0].endswith("; no cached value for ana/limited-tool")
    assert lines[1:] == [
        "scholar: GitHub: not found (deleted, renamed away or private): ana/gone-tool",
        "scholar: GitHub repositories renamed: ana/moved-tool -> ana-lab/moved-tool",
    ]


def test_repos_page_when_github_answers_everything(env: dict[str, str]) -> None:
    code, rows, _ = check(env, REPOS)
    assert code == 1
    # Without the rate limit the limited tool is checked and clean.
    assert [r for r in rows if r[0] == "unchecked"] == [
        ("unchecked", "warning", 24, "40", "the badge links no GitHub repository"),
    ]
    assert [r[2] for r in rows] == [9, 6, 12, 15, 24, 27]


# --- check-lint.md ---------------------------------------------------------------------------

LINT_ROWS: list[Row] = [
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


def test_lint_page_offline_is_lint_plus_unchecked(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub
) -> None:
    code, rows, _ = check(env, LINT, "--offline")
    assert code == 1
    offline = "offline and no stored record"
    assert rows == [
        *LINT_ROWS[:6],
        ("unchecked", "warning", 13, "arXiv:2401.01234", offline),
        *LINT_ROWS[6:8],
        ("unchecked", "warning", 22, "arXiv:2401.01234v2", offline),
        LINT_ROWS[8],
        ("unchecked", "warning", 27, "arXiv:2402.02354", offline),
        ("unchecked", "warning", 43, "ana/untitled", offline),
        *LINT_ROWS[9:],
    ]
    assert fake_arxiv.seen == [] and fake_github.seen == []


def test_lint_page_online(env: dict[str, str]) -> None:
    code, rows, stderr = check(env, LINT)
    assert code == 1
    # The lint findings, plus what arXiv and GitHub say about the ids and the repository:
    # check-lint.md reuses 2401.01234 (Sparse Mixtures of Tiny Experts, ICML 2024) under
    # other titles, links an id arXiv does not know and a repository GitHub does not.
    assert rows == [
        ("not-found", "error", 27, "2402.02354", "arXiv has no such paper"),
        *LINT_ROWS[:2],
        LINT_ROWS[2],
        ("repo-not-found", "error", 43, "ana/untitled",
         "not found (deleted, renamed away or private)"),
        *LINT_ROWS[3:6],
        ("published", "warning", 13, "preprint arXiv:2401.01234, 2024", "ICML 2024"),
        ("title-drift", "warning", 13, "First Paper", "Sparse Mixtures of Tiny Experts"),
        LINT_ROWS[6],
        ("title-drift", "warning", 22, "First Paper, Extended", "Sparse Mixtures of Tiny Experts"),
        LINT_ROWS[7],
        *LINT_ROWS[8:],
    ]  # fmt: skip
    assert stderr == (
        "scholar: not found on arXiv: 2402.02354\n"
        "scholar: GitHub: not found (deleted, renamed away or private): ana/untitled\n"
    )


# --- stable keys -----------------------------------------------------------------------------

# kind, line, and the key a script joins on: "arxiv" (the paper's base id) or "repo".
Keyed = tuple[str, int, str | None, str | None]


def keys(env: dict[str, str], page: Path) -> list[Keyed]:
    result = run("check", "--page", page, "--format", "json", env=env)
    assert result.exit_code == 1, result.stderr
    return [
        (f["kind"], f["line"], f["arxiv"], f["repo"]) for f in json.loads(result.stdout)["findings"]
    ]


def test_repo_and_badge_findings_carry_the_repository(
    env: dict[str, str], fake_github: FakeGitHub
) -> None:
    limit_github_for(fake_github, "ana/limited-tool")
    assert keys(env, REPOS) == [
        ("repo-not-found", 9, None, "ana/gone-tool"),
        ("renamed", 6, None, "ana/moved-tool"),  # as the page names it: the record's key
        ("archived", 12, None, "ana/old-tool"),
        ("stale-badge", 15, None, "ana/static-tool"),
        ("unchecked", 21, None, "ana/limited-tool"),
        ("unchecked", 24, None, None),  # a badge that names no repository
        ("stale-badge", 27, None, "ana/fresh-static"),  # named by its link= parameter
    ]


def test_paper_findings_carry_the_arxiv_id_and_others_null(env: dict[str, str]) -> None:
    assert keys(env, LINT) == [
        ("not-found", 27, "2402.02354", None),
        # Neither id is well-formed, so neither entry has one to key it by.
        ("malformed-id", 32, None, None),
        ("malformed-id", 36, None, None),
        ("empty-title", 41, None, None),
        ("repo-not-found", 43, None, "ana/untitled"),
        ("bad-news-date", 6, None, None),
        ("bad-news-date", 7, None, None),
        ("bad-news-date", 9, None, None),
        ("published", 13, "2401.01234", None),
        ("title-drift", 13, "2401.01234", None),
        ("duplicate", 18, None, None),
        ("title-drift", 22, "2401.01234", None),  # linked as v2: the key is the base id
        ("duplicate", 22, "2401.01234", None),
        ("id-mismatch", 27, "2402.02354", None),  # the linked id, as `list papers` shows it
        ("insecure-link", 13, "2401.01234", None),
        ("insecure-link", 41, None, None),  # on the untitled paper, not on its repository
    ]


# --- every kind ------------------------------------------------------------------------------


def test_every_kind_is_reproduced_through_the_cli(
    env: dict[str, str], fake_github: FakeGitHub
) -> None:
    seen: set[str] = set()
    seen |= {row[0] for row in check(env, DRIFT, "--suggest")[1]}
    limit_github_for(fake_github, "ana/limited-tool")
    seen |= {row[0] for row in check(env, REPOS)[1]}
    seen |= {row[0] for row in check(env, LINT)[1]}
    assert sorted(seen) == sorted(KINDS)
