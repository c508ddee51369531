"""Linked repositories and star badges against their GitHub records."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import unquote, urlsplit

from scholar_cli.check.kinds import finding, no_record, old_record, on_repo, too_old
from scholar_cli.grammar import format_count
from scholar_cli.ids import repo_of_badge
from scholar_cli.models import Badge, Finding, RepoRef, RepoStats
from scholar_cli.views import Records

__all__ = ["check_badge", "check_repo", "parse_badge_count"]

_BADGE_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmb]?)\+?$", re.IGNORECASE)


def check_repo(
    ref: RepoRef, records: Records, max_age: float, now: float, offline: bool
) -> list[Finding]:
    """A linked repository against its GitHub record: gone, malformed, moved or archived."""
    fetched = records.github.get(ref.repo.lower())
    url = f"https://github.com/{ref.repo}"
    if fetched is not None and fetched.status == "not_found":
        return [
            on_repo(
                "repo-not-found",
                ref.line,
                ref.repo,
                ref.repo,
                fetched.note or "GitHub has no such repository",
                f"fix or remove the {_links(ref.count)} to {url}",
            )
        ]
    if fetched is not None and fetched.status == "malformed":
        return [
            on_repo(
                "malformed-id",
                ref.line,
                ref.repo,
                ref.repo,
                fetched.note,
                "link the repository as https://github.com/owner/name",
            )
        ]
    if fetched is None or not isinstance(fetched.record, RepoStats):
        return [
            on_repo(
                "unchecked", ref.line, ref.repo, ref.repo, *no_record(fetched, "GitHub", offline)
            )
        ]
    stats = fetched.record
    findings: list[Finding] = []
    if too_old(fetched, max_age, now):
        findings.append(
            on_repo(
                "unchecked", ref.line, ref.repo, ref.repo, *old_record(fetched, "GitHub", offline)
            )
        )
    if stats.full_name.lower() != ref.repo.lower():
        findings.append(
            on_repo(
                "renamed",
                ref.line,
                ref.repo,
                ref.repo,
                stats.full_name,
                f"replace {url} with https://github.com/{stats.full_name} ({_links(ref.count)})",
            )
        )
    if stats.archived:
        findings.append(
            on_repo(
                "archived",
                ref.line,
                ref.repo,
                ref.repo,
                "archived",
                "say on the page that the repository is archived, or drop the link",
            )
        )
    return findings


def _links(count: int) -> str:
    return "1 link" if count == 1 else f"{count} links"


def _badge_message(url: str) -> str | None:
    """The message of a static badge: img.shields.io/badge/<label>-<message>-<color>."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 2 or segments[0] != "badge":
        return None
    # shields escapes a literal dash as "--" and a space as "_".
    parts = unquote(segments[1]).replace("--", "\0").split("-")
    if len(parts) < 3:
        return None
    return parts[-2].replace("\0", "-").replace("_", " ").strip()


def check_badge(badge: Badge, records: Records, offline: bool) -> list[Finding]:
    """A static or text stars badge against the live star count."""
    if badge.kind not in ("static-stars", "text-stars"):
        return []
    # A text badge's alt is its text ("★ 1.2k"); a static one's count is in its URL.
    if badge.kind == "text-stars":
        message = badge.alt.removeprefix("★").strip()
    else:
        message = _badge_message(badge.url) or ""
    # The same lookup and count format as `scholar refresh`, so check and refresh agree on
    # which repository a badge counts and on when its picture would change.
    repo = repo_of_badge(badge)
    if repo is None:
        return [
            finding(
                "unchecked",
                badge.line,
                badge.url,
                message,
                "the badge links no GitHub repository",
                "link the badge to its repository, or use a dynamic stars badge",
            )
        ]
    stats = records.repo(repo)
    if stats is None:
        if badge.repo is not None:
            return []  # a repository the page links: reported unchecked / not found there
        # Named only by the badge's `link=` parameter: nothing else would report it.
        fetched = records.github.get(repo.lower())
        return [
            on_repo("unchecked", badge.line, repo, message, *no_record(fetched, "GitHub", offline))
        ]
    live = format_count(stats.stars)
    shown = parse_badge_count(message)
    if shown == stats.stars or message.lower() == live.lower():
        return []
    return [
        on_repo(
            "stale-badge",
            badge.line,
            repo,
            message,
            live,
            f"show {live}, or use the live badge "
            f"https://img.shields.io/github/stars/{stats.full_name}",
        )
    ]


def parse_badge_count(message: str) -> int | None:
    """Badge text as a number: "212" -> 212, "1.2k" -> 1200, "3M+" -> 3000000; else None."""
    m = _BADGE_COUNT.match(message.strip())
    if not m:
        return None
    scale = {"": 1, "k": 1000, "m": 1000**2, "b": 1000**3}[m.group(2).lower()]
    return int(Decimal(m.group(1)) * scale)
