"""Comparison keys for titles and author names. Pure: strings in, strings out.

What counts as "the same" here decides what `scholar check` reports, so the rules are spelled
out in each docstring and pinned by tests/test_check_normalize.py.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Sequence

from scholar_cli.grammar import NAME_PARTICLES

__all__ = [
    "author_key",
    "compare_authors",
    "fold_accents",
    "fold_text",
    "normalize_title",
    "same_author",
]

# Letters that Unicode does not decompose into base letter + accent, so NFKD leaves them alone.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
        "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i", "Ħ": "H",
        "ħ": "h", "Ŋ": "N", "ŋ": "n", "ſ": "s",
    }
)  # fmt: skip
_QUOTES = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    }
)  # fmt: skip

# LaTeX as arXiv titles and author lists carry it.
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.]\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_LATEX_LETTER_ACCENT = re.compile(
    r"\\[cvuHkrdbt]\s*\{\s*([A-Za-z])\s*\}|\\[cvuHkrdbt]\s+([A-Za-z])"
)
_LATEX_SPECIAL = re.compile(r"\\(ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)(?![A-Za-z])\s*")
_LATEX_SPECIAL_MAP = {"ss": "ss", "o": "o", "O": "O", "l": "l", "L": "L", "ae": "ae", "AE": "AE",
                      "oe": "oe", "OE": "OE", "aa": "a", "AA": "A", "i": "i", "j": "j"}  # fmt: skip
_LATEX_ESCAPED = re.compile(r"\\([&%$#_{}])")
_LATEX_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
# Commands that only style their argument: drop the command, keep the argument.
_LATEX_STYLE = re.compile(
    r"\\(?:text(?:bf|it|rm|sf|tt|sc|up|sl|normal)?|emph|math(?:rm|bf|it|cal|sf|tt|bb|frak)|"
    r"mbox|operatorname|boldsymbol|bm|hbox|underline)\*?\s*(?=\{)"
)
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)\*?\s*")
# Markdown emphasis: `*` anywhere, `_` only at a word edge (snake_case stays one word).
_MARKDOWN_MARKS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
_TITLE_TOKEN = re.compile(r"\w+|[^\w\s]")
_TRAILING_PUNCT = " .,;"


def fold_accents(text: str) -> str:
    """Case- and accent-insensitive form for matching: "Müller" -> "muller"."""
    s = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.casefold().split())


def fold_text(text: str) -> str:
    """Casefolded text without accents, LaTeX markup, Markdown emphasis or typographic quotes.

    Punctuation is kept as written (after curly quotes became straight and every dash became
    `-`), and whitespace is collapsed.
    """
    s = html.unescape(text)
    s = s.replace("``", '"').replace("''", '"').replace("---", "-").replace("--", "-")
    s = _LATEX_MATH.sub(lambda m: m.group(1).replace("_", " ").replace("^", " "), s)
    s = _LATEX_ACCENT.sub(lambda m: m.group(1) or m.group(2), s)
    s = _LATEX_LETTER_ACCENT.sub(lambda m: m.group(1) or m.group(2), s)
    s = _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIAL_MAP[m.group(1)], s)
    s = _LATEX_ESCAPED.sub(r"\1", s)
    s = _LATEX_STYLE.sub("", s)
    s = _LATEX_COMMAND.sub(r"\1 ", s)  # \alpha -> alpha: the name is the closest plain text
    s = s.replace("{", "").replace("}", "")
    s = _MARKDOWN_MARKS.sub("", s.replace("`", ""))
    return fold_accents(s.translate(_QUOTES))


# Keys are pure functions of their text, and a page repeats the same few names (the owner on
# every paper, co-authors across papers) and compares each title more than once: `check` on a
# 5,000-paper page computed 190,000 author keys for a few hundred names. The caches are bounded
# by what one page holds.
_KEY_CACHE = 65536


@functools.lru_cache(maxsize=_KEY_CACHE)
def normalize_title(title: str) -> str:
    """The comparison key of a title: equal keys mean "the same title".

    Ignored: case, accents (also ß, Ł, ø, æ …), LaTeX markup (`\\emph{}`, `{Braces}`, `$…$`,
    `\\'e`), Markdown emphasis (`*`, `_`, backticks), curly vs straight quotes, the kind of dash,
    whitespace and the spacing around punctuation, and trailing `.`, `,` or `;` (the page reader
    drops those from titles).

    Kept: every punctuation mark itself. A title that gained, lost or changed a mark is a
    different title, which is how "DistZO2: : High-Throughput" differs from arXiv's
    "DistZO2: High-Throughput" while "Fine-Tuning" and "fine‐tuning" do not differ.

    The key is the title's tokens (runs of letters/digits, and single punctuation marks) joined
    by one space: "DistZO2 : : high - throughput".
    """
    tokens = _TITLE_TOKEN.findall(fold_text(title))
    while tokens and tokens[-1] in _TRAILING_PUNCT:
        tokens.pop()
    return " ".join(tokens)


# --- authors ---------------------------------------------------------------------------------

_AUTHOR_MARKS = re.compile(r"[*†‡#§¶✉⋆∗]+|(?<=[^\W\d])\d+\b|\^\{?[\w,]*\}?")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _clean_name(name: str) -> str:
    """The name without marks, affiliation digits, a leading "and"/"&"; accents etc. kept."""
    s = _AUTHOR_MARKS.sub(" ", html.unescape(name))
    s = " ".join(s.split())
    s = re.sub(r"^(?:and\s+|&\s*)", "", s, flags=re.IGNORECASE)
    return s.strip(" ,;")


def _is_initials(token: str) -> bool:
    """Initials: "D.", "D.E.", "J.-P." or a lone capital letter."""
    return bool(re.fullmatch(r"(?:[^\W\d_]\.?-?)+", token)) and (
        "." in token or len(token.rstrip(".")) == 1
    )


def _given_parts(given: Sequence[str]) -> tuple[str, ...]:
    parts: list[str] = []
    for token in given:
        parts.extend(p for p in re.split(r"[.\-\s]+", fold_text(token)) if p)
    return tuple(parts)


@functools.lru_cache(maxsize=_KEY_CACHE)
def author_key(name: str) -> tuple[str, tuple[str, ...]]:
    """(surname, given-name parts), folded: the parts that author comparison looks at.

    Understands "David E. Keyes", "D.E. Keyes", "Keyes, David E.", "Keyes D. E.", particles
    written in lower case ("Johannes van der Waals" -> surname "vanderwaals") and suffixes
    (Jr., III). Marks (`*`, `†`, `#`, affiliation digits), accents, LaTeX and Markdown emphasis
    do not count. Spaces, hyphens and apostrophes inside a surname do not count either.
    """
    cleaned = _clean_name(name)
    if "," in cleaned:
        surname_text, _, given_text = cleaned.partition(",")
        surname_tokens = surname_text.split()
        given_tokens = given_text.split()
    else:
        tokens = cleaned.split()
        while len(tokens) > 1 and tokens[-1].strip(".").lower() in _SUFFIXES:
            tokens.pop()
        if len(tokens) > 1 and _is_initials(tokens[-1]) and not _is_initials(tokens[0]):
            # "Keyes D. E.": surname first, initials after.
            surname_tokens, given_tokens = tokens[:1], tokens[1:]
        else:
            cut = len(tokens) - 1
            # Particles only count in lower case: "Di Wang" is a given name, "di Stefano" not.
            while cut > 1 and tokens[cut - 1] in NAME_PARTICLES:
                cut -= 1
            surname_tokens, given_tokens = tokens[cut:], tokens[:cut]
    surname = re.sub(r"[\s\-'.]", "", fold_text(" ".join(surname_tokens)))
    return surname, _given_parts(given_tokens)


def _compatible(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def same_author(page_name: str, arxiv_name: str) -> bool:
    """True when two spellings can name the same person.

    Surnames must be equal (see `author_key`). Given names may be initials of each other
    ("D. E. Keyes" ~ "David E. Keyes"), a middle name may be left out on one side
    ("David Keyes"), and "Liang-Yu" ~ "Liangyu". A name with no given name matches on the
    surname alone.
    """
    sa, ga = author_key(page_name)
    sb, gb = author_key(arxiv_name)
    if not sa or sa != sb:
        return False
    if not ga or not gb or "".join(ga) == "".join(gb):
        return True
    if not _compatible(ga[0], gb[0]):
        return False
    return all(_compatible(x, y) for x, y in zip(ga[1:], gb[1:], strict=False))


def compare_authors(
    page_authors: Sequence[str], arxiv_authors: Sequence[str]
) -> tuple[list[str], list[str], bool]:
    """(missing, extra, reordered) of the page's author list against arXiv's.

    `missing` are arXiv's names (arXiv spelling) the page lacks, `extra` the page's names
    (page spelling) arXiv lacks, `reordered` whether the names both lists share appear in a
    different order. Exact keys pair up first, so "J. Wang" only takes the Wang left over.
    """
    page_keys = [author_key(n) for n in page_authors]
    arxiv_keys = [author_key(n) for n in arxiv_authors]
    pair: dict[int, int] = {}  # arXiv index -> page index
    used: set[int] = set()
    for i, key in enumerate(arxiv_keys):
        j = next((j for j, k in enumerate(page_keys) if j not in used and k == key), None)
        if j is not None:
            pair[i] = j
            used.add(j)
    for i, name in enumerate(arxiv_authors):
        if i in pair:
            continue
        j = next(
            (j for j, n in enumerate(page_authors) if j not in used and same_author(n, name)),
            None,
        )
        if j is not None:
            pair[i] = j
            used.add(j)
    missing = [name for i, name in enumerate(arxiv_authors) if i not in pair]
    extra = [name for j, name in enumerate(page_authors) if j not in used]
    order = [pair[i] for i in sorted(pair)]
    reordered = any(a > b for a, b in itertools.pairwise(order))
    return missing, extra, reordered
