"""OpenAlex's side of citation counts: which DOIs to ask about, one request, and its answer.

One list request, `GET /works?filter=doi:A|B|…&per_page=100&select=id,doi,cited_by_count`,
answers up to 100 DOIs (OpenAlex ORs at most 100 values in one filter, and a page holds at
most 100 works). An arXiv paper is asked for by the DOI arXiv registers for it,
`10.48550/arXiv.<id>`, and by its published version's DOI when the page knows one: OpenAlex
keeps the two as separate works unless it has merged them. Answers give each work's DOI as
`https://doi.org/<doi>` in lower case.

The API key (OPENALEX_API_KEY) is a query parameter, `api_key`; credential.py puts it on the
wire only. Rate limits and an exhausted daily budget answer 429 (or 403).

Everything shared by the two citation sources (the store, fallbacks, notes) is in
citations.py; this module only speaks OpenAlex. Imports no HTTP stack at load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from scholar_cli.ids import ARXIV_DOI_PREFIX

if TYPE_CHECKING:
    import requests

NAME = "openalex"
LABEL = "OpenAlex"
URL_ENV = "SCHOLAR_OPENALEX_URL"
DEFAULT_URL = "https://api.openalex.org"
KEY_ENV = "OPENALEX_API_KEY"
KEY_PARAM: str | None = "api_key"
KEY_HEADER: str | None = None
# OpenAlex's cap on values OR-ed in one filter, and on works in one page.
BATCH_LIMIT = 100
DOI_URL_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/")


def identifiers(arxiv_id: str | None, doi: str | None) -> tuple[str | None, str | None]:
    """What to ask for: (the preprint's DOI, the published version's DOI), lower case."""
    return (ARXIV_DOI_PREFIX + arxiv_id.lower() if arxiv_id else None, doi)


def send(session: requests.Session, base_url: str, batch: list[str]) -> requests.Response:
    params = {
        "filter": "doi:" + "|".join(batch),
        "per_page": str(BATCH_LIMIT),
        "select": "id,doi,cited_by_count",
    }
    # No redirects: a list request has no reason to move, and a move is no answer.
    return session.get(f"{base_url.rstrip('/')}/works", params=params, allow_redirects=False)


def read(body: Any, batch: list[str]) -> tuple[dict[str, tuple[str, int]], bool]:
    """The works an answer lists for `batch`: DOI -> (work id, citation count), and whether the
    answer is whole (every matching work listed, so a DOI without one is unknown to OpenAlex).

    Raises ValueError when the body is not the answer of a works list.
    """
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError("not a works list")
    asked = set(batch)
    found: dict[str, tuple[str, int]] = {}
    for work in body["results"]:
        if not isinstance(work, dict):
            raise ValueError("a work is not an object")
        work_id, count, doi = work.get("id"), work.get("cited_by_count"), work.get("doi")
        if not isinstance(work_id, str) or not _is_count(count):
            raise ValueError("a work without id or cited_by_count")
        doi = bare_doi(doi) if isinstance(doi, str) else None
        if doi not in asked:
            continue  # not one of ours (OpenAlex matched it another way): ignore it
        # OpenAlex now and then holds duplicates of one DOI; take the most cited, never a sum.
        if doi not in found or count > found[doi][1]:
            found[doi] = (work_id, count)
    meta = body.get("meta")
    total = meta.get("count") if isinstance(meta, dict) else None
    whole = not isinstance(total, int) or total <= len(body["results"])
    return found, whole


def bare_doi(text: str) -> str:
    """`https://doi.org/10.1145/X` -> `10.1145/x`: the form asked for and compared."""
    lowered = text.strip().lower()
    for prefix in DOI_URL_PREFIXES:
        if lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
