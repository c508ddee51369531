"""What is not a paper, by its words: legends and notes, year labels, patents, running prose.

Text-only tests (no markup), so the field rules can ask them of any line or entry.
"""

from __future__ import annotations

import re

# Lines that tell something about the paper above them, never a paper of their own.
NOTE_START = re.compile(
    r"^\W*(?:winner|featured|finalist|runner[- ]up|(?:second|third) place|honou?rable mention|"
    r"nominated|nominee|media coverage|press coverage|covered by|highlighted|also appeared|"
    r"see also|previously titled|former(?:ly)? title|equal contribution|corresponding author|"
    r"(?:\*|†|‡|#)\s*(?:denotes|indicates|equal|corresponding))\b",
    re.IGNORECASE,
)

# "[CCF] China Computer Federation Ranking; [TH-CPL] Tsinghua …; [CORE] CORE Ranking": keys
# in brackets, each explained, two or more: what the page's tags mean.
_KEYED = re.compile(r"\s*\[[^\[\]]{1,15}\]\s*[^\[\]]{3,80}")


def is_keyed_legend(text: str) -> bool:
    pieces = text.rstrip().rstrip(";").split(";")
    return len(pieces) >= 2 and all(_KEYED.fullmatch(piece.rstrip()) for piece in pieces)


# A short line that explains the marks, or points elsewhere, is not a paper.
LEGEND = re.compile(
    r"^\W*(?:\w+ )?(?:legend|note|notes|remark)\s*:|equal(?:ly)? contribut|"
    r"contributed equally|co-?first author|corresponding author|joint first|"
    r"[*†‡#]\W{0,3}(?:denotes?|indicates?|means?)\b|"
    r"\b(?:denotes?|indicates?)\s+(?:equal|corresponding|co-?first|joint|student|intern)|"
    r"(?:full|complete|whole) (?:publication )?list|"
    r"google scholar|dblp|semantic scholar|curriculum vitae|\b(?:my|full|complete) cv\b|"
    r"you can find|can be found|\b(?:see|find|visit) (?:my|our)\b|"
    r"^\W*(?:over |more than |about )?\d{1,3}\+?\s+(?:more\s+)?"
    r"(?:papers?|publications?|articles?)\b",
    re.IGNORECASE,
)
# "(under review)" alone, with no title beside it.
_STATUS_ONLY = re.compile(
    r"^\W*(?:under review|in preparation|submitted|in submission|to appear)\W*$", re.IGNORECASE
)


# Words one of the legend patterns needs; most entries have none, and `in` is cheap.
_LEGEND_KEYS = (
    "legend", "note", "remark", "equal", "contribut", "author", "joint", "denot", "indicat",
    "list", "scholar", "dblp", "vita", "cv", "find", "found", "see", "visit", "review",
    "preparation", "paper", "publication", "article", "record", "available",
)  # fmt: skip


def is_legend(text: str) -> bool:
    lower = text.lower()
    if not any(key in lower for key in _LEGEND_KEYS):
        return False
    if _LEGEND_LABEL.match(text) or _STATUS_ONLY.match(text):
        return True  # "**Access legend:** 🔓 public · 🔒 private", however long it runs
    words = len(text.split())
    if words <= 40 and _ELSEWHERE.search(text):
        return True  # "A complete list … is available on my Google Scholar page, or my CV."
    return words <= 20 and LEGEND.search(text) is not None


_ELSEWHERE = re.compile(
    r"(?:full|complete|whole) (?:list|publication list|record)|available (?:on|at|from) my",
    re.IGNORECASE,
)


_LEGEND_LABEL = re.compile(r"^\W*(?:\w+ )?(?:legend|note|notes|remark)\s*:", re.IGNORECASE)

# Year labels that head a group of papers: "2025", "2019 and Before", "Before 2018",
# "2020 - 2022", "2021–present".
_YEAR = r"(?:19|20)\d\d"
YEAR_LABEL = re.compile(
    rf"(?:(?:before|pre-?|prior to|until|up to|since|after)\s*)?{_YEAR}s?"
    rf"(?:\s*(?:-|–|—|~|to|until)\s*(?:{_YEAR}|now|present|today))?"
    r"(?:\s*(?:and|&|or)\s*(?:before|earlier|older|prior|previous|after|later))?\s*[:.]?",
    re.IGNORECASE,
)
# A venue written out in full, not as a short tag.
SPELLED_VENUE = re.compile(
    r"\b(?:conference|proceedings|journal|transactions|symposium|workshop|letters)\b",
    re.IGNORECASE,
)
# "US Patent: Systems and methods …": a patent listed among papers.
PATENT = re.compile(
    r"(?:(?:U\.?S\.?|Chinese|China|CN|European|EP|Japanese|Korean|PCT|International)\s+)?"
    r"patent\b\s*(?:no\.?\s*[\w,./-]+\s*)?[:：]",
    re.IGNORECASE,
)

_NAME_RUN = re.compile(r"(?:,\s*(?:and\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]*){1,2}){3,}")


def is_prose(text: str) -> bool:
    """Running text rather than a title: long, more than one sentence, or a sentence of more
    than a dozen words ending in a full stop; never a line that lists names like a citation."""
    if _NAME_RUN.search(text):
        return False
    words = len(text.split())
    sentence = words >= 8 and text.rstrip().endswith((".", ":"))
    return words > 30 or sentence or len(re.findall(r"[a-z]{2}[.!?]\s+[A-Z]", text)) >= 1


def is_long_prose(text: str) -> bool:
    """A paragraph of running text (links to papers in it or not), not one paper: over sixty
    words in more than one sentence, or over 120 words."""
    words = len(text.split())
    return words > 120 or (words > 60 and len(re.findall(r"[a-z]{3}[.!?]\s+[A-Z]", text)) >= 2)


# "- Temporarily omitted.", "Coming soon": a list kept in place with nothing in it yet.
PLACEHOLDER = re.compile(
    r"\W*(?:temporarily omitted|omitted|coming soon|to be (?:updated|added|announced)|tbd|tba|"
    r"none yet|under construction|stay tuned|updating)\W*",
    re.IGNORECASE,
)
