"""Records for a page's items: the store first, then arXiv and GitHub (lazily imported, so a
warm run never loads requests, arxiv or lxml)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scholar_cli import defaults
from scholar_cli.models import Fetched, Page, Paper
from scholar_cli.sources.options import EventHook, FetchOptions, SessionFactory
from scholar_cli.views import Records, paper_doi

if TYPE_CHECKING:
    import requests

    from scholar_cli.console import Console
    from scholar_cli.sources.store import RecordStore


@dataclass(slots=True)
class FetchOutcome:
    records: Records
    requests: dict[str, int]  # HTTP requests sent per service
    warnings: list[str]  # one line each, printed once
    failed: bool  # some item has no record because a fetch failed (not --offline)

    def missing(self) -> frozenset[str]:
        """Keys (arXiv base ids, lower-case owner/name, a citation key: arXiv id or DOI) that
        have no record at all because their source failed."""
        return frozenset(
            key
            for results in (self.records.arxiv, self.records.github, self.records.citations)
            for key, fetched in results.items()
            if fetched.status == "unknown"
        )


def needed_sources(page: Page, kind: str) -> tuple[list[str], list[str]]:
    """(arXiv base ids, GitHub repos) a listing of `kind` shows fetched fields for."""
    if kind == "papers":
        ids = [p.arxiv.id for p in page.papers if p.arxiv]
        repos = [r for p in page.papers for r in p.repos]
        return list(dict.fromkeys(ids)), list(dict.fromkeys(repos))
    if kind == "projects":
        return [], list(dict.fromkeys(r for p in page.projects for r in p.repos))
    if kind == "repos":
        return [], [r.repo for r in page.repos]
    return [], []


def citation_keys(paper: Paper, records: Records) -> tuple[str, str | None, str | None] | None:
    """(key, arXiv id, published DOI) a paper's citation count is asked and stored under:
    the arXiv id when it has one, else the DOI the page links; the published version's DOI
    from arXiv's record, else from the page. None when the paper names neither."""
    page_doi = paper_doi(paper)
    record = records.paper(paper)
    doi = (record.doi if record is not None and record.doi else None) or page_doi
    if paper.arxiv is not None:
        return paper.arxiv.id, paper.arxiv.id, doi
    if doi is not None:
        return doi.lower(), None, doi
    return None


def fetch_records(
    ids: list[str],
    repos: list[str],
    options: FetchOptions,
    store: RecordStore,
    console: Console | None = None,
    *,
    citations: str = "off",
    citation_papers: Sequence[Paper] = (),
    citations_max_age: float = defaults.CITATIONS_MAX_AGE,
) -> FetchOutcome:
    """Fresh records from the store, the rest from arXiv and GitHub; warnings are returned
    (store warnings stay in `store.warnings`), progress goes to the console."""
    if console is not None:
        import dataclasses

        options = dataclasses.replace(options, progress=console.progress)
        what = ", ".join(
            part
            for part in (
                f"{len(ids)} arXiv papers" if ids else "",
                f"{len(repos)} GitHub repos" if repos else "",
            )
            if part
        )
        console.activity(f"Checking {what}…")
    requests: dict[str, int] = {"arxiv": 0, "github": 0}
    warnings: list[str] = []
    arxiv_results: dict[str, Fetched] = {}
    github_results: dict[str, Fetched] = {}
    citation_results: dict[str, Fetched] = {}
    factory = session_factory(console)
    try:
        if ids:
            from scholar_cli.sources.arxiv import fetch_arxiv

            report = fetch_arxiv(ids, store, options, factory)
            requests["arxiv"] = report.requests
            warnings += report.warnings
            arxiv_results = dict(report.results)
        if repos:
            from scholar_cli.sources.github import fetch_github

            report = fetch_github(repos, store, options, factory)
            requests["github"] = report.requests
            warnings += report.warnings
            github_results = {key.lower(): f for key, f in report.results.items()}
        if citations != "off" and citation_papers:
            partial = Records(arxiv=arxiv_results)
            queries: dict[str, tuple[str, str | None, str | None]] = {}
            for paper in citation_papers:
                keys = citation_keys(paper, partial)
                if keys is not None:
                    queries.setdefault(keys[0], keys)
            if queries:
                from scholar_cli.sources.citations import CitationQuery, fetch_citations

                report = fetch_citations(
                    [CitationQuery(*keys) for keys in queries.values()],
                    store,
                    options,
                    citations,  # type: ignore[arg-type]  # checked by the settings
                    factory,
                    max_age=citations_max_age,
                )
                requests[citations] = report.requests
                warnings += report.warnings
                citation_results = dict(report.results)
    finally:
        if console is not None:
            console.done()
    failed = not options.offline and any(
        f.status == "unknown"
        for results in (arxiv_results, github_results, citation_results)
        for f in results.values()
    )
    records = Records(
        arxiv=arxiv_results,
        github=github_results,
        citations=citation_results,
        citation_source=None if citations == "off" else citations,
    )
    outcome = FetchOutcome(records, requests, warnings, failed)
    if console is not None and console.verbose:
        _log_cache_use(outcome)
    return outcome


def session_factory(console: Console | None = None) -> SessionFactory:
    """http.build_session, telling the console when a request is really due."""

    def factory(options: FetchOptions, hook: EventHook | None) -> requests.Session:
        import logging

        from scholar_cli.sources.http import build_session

        if console is not None:
            console.network_started()
        # urllib3 says "Retrying (...)" at WARNING on each retry; the fetch layer reports the
        # outcome in one line, so cron mail gets that line only (-v turns urllib3 back on).
        urllib3_log = logging.getLogger("urllib3")
        if urllib3_log.level == logging.NOTSET:
            urllib3_log.setLevel(logging.ERROR)
        return build_session(options, hook)

    return factory


def _log_cache_use(outcome: FetchOutcome) -> None:
    import logging
    import time

    log = logging.getLogger("scholar_cli.cache")
    now = time.time()
    for service, results in (("arxiv", outcome.records.arxiv), ("github", outcome.records.github)):
        for key, fetched in results.items():
            if fetched.status in ("fresh", "revalidated", "offline") and fetched.fetched_at:
                age = round(now - fetched.fetched_at)
                log.info("%s %s: %s (record %d s old)", service, key, fetched.status, age)
