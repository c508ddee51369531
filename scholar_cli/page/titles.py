"""Which text of an entry is the paper's title, across the shapes citations come in.

Markup that says so first (a class, bold, a link, quotes), then citation grammars (APA's year,
GB/T 7714's "[J]", names before a colon, italics after names), then positions around the
author list. The first rule that fits wins, so the rules are kept together, in the order they
are tried; they ask names.py what a name is and leave the venue and the rest of the item to
fields.py.
"""

from __future__ import annotations

import re

from scholar_cli.page.entries import STAR_TEXT, Seg, _slice, line_text
from scholar_cli.page.labels import (
    _GENERIC_LABELS,
    _TITLE_WORDS,
    _is_lower_word,
)
from scholar_cli.page.names import (
    _AUTHOR_SPLIT_RE,
    _SENTENCE_END,
    _is_author_line,
    _is_link_to_person,
    _is_name,
    _looks_like_authors,
    _split_at_sentence_end,
)
from scholar_cli.page.notpapers import SPELLED_VENUE


def _bold_runs(line: list[Seg]) -> list[tuple[int, int]]:
    """(start, end) segment indexes of each run of bold text on the line."""
    runs: list[tuple[int, int]] = []
    j = 0
    while j < len(line):
        if line[j].bold and line[j].text.strip():
            k = j
            while k < len(line) and (line[k].bold or not line[k].text.strip()):
                k += 1
            runs.append((j, k))
            j = k
        else:
            j += 1
    return runs


def _is_listed_name(line: list[Seg], j: int, k: int) -> bool:
    """Is the bold run line[j:k] a name in a list of authors (the owner, bolded)?"""
    before = "".join(seg.text for seg in line[:j]).rstrip()
    after = "".join(seg.text for seg in line[k:]).lstrip().lstrip("*†‡#^\\0123456789 ")
    text = "".join(seg.text for seg in line[j:k]).strip()
    if ":" in text or len(text.split()) > 5:
        return False  # "ZO2: Scalable …" is a title however it is punctuated around
    if any(_is_lower_word(word) or word.lower() in _TITLE_WORDS for word in text.split()):
        # "**All-in-one simulation-based inference**, ICML 2024", "**On Market-Driven
        # Hybrid-P2P Video Streaming**,": words no one's name has.
        return False
    if _CITED_NAME.fullmatch(text) or _CITED_YEAR.match(after):
        return True  # "**Quispe-Salazar, E.** (2026). Title." names the author
    if before.endswith((",", " and", "&")):
        return True
    if after.startswith(","):
        # "**Short Title**, ICML 2024. A. Author": a venue after the comma, not a co-author.
        return not _is_venue_like(re.split(r"[,.;]", after[1:].strip(), maxsplit=1)[0])
    return after.startswith(("and ", "&"))


# A name as citations write it: "Quispe-Salazar, E.", "Doe, J. R.", "van Dam, A.-M."
_CITED_NAME = re.compile(r"(?:[a-z]+ )*[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*, (?:[A-Z]\.[ -]?)+")


# "CVPR 2026", "arXiv 2025", "TPAMI'24", "(Oral)": short bold text that names a venue or an
# award; "**Title**, **CVPR 2026**" keeps the title.
_VENUE_WORDS = re.compile(
    r"(?:^|\s)(?:'\d\d|(?:19|20)\d\d)\b|\b(?:oral|spotlight|poster|highlight|best paper|"
    r"award|accepted|under review|preprint|submitted|in press|forthcoming)\b|'\d\d\b|"
    r"\b[A-Z][A-Za-z-]*'?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _is_venue_like(text: str) -> bool:
    words = text.strip(" ()[]*.,;:").split()
    if ":" in text or not 0 < len(words) <= 4:
        return False
    return _VENUE_WORDS.search(" ".join(words)) is not None


def _mid_sentence(before: list[Seg]) -> bool:
    """Is bold text after this emphasis inside a sentence ("How to **transfer …**") rather
    than a title after a tag, a number or an author list?"""
    text = "".join(seg.text for seg in before if seg.href is None).rstrip()
    return text[-1:].isalpha()


def _first_bold(
    lines: list[list[Seg]], *, only: int | None = None
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """(line index, bold text, what precedes and follows it on that line) for the first bold
    run that is not an author's name in a list; `only` limits the search to one line."""
    for i, line in enumerate(lines):
        if only is not None and i != only:
            continue
        for j, k in _bold_runs(line):
            text = " ".join("".join(s.text for s in line[j:k]).split())
            if (
                _is_listed_name(line, j, k)
                or _is_venue_like(text)
                or _mid_sentence(line[:j])
                or _GENERIC_LABELS.match(text)  # "[**Project**](…)": a link's label
            ):
                continue
            return i, text, line[:j], line[k:]
    return None


def _is_title_link(label: str, *, leading: bool = False) -> bool:
    """Could this link text be a title: not a generic label; later in a line (where authors'
    homepages are linked) not a person's name either."""
    label = label.strip()
    if not label or _GENERIC_LABELS.match(label) or STAR_TEXT.fullmatch(label):
        return False
    if leading:
        return True
    return not _is_link_to_person(label) and (len(label.split()) >= 2 or len(label) >= 12)


def _first_title_link(line: list[Seg]) -> tuple[int, int] | None:
    """Segment span of the first link on the line whose text could be a title: any link that
    opens the line (unless it is a name starting an author list), else one that is neither a
    generic label nor a name."""
    lead = next((i for i, seg in enumerate(line) if seg.text.strip()), None)
    i = lead or 0
    while i < len(line):
        if line[i].href is None:
            i += 1
            continue
        end = _link_run(line, i)
        label = line_text(line[i:end])
        after = "".join(seg.text for seg in line[end:]).lstrip()
        opens_names = _is_link_to_person(label) and after.startswith((",", "and ", "&"))
        if _is_title_link(label, leading=i == lead and not opens_names):
            return i, end
        i = end
    return None


def _link_run(line: list[Seg], start: int) -> int:
    """The end of the run of segments that belong to the link starting at `start`."""
    end = start
    while end < len(line) and line[end].href == line[start].href:
        end += 1
    return end


def _find_title(lines: list[list[Seg]]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """(line index, title, text before it, text after it on that line).

    In order: markup that says it is the title (`class="paper-title"`); on the first line the
    earliest of a bold run that is not a name, a venue or emphasis inside a sentence, a link
    whose text could be a title (`[Title](url) — Venue`, `A, B, 2018. [Title](doi). Venue`)
    and a quoted title (`A, B. "Title." In ACL.`); a quoted title on the next lines; bold text on
    a later line; a citation's title after its authors (`A (2024). Title.`, `A. Title [J].`,
    `A, B and C: Title.`, `2021 — A et al. *Title.*`, `Lu, G., Marais, E. A. Title.`); the
    sentence after an author list; the text before an author list (`Title, **A. Me**, B.
    Other`); the part after a list of names (`A, B, **Me**, Title, *Venue*`); the plain text
    before a bold venue or links; else the whole first line. Link texts such as "[pdf]" or
    "Code" and people's names are never titles."""
    if not lines:
        return None
    for i, line in enumerate(lines):
        # Markup that says so: <span class="articleTitle">, <div class="paper-title">.
        start = next((j for j, seg in enumerate(line) if seg.mark == "title"), None)
        if start is None:
            continue
        end = start
        while end < len(line) and line[end].mark == "title":
            end += 1
        marked = line_text(line[start:end])
        current, after = line, line[end:]
        # An HTML title element may wrap over source lines.
        for nxt in lines[i + 1 :]:
            if end < len(current) or not nxt or nxt[0].mark != "title":
                break
            end = next((j for j, seg in enumerate(nxt) if seg.mark != "title"), len(nxt))
            marked = f"{marked} {line_text(nxt[:end])}"
            current, after = nxt, nxt[end:]
        if marked.strip():
            return i, " ".join(marked.split()), line[:start], after
    first = lines[0]
    if len(lines) > 1 and _all_italic(lines[1]) and _is_author_line(_without_marks(first)):
        # "**Me**, B. Other<br>*Title*<br>[Venue](…)": the italic line after the names, unless
        # it names a venue ("*CVPR 2016*", "*Proceedings of …*") or people.
        italic = line_text(lines[1]).strip().rstrip(".,")
        if (
            len(italic.split()) >= 3
            and not _is_venue_like(italic)
            and not SPELLED_VENUE.search(italic)
            and not _is_author_line(_without_marks(lines[1]))  # "**Title**\n*A, B, C*"
        ):
            return 1, italic, [], []
    # The earliest of a bold title, a title-like link and a quoted title on the first line:
    # in "A, B. [Title](url). (**Oral**)" the bold text is an award, not the title.
    candidates: list[tuple[int, tuple[int, str, list[Seg], list[Seg]]]] = []
    bold = _first_bold(lines, only=0)
    link = _first_title_link(first)
    quoted = _quoted_title(lines[:1])
    if bold is not None and not (
        (link is not None or quoted is not None)
        and _is_name(bold[1])
        and line_text(bold[3]).lstrip().startswith(".")
    ):
        # ("__Jane Doe__. [“Title”](…) PhD diss." names its author in bold, then the title.)
        candidates.append((_chars(bold[2]), bold))
    if link is not None:
        start, end = link
        found = (0, line_text(first[start:end]), first[:start], first[end:])
        candidates.append((_chars(first[:start]) + 1, found))
    if quoted is not None:
        candidates.append((_chars(quoted[2]) + 2, quoted))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    quoted = _quoted_title(lines[:3])
    if quoted is not None:
        return quoted
    bold = _first_bold(lines)
    if bold is not None and not _looks_like_authors(first):
        # A plain first line ("Title\nAlice, **Jane**") is the title, not a later bold line.
        return 0, line_text(first), [], []
    if bold is not None:
        return bold
    cited = _title_after_authors(first)
    if cited is not None:
        return cited
    names, rest = _split_at_sentence_end(first)
    if rest and _looks_like_authors(names):
        title, venue = _split_at_sentence_end(rest)
        text = line_text(title)
        if len(text.split()) >= 2 and not _GENERIC_LABELS.match(text) and not _is_venue_like(text):
            return 0, text, names, venue
    before_authors = _title_before_authors(first)
    if before_authors is not None:
        return before_authors
    link_at = _chars(first[: next((i for i, g in enumerate(first) if g.href), len(first))])
    after_names = _title_after_comma_names(first, link_at)
    if after_names is not None:
        return after_names
    plain_end = next(
        (i for i, g in enumerate(first) if g.href is not None or (g.bold and g.text.strip())),
        len(first),
    )
    # "Title \[[PDF](…)\]": an escaped bracket ends it (a "[PDF]" left over, from a link with no
    # target, is stripped from every title by fields.to_paper).
    lead_text = line_text(first[:plain_end]).rstrip(" ,;:—–-[(")
    if 0 < plain_end < len(first) and len(lead_text.split()) >= 3:
        # "Title, **CVPR 2026** [[PDF]](…)": the plain text before the venue and links.
        return 0, lead_text, [], first[plain_end:]
    runs = _bold_runs(first)
    if runs and _is_listed_name(first, *runs[0]) and _looks_like_authors(first):
        # "**Ana Pérez**, Bo Li" first: the entry lost its title (check reports empty-title).
        return 0, "", first, []
    return 0, line_text(first), [], []


def _without_marks(line: list[Seg]) -> str:
    """The names of an author line, "(*equal contribution)" and marks aside."""
    text = re.sub(r"\([^()]*\)", " ", line_text(line))
    return " ".join(text.replace("\\*", " ").split()).strip(" .")


def _all_italic(line: list[Seg]) -> bool:
    shown = [seg for seg in line if seg.text.strip()]
    return bool(shown) and all(seg.italic and seg.href is None for seg in shown)


# Where the author list of a citation ends and the title begins or ends: "(2025).",
# "(2025+)", and GB/T 7714's document marks "[J]." / "; proceedings of …".
_CITED_YEAR = re.compile(r"\(\s*(?:19|20)\d\d[a-z]?\+?\s*\)[.,:]?\s*")
_GBT_END = re.compile(
    r"\s*\[(?:J|C|M|D|R|P|S|N|A|Z|G|EB/OL|J/OL|C/OL|M/OL)\]|;\s*(?=proceedings\b|in\b)",
    re.IGNORECASE,
)
_TITLE_END = re.compile(r"(?<=[^\s.])[.?!](?=\s|$)")


def _title_after_authors(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """A citation that names its authors first: "A. Me and B. Other (2025). Title. *Venue*."
    or "Me L, Other B. Title [J]. Venue, 2021"."""
    text = "".join(seg.text for seg in line)
    link_at = _chars(line[: next((i for i, g in enumerate(line) if g.href), len(line))])
    year = _CITED_YEAR.search(text, 0, link_at)
    if year is not None and _looks_like_authors(_slice(line, 0, year.start())):
        start = year.end()
        end_m = _TITLE_END.search(text, start, link_at)
        end = (
            end_m.end()
            if end_m and text[end_m.start()] in "?!"
            else end_m.start()
            if end_m
            else link_at
        )
        title = text[start:end].strip()
        if len(title.split()) >= 2:
            return 0, title, _slice(line, 0, year.start()), _slice(line, end)
    mark = _GBT_END.search(text, 0, link_at)
    if mark is not None:
        cut = text.rfind(". ", 0, mark.start())
        names = _slice(line, 0, cut) if cut > 0 else []
        if names and _looks_like_authors(names):
            title = text[cut + 2 : mark.start()].strip()
            if len(title.split()) >= 2:
                return 0, title, names, _slice(line, mark.end())
    colon = text.find(": ", 0, link_at)
    names_text = text[:colon]
    if (
        colon > 0
        and _is_author_line(names_text)
        and _SENTENCE_END.search(names_text) is None
        and (
            len(_AUTHOR_SPLIT_RE.split(names_text)) >= 3
            or any(g.bold for g in _slice(line, 0, colon))
        )
    ):
        # "Yaowei Zheng, Richong Zhang and Yongyi Mao: Title. **ACL2024**. [[arXiv]](…)"
        end_m = _TITLE_END.search(text, colon + 2, link_at)
        end = (
            end_m.start()
            if end_m and text[end_m.start()] == "."
            else end_m.end()
            if end_m
            else link_at
        )
        title = text[colon + 2 : end].strip()
        if len(title.split()) >= 2:
            return 0, title, _slice(line, 0, colon), _slice(line, end)
    italic = _italic_title(line)
    if italic is not None:
        return italic
    return _title_after_name_list(line, link_at)


def _title_after_comma_names(
    line: list[Seg], link_at: int
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Jane Doe, Bo Li, **Me**, Title of the Paper, *Venue 2025*", and the same with no comma
    after the last name ("Jane Doe, Bo Li Title of the Paper (ICML 2026)"): the part after
    two or more names, cut after as many words as the other names have."""
    text = "".join(seg.text for seg in line)[:link_at]
    parts = [(m.start(), m.group()) for m in re.finditer(r"[^,]+", text)]
    names = 0
    for start, part in parts:
        words = part.split()
        if _is_name(part) and len(words) <= 4:
            names += 1
            continue
        if names < 1 or len(words) < 4 or _SENTENCE_END.search(part):
            return None
        sizes = sorted(len(p.split()) for _s, p in parts[:names])
        typical = sizes[len(sizes) // 2]
        if not any(w[:1].islower() for w in words):
            return None  # "Jane Doe Bo Li": more names, not a title
        lead = part[: len(part) - len(part.lstrip())]
        head = " ".join(words[:typical])
        glued = _is_name(head) and _is_name(" ".join(words[:2])) and words[typical][:1].isupper()
        # "Yiping Lu Simple Unbiased …": the last author's name runs into the title.
        if not glued and names < 2:
            return None
        title = " ".join(words[typical:]) if glued and len(parts) - 1 == names else part.strip()
        title = re.split(r"\s+\((?=[^()]*\d{4}\)\s*$)", title)[0].rstrip(" .")
        offset = start + len(lead) + (part.strip().find(title) if title in part else 0)
        return 0, title, _slice(line, 0, offset), _slice(line, offset + len(title))
    return None


_NAME_TOKEN = re.compile(
    r"[A-Z][\w'’-]*\.?|[A-Z](?:\.|-[A-Z])+\.?|(?:van|von|de|der|den|da|di|du|del|la|le|dos|"
    r"and|et|al\.?|&|\[&|\d+|others\]?\.?)"
)


def _title_after_name_list(
    line: list[Seg], link_at: int
) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Lu, G., Marais, E. A., **Zhang, D.**, Guttikunda, S. Title of the Paper. Venue": the
    first sentence that reads like a title (lower-case words in it) after sentences made only
    of names and initials."""
    text = "".join(seg.text for seg in line)
    pos = 0
    for m in re.finditer(r"[^.]+(?:\.(?!\s)[^.]*)*\.?", text[:link_at]):
        piece = m.group().strip()
        tokens = [t for t in re.split(r"[\s,;]+", piece) if t]
        if not tokens:
            continue
        if all(_NAME_TOKEN.fullmatch(t) for t in tokens):
            pos = m.end()
            continue
        lower = [t for t in tokens if t[:1].islower() and len(t) > 1]
        if pos and len(tokens) >= 3 and lower:
            title = piece.rstrip(".").strip()
            return 0, title, _slice(line, 0, pos), _slice(line, m.end())
        return None
    return None


def _italic_title(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "2021 — Urbain et al. *Effect of compliance on ….* Autonomous Robots.": an italic run of
    four words or more after a year, names or a dash is the title."""
    start = next((i for i, seg in enumerate(line) if seg.italic and seg.text.strip()), None)
    if start is None or line[start].href is not None:
        return None
    end = start
    while end < len(line) and (line[end].italic or not line[end].text.strip()):
        end += 1
    title = line_text(line[start:end]).rstrip(" .,;:")
    before = "".join(seg.text for seg in line[:start]).rstrip()
    after_names = not before or before[-1] in ".:—–-|)," or _looks_like_authors(line[:start])
    if len(title.split()) < 4 or not after_names:
        return None
    return 0, title, line[:start], line[end:]


def _chars(segs: list[Seg]) -> int:
    return sum(len(seg.text) for seg in segs)


def _title_before_authors(line: list[Seg]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    """ "Title, **A. Me**, B. Other, et al." -> the text before the first name of a list of
    names that runs on (a bolded name, or two names in a row)."""
    text = "".join(seg.text for seg in line)
    bold_at = [False] * len(text)
    pos = 0
    for seg in line:
        if seg.bold:
            bold_at[pos : pos + len(seg.text)] = [True] * len(seg.text)
        pos += len(seg.text)
    # Parts end at commas and at full stops that end a word ("Title. Yichi Zhang, Bo Li").
    parts = [(m.start(), m.group()) for m in re.finditer(r"(?:[^,.]|\.(?!\s))+\.?", text)]
    for k in range(1, len(parts)):
        start, part = parts[k]
        name = part.strip()
        lead = start + len(part) - len(part.lstrip())
        is_bold = lead < len(bold_at) and bold_at[lead]
        following = [p.strip() for _s, p in parts[k + 1 : k + 3]]
        runs_on = bool(following) and all(
            _is_name(p) or p.lower().rstrip(".") in ("et al", "and others") for p in following
        )
        if _is_name(name) and (is_bold or runs_on):
            title = text[: parts[k - 1][0] + len(parts[k - 1][1])]
            linked = any(seg.href for seg in _slice(line, 0, len(title)))
            if k == 1 and not linked and _is_link_to_person(title.strip()):
                return None  # "Jasen Lai, Sifan Wang, …": names from the start, no title first
            if line_text([Seg(title, False, None)]):
                return 0, " ".join(title.split()), [], _slice(line, start)
            return None
    return None


_QUOTED = re.compile(r"[\"“](?P<title>[^\"“”]{8,}?)[,.]?[\"”]")


def _quoted_title(lines: list[list[Seg]]) -> tuple[int, str, list[Seg], list[Seg]] | None:
    for index, line in enumerate(lines):
        text = "".join(seg.text for seg in line)
        m = _QUOTED.search(text)
        if m is not None and len(m.group("title").split()) >= 2:
            return index, m.group("title"), _slice(line, 0, m.start()), _slice(line, m.end())
    return None
