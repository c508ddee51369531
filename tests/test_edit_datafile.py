"""The data file for site templates: fixed key order, JSON or YAML, nothing that drifts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import fixture_page, needs_shared, shared_page
from test_edit_blocks import NASTY, RECORDS, arxiv_record, repo_stats

from scholar_cli.edit.datafile import render_data_file
from scholar_cli.errors import ConfigError
from scholar_cli.models import Fetched
from scholar_cli.page import parse_page
from scholar_cli.views import Records


def test_json_data_file_exact() -> None:
    page = parse_page(fixture_page("refresh-blocks.md"))
    data = render_data_file(Path("_data/scholar.json"), page, RECORDS)
    assert data.endswith(b"}\n")
    doc = json.loads(data)
    assert list(doc) == ["schema", "papers", "projects", "repos"]
    alpha, beta = doc["papers"]
    assert list(alpha) == [
        "title", "authors", "venue", "years", "arxiv_id", "arxiv_version", "repos", "links",
        "section", "arxiv", "github",
    ]  # fmt: skip
    assert alpha["title"] == "Alpha: A | Piped Title"
    assert alpha["arxiv"] == arxiv_record("2503.12668", "COLM 2025 | <b>oral</b>").to_json_dict()
    assert alpha["github"] == {"anna/alpha": repo_stats("anna/alpha", 1500, NASTY).to_json_dict()}
    assert beta["arxiv"] is None
    assert beta["github"]["anna/beta"]["stars"] == 20  # a stale record still gives its numbers
    assert doc["projects"] == []
    assert doc["repos"] == [
        {
            "repo": "anna/alpha",
            "used_by": ["Alpha: A | Piped Title"],
            "github": repo_stats("anna/alpha", 1500, NASTY).to_json_dict(),
        },
        {
            "repo": "anna/beta",
            "used_by": ["Beta Paper"],
            "github": repo_stats("anna/beta", 20).to_json_dict(),
        },
    ]
    # Non-ASCII stays readable; nothing about when or how the records were fetched.
    assert "Anna Müller".encode() in data
    assert b"fetched_at" not in data and b"status" not in data and b'"line"' not in data


def test_yaml_data_file_has_the_same_content_in_the_same_order() -> None:
    page = parse_page(fixture_page("refresh-blocks.md"))
    as_json = json.loads(render_data_file(Path("scholar.json"), page, RECORDS))
    as_yaml = render_data_file(Path("_data/scholar.yml"), page, RECORDS)
    assert yaml.safe_load(as_yaml) == as_json
    text = as_yaml.decode()
    assert text.startswith("schema: 1\npapers:\n- title: 'Alpha: A | Piped Title'\n")
    # An arXiv id must stay a string for templates, not turn into the float 2503.12668.
    assert "  arxiv_id: '2503.12668'\n" in text
    assert render_data_file(Path("x.YAML"), page, RECORDS) == as_yaml


def test_data_file_changes_only_with_the_data() -> None:
    page = parse_page(fixture_page("refresh-blocks.md"))
    first = render_data_file(Path("d.json"), page, RECORDS)
    # Same records fetched again later, one revalidated: the file is byte-identical.
    later = Records(
        arxiv={k: Fetched(v.key, "revalidated", v.record, 2e9) for k, v in RECORDS.arxiv.items()},
        github={k: Fetched(v.key, "fresh", v.record, 2e9) for k, v in RECORDS.github.items()},
    )
    assert render_data_file(Path("d.json"), page, later) == first
    more_stars = Records(
        arxiv=RECORDS.arxiv,
        github={
            **RECORDS.github,
            "anna/beta": Fetched("anna/beta", "fetched", repo_stats("anna/beta", 21)),
        },
    )
    assert render_data_file(Path("d.json"), page, more_stars) != first


def test_unknown_extension_is_a_config_error() -> None:
    page = parse_page(fixture_page("refresh-blocks.md"))
    with pytest.raises(ConfigError) as raised:
        render_data_file(Path("_data/scholar.toml"), page, RECORDS)
    assert raised.value.message == (
        "data file _data/scholar.toml: unknown extension '.toml' (use .json, .yml or .yaml)"
    )


@needs_shared
def test_shared_html_page_projects_without_records() -> None:
    page = parse_page(shared_page("about-html.md"))
    doc = json.loads(render_data_file(Path("d.json"), page, Records()))
    assert [p["title"].split(":")[0] for p in doc["projects"]][:2] == [
        "ZO2 (Zeroth-Order Offloading)",
        "Tiny-LLM-Libs",
    ]
    assert list(doc["projects"][0]) == [
        "title", "description", "repos", "mentions", "links", "section", "github",
    ]  # fmt: skip
    assert doc["projects"][0]["github"] == {"liangyuwang/zo2": None}
    assert len(doc["repos"]) == len(page.repos)
