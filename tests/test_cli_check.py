"""`scholar check` end to end: the real CLI against the loopback fakes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run, needs_shared, run, shared_page
from servers import FakeArxiv, FakeGitHub


def scholar(env: dict[str, str], *args: str | Path) -> Run:
    return run(*args, env=env)


MD = shared_page("about-markdown.md")


@needs_shared
def test_markdown_page_findings_json(env: dict[str, str]) -> None:
    result = scholar(env, "check", "--page", MD, "--format", "json")
    assert result.exit_code == 0, result.stderr  # warnings only: --fail-on error passes
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "page", "findings"]
    found = [
        (f["kind"], f["severity"], f["line"], f["page"], f["source"], f["arxiv"], f["repo"])
        for f in doc["findings"]
    ]
    assert found == [
        (
            "published",
            "warning",
            44,
            "NeurIPS workshop, 2024; arXiv preprint arXiv:2503.12668, 2025",
            "COLM 2025",
            "2503.12668",
            None,
        ),
        (
            "title-drift",
            "warning",
            54,
            "DistZO2: : High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs "
            "with Distributed Parallel Computing",
            "DistZO2: High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs "
            "with Distributed Parallel Computing",
            "2507.03211",
            None,
        ),
    ]
    # Every finding has every key, in this order; a key the finding has none of is null.
    assert list(doc["findings"][0]) == [
        "kind", "severity", "line", "item", "page", "source", "fix", "arxiv", "repo",
    ]  # fmt: skip


@needs_shared
def test_fail_on_warning_exits_1_and_github_annotations(env: dict[str, str]) -> None:
    result = scholar(env, "check", "--page", MD, "--format", "github", "--fail-on", "warning")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"::warning file={MD},line=54,title=scholar title-drift::")


@needs_shared
def test_html_page_is_clean_and_table_says_so(env: dict[str, str]) -> None:
    result = scholar(env, "check", "--page", shared_page("about-html.md"))
    assert (result.exit_code, result.stdout) == (0, "no findings (0 errors, 0 warnings, 0 info)\n")


def test_unchecked_when_offline_without_records(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Publications\n\n- **ZO2: Scalable Zeroth-Order Fine-Tuning for Extremely Large "
        "Language Models with Limited GPU Memory**\n  **Liangyu Wang**, Jie Ren\n  COLM 2025\n"
        "  [Paper](https://arxiv.org/abs/2503.12668)\n",
        encoding="utf-8",
    )
    result = scholar(env, "check", "--page", page, "--offline", "-f", "json", "-q")
    assert result.exit_code == 0
    found = [(f["kind"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("unchecked", 3)]


def test_not_found_id_is_an_error_exit_1(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Publications\n\n- **Ghost Paper**\n  **Me**, You\n  arXiv 2024\n"
        "  [Paper](https://arxiv.org/abs/2401.99999)\n",
        encoding="utf-8",
    )
    result = scholar(env, "check", "--page", page, "-f", "json")
    assert result.exit_code == 1
    found = [(f["kind"], f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert ("not-found", "error", 3) in found


def test_suggest_proposes_the_exact_title_only(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "about.md"
    page.write_text(
        "## Publications\n\n"
        "- **DistZO2: High-Throughput and Memory-Efficient Zeroth-Order Fine-tuning LLMs with "
        "Distributed Parallel Computing**\n  **Liangyu Wang**, Huanyi Xie, and Di Wang\n"
        "  Preprint 2025\n\n"
        "- **DistZO2: High Throughput Zeroth-Order Fine-tuning**\n"
        "  **Liangyu Wang**, Di Wang\n  Preprint 2025\n",
        encoding="utf-8",
    )
    result = scholar(env, "check", "--page", page, "--suggest", "-f", "json")
    assert result.exit_code == 0, result.stderr
    suggested = [
        (f["line"], f["source"], f["arxiv"])
        for f in json.loads(result.stdout)["findings"]
        if f["kind"] == "suggested-id"
    ]
    # The proposal is what arXiv says (source); the entry itself has no id to key it by.
    assert suggested == [(3, "2507.03211", None)]


def test_bad_fail_on_is_usage_error(env: dict[str, str]) -> None:
    result = scholar(env, "check", "--fail-on", "sometimes", "--page", MD)
    assert result.exit_code == 2
    assert result.stderr == (
        "scholar: error: --fail-on: 'sometimes' is not one of error, warning, info, never\n"
    )


@needs_shared
def test_cold_check_asks_arxiv_once_and_each_repo_once(
    env: dict[str, str], fake_arxiv: FakeArxiv, fake_github: FakeGitHub
) -> None:
    assert scholar(env, "check", "--page", MD, "-q").exit_code == 0
    assert fake_arxiv.id_lists() == [["2503.12668", "2506.22950", "2507.03211"]]
    assert sorted(fake_github.paths()) == [
        "/repos/deepspeedai/DeepSpeed",
        "/repos/liangyuwang/Tiny-DeepSpeed",
        "/repos/liangyuwang/zo2",
    ]
    fake_arxiv.seen.clear()
    fake_github.seen.clear()
    assert scholar(env, "check", "--page", MD, "-q").exit_code == 0
    assert (fake_arxiv.seen, fake_github.seen) == ([], [])


@needs_shared
def test_network_failure_is_not_an_all_clear(env: dict[str, str], unused_port: int) -> None:
    down = {**env, "GITHUB_API_URL": f"http://127.0.0.1:{unused_port}"}
    result = scholar(down, "check", "--page", shared_page("about-html.md"), "-f", "json")
    assert result.exit_code == 5
    kinds = {(f["kind"], f["item"], f["repo"]) for f in json.loads(result.stdout)["findings"]}
    assert ("unchecked", "liangyuwang/zo2", "liangyuwang/zo2") in kinds
    assert result.stderr.splitlines()[-1] == (
        "scholar: error: some items could not be checked: a source failed and none were stored"
    )
