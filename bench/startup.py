"""Benchmark (not a test): start-up cost of a warm `scholar list papers`.

    python bench/startup.py [--runs 10]

Fills a record store from the loopback bench server, then times, alternately, `--runs` warm
`scholar list papers` runs and `python -c "import typer, diskcache, tabulate"` (the floor any
typer + diskcache + tabulate tool pays), and prints both medians and their ratio. It also
lists which of requests/arxiv/lxml a warm run imported (`python -X importtime`): none should be.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import BenchServer

ROOT = Path(__file__).resolve().parents[1]
SHARED_PAGE = ROOT.parent / "shared" / "pages" / "about-markdown.md"
HEAVY = ("requests", "arxiv", "lxml", "urllib3")


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--page", type=Path, default=SHARED_PAGE)
    parser.add_argument(
        "--show-imports", type=int, default=0, metavar="N", help="print the N costliest imports"
    )
    args = parser.parse_args()
    scholar = [sys.executable, "-m", "scholar_cli", "list", "papers", "--page", str(args.page)]
    floor = [sys.executable, "-c", "import typer, diskcache, tabulate"]
    # An installed scholar has bytecode (pip compiles at install); an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run and time that instead.
    compile_package = [sys.executable, "-m", "compileall", "-q", str(ROOT / "scholar_cli")]
    subprocess.run(compile_package, check=True)
    with tempfile.TemporaryDirectory() as tmp, BenchServer(0.0) as server:
        env = {
            **os.environ,
            "SCHOLAR_CACHE_DIR": str(Path(tmp) / "cache"),
            "SCHOLAR_ARXIV_API_URL": f"{server.url}/api/query",
            "GITHUB_API_URL": server.url,
        }
        subprocess.run(scholar, env=env, check=True, capture_output=True)  # warm the store
        server.reset()
        traced = subprocess.run(
            [sys.executable, "-X", "importtime", *scholar[1:]],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        imported = sorted(
            {
                name
                for line in traced.stderr.splitlines()
                if "|" in line
                for name in [line.rsplit("|", 1)[1].strip().split(".")[0]]
                if name in HEAVY
            }
        )
        if args.show_imports:
            rows = [line.split("|") for line in traced.stderr.splitlines() if "|" in line]
            costs = [(int(r[0].split(":")[1]), r[2].rstrip()) for r in rows[1:]]
            for us, name in sorted(costs, reverse=True)[: args.show_imports]:
                print(f"  {us / 1000:6.1f} ms self  {name}")
        warm, base = [], []
        for _ in range(args.runs):
            # Pairs, run back to back, so a noisy moment slows both sides of one pair.
            warm.append(_time(scholar, env))
            base.append(_time(floor, env))
        if server.counts.total():
            sys.exit(f"warm runs made requests: {dict(server.counts)}")
    warm_ms, base_ms = statistics.median(warm) * 1000, statistics.median(base) * 1000
    print(f"heavy modules imported by a warm run: {', '.join(imported) or 'none'}")
    print(f"warm `scholar list papers` median: {warm_ms:.0f} ms ({args.runs} runs)")
    print(f"`import typer, diskcache, tabulate` median: {base_ms:.0f} ms ({args.runs} runs)")
    ratio = statistics.median(w / b for w, b in zip(warm, base, strict=True))
    print(f"median of paired ratios: {ratio:.2f}x (ratio of medians {warm_ms / base_ms:.2f}x)")


if __name__ == "__main__":
    main()
