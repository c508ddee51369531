"""What on the page is stale or wrong: the page against fetched records, plus page lint.

Pure: no I/O, no clock (`now` is passed in). The caller fetches records and renders findings.
One module per finding family: `papers` (against arXiv records), `repos` (repositories and
star badges against GitHub records), `lint` (malformed things on the page itself); `kinds`
holds the one table of kinds and severities they all draw from.
"""

from __future__ import annotations

from scholar_cli.check.kinds import KIND_TABLE, KINDS, SEVERITY, sort_findings
from scholar_cli.check.lint import lint_page
from scholar_cli.check.papers import check_paper, page_owner, suggest_ids
from scholar_cli.check.repos import check_badge, check_repo, parse_badge_count
from scholar_cli.models import Finding, Page
from scholar_cli.views import Records

__all__ = [
    "KINDS",
    "KIND_TABLE",
    "SEVERITY",
    "check_page",
    "lint_page",
    "page_owner",
    "parse_badge_count",
    "sort_findings",
    "suggest_ids",
]


def check_page(
    page: Page,
    records: Records,
    *,
    owner: str | None,
    max_age_seconds: float,
    now: float,
    offline: bool,
    repo_max_age_seconds: float | None = None,
) -> list[Finding]:
    """Every finding for `page` against `records`, sorted by severity then line.

    `owner` defaults to the page's most frequent bold author (`page_owner`). A record fetched
    (`fetched_at`) longer than `max_age_seconds` before `now` that could not be renewed
    (status stale/offline) is still checked, and the item is also reported as unchecked.
    `repo_max_age_seconds` lets GitHub records age differently (stars move faster than papers).
    """
    who = owner or page_owner(page)
    repo_age = max_age_seconds if repo_max_age_seconds is None else repo_max_age_seconds
    findings: list[Finding] = []
    for paper in page.papers:
        findings += check_paper(paper, records, who, max_age_seconds, now, offline)
    for ref in page.repos:
        findings += check_repo(ref, records, repo_age, now, offline)
    for badge in page.badges:
        findings += check_badge(badge, records, offline)
    findings += lint_page(page, owner=who)
    return sort_findings(findings)
