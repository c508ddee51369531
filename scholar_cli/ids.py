"""The one home of identifier grammar: arXiv ids and hosts, GitHub owner/name, shields badges.

The reader, the fetchers and the checker all ask here, so a rule (what an arXiv id looks like,
which hosts serve a paper, what GitHub allows in a name) cannot drift between them. Each
function looks at one URL or one short piece of text, never at the whole page.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from scholar_cli.models import ArxivId, Badge, BadgeKind

# Old-style archives as arXiv lists them (with subject classes like math.AG, cs.LG).
_OLD_ARCHIVES = (
    "acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|"
    "comp-gas|cond-mat|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math|math-ph|"
    "mtrl-th|nlin|nucl-ex|nucl-th|patt-sol|physics|plasm-ph|q-alg|q-bio|quant-ph|solv-int|"
    "supr-con"
)
_NEW_ID = r"(?P<new>\d{4}\.\d{4,5})"
_OLD_ID = rf"(?P<old>(?:{_OLD_ARCHIVES})(?:\.[A-Za-z]{{2}})?/\d{{7}})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"^(?:{_NEW_ID}|{_OLD_ID}){_VERSION}$", re.IGNORECASE)

ARXIV_HOSTS = frozenset(("arxiv.org", "www.arxiv.org", "export.arxiv.org", "browse.arxiv.org"))


@functools.cache
def _url_patterns() -> tuple[re.Pattern[str], dict[str, re.Pattern[str]], re.Pattern[str]]:
    """The id-in-text and id-in-URL patterns, compiled on first use: a warm run, which only
    checks ids it already has, never pays for them."""
    # arXiv:ID written in text, e.g. "preprint arXiv:2503.12668, 2025", "arXiv: hep-th/9901001v2" or
    # "arXiv 2401.01234".
    _TEXT_ID_RE = re.compile(
        rf"\barXiv\s*[:\s]\s*(?P<id>(?:\d{{4}}\.\d{{4,5}}|(?:{_OLD_ARCHIVES})(?:\.[A-Za-z]{{2}})?/\d{{7}})"
        r"(?:v\d+)?)\b",
        re.IGNORECASE,
    )
    # Where people link a paper by its arXiv id: arXiv itself, its mirrors and readers, and the
    # DataCite DOI arXiv registers for every paper. Host -> path pattern with the id as `rest`.
    _ID_TAIL = r"(?:arxiv:)?(?P<rest>.+?)(?:\.pdf)?/?"
    _ARXIV_PATHS: dict[str, re.Pattern[str]] = {
        **dict.fromkeys(
            ARXIV_HOSTS,
            re.compile(
                rf"^/(?:abs|pdf|html|format|ps|ftp/[\w.-]+/papers/\d{{4}})/{_ID_TAIL}$", re.I
            ),
        ),
        **dict.fromkeys(
            ("alphaxiv.org", "www.alphaxiv.org"),
            re.compile(rf"^/(?:abs|overview|pdf)/{_ID_TAIL}$", re.I),
        ),
        **dict.fromkeys(
            ("ar5iv.org", "ar5iv.labs.arxiv.org", "www.ar5iv.org"),
            re.compile(rf"^/(?:abs|html)/{_ID_TAIL}$", re.I),
        ),
        **dict.fromkeys(("huggingface.co", "hf.co"), re.compile(rf"^/papers/{_ID_TAIL}$", re.I)),
        **dict.fromkeys(
            ("doi.org", "dx.doi.org", "www.doi.org"),
            re.compile(rf"^/10\.48550/arxiv\.{_ID_TAIL}$", re.I),
        ),
    }
    # The same links written out in running text (not made into links by the site).
    _URL_IN_TEXT_RE = re.compile(
        r"(?:arxiv\.org/(?:abs|pdf|html)/|alphaxiv\.org/(?:abs|overview)/|huggingface\.co/papers/"
        r"|10\.48550/arxiv\.)(?:arxiv:)?(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)(?![\d.]*\d)",
        re.IGNORECASE,
    )
    return _TEXT_ID_RE, _ARXIV_PATHS, _URL_IN_TEXT_RE


_GITHUB_HOSTS = {"github.com", "www.github.com"}
# Paths under github.com that are not repositories.
_GITHUB_RESERVED = {
    "about", "apps", "collections", "contact", "enterprise", "explore", "features", "login",
    "marketplace", "notifications", "orgs", "pricing", "pulls", "issues", "search", "settings",
    "sponsors", "topics", "trending", "users", "join", "site", "security", "customer-stories",
}  # fmt: skip
_OWNER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

_SHIELDS_HOSTS = {"img.shields.io", "shields.io"}


def split_repo(text: str) -> tuple[str, str] | None:
    """`owner/name` -> (owner, name); None when GitHub could not have such a repository."""
    owner, slash, name = text.strip().partition("/")
    if not slash or not _OWNER_RE.match(owner) or not _NAME_RE.match(name) or name in (".", ".."):
        return None
    return owner, name


def base_arxiv_id(text: str) -> str | None:
    """`2503.12668v2` -> `2503.12668`; None when `text` is not an id arXiv would accept."""
    parsed = parse_arxiv_id(text)
    return parsed.id if parsed is not None else None


def parse_arxiv_id(text: str) -> ArxivId | None:
    """`2503.12668v2` -> ArxivId("2503.12668", 2); None when `text` is not a well-formed id."""
    m = _ID_RE.match(text.strip())
    if not m:
        return None
    base = m.group("new") or m.group("old")
    if m.group("new") and not _new_id_ok(base):
        return None
    # Old-style archives are lower case, subject classes upper case (math.AG), as arXiv writes them.
    if m.group("old"):
        archive, number = base.split("/")
        head, _, sub = archive.partition(".")
        base = f"{head.lower()}.{sub.upper()}/{number}" if sub else f"{head.lower()}/{number}"
    version = int(m.group("version")) if m.group("version") else None
    return ArxivId(base, version)


def _new_id_ok(base: str) -> bool:
    """YYMM must be a real month from 0704 on; 4-digit numbers until 1412, 5 digits after."""
    yymm, number = base.split(".")
    month = int(yymm[2:])
    if not 1 <= month <= 12 or int(yymm) < 704:
        return False
    return len(number) == (5 if int(yymm) >= 1501 else 4)


# An arXiv link as pages mostly write it: lower-case host, no query, fragment, escapes or
# spaces, so splitting it would give this host and path unchanged (half the cost of reading
# the link, on a page that links each paper's abstract and PDF).
_PLAIN_ARXIV_URL = re.compile(r"https?://(?:(?:www|export|browse)\.)?arxiv\.org(?P<path>/[\w./-]*)")


def arxiv_id_from_url(url: str) -> ArxivId | None:
    """The id a link to a paper points to: arxiv.org abs/pdf/html (also `abs/arXiv:ID`),
    alphaxiv.org, ar5iv, huggingface.co/papers, or the DOI 10.48550/arXiv.ID."""
    plain = _PLAIN_ARXIV_URL.fullmatch(url)
    if plain is not None:
        # What urlsplit and unquote would give for it: the path as written.
        m = _url_patterns()[1]["arxiv.org"].match(plain.group("path"))
        return parse_arxiv_id(m.group("rest")) if m else None
    lower = url.lower()
    if not any(key in lower for key in ("xiv", "ar5iv", "huggingface", "hf.co")):
        return None  # most links; urlsplit is the costly part on a long page
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    # arXiv's mirrors (aps.arxiv.org, de.arxiv.org …) serve the same paths.
    pattern = _url_patterns()[1].get("arxiv.org" if host.endswith(".arxiv.org") else host)
    if pattern is None:
        return None
    m = pattern.match(unquote(parts.path))
    return parse_arxiv_id(m.group("rest")) if m else None


def arxiv_ids_in_text(text: str) -> list[ArxivId]:
    """Ids written in running text, in order: `arXiv:ID`, `arXiv ID`, or a paper URL that the
    site did not make a link."""
    text_re, _paths, url_re = _url_patterns()
    found = sorted(
        [(m.start(), m.group("id")) for m in text_re.finditer(text)]
        + [(m.start(), m.group("id")) for m in url_re.finditer(text)]
    )
    ids = (parse_arxiv_id(text_id) for _at, text_id in found)
    return [a for a in ids if a is not None]


def strip_arxiv_ids(text: str) -> str:
    """The text without `arXiv:ID` mentions, so an id like 2012.01234 is not read as a year."""
    text_re, _paths, url_re = _url_patterns()
    return url_re.sub(" ", text_re.sub(" ", text))


def github_repo_from_url(url: str) -> str | None:
    """`https://github.com/o/r.git`, `/o/r/tree/main/x`, `/o/r#readme` -> "o/r"."""
    if "github.com" not in url.lower():
        return None  # most links; urlsplit is the costly part on a long page
    return _github_repo(url)


# A page links each repository from its entry, its badge and the repository list, and the
# reader asks about each link three times (items, badges, the page's repositories).
@functools.lru_cache(maxsize=16384)
def _github_repo(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", "") or parts.hostname not in _GITHUB_HOSTS:
        return None
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) < 2:
        return None
    owner, name = segments[0], segments[1]
    name = name.removesuffix(".git")
    if owner.lower() in _GITHUB_RESERVED or not _OWNER_RE.match(owner):
        return None
    if not _NAME_RE.match(name) or name in (".", ".."):
        return None
    return f"{owner}/{name}"


def is_shields_url(url: str) -> bool:
    return "shields.io" in url.lower() and urlsplit(url.strip()).hostname in _SHIELDS_HOSTS


def classify_badge(url: str) -> tuple[BadgeKind, str | None]:
    """What a shields.io image shows: dynamic GitHub stars (with its repo), a static stars badge
    (its repo comes from the link around it), or anything else."""
    parts = urlsplit(url.strip())
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) >= 4 and segments[0] == "github" and segments[1] == "stars":
        owner, name = segments[2], segments[3].removesuffix(".svg").removesuffix(".png")
        if _OWNER_RE.match(owner) and _NAME_RE.match(name):
            return "stars", f"{owner}/{name}"
        return "other", None
    if static_badge_label(url) in ("stars", "star", "github stars", "★"):
        return "static-stars", None
    return "other", None


def static_badge_label(url: str) -> str | None:
    """The lower-case label of a shields.io static badge (`/badge/<label>-<message>-<color>`),
    or None for any other image."""
    segments = [s for s in unquote(urlsplit(url.strip()).path).split("/") if s]
    if len(segments) >= 2 and segments[0] == "badge":
        return segments[1].split("-", 1)[0].lower()
    return None


# A DOI as written, and as a page links one (https://doi.org/10.…, doi:10.…).
DOI_RE = re.compile(r"10\.\d{4,9}/[^\s|,]+")
_DOI_LINK = re.compile(r"(?:doi\.org/|^doi:)(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)
ARXIV_DOI_PREFIX = "10.48550/arxiv."  # the DataCite DOI arXiv registers for every paper


def published_doi_from_url(url: str) -> str | None:
    """The DOI a doi.org link names, unless it is arXiv's own (a preprint, not a publication)."""
    m = _DOI_LINK.search(url)
    if m is None or m.group("doi").lower().startswith(ARXIV_DOI_PREFIX):
        return None
    return m.group("doi").rstrip(".,;)")


def same_url(a: str, b: str) -> bool:
    """Equal after undoing percent-encoding (the Markdown renderer encodes what users did not)."""
    return unquote(a.strip()) == unquote(b.strip())


def repo_of_badge(badge: Badge) -> str | None:
    """The repository a stars badge counts: its own path, the link around it, or its `link=`."""
    if badge.repo:
        return badge.repo
    if badge.kind != "static-stars":
        return None
    for key, value in parse_qsl(urlsplit(badge.url).query):
        if key == "link":
            return github_repo_from_url(value)
    return None
