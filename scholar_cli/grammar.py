"""The one home of the small grammars more than one layer reads or writes.

The reader, the writer and the checker each used to carry their own copy of these, and the
copies drifted (two month tables, two particle lists, three marker patterns). Identifier
grammar (arXiv ids, hosts, GitHub names, badges) lives beside this in `ids`.
"""

from __future__ import annotations

import re

__all__ = [
    "FRONT_MATTER_FENCES",
    "IMAGE_MARKUP",
    "MARKER",
    "MARKER_ANY_CASE",
    "MARKER_KINDS",
    "MARKER_START",
    "MONTHS",
    "NAME_PARTICLES",
    "REFERENCE_DEFINITION",
    "SRC_ATTR",
    "format_count",
    "front_matter_line_count",
    "paired_marker_lines",
]

# --- scholar markers --------------------------------------------------------------------------
# A marker is an HTML comment alone on its line: `<!-- scholar:papers year=2025 -->` opens a
# generated block, `<!-- /scholar:papers -->` closes it. A line that starts like a marker is
# held to the full syntax (the writer reports a typo instead of leaving a block stale); the
# same text inside a line is an ordinary comment, hidden like any other.
MARKER_KINDS = ("papers", "projects", "news", "repos")
MARKER_START = re.compile(r"^[ \t]*<!--\s*/?\s*scholar:", re.IGNORECASE)
_MARKER_TEXT = r"<!--\s*(?P<close>/)?\s*scholar:(?P<kind>[^\s>]*)(?P<options>(?:(?!-->).)*?)\s*-->"
MARKER = re.compile(rf"^[ \t]*{_MARKER_TEXT}[ \t]*$", re.DOTALL)
# Any-case twin of MARKER, only to tell "Scholar:" apart from a malformed marker.
MARKER_ANY_CASE = re.compile(MARKER.pattern, re.DOTALL | re.IGNORECASE)
# Candidate marker lines inside a whole text (the reader), each with its line ending.
_MARKER_LINES = re.compile(rf"^[ \t]*{_MARKER_TEXT}[ \t]*(?:\r?\n|\r|\Z)", re.MULTILINE)


def paired_marker_lines(text: str) -> set[int]:
    """Offsets of the marker lines in `text` that the writer would accept as a pair: a
    well-formed opening marker of a known kind followed by the closing one of the same kind.

    The reader keeps exactly these (refresh owns what they enclose); any other marker-like
    comment, unclosed, mismatched, or sharing its line with other text, is an ordinary comment
    and hides only itself.
    """
    if "scholar:" not in text:
        return set()
    kept: set[int] = set()
    opened: tuple[str, int] | None = None
    for m in _MARKER_LINES.finditer(text):
        kind, closing = m.group("kind"), m.group("close") is not None
        if kind not in MARKER_KINDS or (closing and m.group("options").strip()):
            opened = None
        elif not closing:
            opened = (kind, m.start())
        elif opened is not None and opened[0] == kind:
            kept.update((opened[1], m.start()))
            opened = None
        else:
            opened = None
    return kept


# --- front matter -----------------------------------------------------------------------------
FRONT_MATTER_FENCES = ("---", "...")  # Jekyll opens with ---, YAML lets --- or ... close


def front_matter_line_count(lines: list[str]) -> int:
    """How many leading lines (with their endings) are YAML front matter; 0 when none is."""
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in FRONT_MATTER_FENCES:
            return i + 1
    return 0


# --- dates and names --------------------------------------------------------------------------
# Month names and abbreviations as pages write them -> month number. Short forms first: the
# reader joins the keys into a regex alternation in this order.
MONTHS: dict[str, int] = {
    **{
        name: i + 1
        for i, name in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
        )
    },
    "sept": 9,
    **{
        name: i + 1
        for i, name in enumerate(
            (
                "january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december",
            )
        )
        if name != "may"
    },
}  # fmt: skip

# Lower-case words that belong to a surname rather than start a new name (van der Berg).
NAME_PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
        "le", "ten", "ter", "bin", "al", "el", "y",
    }
)  # fmt: skip

# --- badge markup -----------------------------------------------------------------------------
# Image markup in the source, to find a badge's exact bytes; matched from a known position.
IMAGE_MARKUP = re.compile(
    r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*(?P<url><[^>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
    r"|<img\b(?P<attrs>[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
SRC_ATTR = re.compile(r"""\bsrc\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s>]+))""", re.I)
REFERENCE_DEFINITION = re.compile(r"\[(?:[^\]\\]|\\.)+\]:[ \t]*(?P<url><[^>\n]*>|\S+)")

# --- counts -----------------------------------------------------------------------------------
_PREFIXES = ("k", "M", "G", "T", "P", "E", "Z", "Y")


def format_count(n: int) -> str:
    """A count as shields.io's `metric()` shows it: 999, 1k, 1.2k, 12k, 999k, 1M.

    Mirrors the JavaScript exactly, so a page changes only when the picture would: `toFixed(1)`
    rounds the exact binary value half-up (so 9950/1000 = 9.9499999… gives "9.9k", not "10k"),
    and `Math.round` rounds half-up (999.5 → 1000 → "1M").
    """
    abs_n = abs(n)
    if abs_n < 1000:
        return str(n)
    # Here, not at the top: most commands print no count over 999 and decimal costs 2 ms.
    from decimal import ROUND_HALF_UP, Decimal

    sign = "-" if n < 0 else ""
    for i in range(len(_PREFIXES) - 1, -1, -1):
        limit = 1000 ** (i + 1)
        if abs_n >= limit:
            # JavaScript divides doubles; float(int) / float(int) is the same IEEE operation.
            scaled = Decimal(float(abs_n) / float(limit))
            if scaled < 10:
                one_decimal = str(scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                if not one_decimal.endswith("0"):
                    return f"{sign}{one_decimal}{_PREFIXES[i]}"
            rounded = int(scaled.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            if rounded < 1000:
                return f"{sign}{rounded}{_PREFIXES[i]}"
            # shields indexes past the end for counts ≥ 1000Y; unreachable for stars.
            return f"{sign}1{_PREFIXES[i + 1] if i + 1 < len(_PREFIXES) else ''}"
    return str(n)
