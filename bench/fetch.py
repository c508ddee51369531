"""Benchmark (not a test): requests made and wall time, cold and warm, against a slow server.

    python bench/fetch.py                          # the shared markdown page, 100 ms per request
    python bench/fetch.py --papers 200 --repos 60  # a synthetic page
    python bench/fetch.py --delay 0.3
    python bench/fetch.py --papers 250 --citations openalex   # plus citation counts

Each run is the real CLI in a subprocess (`python -m scholar_cli`), against a loopback server
that sleeps `--delay` seconds before each answer, with a fresh record store for the cold run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from citation_server import CitationServer
from server import BenchServer, synthetic_page

ROOT = Path(__file__).resolve().parents[1]
SHARED_PAGE = ROOT.parent / "shared" / "pages" / "about-markdown.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--papers", type=int, default=0, help="synthetic page: papers")
    parser.add_argument("--repos", type=int, default=0, help="synthetic page: repos")
    parser.add_argument(
        "--arxiv-delay", type=float, default=3.0, help="seconds between arXiv requests"
    )
    parser.add_argument(
        "--citations", choices=("openalex", "semanticscholar"), help="also count citations"
    )
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as tmp,
        BenchServer(args.delay) as server,
        CitationServer() as cited,
    ):
        if args.papers or args.repos:
            page = Path(tmp) / "about.md"
            page.write_text(synthetic_page(args.papers, args.repos), encoding="utf-8")
        else:
            page = SHARED_PAGE
        env = {
            **os.environ,
            "SCHOLAR_CACHE_DIR": str(Path(tmp) / "cache"),
            "SCHOLAR_ARXIV_API_URL": f"{server.url}/api/query",
            "GITHUB_API_URL": server.url,
            "SCHOLAR_ARXIV_DELAY": str(args.arxiv_delay),
            "SCHOLAR_OPENALEX_URL": cited.url,
            "SCHOLAR_S2_URL": cited.url,
        }
        for key in ("OPENALEX_API_KEY", "S2_API_KEY"):
            env.pop(key, None)
        env.pop("GITHUB_TOKEN", None)
        env.pop("GH_TOKEN", None)
        print(f"page: {page}  delay: {args.delay * 1000:.0f} ms/request")
        print(f"{'run':<34} {'arXiv':>6} {'GitHub':>7} {'304':>5} {'citations':>10} {'seconds':>8}")
        runs = [
            # check needs every record of the page: its own empty store, then removed.
            ("cold: check (every record)", ["check", "--fail-on", "never"]),
            ("cold: list papers", ["list", "papers"]),
            ("cold: list repos", ["list", "repos"]),
            ("warm: list papers", ["list", "papers"]),
            ("warm: list repos", ["list", "repos"]),
            ("revalidate: list repos --max-age 0", ["list", "repos", "--max-age", "0"]),
        ]
        if args.citations:
            cite = ["list", "papers", "--citations", args.citations, "-c", "title,citations"]
            runs += [(f"cold: {args.citations}", cite), (f"warm: {args.citations}", cite)]
        for label, argv in runs:
            server.reset()
            cited.reset()
            if argv[0] == "check" or "--citations" in argv:
                # A store of their own: cold for the first of them, whatever ran before.
                name = "check-cache" if argv[0] == "check" else "cite-cache"
                env_run = {**env, "SCHOLAR_CACHE_DIR": str(Path(tmp) / name)}
            else:
                env_run = env
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "scholar_cli", *argv, "--page", str(page), "-q"],
                env=env_run,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                sys.exit(f"{label} failed ({done.returncode}): {done.stderr.strip()}")
            print(
                f"{label:<34} {server.counts['arxiv']:>6} {server.counts['github']:>7}"
                f" {server.not_modified:>5} {sum(cited.counts.values()):>10} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
