"""FetchOptions: defaults, the environment, and one-line errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholar_cli.errors import ConfigError, ExitCode
from scholar_cli.sources.options import FetchOptions, default_cache_dir, describe_age

TOKEN = "ghp_optionsTestToken0123456789"


def test_defaults_from_an_empty_environment(tmp_path: Path) -> None:
    options = FetchOptions.from_env({}, cache_dir=tmp_path)

    assert options == FetchOptions(cache_dir=tmp_path)
    assert options.arxiv_api_url == "https://export.arxiv.org/api/query"
    assert options.github_api_url == "https://api.github.com"
    assert options.github_token is None
    assert (options.arxiv_max_age, options.github_max_age) == (86400.0, 3600.0)
    assert (options.timeout, options.retries, options.backoff) == ((5.0, 30.0), 3, 0.5)
    assert (options.arxiv_delay, options.github_workers) == (3.0, 4)
    assert (options.offline, options.refresh) == (False, False)


def test_values_from_the_environment(tmp_path: Path) -> None:
    env = {
        "SCHOLAR_ARXIV_API_URL": "http://127.0.0.1:8001/api/query",
        "GITHUB_API_URL": "https://ghe.example.com/api/v3",
        "GH_TOKEN": "ghp_other",
        "GITHUB_TOKEN": f"  {TOKEN}\n",
        "SCHOLAR_HTTP_TIMEOUT": "2,20",
        "SCHOLAR_HTTP_RETRIES": "0",
        "SCHOLAR_HTTP_BACKOFF": "1.5",
        "SCHOLAR_ARXIV_DELAY": "0",
    }
    options = FetchOptions.from_env(env, cache_dir=tmp_path, offline=True, refresh=True)

    assert options == FetchOptions(
        cache_dir=tmp_path,
        arxiv_api_url="http://127.0.0.1:8001/api/query",
        github_api_url="https://ghe.example.com/api/v3",
        github_token=TOKEN,
        offline=True,
        refresh=True,
        timeout=(2.0, 20.0),
        retries=0,
        backoff=1.5,
        arxiv_delay=0.0,
    )
    assert FetchOptions.from_env({"GH_TOKEN": TOKEN}, cache_dir=tmp_path).github_token == TOKEN
    assert FetchOptions.from_env({"SCHOLAR_HTTP_TIMEOUT": "7"}, cache_dir=tmp_path).timeout == (
        7.0,
        7.0,
    )


def test_the_token_never_shows_in_repr(tmp_path: Path) -> None:
    options = FetchOptions.from_env({"GITHUB_TOKEN": TOKEN}, cache_dir=tmp_path)
    assert TOKEN not in repr(options)
    assert TOKEN not in str(options)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SCHOLAR_HTTP_TIMEOUT": "soon"},
            "SCHOLAR_HTTP_TIMEOUT must be seconds, e.g. 10 or 5,30 (connect,read); got 'soon'",
        ),
        (
            {"SCHOLAR_HTTP_TIMEOUT": "1,2,3"},
            "SCHOLAR_HTTP_TIMEOUT must be seconds, e.g. 10 or 5,30 (connect,read); got '1,2,3'",
        ),
        (
            {"SCHOLAR_HTTP_TIMEOUT": "0"},
            "SCHOLAR_HTTP_TIMEOUT must be seconds, e.g. 10 or 5,30 (connect,read); got '0'",
        ),
        (
            {"SCHOLAR_HTTP_RETRIES": "many"},
            "SCHOLAR_HTTP_RETRIES must be a whole number from 0 to 10; got 'many'",
        ),
        (
            {"SCHOLAR_HTTP_RETRIES": "11"},
            "SCHOLAR_HTTP_RETRIES must be a whole number from 0 to 10; got '11'",
        ),
        (
            {"SCHOLAR_HTTP_BACKOFF": "-1"},
            "SCHOLAR_HTTP_BACKOFF must be seconds from 0 to 60; got '-1'",
        ),
        (
            {"SCHOLAR_HTTP_BACKOFF": "nan"},
            "SCHOLAR_HTTP_BACKOFF must be seconds from 0 to 60; got 'nan'",
        ),
        (
            {"SCHOLAR_ARXIV_DELAY": "1"},
            "SCHOLAR_ARXIV_DELAY must be at least 3 seconds (arXiv's API terms); shorter delays "
            "are only for a loopback test server; got '1'",
        ),
        (
            {"SCHOLAR_ARXIV_DELAY": "-5", "SCHOLAR_ARXIV_API_URL": "http://localhost:1/q"},
            "SCHOLAR_ARXIV_DELAY must be zero or more seconds; got '-5'",
        ),
        (
            {"SCHOLAR_ARXIV_API_URL": "export.arxiv.org/api/query"},
            "SCHOLAR_ARXIV_API_URL must be an http(s) URL; got 'export.arxiv.org/api/query'",
        ),
        (
            {"GITHUB_API_URL": "ftp://api.github.com"},
            "GITHUB_API_URL must be an http(s) URL; got 'ftp://api.github.com'",
        ),
        (
            {"GH_TOKEN": "ghp_has space"},
            "GH_TOKEN must be a single word of visible ASCII characters (it goes into an HTTP "
            "header)",
        ),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        FetchOptions.from_env(env, cache_dir=tmp_path)
    assert raised.value.message == message
    assert raised.value.exit_code == ExitCode.CONFIG
    assert "ghp_has" not in raised.value.message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/api/query", "http://localhost/api/query", "http://[::1]:80/q"]
)
def test_short_arxiv_delay_only_for_loopback(url: str, tmp_path: Path) -> None:
    assert FetchOptions(cache_dir=tmp_path, arxiv_api_url=url, arxiv_delay=0).arxiv_delay == 0
    with pytest.raises(ConfigError, match=r"^arxiv_delay must be at least 3 seconds"):
        FetchOptions(cache_dir=tmp_path, arxiv_delay=0.5)


def test_direct_construction_is_checked_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^retries must be between 0 and 10; got -1$"):
        FetchOptions(cache_dir=tmp_path, retries=-1)
    with pytest.raises(ConfigError, match=r"^github_workers must be at least 1; got 0$"):
        FetchOptions(cache_dir=tmp_path, github_workers=0)
    with pytest.raises(ConfigError) as raised:
        FetchOptions(cache_dir=tmp_path, github_token="ghp_bad\ntoken")
    assert "ghp_bad" not in raised.value.message


def test_default_cache_dir(tmp_path: Path) -> None:
    assert default_cache_dir({"SCHOLAR_CACHE_DIR": str(tmp_path / "c")}) == tmp_path / "c"
    platform_default = default_cache_dir({})
    assert platform_default.name == "scholar-cli"
    assert FetchOptions.from_env({}).cache_dir == platform_default


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59.4, "59 s"),
        (59.6, "1 min"),
        (740, "12 min"),
        (3599, "1 h"),
        (7200, "2 h"),
        (86399, "1 d"),
        (5 * 86400, "5 d"),
    ],
)
def test_describe_age(seconds: float, text: str) -> None:
    assert describe_age(seconds) == text
