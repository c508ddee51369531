"""Benchmark (not a test): scholar on pages of thousands of papers, against a markdown-it floor.

    python bench/scale.py [--runs 3] [--sizes 2000,5000] [--repos 300]

Generates one page per size in `--sizes` (each paper: an arXiv id, 12 authors, the owner and 11
of 2,000 names, a GitHub repo of its own and a static star badge linked to it; about 1.1 KB a
paper, 5.4 MB for 5,000) and a page of `--repos` projects, each a repository with a static
star badge. A loopback BenchServer answers for arXiv and GitHub with records that agree with
the pages (titles, authors, years, 12 stars), so `check` finds nothing and `refresh` has
nothing to change.

For each page it measures, in a fresh child process each (wall time, and the child's peak RSS
from `getrusage(RUSAGE_CHILDREN)` in a small wrapper, so no figure includes the benchmark):
- `list papers --no-fetch` (`list repos` on the repository page): the page is parsed;
- warm `list papers`: records and the parsed page come from the store;
- warm `refresh` with nothing to change;
- warm `refresh --dry-run` on a copy of the page whose every badge is one star behind, so the
  whole diff is computed;
- warm `check`;
against the floor: `python -c` reading the same page and rendering it with markdown-it alone.
Each command runs back to back with its floor `--runs` times (this machine is noisy) and the
ratio quoted is the median of the pairs' ratios. Targets: `--no-fetch` time at most 1.5x the
floor, every warm command at most 2x, peak memory at most 1.5x, on the pages of papers; the
repository page's rows are printed for information, since its floor is mostly start-up, with
one more row against a floor that also imports typer, diskcache and tabulate. It also counts
the requests a cold `list` and a cold `refresh` (each with an empty store) send to each service.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from server import BenchPaper, BenchServer

ROOT = Path(__file__).resolve().parents[1]
STARS = 12  # what every badge shows and the server answers for every repository
OWNER = "Ada Lovelace"
# Co-authors come from a pool of 2,000 names, as a large lab's list draws on: names recur
# across papers, but not the same dozen on every one (caches keyed by name would look better
# than they are).
GIVEN = (
    "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Tony",
    "Leslie", "Radia", "Shafi", "Silvio", "Judea", "Yoshua", "Geoffrey", "Yann", "Fei-Fei",
    "Andrew", "Daphne", "Michael", "Cynthia", "Whitfield", "Martin", "Ronald", "Adi", "Leonard",
    "Ivan", "Dana", "Butler", "Niklaus", "Robin", "Peter", "Ken", "Dennis", "Vint", "Bob",
    "Tim", "Shwetak", "Yael",
)  # fmt: skip
FAMILY = (
    "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton", "Hoare",
    "Lamport", "Perlman", "Goldwasser", "Micali", "Pearl", "Bengio", "Hinton", "LeCun", "Li",
    "Ng", "Koller", "Jordan", "Dwork", "Diffie", "Hellman", "Rivest", "Shamir", "Adleman",
    "Sutherland", "Scott", "Lampson", "Wirth", "Milner", "Naur", "Thompson", "Ritchie", "Cerf",
    "Kahn", "Berners-Lee", "Patel", "Kalai", "Rabin", "Karp", "Cook", "Tarjan", "Hopcroft",
    "Ullman", "Aho", "Valiant", "Yao", "Wigderson",
)  # fmt: skip
ABSTRACT = (
    "We study how tools that read academic homepages behave when a page lists thousands of "
    "papers, each with a dozen authors, an arXiv preprint, a code repository and a star badge; "
    "we measure parse time, memory and request counts, and show that careful single-pass "
    "reading keeps every command close to the cost of rendering the page once with a "
    "CommonMark parser, even for pages of several megabytes written by hand."
)
# Runs a command as its only child and prints its exit code, wall time and peak RSS (KiB on
# Linux): the figures are that one child's, not the benchmark's nor the wrapper's.
WRAPPER = """\
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
print(done.returncode, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
FLOOR = """\
import sys
from markdown_it import MarkdownIt
with open(sys.argv[1], encoding="utf-8") as f:
    MarkdownIt("commonmark").render(f.read())
"""
# On a page of a few hundred lines the floor above is mostly Python and markdown-it starting
# (0.1 s), so a command's ratio there measures start-up, not work that grows with the page. The
# second floor adds what any typer + diskcache + tabulate tool pays before it starts.
STARTUP_FLOOR = "import typer, diskcache, tabulate\n" + FLOOR


def paper_entry(i: int, stars: int = STARS) -> tuple[str, str, BenchPaper]:
    """One paper as a homepage lists it, its arXiv id and the record arXiv holds for it."""
    arxiv_id = f"25{(i % 12) + 1:02d}.{10000 + i:05d}"
    repo = f"bench/repo-{i}"
    title = f"Synthetic Paper {i}: Scaling Benchmarks for Readers of Very Long Academic Homepages"
    year = 2015 + i % 11
    pool = len(GIVEN) * len(FAMILY)
    others = [(i * 11 + k) * 7919 % pool for k in range(11)]
    names = [f"{GIVEN[n % len(GIVEN)]} {FAMILY[n // len(GIVEN)]}" for n in others]
    authors = (*names[: i % 12], OWNER, *names[i % 12 :])
    shown = ", ".join(f"**{a}**" if a == OWNER else a for a in authors)
    text = (
        f"- **{title}**  \n"
        f"  {shown}  \n"
        f"  Advances in Neural Information Processing Systems (NeurIPS {year})  \n"
        f"  [Paper](https://arxiv.org/abs/{arxiv_id}) | [PDF](https://arxiv.org/pdf/{arxiv_id}) | "
        f"[Code](https://github.com/{repo}) | [Project](https://bench.github.io/repo-{i}/) "
        f"[![stars](https://img.shields.io/badge/stars-{stars}-blue)](https://github.com/{repo})\n"
        f"  <details><summary>Abstract</summary>{ABSTRACT}</details>\n"
    )
    return text, arxiv_id, BenchPaper(title, authors, year)


def papers_page(papers: int, stars: int = STARS) -> tuple[str, dict[str, BenchPaper]]:
    """A publications page of `papers` entries, and arXiv's records for them."""
    parts = ["---\ntitle: Bench\n---\n\n## Publications\n"]
    records: dict[str, BenchPaper] = {}
    for i in range(papers):
        text, arxiv_id, record = paper_entry(i, stars)
        parts.append(text)
        records[arxiv_id] = record
    return "\n".join(parts), records


def repos_page(repos: int, stars: int = STARS) -> str:
    """A projects page of `repos` repositories, each with a static star badge."""
    parts = ["---\ntitle: Bench\n---\n\n## Projects\n"]
    for i in range(repos):
        repo = f"bench/tool-{i}"
        parts.append(
            f"**Tool {i}** [![stars](https://img.shields.io/badge/stars-{stars}-blue)]"
            f"(https://github.com/{repo})\n- A research tool with its own repository, number {i}.\n"
        )
    return "\n".join(parts)


@dataclass(frozen=True)
class Sample:
    seconds: float
    mb: float


def measure(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Sample:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *argv], env=env, capture_output=True, text=True, check=True
    )
    code, seconds, kib = done.stdout.split()
    if int(code) not in ok:
        sys.exit(f"{' '.join(argv)} exited {code}: {done.stderr.strip()}")
    return Sample(float(seconds), int(kib) / 1024)


@dataclass(frozen=True)
class Row:
    page: str
    command: str
    run: Sample  # medians
    floor: Sample
    time_ratio: float  # median of paired ratios
    mem_ratio: float
    time_target: float
    mem_target: float
    targeted: bool = True  # False: printed for information, the targets are for paper pages


def pairs(
    page: str,
    label: str,
    argv: list[str],
    floor: list[str],
    env: dict[str, str],
    runs: int,
    time_target: float,
    mem_target: float = 1.5,
    targeted: bool = True,
) -> Row:
    """The command and its floor back to back `runs` times, so a noisy moment slows both."""
    got, base = [], []
    for _ in range(runs):
        got.append(measure(argv, env))
        base.append(measure(floor, env))
    return Row(
        page,
        label,
        Sample(statistics.median(s.seconds for s in got), statistics.median(s.mb for s in got)),
        Sample(statistics.median(s.seconds for s in base), statistics.median(s.mb for s in base)),
        statistics.median(g.seconds / b.seconds for g, b in zip(got, base, strict=True)),
        statistics.median(g.mb / b.mb for g, b in zip(got, base, strict=True)),
        time_target,
        mem_target,
        targeted,
    )


def bench_page(
    name: str,
    page: Path,
    stale: Path,
    kind: str,
    server: BenchServer,
    env: dict[str, str],
    tmp: Path,
    runs: int,
) -> tuple[list[Row], list[str]]:
    scholar = [sys.executable, "-m", "scholar_cli"]
    at = ["--page", str(page)]
    floor = [sys.executable, "-c", FLOOR, str(page)]
    counts = []
    for label, argv in (
        (f"cold list {kind}", [*scholar, "list", kind, *at]),
        ("cold refresh", [*scholar, "refresh", *at]),
    ):
        server.reset()
        cold = {**env, "SCHOLAR_CACHE_DIR": str(tmp / f"cold-{name}-{argv[3]}")}
        seconds = measure(argv, cold).seconds
        counts.append(
            f"{name}: {label}: {server.counts['arxiv']} arXiv, {server.counts['github']} GitHub "
            f"requests, {seconds:.2f} s"
        )
    env = {**env, "SCHOLAR_CACHE_DIR": str(tmp / f"warm-{name}")}
    measure([*scholar, "list", kind, *at], env)  # records and the parsed page into the store
    measure([*scholar, "check", "--fail-on", "never", *at], env)  # and every arXiv record
    before = page.read_bytes()
    server.reset()
    # The targets are the issue's, set for pages of papers; a page without papers is measured
    # and printed the same way, for information ("info" instead of ok/MISS).
    targeted = kind == "papers"
    no_fetch = [*scholar, "list", kind, "--no-fetch", *at]
    rows = [
        pairs(name, f"list {kind} --no-fetch", no_fetch, floor, env, runs, 1.5, 1.5, targeted),
        pairs(name, f"warm list {kind}", [*scholar, "list", kind, *at], floor, env, runs, 2.0,
              1.5, targeted),
        pairs(name, "warm refresh (no change)", [*scholar, "refresh", *at], floor, env, runs,
              2.0, 1.5, targeted),
        pairs(name, "warm refresh --dry-run (all stale)",
              [*scholar, "refresh", "--dry-run", "--page", str(stale)], floor, env, runs, 2.0,
              1.5, targeted),
        pairs(name, "warm check", [*scholar, "check", "--fail-on", "never", *at],
              floor, env, runs, 2.0, 1.5, targeted),
    ]  # fmt: skip
    if not targeted:
        startup_floor = [sys.executable, "-c", STARTUP_FLOOR, str(page)]
        rows.append(
            pairs(name, f"list {kind} --no-fetch vs start-up floor", no_fetch, startup_floor,
                  env, runs, 1.5)
        )  # fmt: skip
    if server.counts.total():
        sys.exit(f"{name}: warm runs sent requests: {dict(server.counts)}")
    if page.read_bytes() != before:
        sys.exit(f"{name}: refresh changed a page that was up to date")
    return rows, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="pairs per command")
    parser.add_argument("--sizes", default="2000,5000", help="papers per page, comma-separated")
    parser.add_argument("--repos", type=int, default=300, help="repositories on the repo page")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # An installed scholar has bytecode (pip compiles at install); an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run and time that instead.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "scholar_cli")], check=True
    )
    records: dict[str, BenchPaper] = {}
    pages: list[tuple[str, str, str, str]] = []  # name, kind, text, stale text
    for size in sizes:
        text, page_records = papers_page(size)
        records.update(page_records)
        pages.append((f"{size} papers", "papers", text, papers_page(size, STARS - 1)[0]))
    if args.repos:
        pages.append(
            (f"{args.repos} repos", "repos", repos_page(args.repos), repos_page(args.repos, 11))
        )
    env = {
        **os.environ,
        # Only because the server is on loopback: arXiv itself asks for 3 s between requests.
        "SCHOLAR_ARXIV_DELAY": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("GITHUB_TOKEN", None)
    env.pop("GH_TOKEN", None)
    rows: list[Row] = []
    counts: list[str] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        BenchServer(0.0, papers=records, stars=STARS) as server,
    ):
        tmp = Path(folder)
        env["SCHOLAR_ARXIV_API_URL"] = f"{server.url}/api/query"
        env["GITHUB_API_URL"] = server.url
        for name, kind, text, stale_text in pages:
            slug = name.replace(" ", "-")
            page = tmp / slug / "about.md"
            stale = tmp / f"{slug}-stale" / "about.md"
            for path, body in ((page, text), (stale, stale_text)):
                path.parent.mkdir()
                path.write_text(body, encoding="utf-8")
            mb = page.stat().st_size / 1e6
            print(f"{name}: {mb:.1f} MB", file=sys.stderr, flush=True)
            got, said = bench_page(name, page, stale, kind, server, env, tmp, args.runs)
            rows += got
            counts += said
            shutil.rmtree(page.parent)
    print_table(rows, args.runs)
    print()
    print("\n".join(counts))


def print_table(rows: list[Row], runs: int) -> None:
    head = (
        f"{'page':<11} {'command':<40} {'s':>6} {'floor s':>7} {'ratio':>6} {'target':>6} "
        f"{'':>4} {'MB':>6} {'floor MB':>8} {'ratio':>6} {'':>4}"
    )
    print(f"median of {runs} pairs (command, floor); ratios are medians of the paired ratios")
    print(head)
    print("-" * len(head))
    for r in rows:
        time_ok = "ok" if r.time_ratio <= r.time_target else "MISS"
        mem_ok = "ok" if r.mem_ratio <= r.mem_target else "MISS"
        if not r.targeted:
            time_ok = mem_ok = "info"
        print(
            f"{r.page:<11} {r.command:<40} {r.run.seconds:>6.2f} {r.floor.seconds:>7.2f} "
            f"{r.time_ratio:>5.2f}x {r.time_target:>5.1f}x {time_ok:>4} {r.run.mb:>6.0f} "
            f"{r.floor.mb:>8.0f} {r.mem_ratio:>5.2f}x {mem_ok:>4}"
        )
    if any(not r.targeted for r in rows):
        print(
            "info: a page without papers, so the targets (set for pages of papers) do not apply;\n"
            "the floor there is mostly Python and markdown-it starting. Its last row compares\n"
            "with a floor that first imports typer, diskcache and tabulate, as any such tool must."
        )


if __name__ == "__main__":
    main()
