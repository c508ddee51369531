"""The data file for site templates (`--data _data/scholar.yml`): papers, projects and repos
with what arXiv and GitHub say about them, as JSON or YAML.

Schema (key order fixed; new keys only ever go at the end):

    {"schema": 1,
     "papers":   [Paper.to_json_dict() without "line",
                  + "arxiv": ArxivRecord.to_json_dict() | null,
                  + "github": {owner/name: RepoStats.to_json_dict() | null}],
     "projects": [Project.to_json_dict() without "line" and "badges",
                  + "github": {owner/name: RepoStats.to_json_dict() | null}],
     "repos":    [{"repo", "used_by", "github": RepoStats.to_json_dict() | null}]}

Left out on purpose, so the file changes only when an entry or a record does: fetch times and
fetch status (they change on every run), and where things sit on the page or how a badge is
drawn (line numbers, badge spans, link counts move when a refresh redraws badges or tables).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scholar_cli.errors import ConfigError
from scholar_cli.models import Page
from scholar_cli.views import Records

__all__ = ["DATA_FORMATS", "data_document", "render_data_file"]

DATA_FORMATS = {".json": "json", ".yml": "yaml", ".yaml": "yaml"}
SCHEMA = 1


def _github(repos: tuple[str, ...], records: Records) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for repo in repos:
        stats = records.repo(repo)
        out[repo] = stats.to_json_dict() if stats is not None else None
    return out


def _without(doc: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in keys}


def data_document(page: Page, records: Records) -> dict[str, Any]:
    """The data file's content as plain dicts and lists, in the documented key order."""
    papers = []
    for paper in page.papers:
        record = records.paper(paper)
        papers.append(
            {
                **_without(paper.to_json_dict(), "line"),
                "arxiv": record.to_json_dict() if record is not None else None,
                "github": _github(paper.repos, records),
            }
        )
    projects = [
        {
            **_without(project.to_json_dict(), "line", "badges"),
            "github": _github(project.repos, records),
        }
        for project in page.projects
    ]
    repos = []
    for ref in page.repos:
        stats = records.repo(ref.repo)
        repos.append(
            {
                "repo": ref.repo,
                "used_by": list(ref.used_by),
                "github": stats.to_json_dict() if stats is not None else None,
            }
        )
    return {"schema": SCHEMA, "papers": papers, "projects": projects, "repos": repos}


def render_data_file(path: Path, page: Page, records: Records) -> bytes:
    """The bytes of the data file at `path`: JSON for .json, YAML for .yml/.yaml (UTF-8,
    ending in a newline). Raises ConfigError for any other extension."""
    fmt = DATA_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"data file {path}: unknown extension {path.suffix or '(none)'!r} "
            "(use .json, .yml or .yaml)"
        )
    document = data_document(page, records)
    if fmt == "json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    import yaml  # only a YAML data file pays for PyYAML

    text: str = yaml.safe_dump(
        document,
        sort_keys=False,  # the documented order, not alphabetical
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # no folding: a long title stays on one line
    )
    return text.encode("utf-8")
