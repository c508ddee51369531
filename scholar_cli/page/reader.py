"""Page bytes -> Page: the walk's entries become papers, projects and news; badges get spans."""

from __future__ import annotations

import bisect
import gc
import html
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from scholar_cli.errors import PageError
from scholar_cli.grammar import IMAGE_MARKUP, SRC_ATTR
from scholar_cli.ids import classify_badge, github_repo_from_url, is_shields_url, same_url
from scholar_cli.models import (
    Badge,
    BadgeKind,
    Dialect,
    NewsItem,
    Page,
    Paper,
    Project,
    RepoRef,
    Skipped,
    Syntax,
)
from scholar_cli.page.dialect import choose_dialect, mask_hidden, parse_markdown
from scholar_cli.page.entries import Image, RawEntry, line_text
from scholar_cli.page.fields import is_continuation, to_news, to_paper, to_project
from scholar_cli.page.frontmatter import Source, decode_source, read_source
from scholar_cli.page.structure import UnreadableHTML, walk_page


def read_page(
    path: Path,
    data: bytes | None = None,
    *,
    paper_sections: tuple[str, ...] = (),
    dialect: Dialect | None = None,
) -> Page:
    """Read the page at `path` (or `data`, its bytes already read).

    `paper_sections` names headings that list papers although their words do not say so;
    `dialect` overrides the renderer the page's form implies (front matter: kramdown)."""
    # Reading allocates a few hundred objects per entry (tokens, segments, items) and frees
    # almost none until it is done, so each full pass of the cyclic collector meanwhile walks
    # all of them again: a quarter of the time on a page of thousands of papers. Nothing here
    # waits on a collection; the collector resumes, cycles and all, when the page is read.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_page(path, data, paper_sections, dialect)
    finally:
        if collecting:
            gc.enable()


def _read_page(
    path: Path, data: bytes | None, paper_sections: tuple[str, ...], dialect: Dialect | None
) -> Page:
    source = read_source(path) if data is None else decode_source(str(path), data)
    dialect = dialect or choose_dialect(path.name, source.body_start_line > 0)
    visible, hidden = mask_hidden(source.text, source.body_start_char, dialect)
    tokens, first_line = parse_markdown(visible, source.body_start_char, dialect)
    try:
        walk = walk_page(tokens, first_line, paper_sections, _page_title(source.front_matter))
    except UnreadableHTML as e:
        raise PageError(path, f"HTML the parser cannot read ({e.problem})", e.line) from None
    del tokens  # the largest thing alive: gone before the items are built
    located = _locate_badges(source, visible, walk.images)
    badges = [badge for _image, badge in located]
    # Entries hold the very Image objects the walk found, so identity ties a badge to its entry.
    badge_of = {id(image): badge for image, badge in located}
    entries = _merge_continuations(walk.entries)

    skipped: list[Skipped] = []
    for h in hidden:
        last = skipped[-1] if skipped else None
        if last is not None and last.reason == h.reason and h.line <= last.end_line + 1:
            # Liquid tags on neighbouring lines are one template, not a dozen findings.
            text = _clip(f"{last.text} {h.text}")
            skipped[-1] = Skipped(last.line, max(last.end_line, h.end_line), h.reason, text)
        else:
            skipped.append(Skipped(h.line, h.end_line, h.reason, _clip(h.text)))
    papers: list[Paper] = []
    projects: list[Project] = []
    news: list[NewsItem] = []
    for entry in entries:
        item: Paper | Project | NewsItem | str
        if entry.kind == "papers":
            item = to_paper(entry)
            if isinstance(item, Paper):
                papers.append(item)
        elif entry.kind == "projects":
            own = [badge_of[id(img)] for img in entry.images if id(img) in badge_of]
            item = to_project(entry, own)
            if isinstance(item, Project):
                projects.append(item)
        elif entry.kind == "news":
            item = to_news(entry)
            if isinstance(item, NewsItem):
                news.append(item)
        elif entry.kind == "other":
            item = f"under {entry.section!r}, which lists no papers, projects or news"
        else:
            item = "before any section"
        if isinstance(item, str):
            text = " ".join(line_text(line) for line in entry.lines)
            skipped.append(Skipped(entry.line, entry.end_line, item, _clip(text)))

    skipped.sort(key=lambda s: (s.line, s.end_line))
    return Page(
        path=str(path),
        front_matter=source.front_matter,
        sections=tuple(walk.sections),
        papers=tuple(papers),
        projects=tuple(projects),
        news=tuple(news),
        badges=tuple(badges),
        repos=_repo_refs(walk.anchors, badges, papers, projects),
        dialect=dialect,
        skipped=tuple(skipped),
    )


def _page_title(front_matter: dict[str, object]) -> str:
    """The page's title, else the last part of its permalink (`/publications/`): what the site
    calls the page, which says what it lists when no heading does."""
    title = front_matter.get("title")
    if isinstance(title, str) and title.strip():
        return title
    permalink = front_matter.get("permalink")
    if isinstance(permalink, str):
        return permalink.strip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
    return ""


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _merge_continuations(entries: list[RawEntry]) -> list[RawEntry]:
    """Blocks that carry more of the item above them join it.

    A bold title paragraph followed by a plain list is one project or paper: the list describes
    it (`**ZO2** [badge](…)` then `- A framework …`). A paper written as sibling blocks
    (`<p>Title</p><p><em>Venue</em></p><div>[ abstract | paper ]</div>`, or a title, author and
    venue paragraph apiece) is one paper; blocks cut from different containers never join.
    """
    merged: list[RawEntry] = []
    for entry in entries:
        prev = merged[-1] if merged else None
        same_place = (
            prev is not None
            and entry.kind in ("papers", "projects")
            and prev.kind == entry.kind
            and prev.section == entry.section
            and prev.context == entry.context
        )
        if (
            prev is not None
            and same_place
            and (
                (
                    prev.tag == "p"
                    and prev.starts_bold()
                    and entry.tag == "li"
                    and not entry.starts_bold()
                    and (entry.kind == "projects" or is_continuation(entry, prev))
                )
                or (
                    entry.kind == "papers"
                    and entry.group == prev.group
                    and entry.tag in ("p", "div")
                    and prev.tag in ("p", "div", "li", "h2", "h3", "h4", "h5", "h6")
                    and is_continuation(entry, prev)
                )
            )
        ):
            prev.lines.extend(entry.lines)
            prev.links.extend(entry.links)
            prev.images.extend(entry.images)
            prev.end_line = max(prev.end_line, entry.end_line)
            continue
        merged.append(entry)
    return merged


def _locate_badges(source: Source, text: str, images: list[Image]) -> list[tuple[Image, Badge]]:
    """Find the exact bytes of every shields.io image, in document order.

    `text` is the page as a visitor sees it (comments masked, offsets as in the file)."""
    line_starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        line_starts.append(m.end())
    bom_bytes = 3 if source.bom else 0
    cursor = source.body_start_char
    badges: list[tuple[Image, Badge]] = []
    definitions: set[int] = set()
    # Character offsets to UTF-8 byte offsets, counted on from the last one asked for (badges
    # come in page order; re-encoding the page up to each would be quadratic).
    counted = [0, 0]  # chars, bytes

    # Counted in the page as written: masking keeps every character's place but not its bytes
    # (a comment's "—" became one space).
    written = source.text

    def byte_offset(chars: int) -> int:
        done_chars, done_bytes = counted
        if chars < done_chars:
            return len(written[:chars].encode("utf-8"))
        counted[:] = [chars, done_bytes + len(written[done_chars:chars].encode("utf-8"))]
        return counted[1]

    for image in images:
        if image.text is None and not is_shields_url(image.src):
            continue
        link_repo = github_repo_from_url(image.href) if image.href else None
        if image.text is not None and link_repo is None:
            continue  # a star count in a link to something that is not a repository
        # Only on the line the parser saw the image on: a reference-style image (`![x][ref]`)
        # has no inline markup there, and the same URL further down (say, in a code fence)
        # is not this badge.
        index = min(image.line - 1, len(line_starts) - 1)
        line_end = line_starts[index + 1] if index + 1 < len(line_starts) else len(text)
        find = _find_star_text if image.text is not None else _find_image_markup
        needle = image.text if image.text is not None else image.src
        found = find(text, needle, max(cursor, line_starts[index]))
        if found is not None and found[0] >= line_end:
            found = None
        if found is None and image.text is None:
            # `![stars][s1]`: the URL is written once, on the `[s1]: https://…` line.
            found = _find_reference_definition(text, image.src, source.body_start_char)
            if found is not None and found[0] in definitions:
                continue  # that definition is already one badge; its bytes change once
        if found is None:
            continue  # no span we could rewrite safely; the badge is left as it is
        if found[2] == "reference":
            definitions.add(found[0])
        start, end, syntax = found
        if syntax != "reference":
            cursor = end
        line = bisect.bisect_right(line_starts, start)
        kind: BadgeKind
        kind, repo = ("text-stars", link_repo) if image.text else classify_badge(image.src)
        if kind == "static-stars":
            # Its own `link=` (a refresh adds one when no link around it names the repository:
            # a bare badge, or one inside a paper's title link), else the link around it.
            query_link = dict(parse_qsl(urlsplit(image.src).query)).get("link", "")
            repo = github_repo_from_url(query_link) or link_repo
        badges.append(
            (
                image,
                Badge(
                    kind=kind,
                    repo=repo,
                    url=image.src,
                    alt=image.alt,
                    link=image.href,
                    line=line,
                    start=bom_bytes + byte_offset(start),
                    end=bom_bytes + byte_offset(end),
                    syntax=syntax,
                ),
            )
        )
    return badges


_LINK_TEXT_END = re.compile(r"\s*(?:\*\*|__|\*|_)?\s*(?P<end>\]\(|</a>)", re.IGNORECASE)


def _find_star_text(text: str, star: str, start: int) -> tuple[int, int, Syntax] | None:
    """The `★ 1.2k` a text badge wrote in a Markdown or HTML link: the link's whole text, or
    its end (`[**Code** ★ 1.2k](…)`, where the badge image stood beside a label)."""
    at = text.find(star, start)
    while at >= 0:
        before = text[:at].rstrip(" ")[-1:]
        if before in ("[", ">"):
            return at, at + len(star), "markdown" if before == "[" else "html"
        end = _LINK_TEXT_END.match(text, at + len(star))
        if end is not None:
            return at, at + len(star), "markdown" if end.group("end") == "](" else "html"
        at = text.find(star, at + 1)
    return None


_REFERENCE_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.MULTILINE
)


def _find_reference_definition(text: str, url: str, start: int) -> tuple[int, int, Syntax] | None:
    """The `[label]: URL` line defining a reference-style image's URL (the span runs from the
    `[` to the end of the URL, so a refresh rewrites the URL where it is written)."""
    for m in _REFERENCE_DEFINITION.finditer(text, start):
        written = html.unescape(m.group("url").strip("<>"))
        if same_url(written, url):
            return m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end(), "reference"
    return None


def _find_image_markup(text: str, url: str, start: int) -> tuple[int, int, Syntax] | None:
    syntax: Syntax
    for m in IMAGE_MARKUP.finditer(text, start):
        if m.group("attrs") is not None:
            src = SRC_ATTR.search(m.group("attrs"))
            if src is None:
                continue
            found = html.unescape(src.group("d") or src.group("s") or src.group("u") or "")
            syntax = "html"
        else:
            found = html.unescape(m.group("url").strip("<>"))
            syntax = "markdown"
        if same_url(found, url):
            return m.start(), m.end(), syntax
    return None


def _repo_refs(
    anchors: list[tuple[str, int]],
    badges: list[Badge],
    papers: list[Paper],
    projects: list[Project],
) -> tuple[RepoRef, ...]:
    first_line: dict[str, int] = {}
    spelled: dict[str, str] = {}
    count: dict[str, int] = {}
    badge_count: dict[str, int] = {}
    named = [(github_repo_from_url(href), line, False) for href, line in anchors]
    named += [(b.repo, b.line, True) for b in badges if b.repo and b.kind != "other"]
    for repo, line, is_badge in named:
        if repo is None:
            continue
        key = repo.lower()
        spelled.setdefault(key, repo)
        first_line[key] = min(first_line.get(key, line), line)
        count[key] = count.get(key, 0) + 1
        badge_count[key] = badge_count.get(key, 0) + (1 if is_badge else 0)
    users: dict[str, list[str]] = {}
    for paper in papers:
        for repo in paper.repos:
            users.setdefault(repo.lower(), []).append(paper.title)
    for project in projects:
        for repo in (*project.repos, *project.mentions):
            users.setdefault(repo.lower(), []).append(project.title)
    keys = sorted(first_line, key=lambda k: (first_line[k], k))
    return tuple(
        RepoRef(
            repo=spelled[k],
            line=first_line[k],
            count=count[k],
            badges=badge_count[k],
            used_by=tuple(dict.fromkeys(users.get(k, []))),
        )
        for k in keys
    )
