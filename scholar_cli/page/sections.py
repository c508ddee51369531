"""Headings -> section kinds: which words make a section list papers, projects or news.

The walk asks this of every heading and of every bold line that may stand for one; the word
lists are long and change on their own, so they are kept away from the walk's mechanics. The
bracketed venue tag is here because a sub-heading that opens with one is a paper, not a group;
the field rules read the same tag off an entry's first line.
"""

from __future__ import annotations

import re

from scholar_cli.models import SectionKind
from scholar_cli.normalize import fold_accents

# Word stems: a heading matches a stem when one of its words starts with it. The first group
# that matches decides, in this order, so "Publications and Talks" lists papers, "Conference
# Reviewer" and "Research Interests" list none, and a bare "Research" or "Journal" lists papers.
_SECTION_WORDS: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    (
        "papers",
        (
            "publication",
            "paper",
            "preprint",
            "manuscript",
            "article",
            "thesis",
            "theses",
            "dissertation",
            "bibliography",
            "technical report",
            "tech report",
            "working paper",
            "book chapter",
            "proceeding",
            r"pubs\b",
            "under review",
            "submitted",
            "in submission",
            "in preparation",
            "peer-reviewed",
            "peer reviewed",
            "refereed",
            "in progress",
        ),
    ),
    (
        "other",
        (
            "award",
            "honor",
            "honour",
            "prize",
            "scholarship",
            "fellowship",
            "grant",
            "funding",
            "service",
            "review",
            "talk",
            "presentation",
            "lecture",
            "seminar",
            "keynote",
            "tutorial",
            "teaching",
            "course",
            "education",
            "experience",
            "employment",
            "internship",
            "position",
            "appointment",
            "student",
            "mentor",
            "supervis",
            "advis",
            "contact",
            "interest",
            r"bio\b",
            "biograph",
            "about",
            "skill",
            "hobb",
            "misc",
            "activit",
            "outreach",
            "media",
            "press",
            "patent",
            "blog",
            "vita",
            "resume",
            "membership",
            "affiliation",
            "visit",
            "collaborat",
            "acknowledg",
            "certific",
            "competition",
            "volunteer",
            "leadership",
            "organiz",
            "organis",
            "committee",
            "statement",
            "group",
            "people",
            "team",
            "member",
            "news coverage",
            "invited",
            "poster session",
            "friends",
            r"links\b",
            r"cv\b",
            r"notes\b",
            "pipeline",
            "planned",
        ),
    ),
    (
        "projects",
        (
            "project",
            "software",
            "open source",
            "opensource",
            "open-source",
            "code",
            "tool",
            "librar",
            "repositor",
            "demo",
        ),
    ),
    ("news", ("news", "update", "announcement", "what's new", "whats new")),
    # "research" but not "Researcher": a role ("Robotics Researcher") lists no papers.
    ("papers", (r"research(?!er)", "journal", "conference", "workshop", "selected work")),
)


# The same kinds in Chinese, Japanese and Korean headings ("# 论文", "## 发表论文", "# 教育背景",
# "## 業績"): these scripts write words without spaces, so they match anywhere in a heading.
# The template most researchers fork, AcadHomepage, is as often written in Chinese as in English.
_CJK_WORDS: dict[SectionKind, tuple[str, ...]] = {
    "papers": (
        "论文", "論文", "发表", "發表", "出版物", "著作", "预印本", "預印本", "研究成果", "業績",
        "同行评审", "同行評審",
        "논문", "출판",
    ),
    "other": (
        "教育", "学历", "學歷", "学歴", "经历", "經歷", "経歴", "職歴", "荣誉", "榮譽", "获奖",
        "獲獎", "奖励", "獎勵", "受賞", "服务", "服務", "审稿", "審稿", "实习", "實習", "教学",
        "教學", "报告", "講演", "演讲", "演講", "专利", "專利", "特許", "简介", "簡介", "关于",
        "關於", "联系", "聯繫", "兴趣", "興趣", "技能", "学術", "학력", "경력", "수상",
    ),
    "projects": (
        "项目", "項目", "开源", "開源", "软件", "軟體", "代码", "プロジェクト", "프로젝트",
    ),
    "news": (
        "新闻", "新聞", "动态", "動態", "最新", "消息", "ニュース", "お知らせ", "뉴스", "소식",
    ),
}  # fmt: skip
_SECTION_RES: tuple[tuple[SectionKind, re.Pattern[str]], ...] = tuple(
    (
        kind,
        re.compile(
            r"(?<![\w])(?:"
            + "|".join(stems)
            + ")"
            # Folded as headings are (NFKD splits Hangul and kana with voicing marks).
            + ("|" + "|".join(map(fold_accents, _CJK_WORDS[kind])) if kind in _CJK_WORDS else "")
        ),
    )
    for kind, stems in _SECTION_WORDS
)


def heading_words(heading: str) -> str:
    """ "📝 Selected Publications {#pubs}" -> "selected publications": what a heading says."""
    words = fold_accents(heading).lower()
    return " ".join(re.sub(r"[^\w' -]+", " ", words).split())


# Headings that name a field of work: a section of prose at the top ("Research Focus"), but
# under Publications only a group of papers ("Research Direction 1: Agentic Search").
_TOPIC_RE = re.compile(r"(?<![\w])(?:focus|areas?\b|direction|overview|topics?\b|theme|agenda)")


# A bracketed tag before a title: "[ICLR'25]", "(NeurIPS 2024)", "【CVPR】", "(2025+)".
LEAD_TAG = re.compile(r"^\s*(?:[\[(【]\s*(?P<tag>[^\[\]()【】]{1,40}?)\s*[\])】])\s*[:\-–—|]?\s*")


def _is_paper_heading(text: str, has_links: bool, whole_link: bool = False) -> bool:
    """A sub-heading that names a paper rather than a group of them: it links somewhere or opens
    with a venue tag ("[ICML'24] Effects of …"), and reads like a title, not "2024" or a topic.

    A heading that is one link from end to end (`<h3><a href=…>MACIM: Multi-Agent
    Collaborative …</a></h3>`) is a title even when a word of it could name a section
    ("Collaborative", "Code", "Team"), unless it names publications or news."""
    words = text.split()
    if len(words) < 4 or _TOPIC_RE.search(text.lower()):
        return False
    if LEAD_TAG.match(text):
        return True
    if not has_links:
        return False
    kind = section_kind(text)
    return kind is None or (whole_link and kind not in ("papers", "news"))


_NEWS_FIRST = re.compile(r"(?:latest |recent )?news\b")


def names_papers_weakly(heading: str) -> bool:
    """ "Conferences", "Journals", "Research": words that name papers only where nothing says
    otherwise; under "Professional Services" they are venues served, not papers."""
    words = heading_words(heading)
    weak = _SECTION_RES[-1][1]
    return weak.search(words) is not None and not any(
        pattern.search(words) for _kind, pattern in _SECTION_RES[:-1]
    )


def section_kind(
    heading: str, paper_sections: tuple[str, ...] = (), *, topic: SectionKind | None = "other"
) -> SectionKind | None:
    """ "📝 Selected Publications" -> "papers"; "Reviewer Service" -> "other"; "Jane Doe" -> None.

    `paper_sections` (from the config) are headings the words would not give: a heading that
    contains one of them lists papers."""
    words = heading_words(heading)
    if _NEWS_FIRST.match(words):
        return "news"  # "News About Papers": news, whatever it is about
    for name in paper_sections:
        if heading_words(name) and heading_words(name) in words:
            return "papers"
    for index, (kind, pattern) in enumerate(_SECTION_RES):
        if index == len(_SECTION_RES) - 1 and _TOPIC_RE.search(words):
            return topic  # a field of work: `topic` says what it is where it stands
        # The last rule's words ("Research", "Journal") name papers only in short headings:
        # "Mini Programs for Research" does not.
        if pattern.search(words) and (index < len(_SECTION_RES) - 1 or len(words.split()) <= 3):
            return kind
    return None
