"""`scholar check`: what arXiv and GitHub contradict on the page, and what is malformed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholar_cli.commands.fetching import fetch_records, session_factory
from scholar_cli.commands.pages import load_page
from scholar_cli.commands.setup import Output, open_store
from scholar_cli.errors import ExitCode, FetchError
from scholar_cli.models import SEVERITIES, Finding, Page

if TYPE_CHECKING:
    from scholar_cli.config import Settings
    from scholar_cli.console import Console
    from scholar_cli.sources.options import FetchOptions
    from scholar_cli.sources.store import RecordStore

FORMATS = ("table", "json", "github")
SEVERITY_RANK: dict[str, int] = {s: rank for rank, s in enumerate(SEVERITIES)}  # error first
FAIL_ON = (*SEVERITY_RANK, "never")


@dataclass(slots=True)
class CheckResult:
    page: Page
    findings: list[Finding]
    warnings: list[str]
    failed: bool  # some item has no record because a fetch failed: the check is incomplete


def check_findings(
    page_path: Path,
    settings: Settings,
    options: FetchOptions,
    store: RecordStore,
    console: Console | None = None,
    *,
    suggest: bool = False,
) -> CheckResult:
    """Every finding for the page: against arXiv and GitHub records, plus page lint."""
    from scholar_cli.check import check_page, sort_findings, suggest_ids

    page = load_page(page_path, store, settings)
    ids = list(dict.fromkeys(p.arxiv.id for p in page.papers if p.arxiv))
    repos = [r.repo for r in page.repos]
    outcome = fetch_records(ids, repos, options, store, console)
    findings = check_page(
        page,
        outcome.records,
        owner=settings.owner,
        max_age_seconds=options.arxiv_max_age,
        repo_max_age_seconds=options.github_max_age,
        now=time.time(),
        offline=options.offline,
    )
    warnings = list(outcome.warnings)
    if suggest:
        from scholar_cli.sources.search import search_arxiv_titles

        without = [p for p in page.papers if p.arxiv is None]
        results, report = search_arxiv_titles(
            [p.title for p in without], store, options, session_factory(console)
        )
        warnings += report.warnings
        findings = sort_findings(
            [*findings, *suggest_ids(without, results, offline=options.offline)]
        )
    return CheckResult(page, findings, warnings, outcome.failed)


def check_document(page_path: Path, findings: list[Finding]) -> dict[str, Any]:
    """`check --format json`: schema 1, the page, every finding."""
    return {"schema": 1, "page": str(page_path), "findings": [f.to_json_dict() for f in findings]}


def exit_code(findings: list[Finding], fail_on: str) -> int:
    """1 when a finding is at or above `fail_on` (error < warning < info), else 0."""
    limit = SEVERITY_RANK.get(fail_on, -1)
    if any(SEVERITY_RANK[f.severity] <= limit for f in findings):
        return ExitCode.FINDINGS
    return ExitCode.OK


def run_check(
    page_path: Path,
    settings: Settings,
    options: FetchOptions,
    console: Console,
    *,
    output_format: str = "table",
    fail_on: str = "error",
    suggest: bool = False,
    width: int | None = None,
) -> Output:
    """The whole verb: findings rendered as asked, and the exit rule."""
    from scholar_cli import render

    with open_store(options) as store:
        result = check_findings(page_path, settings, options, store, console, suggest=suggest)
        for warning in store.warnings:
            console.warn(warning)
    for warning in result.warnings:
        console.warn(warning)
    findings = result.findings
    if output_format == "json":
        text = render.render_json(check_document(page_path, findings))
    elif output_format == "github":
        text = "\n".join(render.github_annotation(str(page_path), f) for f in findings)
    else:
        text = render.render_findings(findings, width)
    code = exit_code(findings, fail_on)
    error = None
    if code == ExitCode.OK and result.failed:
        # Never a false all-clear: what could not be fetched was not checked.
        error = FetchError("some items could not be checked: a source failed and none were stored")
    return Output(text, code, error)
