"""The transport policy of build_session, seen from the loopback servers' side."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

import pytest
import requests

from scholar_cli.sources.http import USER_AGENT, build_session, github_graphql_url
from scholar_cli.sources.options import FetchOptions, HttpEvent

if TYPE_CHECKING:
    from servers import FakeArxiv, FakeGitHub, RudeServer


def test_user_agent_wins_over_a_per_request_one(
    fake_arxiv: FakeArxiv, fetch_options: FetchOptions
) -> None:
    # The arxiv package sends its own UA on every call; the adapter replaces it.
    with build_session(fetch_options) as session:
        session.get(fake_arxiv.url, headers={"user-agent": "arxiv.py/4.0.2"})

    (seen,) = fake_arxiv.seen
    assert seen.header("User-Agent") == USER_AGENT
    assert USER_AGENT == "scholar-cli/0.1.0 (+https://github.com/scholar-cli/scholar)"


def test_token_goes_to_the_github_prefix_only(
    fake_arxiv: FakeArxiv, fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    with build_session(fetch_options) as session:
        github = session.get(f"{fake_github.url}/repos/liangyuwang/zo2")
        arxiv = session.get(fake_arxiv.url, headers={"Authorization": "Bearer smuggled"})

    (to_github,) = fake_github.seen
    assert to_github.header("Authorization") == f"Bearer {fetch_options.github_token}"
    assert to_github.header("Accept") == "application/vnd.github+json"
    assert to_github.header("X-GitHub-Api-Version") == "2022-11-28"
    (to_arxiv,) = fake_arxiv.seen
    assert to_arxiv.header("Authorization") is None
    assert to_arxiv.header("X-GitHub-Api-Version") is None
    # The token lives only in the adapter's private copy of the request.
    assert "Authorization" not in github.request.headers
    assert arxiv.request.headers["Authorization"] == "Bearer smuggled"


def test_a_redirect_away_from_github_drops_the_token(
    fake_arxiv: FakeArxiv, fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    fake_github.respond_next(302, {"Location": f"{fake_arxiv.url}?id_list=2503.12668"})

    with build_session(fetch_options) as session:
        response = session.get(f"{fake_github.url}/repos/liangyuwang/zo2")

    assert response.status_code == 200
    assert fake_github.seen[0].header("Authorization") == f"Bearer {fetch_options.github_token}"
    (followed,) = fake_arxiv.seen
    assert followed.header("Authorization") is None


def test_a_prefix_look_alike_gets_no_token(
    fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    # http://127.0.0.1:PORT/api is the GitHub prefix; .../apix must not be mistaken for it.
    options = dataclasses.replace(fetch_options, github_api_url=f"{fake_github.url}/api")
    with build_session(options) as session:
        session.get(f"{fake_github.url}/apix/repos/liangyuwang/zo2")
        session.get(f"{fake_github.url}/api/repos/liangyuwang/zo2")

    assert [s.header("Authorization") for s in fake_github.seen] == [
        None,
        f"Bearer {fetch_options.github_token}",
    ]


def test_requests_are_logged_without_the_token(
    fake_github: FakeGitHub,
    fetch_options: FetchOptions,
    unused_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="scholar_cli.http")
    nobody = f"http://127.0.0.1:{unused_port}"
    refused = dataclasses.replace(fetch_options, retries=0, github_api_url=nobody)

    with build_session(fetch_options) as session:
        session.get(f"{fake_github.url}/repos/liangyuwang/zo2")
    with build_session(refused) as session, pytest.raises(requests.ConnectionError) as raised:
        session.get(f"{nobody}/repos/liangyuwang/zo2")

    token = fetch_options.github_token
    assert token is not None
    messages = [r.getMessage() for r in caplog.records if r.name == "scholar_cli.http"]
    assert len(messages) == 2
    assert messages[0].startswith(f"GET {fake_github.url}/repos/liangyuwang/zo2 -> 200 (")
    assert messages[1].startswith(f"GET {nobody}/repos/liangyuwang/zo2 -> failed: ")
    assert all(token not in m for m in messages)
    assert token not in str(raised.value)
    assert raised.value.request is not None
    assert "Authorization" not in raised.value.request.headers
    assert token not in repr(fetch_options)


def test_503_is_retried_then_returned(fake_arxiv: FakeArxiv, fetch_options: FetchOptions) -> None:
    fake_arxiv.respond_next(503, times=5)
    events: list[HttpEvent] = []
    options = dataclasses.replace(fetch_options, retries=2)

    with build_session(options, events.append) as session:
        response = session.get(fake_arxiv.url)

    assert response.status_code == 503
    assert len(fake_arxiv.seen) == 3
    (event,) = events
    assert (event.method, event.status, event.attempts, event.error) == ("GET", 503, 3, None)


def test_404_is_not_retried(fake_github: FakeGitHub, fetch_options: FetchOptions) -> None:
    with build_session(fetch_options) as session:
        response = session.get(f"{fake_github.url}/repos/liangyuwang/nothing-here")

    assert response.status_code == 404
    assert len(fake_github.seen) == 1


def test_retry_after_on_429_is_honoured(fake_arxiv: FakeArxiv, fetch_options: FetchOptions) -> None:
    fake_arxiv.respond_next(429, {"Retry-After": "1"})
    events: list[HttpEvent] = []

    with build_session(fetch_options, events.append) as session:
        response = session.get(fake_arxiv.url, params={"id_list": "2503.12668"})

    assert response.status_code == 200
    first, second = fake_arxiv.seen
    assert second.at - first.at >= 1.0
    assert [e.attempts for e in events] == [2]


def test_an_exhausted_rate_limit_is_not_retried(
    fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    fake_github.respond_next(429, {"X-RateLimit-Remaining": "0", "Retry-After": "1"})

    with build_session(fetch_options) as session:
        response = session.get(f"{fake_github.url}/repos/liangyuwang/zo2")

    assert response.status_code == 429
    assert len(fake_github.seen) == 1


def test_the_default_timeout_applies_when_none_is_given(
    hanging_server: RudeServer, fetch_options: FetchOptions
) -> None:
    options = dataclasses.replace(fetch_options, timeout=(0.5, 0.2), retries=1)
    events: list[HttpEvent] = []

    with build_session(options, events.append) as session, pytest.raises(requests.ConnectionError):
        session.get(hanging_server.url("/api/query"))

    assert hanging_server.accepted == 2
    (event,) = events
    assert event.status is None and event.attempts == 2
    assert event.error is not None and "timed out" in event.error


@pytest.mark.parametrize(
    ("api_url", "graphql_url"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://api.github.com/", "https://api.github.com/graphql"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"),
        ("https://api.octo.ghe.com", "https://api.octo.ghe.com/graphql"),
    ],
)
def test_the_graphql_endpoint_follows_githubs_rule(api_url: str, graphql_url: str) -> None:
    assert github_graphql_url(api_url) == graphql_url


def test_the_token_reaches_github_enterprises_graphql_endpoint(
    fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    # GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql, outside it.
    options = dataclasses.replace(fetch_options, github_api_url=f"{fake_github.url}/api/v3")
    with build_session(options) as session:
        session.post(f"{fake_github.url}/api/graphql", json={"query": "{ viewer { login } }"})
        session.post(f"{fake_github.url}/api/other", json={})

    assert [s.header("Authorization") for s in fake_github.seen] == [
        f"Bearer {fetch_options.github_token}",
        None,
    ]


def test_a_graphql_post_is_retried_like_a_get(
    fake_github: FakeGitHub, fetch_options: FetchOptions
) -> None:
    # scholar's only POST is a GraphQL query, which reads: a 502 is worth one more try.
    fake_github.respond_next(502, path="/graphql")
    options = dataclasses.replace(fetch_options, retries=1)
    with build_session(options) as session:
        response = session.post(f"{fake_github.url}/graphql", json={"query": "{}"})

    assert len(fake_github.seen) == 2
    assert response.status_code != 502
