"""Benchmark (not a test): how fast the page reader is, against floors measured in the same run.

    python bench/read.py [--pairs 10] [--papers 2000]

1. `scholar list papers --no-fetch` on two generated pages of `--papers` papers (every run
   parses the page: --no-fetch keeps no parsed page) against `python -c "import typer, diskcache,
   tabulate"`: the plain list page bench/fetch.py uses (bold title, authors, venue, links), and
   a harder mix of the corpus's shapes (paper boxes with markdown="1", code-span venues with star
   badges, citations with the title in a link). Target: under 1 s.
2. A warm `scholar list papers` on the shared markdown page (records and the parsed page in the
   store) against the same floor. Target: at most 1.5x the floor.
3. The corpus: every page in fixtures/corpus read once in one process (no start-up), per page.

This machine is noisy, so each target is measured in pairs (the command, then its floor, back to
back) and the ratio quoted is the median of the pairs' ratios.
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

from server import BenchServer, synthetic_page

ROOT = Path(__file__).resolve().parents[1]
SHARED_PAGE = ROOT.parent / "shared" / "pages" / "about-markdown.md"
FLOOR = [sys.executable, "-c", "import typer, diskcache, tabulate"]
STYLES = (
    # The shapes the corpus shows, so the generated page exercises every path of the reader.
    "- **{title}**  \n  **Ada Lovelace**, Alan Turing, Grace Hopper  \n  NeurIPS {year}  \n"
    "  [Paper](https://arxiv.org/abs/{id}) | [Code](https://github.com/bench/repo-{i})\n",
    "- `ICLR {year}` [{title}](https://arxiv.org/abs/{id}), **Ada Lovelace**, Alan Turing, "
    "et al. [![](https://img.shields.io/github/stars/bench/repo-{i}?style=social)]"
    "(https://github.com/bench/repo-{i})\n",
    "1. Lovelace, A., Turing, A., and Hopper, G., {year}. [{title}](https://doi.org/10.1/{i}). "
    "_Journal of Benchmarks_, 12(3), 45-67. [\\[pdf\\]](/files/{i}.pdf)\n",
    "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">CVPR {year}"
    '</div><img src=\'images/{i}.png\' alt="sym" width="100%"></div></div>\n'
    "<div class='paper-box-text' markdown=\"1\">\n\n[{title}](https://arxiv.org/abs/{id})\n\n"
    "**Ada Lovelace**, Alan Turing\n\n[**Code**](https://github.com/bench/repo-{i})\n"
    "- A one-line summary of the paper.\n</div>\n</div>\n",
)


def generated_page(papers: int) -> str:
    lines = ["---", "title: Bench", "---", "", "# Publications", ""]
    for i in range(papers):
        style = STYLES[i % len(STYLES)]
        arxiv_id = f"25{(i % 12) + 1:02d}.{10000 + i:05d}"
        title = f"Synthetic Paper {i}: Scaling Benchmarks for Readers"
        lines.append(style.format(title=title, year=2015 + i % 11, id=arxiv_id, i=i))
    return "\n".join(lines) + "\n"


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _pairs(argv: list[str], env: dict[str, str], pairs: int) -> tuple[float, float, float]:
    """Median seconds of the command, of the floor, and median ratio of back-to-back pairs."""
    runs, floors, ratios = [], [], []
    for _ in range(pairs):
        run = _time(argv, env)
        floor = _time(FLOOR, env)
        runs.append(run)
        floors.append(floor)
        ratios.append(run / floor)
    return statistics.median(runs), statistics.median(floors), statistics.median(ratios)


def _corpus() -> list[tuple[str, float, int]]:
    sys.path.insert(0, str(ROOT))
    from scholar_cli.page import parse_page

    timings = []
    for folder in sorted(p for p in (ROOT / "fixtures" / "corpus").iterdir() if p.is_dir()):
        page = next(p for p in folder.iterdir() if p.name != "truth.json")
        started = time.perf_counter()
        parsed = parse_page(page)
        timings.append((folder.name, time.perf_counter() - started, len(parsed.papers)))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--papers", type=int, default=2000)
    args = parser.parse_args()
    # An installed scholar has bytecode (pip compiles at install); an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run and time that instead.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "scholar_cli")], check=True
    )
    with tempfile.TemporaryDirectory() as tmp, BenchServer(0.0) as server:
        env = {
            **os.environ,
            "SCHOLAR_CACHE_DIR": str(Path(tmp) / "cache"),
            "SCHOLAR_ARXIV_API_URL": f"{server.url}/api/query",
            "GITHUB_API_URL": server.url,
        }
        scholar = [sys.executable, "-m", "scholar_cli", "list", "papers"]
        plain = Path(tmp) / "plain.md"
        plain.write_text(synthetic_page(args.papers, 50), encoding="utf-8")
        run, floor, ratio = _pairs([*scholar, "--no-fetch", "--page", str(plain)], env, args.pairs)
        print(
            f"list papers --no-fetch, {args.papers}-paper plain list page: median {run:.2f} s; "
            f"floor {floor * 1000:.0f} ms; median ratio {ratio:.1f}x ({args.pairs} pairs)"
        )
        big = Path(tmp) / "about.md"
        big.write_text(generated_page(args.papers), encoding="utf-8")
        listed = (
            subprocess.run(
                [
                    *scholar,
                    "--no-fetch",
                    "--page",
                    str(big),
                    "--format",
                    "csv",
                    "--columns",
                    "title",
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.count("\n")
            - 1
        )  # the header row
        if listed != args.papers:
            sys.exit(f"the generated page gave {listed} papers, not {args.papers}")
        run, floor, ratio = _pairs([*scholar, "--no-fetch", "--page", str(big)], env, args.pairs)
        size = big.stat().st_size / 1e6
        print(
            f"list papers --no-fetch, {args.papers}-paper mixed page ({size:.1f} MB): "
            f"median {run:.2f} s; floor {floor * 1000:.0f} ms; median ratio {ratio:.1f}x "
            f"({args.pairs} pairs; target < 1 s)"
        )
        warm = [*scholar, "--page", str(SHARED_PAGE)]
        subprocess.run(warm, env=env, check=True, capture_output=True)  # fill the store
        server.reset()
        run, floor, ratio = _pairs(warm, env, args.pairs)
        if server.counts.total():
            sys.exit(f"warm runs made requests: {dict(server.counts)}")
        print(
            f"warm list papers, shared page: median {run * 1000:.0f} ms; floor "
            f"{floor * 1000:.0f} ms; median ratio {ratio:.2f}x ({args.pairs} pairs; target <= 1.5x)"
        )
    timings = _corpus()
    total = sum(t for _name, t, _n in timings)
    slowest = max(timings, key=lambda t: t[1])
    print(
        f"corpus: {len(timings)} pages, {sum(n for *_x, n in timings)} papers read in "
        f"{total * 1000:.0f} ms in one process; slowest {slowest[0]} {slowest[1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
