"""Citation counts through the real CLI: listed, sorted, totalled, on badges, in the endpoint
file; honest when a source fails (loopback OpenAlex and Semantic Scholar fakes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import Run, run

if TYPE_CHECKING:
    from citation_servers import FakeOpenAlex, FakeSemanticScholar


PAGE = """---
title: Citations
---
All my papers: ![citations](https://img.shields.io/badge/citations-0-informational)

# Publications

- **ZO2: Scalable Zeroth-Order Fine-Tuning.** Liangyu Wang. COLM 2025. [arXiv](https://arxiv.org/abs/2503.12668) [DOI](https://doi.org/10.5555/zo2.colm.2025) ![citations](https://img.shields.io/badge/citations-1-blue)
- **Infinite-Sample Paper.** Liangyu Wang. 2025. [arXiv](https://arxiv.org/abs/2506.22950)
- **A Merged Journal Paper.** Liangyu Wang. JMLR 2024. [DOI](https://doi.org/10.5555/merged.2024)
- **Nobody Counted This.** Liangyu Wang. 2024. [arXiv](https://arxiv.org/abs/2401.01234)

<!-- scholar:papers columns=title,citations sort=-citations -->
<!-- /scholar:papers -->
"""


@pytest.fixture
def cite_env(
    env: dict[str, str],
    citation_env: None,
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> dict[str, str]:
    return {**env, "SCHOLAR_OPENALEX_URL": fake_openalex.url, "SCHOLAR_S2_URL": fake_s2.url}


def scholar(env: dict[str, str], *args: str | Path) -> Run:
    return run(*args, env=env)


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "site" / "about.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text(PAGE, encoding="utf-8")
    return page


LIST = ("list", "papers", "--citations", "openalex", "-c", "title,citations,cited_by")


def test_counts_are_listed_sorted_and_totalled(
    cite_env: dict[str, str], tmp_path: Path, fake_openalex: FakeOpenAlex
) -> None:
    page = _page(tmp_path)
    result = scholar(cite_env, *LIST, "--page", page, "--sort", "-citations", "--totals")
    today = _today()
    assert (result.exit_code, result.stderr) == (0, "scholar: not found on OpenAlex: 2401.01234\n")
    assert result.stdout == (
        "title                                   citations    cited_by\n"
        "--------------------------------------  -----------  -------------------\n"
        f"ZO2: Scalable Zeroth-Order Fine-Tuning  31           OpenAlex {today}\n"
        f"A Merged Journal Paper                  12           OpenAlex {today}\n"
        f"Infinite-Sample Paper                   4            OpenAlex {today}\n"
        "Nobody Counted This                     unknown\n"
        "papers: 4, citations: 47 (OpenAlex), h-index: 3; 1 without a count\n"
    )
    assert len(fake_openalex.seen) == 1  # four papers, one request
    # The published version's count, never the sum with the preprint's 7; JSON says both.
    doc = json.loads(scholar(cite_env, *LIST, "--page", page, "-f", "json").stdout)
    zo2 = doc["items"][0]["citations"]
    assert (zo2["status"], zo2["record"]["count"], zo2["record"]["preprint_count"]) == (
        "fresh",
        31,
        7,
    )
    assert len(fake_openalex.seen) == 1  # the second run is warm


def test_h_index_counts_only_papers_with_a_count(
    cite_env: dict[str, str], tmp_path: Path, fake_openalex: FakeOpenAlex
) -> None:
    fake_openalex.set_count("10.48550/arXiv.2506.22950", 12)
    page = _page(tmp_path)
    result = scholar(cite_env, *LIST, "--page", page, "--totals", "-f", "csv")
    assert result.stdout.splitlines()[-1] == (
        "papers: 4, citations: 55 (OpenAlex), h-index: 3; 1 without a count"
    )


def test_refresh_writes_badges_tables_and_the_endpoint_file_once(
    cite_env: dict[str, str], tmp_path: Path, fake_openalex: FakeOpenAlex
) -> None:
    fake_openalex.set_count("10.5555/zo2.colm.2025", 1234)
    page = _page(tmp_path)
    endpoint = tmp_path / "site" / "_data" / "citations.json"
    args = ("refresh", "--page", page, "--citations", "openalex", "--citations-json", endpoint)

    first = scholar(cite_env, *args)

    assert first.exit_code == 0, first.stderr
    text = page.read_text(encoding="utf-8")
    assert "![citations](https://img.shields.io/badge/citations-1.2k-blue)" in text
    # The total badge off any paper's item: 1234 + 12 + 4.
    assert (
        "All my papers: ![citations](https://img.shields.io/badge/citations-1.3k-informational)"
        in text
    )
    assert "| ZO2: Scalable Zeroth-Order Fine-Tuning | 1234        |" in text
    assert endpoint.read_bytes() == (
        b'{"schemaVersion": 1, "label": "citations", "message": "1.3k"}\n'
    )
    assert sorted(p.name for p in endpoint.parent.iterdir()) == ["citations.json"]
    stamp = endpoint.stat().st_mtime_ns

    second = scholar(cite_env, *args)

    assert second.stderr.splitlines()[-1] == f"scholar: {page}: up to date"
    assert endpoint.stat().st_mtime_ns == stamp  # not rewritten when unchanged


def test_a_429_keeps_the_last_good_count(
    cite_env: dict[str, str], tmp_path: Path, fake_openalex: FakeOpenAlex
) -> None:
    page = _page(tmp_path)
    assert scholar(cite_env, *LIST, "--page", page).exit_code == 0
    fake_openalex.respond_next(429, {"Retry-After": "0"}, '{"error": "rate limited"}', times=5)

    again = scholar(cite_env, *LIST, "--page", page, "--refresh")

    assert again.exit_code == 0, again.stderr
    first_row = again.stdout.splitlines()[2]
    assert (
        first_row
        == f"ZO2: Scalable Zeroth-Order Fine-Tuning  31           OpenAlex {_today()} (stale)"
    )
    assert "OpenAlex" in again.stderr and "31" not in again.stderr.replace("2503", "")


def test_a_paper_never_counted_is_unknown_and_the_page_keeps_its_numbers(
    cite_env: dict[str, str], tmp_path: Path, fake_openalex: FakeOpenAlex
) -> None:
    page = _page(tmp_path)
    fake_openalex.respond_next(429, {"Retry-After": "0"}, '{"error": "rate limited"}', times=5)

    listed = scholar(cite_env, *LIST, "--page", page)
    refreshed = scholar(cite_env, "refresh", "--page", page, "--citations", "openalex")

    assert listed.exit_code == 5
    assert [line.split()[-1] for line in listed.stdout.splitlines()[2:]] == ["unknown"] * 4
    assert refreshed.exit_code == 5
    assert page.read_text(encoding="utf-8") == PAGE  # no badge became 0, no table was blanked


def test_semantic_scholar_is_asked_once_for_250_papers_and_openalex_three_times(
    cite_env: dict[str, str],
    tmp_path: Path,
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> None:
    page = tmp_path / "many.md"
    items = "".join(
        f"- **Paper number {i}.** A. Author. 2025. [arXiv](https://arxiv.org/abs/2501.{i:05d})\n"
        for i in range(1, 251)
    )
    page.write_text("---\n---\n# Publications\n\n" + items, encoding="utf-8")
    for source, fake, calls in (("openalex", fake_openalex, 3), ("semanticscholar", fake_s2, 1)):
        result = scholar(
            cite_env, "list", "papers", "--page", page, "--citations", source, "-c", "citations"
        )
        assert (result.exit_code, len(fake.seen)) == (0, calls), result.stderr


def test_keys_never_reach_the_store_the_output_or_the_logs(
    cite_env: dict[str, str],
    tmp_path: Path,
    fake_openalex: FakeOpenAlex,
    fake_s2: FakeSemanticScholar,
) -> None:
    page = _page(tmp_path)
    keyed = {**cite_env, "OPENALEX_API_KEY": "oa-secret-4711", "S2_API_KEY": "s2-secret-4712"}
    seen = ""
    for source in ("openalex", "semanticscholar"):
        result = scholar(keyed, "-v", "list", "papers", "--page", page, "--citations", source)
        assert result.exit_code == 0, result.stderr
        seen += result.stdout + result.stderr
    assert "oa-secret-4711" in fake_openalex.seen[0].query.get("api_key", "")
    assert fake_s2.seen[0].header("x-api-key") == "s2-secret-4712"
    stored = b"".join(
        p.read_bytes() for p in Path(cite_env["SCHOLAR_CACHE_DIR"]).rglob("*") if p.is_file()
    )
    for secret in ("oa-secret-4711", "s2-secret-4712"):
        assert secret not in seen
        assert secret.encode() not in stored


def _today() -> str:
    import time

    return time.strftime("%Y-%m-%d", time.gmtime())
