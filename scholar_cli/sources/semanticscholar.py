"""Semantic Scholar's side of citation counts: which ids to ask about, one request, its answer.

One request, `POST /graph/v1/paper/batch?fields=citationCount,externalIds` with the JSON body
`{"ids": ["ARXIV:2503.12668", "DOI:10.1145/…", …]}`, answers up to 500 ids. The answer is a
JSON list in the order of the ids, with `null` for an id Semantic Scholar does not know; each
paper carries its `paperId`. Semantic Scholar usually merges a preprint and its published
version into one paper, which both ids then find.

The API key (S2_API_KEY) is the `x-api-key` header; credential.py puts it on the wire only.
Calls without a key share a public pool and are often refused with 429.

Everything shared by the two citation sources (the store, fallbacks, notes) is in
citations.py; this module only speaks Semantic Scholar. Imports no HTTP stack at load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

NAME = "semanticscholar"
LABEL = "Semantic Scholar"
URL_ENV = "SCHOLAR_S2_URL"
DEFAULT_URL = "https://api.semanticscholar.org"
KEY_ENV = "S2_API_KEY"
KEY_PARAM: str | None = None
KEY_HEADER: str | None = "x-api-key"
# The batch endpoint's cap on ids in one request.
BATCH_LIMIT = 500
FIELDS = "citationCount,externalIds"


def identifiers(arxiv_id: str | None, doi: str | None) -> tuple[str | None, str | None]:
    """What to ask for: (the preprint's id, the published version's id)."""
    return (f"ARXIV:{arxiv_id}" if arxiv_id else None, f"DOI:{doi}" if doi else None)


def send(session: requests.Session, base_url: str, batch: list[str]) -> requests.Response:
    url = f"{base_url.rstrip('/')}/graph/v1/paper/batch"
    # No redirects: requests would carry the body (and any header) to wherever it points.
    return session.post(url, params={"fields": FIELDS}, json={"ids": batch}, allow_redirects=False)


def read(body: Any, batch: list[str]) -> tuple[dict[str, tuple[str, int]], bool]:
    """The papers an answer gives for `batch`: id -> (paperId, citationCount), and True (the
    answer speaks for every id: `null` is Semantic Scholar saying it does not know one).

    Raises ValueError when the body is not a list aligned with `batch`, or a paper in the
    place of an ARXIV: id names another arXiv id (an answer out of order proves nothing).
    """
    if not isinstance(body, list) or len(body) != len(batch):
        raise ValueError("not a list with one entry per id asked")
    found: dict[str, tuple[str, int]] = {}
    for asked, paper in zip(batch, body, strict=True):
        if paper is None:
            continue
        if not isinstance(paper, dict):
            raise ValueError("a paper is not an object")
        paper_id, count = paper.get("paperId"), paper.get("citationCount")
        if not isinstance(paper_id, str) or not isinstance(count, int) or count < 0:
            raise ValueError("a paper without paperId or citationCount")
        if _contradicts(asked, paper.get("externalIds")):
            raise ValueError("an entry names another arXiv id than the one in its place")
        found[asked] = (paper_id, count)
    return found, True


def _contradicts(asked: str, external: object) -> bool:
    """Whether the paper given for an ARXIV: id names another arXiv id (a position mix-up).

    DOIs are not checked: a merged paper shows one of its DOIs, not necessarily the one asked.
    """
    kind, _, value = asked.partition(":")
    if kind != "ARXIV" or not isinstance(external, dict):
        return False
    theirs = external.get("ArXiv")
    return isinstance(theirs, str) and theirs.lower() != value.lower()
