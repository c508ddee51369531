"""The dry-run diff is difflib's, line for line, however it is computed."""

from __future__ import annotations

import difflib
import random

from scholar_cli.edit.diff import RunIndexMatcher, unified_diff_lines


def _cases(seed: int, count: int) -> list[tuple[list[str], list[str]]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        # Few distinct lines and many blanks: repeats, ties and (from 200 lines) popular lines.
        alphabet = [f"{c}\n" for c in "abcdefgh"[: rng.randint(1, 8)]] + ["\n"] * rng.randint(0, 4)
        a = [rng.choice(alphabet) for _ in range(rng.choice((5, 40, 250)))]
        b = [line for line in a if rng.random() > 0.15]
        for _ in range(rng.randint(0, 12)):
            b.insert(rng.randint(0, len(b)), rng.choice(alphabet))
        cases.append((a, b) if rng.random() < 0.5 else (b, a))
    return cases


def test_matching_blocks_are_difflibs() -> None:
    for a, b in _cases(10, 300):
        want = difflib.SequenceMatcher(None, a, b).get_matching_blocks()
        assert RunIndexMatcher(a, b).get_matching_blocks() == want


def test_a_badge_changed_in_every_entry_diffs_as_difflib_does() -> None:
    entries = [
        [f"- **Paper {i}**\n", "  Ada Lovelace\n", f"  ![stars](…/stars-{i % 7}-blue)\n", "\n"]
        for i in range(300)
    ]
    old = [line for entry in entries for line in entry]
    new = [line.replace("-blue", "-green") for line in old]
    got = list(unified_diff_lines(old, new, "about.md", "about.md (refreshed)"))
    assert got == list(difflib.unified_diff(old, new, "about.md", "about.md (refreshed)"))
