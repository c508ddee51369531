"""A warm run (every record fresh) or an offline run must not load requests, arxiv or lxml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.options import FetchOptions
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub


ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("requests", "arxiv", "lxml", "urllib3")

# Runs in a fresh interpreter: this test process has long since imported everything.
PROGRAM = """
import json, sys
from pathlib import Path
from scholar_cli.sources.options import FetchOptions
from scholar_cli.sources.store import RecordStore
from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.github import fetch_github

cache, port, offline, heavy = sys.argv[1], sys.argv[2], sys.argv[3] == "offline", sys.argv[4:]
options = FetchOptions(
    cache_dir=Path(cache),
    arxiv_api_url=f"http://127.0.0.1:{port}/api/query",
    github_api_url=f"http://127.0.0.1:{port}",
    arxiv_delay=0,
    offline=offline,
)
with RecordStore(options.cache_dir) as store:
    papers = fetch_arxiv(["2503.12668", "2507.01154", "2506.22950"], store, options)
    repos = fetch_github(["liangyuwang/zo2", "deepspeedai/DeepSpeed"], store, options)
print(json.dumps({
    "statuses": sorted({f.status for r in (papers, repos) for f in r.results.values()}),
    "requests": papers.requests + repos.requests,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
}))
"""


def run_fresh_interpreter(cache: Path, port: int, mode: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(cache), str(port), mode, *HEAVY],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_fresh_records_load_no_http_stack(
    fake_arxiv: FakeArxiv,
    fake_github: FakeGitHub,
    fetch_options: FetchOptions,
    unused_port: int,
) -> None:
    with RecordStore(fetch_options.cache_dir) as store:
        fetch_arxiv(["2503.12668", "2507.01154", "2506.22950"], store, fetch_options)
        fetch_github(["liangyuwang/zo2", "deepspeedai/DeepSpeed"], store, fetch_options)

    result = run_fresh_interpreter(fetch_options.cache_dir, unused_port, "online")

    assert result == {"statuses": ["fresh"], "requests": 0, "loaded": []}


def test_offline_loads_no_http_stack(tmp_path: Path, unused_port: int) -> None:
    result = run_fresh_interpreter(tmp_path / "empty", unused_port, "offline")

    assert result == {"statuses": ["unknown"], "requests": 0, "loaded": []}
