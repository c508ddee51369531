"""Words that are not titles: link labels ("[pdf]", "Code"), venue ranks ("[CCF-A]"), and the
words of titles that no one's name has."""

from __future__ import annotations

import re

from scholar_cli.grammar import NAME_PARTICLES

# Link texts that name what a link is, never a paper's title: "[pdf]", "Paper", "Code", …
_GENERIC_LABELS = re.compile(
    r"^[\s\[\](){}|·•]*(?:(?:view|read|see|download|get|open|visit|watch|access|full|"
    r"the|our|this|project|conference|official|online|free)\s+)*"
    r"(?:paper|papers|pdf|publication|article|version|poster|presentation|recording|details|"
    r"more|record|entry|listing|arxiv|preprint|code|github|project(?: page)?|"
    r"website|webpage|homepage|page|site|slides?|video|talk|poster|bib(?:tex)?|cite|citation|"
    r"link|html|abs|abstract|doi|openreview|demo|dataset|data|model|models|blog|media|press|"
    r"supp(?:lementary)?|appendix|full text|journal|proceedings|publisher|springer|ieee|acm|"
    r"acl anthology|hugging ?face|hf|youtube|zhihu|twitter|x|tweet|colab|docs?|repo|"
    r"repository|leaderboard|benchmark|here|this|link|url|camera[- ]ready|extended version|"
    r"official|open access|pmc|pubmed|ssrn|researchgate|google scholar|scholar|news|"
    r"\W*)(?:\s+(?:link|page|here))?[\s\[\](){}|·•.:]*$",
    re.IGNORECASE,
)


def _is_link_words(text: str) -> bool:
    """ "Project | Paper | Code": nothing but link labels and separators."""
    words = [w for w in re.split(r"[\s|/·,;]+", text) if w]
    return bool(words) and all(_GENERIC_LABELS.match(w) for w in words)


# Words of titles, capitalised or not, that are in no one's name.
# (Not "a", "an", "in", "to": an initial, and names such as An, In, To.)
_TITLE_WORDS = frozenset(
    ("on", "of", "for", "the", "with", "via", "from", "towards", "toward", "using", "into",
     "through", "beyond", "without", "is", "are", "how", "what", "why", "when")
)  # fmt: skip


def _is_lower_word(word: str) -> bool:
    """A word no name has: Latin letters starting lower case, not a particle ("van", "de")."""
    bare = word.strip(".,;()'’")
    return len(bare) > 2 and bare.isascii() and bare[0].islower() and bare not in NAME_PARTICLES


_LAST_BRACKETED = re.compile(r"\s*\[\s*([^\[\]]{1,20}?)\s*\]\s*[.,;]?\s*$")


def strip_link_labels(title: str) -> str:
    """ "Title [PDF] [Code]." -> "Title": link labels left in brackets at a title's end (the
    page escaped the brackets, or a link had no target), and venue ranks ("[CCF-A]")."""
    while (m := _LAST_BRACKETED.search(title)) and (
        _GENERIC_LABELS.match(m.group(1)) or _RANK_TAG.fullmatch(m.group(1))
    ):
        title = title[: m.start()]
    return title


# Venue rankings written after a title, common on Chinese pages: "[CCF-A]", "[CORE A*]".
_RANK_TAG = re.compile(
    r"(?:\w+\s+)?(?:CCF|CORE|THCPL|TH-CPL|JCR|CAS|SCI|SSCI|EI)[\s-]*(?:[A-C]\*?|Q[1-4])?"
    r"(?:\s+Top)?",
    re.I,
)
