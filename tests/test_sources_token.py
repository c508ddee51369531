"""The GitHub token goes to the GitHub API and nowhere else: not to arXiv, not to disk."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from scholar_cli.sources.arxiv import fetch_arxiv
from scholar_cli.sources.github import fetch_github
from scholar_cli.sources.options import FetchOptions
from scholar_cli.sources.store import RecordStore

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub


def test_token_reaches_github_only_and_is_never_stored(
    fake_arxiv: FakeArxiv, fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    token = fetch_options.github_token
    assert token is not None
    repos = ["liangyuwang/zo2", "microsoft/DeepSpeed", "liangyuwang/zo3"]
    with RecordStore(fetch_options.cache_dir) as store:
        fetch_arxiv(["2503.12668", "2506.22950"], store, fetch_options)
        fetch_github(repos, store, fetch_options)
        # Revalidation too: conditional requests are where validators get written back.
        later = dataclasses.replace(fetch_options, github_max_age=0, arxiv_max_age=0)
        fetch_github(repos, store, later)
        fetch_arxiv(["2503.12668"], store, later)

    assert len(fake_arxiv.seen) == 2
    assert all(s.header("Authorization") is None for s in fake_arxiv.seen)
    assert all(token not in " ".join(s.headers.values()) for s in fake_arxiv.seen)
    assert len(fake_github.seen) == 8  # 3 repos + 1 redirect, twice
    assert {s.header("Authorization") for s in fake_github.seen} == {f"Bearer {token}"}

    files = [p for p in fetch_options.cache_dir.rglob("*") if p.is_file()]
    assert files  # the store did write something
    for path in files:
        data = path.read_bytes()
        assert token.encode() not in data, path
        assert b"Bearer" not in data, path
    # The records themselves are there in plain JSON (so the search above means something).
    assert any(b"liangyuwang/zo2" in p.read_bytes() for p in files)
