"""`difflib.unified_diff`, the same lines out, fast on large pages with changes throughout.

difflib matches the longest run of equal lines in a range, then recurses on both sides. Each
search rescans its whole range; when a refresh changes one line in every entry, every run is
about as long as the next, the earliest wins, and each step rescans all the rest: quadratic,
35 s for the diff of a page of 5,000 changed badges. Here the same recursion runs (difflib's
own `get_matching_blocks`, with its popular-line rule), but each search is answered from an
index of every maximal run, built in one pass: a tree over the runs that skips whole stretches
which cannot hold a longer run. The answer, ties included, is the one difflib's scan gives, so
the diff is byte for byte difflib's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from difflib import Match, SequenceMatcher

__all__ = ["RunIndexMatcher", "unified_diff_lines"]


class RunIndexMatcher(SequenceMatcher[str]):
    """`SequenceMatcher(None, a, b)` whose find_longest_match looks the answer up."""

    # Set by SequenceMatcher.set_seqs; typeshed leaves them out.
    a: Sequence[str]
    b: Sequence[str]
    b2j: dict[str, list[int]]

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b)  # autojunk as difflib.unified_diff has it
        self._built = False

    def _build(self) -> None:
        """Every maximal diagonal run of equal lines that difflib's scan can see (lines it
        set aside as popular break runs, as in its scan), in (a, b) order, and a tree over
        them: per node the longest run, the furthest end in a, and the extent in b."""
        a, b, b2j = self.a, self.b, self.b2j
        la, lb = len(a), len(b)
        ai: list[int] = []
        bj: list[int] = []
        size: list[int] = []
        for i, line in enumerate(a):
            for j in b2j.get(line, ()):
                if i and j and a[i - 1] == b[j - 1] and b[j - 1] in b2j:
                    continue  # (i, j) continues the run through (i - 1, j - 1)
                k = 1
                while i + k < la and j + k < lb and a[i + k] == b[j + k] and b[j + k] in b2j:
                    k += 1
                ai.append(i)
                bj.append(j)
                size.append(k)
        self._ai, self._bj, self._size = ai, bj, size
        leaves = 1
        while leaves < max(1, len(ai)):
            leaves *= 2
        self._leaves = leaves
        longest = [0] * (2 * leaves)
        a_end = [-1] * (2 * leaves)
        b_start = [lb + 1] * (2 * leaves)
        b_end = [-1] * (2 * leaves)
        for n, (i, j, k) in enumerate(zip(ai, bj, size, strict=True)):
            longest[leaves + n] = k
            a_end[leaves + n] = i + k
            b_start[leaves + n] = j
            b_end[leaves + n] = j + k
        for node in range(leaves - 1, 0, -1):
            left, right = 2 * node, 2 * node + 1
            longest[node] = max(longest[left], longest[right])
            a_end[node] = max(a_end[left], a_end[right])
            b_start[node] = min(b_start[left], b_start[right])
            b_end[node] = max(b_end[left], b_end[right])
        self._longest, self._a_end, self._b_start, self._b_end = longest, a_end, b_start, b_end
        self._built = True

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> Match:
        """What SequenceMatcher.find_longest_match returns (the longest run inside the box,
        the earliest in a, then in b; extended by equal popular lines on both sides)."""
        if not self._built:
            self._build()
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        ai, bj, size = self._ai, self._bj, self._size
        longest, a_end = self._longest, self._a_end
        b_start, b_end = self._b_start, self._b_end
        leaves = self._leaves
        best_k, best_i, best_j = 0, alo, blo
        stack = [(1, 0, leaves)]  # node, and the runs [first, stop) under it
        while stack:
            node, first, stop = stack.pop()
            if (
                first >= len(ai)
                or ai[first] >= ahi  # every run under it starts after the box
                or a_end[node] <= alo  # every run under it ends before the box
                or b_start[node] >= bhi
                or b_end[node] <= blo
                or longest[node] < best_k
                or (longest[node] == best_k and max(alo, ai[first]) > best_i)
            ):
                continue
            if stop - first > 1:
                middle = (first + stop) // 2
                stack.append((2 * node + 1, middle, stop))
                stack.append((2 * node, first, middle))  # popped first: earlier runs first
                continue
            i, j, k = ai[first], bj[first], size[first]
            skip = max(0, alo - i, blo - j)
            k = min(k, ahi - i, bhi - j) - skip
            i, j = i + skip, j + skip
            if k > best_k or (k == best_k and k > 0 and (i, j) < (best_i, best_j)):
                best_k, best_i, best_j = k, i, j
        # difflib's own finish: popular lines are in no run, so equal ones on either side join.
        while best_i > alo and best_j > blo and a[best_i - 1] == b[best_j - 1]:
            best_i, best_j, best_k = best_i - 1, best_j - 1, best_k + 1
        while (
            best_i + best_k < ahi
            and best_j + best_k < bhi
            and (a[best_i + best_k] == b[best_j + best_k])
        ):
            best_k += 1
        return Match(best_i, best_j, best_k)


def _range(start: int, stop: int) -> str:
    """A hunk's range as `diff -u` writes it (difflib's _format_range_unified)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1  # an empty range begins at the line before
    return f"{beginning},{length}"


def unified_diff_lines(
    a: Sequence[str], b: Sequence[str], fromfile: str, tofile: str, n: int = 3
) -> Iterator[str]:
    """What `difflib.unified_diff(a, b, fromfile, tofile, n=n)` yields."""
    started = False
    for group in RunIndexMatcher(a, b).get_grouped_opcodes(n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    yield " " + line
                continue
            if tag in ("replace", "delete"):
                for line in a[i1:i2]:
                    yield "-" + line
            if tag in ("replace", "insert"):
                for line in b[j1:j2]:
                    yield "+" + line
