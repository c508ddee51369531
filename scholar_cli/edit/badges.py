"""New text for each GitHub stars badge span, and renamed-repository links. Pure: bytes in, out.

A badge is rewritten by replacing only its image markup (`![alt](url)` or `<img …>`), found by
the reader's byte span; inside that markup only the URL changes, so alt text, title, other
attributes and the link around the image stay byte-identical.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from scholar_cli.config import BADGE_MODES, BadgeMode
from scholar_cli.grammar import IMAGE_MARKUP, REFERENCE_DEFINITION, SRC_ATTR, format_count
from scholar_cli.ids import classify_badge, github_repo_from_url, repo_of_badge
from scholar_cli.models import Badge, Page, RepoStats
from scholar_cli.views import Records

__all__ = [
    "BADGE_MODES",
    "BadgeMode",
    "escape_badge_text",
    "format_count",
    "renamed_repos",
    "repo_of_badge",
    "rewrite_badges",
    "rewrite_repo_links",
    "split_badge_content",
    "star_counts",
    "static_badge_url",
]

_SHIELDS = "https://img.shields.io"
_MD_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation
STAR = "★"


def escape_badge_text(text: str) -> str:
    """shields' path escaping: `-` and `_` are separators, so literal ones are doubled."""
    return text.replace("-", "--").replace("_", "__").replace(" ", "_")


def split_badge_content(content: str) -> list[str]:
    """`stars-1.2k-blue` -> ["stars", "1.2k", "blue"], with `--` kept as part of a field."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(content):
        if content.startswith("--", i):
            current.append("--")
            i += 2
        elif content[i] == "-":
            parts.append("".join(current))
            current = []
            i += 1
        else:
            current.append(content[i])
            i += 1
    parts.append("".join(current))
    return parts


def _query_keys(query: str) -> set[str]:
    return {part.split("=", 1)[0].lower() for part in query.split("&") if part}


def static_badge_url(old_url: str, count: int, repo: str | None = None) -> str:
    """The static shields.io URL showing `count` for a stars badge (dynamic or static).

    Dynamic `…/github/stars/o/r?q` becomes `https://img.shields.io/badge/stars-<n>-informational?q`
    with every original query parameter kept in order, plus `logo=github` when none is given.
    A static URL keeps every byte except the message field of `badge/<label>-<message>-<color>`.
    `repo`, given for a badge with no link around it, is recorded as `link=https://github.com/…`
    so a later run still knows which repository the static badge counts.
    Raises ValueError for a URL that is neither.
    """
    message = escape_badge_text(format_count(count))
    kind, _repo = classify_badge(old_url)
    parts = urlsplit(old_url)
    query = parts.query
    if kind == "stars":
        params = [p for p in query.split("&") if p]
        if "logo" not in _query_keys(query):
            params.append("logo=github")
        if repo is not None and "link" not in _query_keys(query):
            params.append(f"link=https://github.com/{repo}")
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f"{_SHIELDS}/badge/stars-{message}-informational?{'&'.join(params)}{fragment}"
    if kind == "static-stars":
        marker = "/badge/"
        at = old_url.find(marker)
        if at < 0:
            raise ValueError(f"not a shields.io static badge: {old_url}")
        start = at + len(marker)
        end = len(old_url)
        for stop in "?#":
            found = old_url.find(stop, start)
            if found >= 0:
                end = min(end, found)
        # A trailing segment after the content (rare) is left as it is.
        slash = old_url.find("/", start, end)
        content_end = slash if slash >= 0 else end
        fields = split_badge_content(old_url[start:content_end])
        if len(fields) != 3:
            raise ValueError(f"static badge is not label-message-color: {old_url}")
        fields[1] = message
        new = old_url[:start] + "-".join(fields) + old_url[content_end:]
        if repo is not None and "link" not in _query_keys(query):
            joiner = "&" if query else "?"
            head, hash_, frag = new.partition("#")
            new = f"{head}{joiner}link=https://github.com/{repo}{hash_}{frag}"
        return new
    raise ValueError(f"not a GitHub stars badge: {old_url}")


def _locate_url(span: str, syntax: str) -> tuple[int, int] | None:
    """Start and end (characters, within the span) of the URL as written in the markup."""
    if syntax == "reference":
        ref = REFERENCE_DEFINITION.match(span)
        if ref is None:
            return None
        start, end = ref.span("url")
        return (start + 1, end - 1) if span[start] == "<" else (start, end)
    if syntax == "markdown":
        m = IMAGE_MARKUP.match(span)
        if m is None:
            return None
        start, end = m.span("url")
        if span[start] == "<":
            return start + 1, end - 1
        return start, end
    if span[:4].lower() != "<img":
        return None
    src = SRC_ATTR.search(span)
    if src is None:
        return None
    for group in ("d", "s", "u"):
        if src.group(group) is not None:
            return src.span(group)
    return None


def _encode_like(raw: str, url: str, syntax: str, quote: str) -> str:
    """Write `url` the way the original wrote its URL (entity-escaped `&` or raw)."""
    if "&amp;" in raw:
        url = url.replace("&", "&amp;")
    if syntax == "html" and quote == '"':
        url = url.replace('"', "&quot;")
    elif syntax == "html" and quote == "'":
        url = url.replace("'", "&#39;")
    return url


def _text_badge(count: int, link_repo: str | None, syntax: str) -> str:
    text = f"{STAR} {format_count(count)}"
    if link_repo is None:
        return text
    # The badge had no link around it: the text carries the repository link itself.
    href = f"https://github.com/{link_repo}"
    if syntax == "html":
        return f'<a href="{html.escape(href)}">{text}</a>'
    return f"[{text}]({href})"


def rewrite_badges(
    data: bytes,
    badges: Iterable[Badge],
    stars: Mapping[str, int | None],
    mode: BadgeMode,
    renames: Mapping[str, str] | None = None,
    fix_links: bool = False,
    more_edits: Iterable[tuple[int, int, bytes]] = (),
) -> tuple[bytes, list[str]]:
    """The page bytes with every GitHub stars badge redrawn for `mode`, and one-line warnings.

    `stars` maps owner/name (any case) to the current count, or None when no count is known;
    such a badge keeps its bytes. `renames` maps the page's owner/name to GitHub's current one;
    with `fix_links` the badges and every github.com link follow the new name, without it each
    rename is reported. Only badge spans change (plus, with `fix_links`, renamed repo URLs).
    `badges` must come from parsing exactly `data`: ValueError otherwise.
    """
    renames = renames or {}
    counts = {repo.lower(): n for repo, n in stars.items()}
    renamed = {old.lower(): new for old, new in renames.items()}
    warnings: list[str] = []
    # Other badges' new bytes (citation counts), applied in the same pass so offsets hold.
    edits: list[tuple[int, int, bytes]] = list(more_edits)
    for badge in badges:
        if badge.kind == "other":
            continue
        repo = repo_of_badge(badge)
        if repo is None:
            warnings.append(
                f"line {badge.line}: static stars badge left as it is: no GitHub link says "
                "which repository it counts"
            )
            continue
        target = renamed.get(repo.lower(), repo) if fix_links else repo
        if badge.kind == "stars" and mode == "keep":
            continue  # shields.io draws it live; a rename is handled with the links below
        count = counts.get(repo.lower())
        if count is None:
            warnings.append(f"line {badge.line}: no star count for {repo}: badge left as it is")
            continue
        if badge.kind == "text-stars":
            edits.append((badge.start, badge.end, _redraw_text(badge, count, mode).encode()))
            continue
        new_span = _redraw(
            data[badge.start : badge.end].decode("utf-8"), badge, count, mode, target
        )
        if new_span is None:
            warnings.append(
                f"line {badge.line}: static badge is not label-message-color: left as it is"
            )
            continue
        edits.append((badge.start, badge.end, new_span.encode("utf-8")))

    out = _apply_edits(data, edits)
    if renames:
        if fix_links:
            out = rewrite_repo_links(out, renames)
        else:
            warnings.extend(
                f"{old} was renamed to {new} on GitHub: rerun with --fix-links to update its "
                "links and badges"
                for old, new in renames.items()
            )
    return out, list(dict.fromkeys(warnings))


def _apply_edits(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """`data` with each (start, end) span replaced: one pass that copies each byte once.

    Splicing one edit at a time copied the whole page per badge, minutes for a page of
    thousands of badges. Overlapping spans (never from one parse) keep the old order's
    result: applied from the end backwards."""
    ordered = sorted(edits)
    if any(ordered[i][1] > ordered[i + 1][0] for i in range(len(ordered) - 1)):
        out = data
        for start, end, new in reversed(ordered):
            out = out[:start] + new + out[end:]
        return out
    pieces: list[bytes] = []
    pos = 0
    for start, end, new in ordered:
        pieces += (data[pos:start], new)
        pos = end
    pieces.append(data[pos:])
    return b"".join(pieces)


def _redraw_text(badge: Badge, count: int, mode: BadgeMode) -> str:
    """A `★ 1.2k` text badge for `count`: text again for keep/text, an image for static.

    The span is only the text inside the repository link, so the link stays as it is."""
    if mode != "static":
        return f"{STAR} {format_count(count)}"
    # A text badge kept no picture to copy, so it gets the look GitHub stars badges have on
    # most pages (and shields' own github/stars default for the social style).
    url = (
        f"https://img.shields.io/badge/stars-{format_count(count)}-informational"
        "?style=social&logo=github"
    )
    if badge.syntax == "html":
        return f'<img src="{html.escape(url)}" alt="GitHub stars">'
    return f"![GitHub stars]({url})"


def _redraw(span: str, badge: Badge, count: int, mode: BadgeMode, repo: str) -> str | None:
    """The badge markup for `count`, or None for a static badge URL of an unknown shape."""
    located = _locate_url(span, badge.syntax)
    raw = span[located[0] : located[1]] if located else ""
    old_url = html.unescape(raw)
    if badge.syntax in ("markdown", "reference"):
        old_url = _MD_BACKSLASH.sub(r"\1", old_url)
    if located is None or unquote(old_url.strip()) != unquote(badge.url.strip()):
        # Spans from a parse of other bytes would cut the page at the wrong places.
        raise ValueError(f"line {badge.line}: badge span does not hold {badge.url}")
    # A link to the repository around the image already names it; a bare badge, or one inside
    # a link to something else (a paper's title link), records it itself.
    linked = badge.link is not None and _links_to(badge.link, repo)
    link_repo = None if linked else repo
    # Text inside another link could not carry its own (links do not nest): such a badge, and
    # a reference definition (a URL only), stays a picture.
    if mode == "text" and badge.syntax != "reference" and (badge.link is None or linked):
        return _text_badge(count, link_repo, badge.syntax)
    try:
        new_url = static_badge_url(old_url, count, link_repo)
    except ValueError:
        return None
    if new_url == old_url:
        return span
    start, end = located
    quote = span[start - 1] if start > 0 and span[start - 1] in "\"'" else ""
    return span[:start] + _encode_like(raw, new_url, badge.syntax, quote) + span[end:]


def _links_to(href: str, repo: str) -> bool:
    linked = github_repo_from_url(href)
    return linked is not None and linked.lower() == repo.lower()


def rewrite_repo_links(data: bytes, renames: Mapping[str, str]) -> bytes:
    """Point github.com/<old> links and shields.io github/…/<old> badges at the new name.

    Owner and name match case-insensitively and only as a whole: `o/r` never touches `o/r2`
    or `o/r-x`, and `gist.github.com` or `notgithub.com` are not GitHub repository links.
    """
    for old, new in renames.items():
        pattern = re.compile(
            rb"(?P<head>(?<![\w.-])(?:www\.)?github\.com/"
            rb"|(?<![\w.-])(?:img\.)?shields\.io/github/[A-Za-z-]+/(?:[A-Za-z-]+/)?)"
            + re.escape(old.encode("utf-8"))
            + rb"(?=\.git\b|[/#?)\"'\s>&\],]|$)",
            re.IGNORECASE,
        )
        # A callable, not a template: a backslash in the name must not read as an escape.
        data = pattern.sub(_replacer(new.encode("utf-8")), data)
    return data


def _replacer(name: bytes) -> Callable[[re.Match[bytes]], bytes]:
    def replace(m: re.Match[bytes]) -> bytes:
        return m.group("head") + name

    return replace


def star_counts(page: Page, records: Records) -> dict[str, int | None]:
    """Owner/name -> stars for every stars badge's repository; None when no record exists.

    A stale record (the fetch failed) still gives its last good count.
    """
    counts: dict[str, int | None] = {}
    for badge in page.badges:
        repo = repo_of_badge(badge) if badge.kind != "other" else None
        if repo is not None:
            stats = records.repo(repo)
            counts[repo] = stats.stars if stats is not None else None
    return counts


def renamed_repos(page: Page, records: Records) -> dict[str, str]:
    """The page's owner/name -> GitHub's current full_name, for repos GitHub reports moved."""
    renames: dict[str, str] = {}
    repos = [ref.repo for ref in page.repos]
    repos += [r for r in (repo_of_badge(b) for b in page.badges) if r is not None]
    for repo in repos:
        fetched = records.github.get(repo.lower())
        record = fetched.record if fetched is not None else None
        if isinstance(record, RepoStats) and record.full_name.lower() != repo.lower():
            renames.setdefault(repo, record.full_name)
    return renames
