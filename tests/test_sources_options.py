"""FetchOptions: defaults, the environment, and one-line errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholar_cli.errors import ConfigError, ExitCode
from scholar_cli.sources.options import (
    FetchOptions,
    default_cache_dir,
    describe_age,
    redact_url,
)

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
            {"GITHUB_API_URL": "http://[::1"},
            "GITHUB_API_URL must be an http(s) URL; got 'http://[::1'",
        ),
        (
            {"SCHOLAR_ARXIV_API_URL": "http://127.0.0.1:99999/api/query"},
            "SCHOLAR_ARXIV_API_URL must have a port from 1 to 65535; "
            "got 'http://127.0.0.1:99999/api/query'",
        ),
        (
            {"GITHUB_API_URL": "http://127.0.0.1:abc"},
            "GITHUB_API_URL must have a port from 1 to 65535; got 'http://127.0.0.1:abc'",
        ),
        (
            {"GITHUB_API_URL": "https://ghe.example.com:0/api/v3"},
            "GITHUB_API_URL must have a port from 1 to 65535; "
            "got 'https://ghe.example.com:0/api/v3'",
        ),
        (
            {"SCHOLAR_ARXIV_API_URL": "https://ana:hunter2@[::1/api/query"},
            "SCHOLAR_ARXIV_API_URL must be an http(s) URL; got 'https://***@[::1/api/query'",
        ),
        (
            {"GITHUB_API_URL": "https://ana:hunter2@ghe.example.com:70000"},
            "GITHUB_API_URL must have a port from 1 to 65535; "
            "got 'https://***@ghe.example.com:70000'",
        ),
        (
            {"GITHUB_TOKEN": "ghp_has_token", "GITHUB_API_URL": "http://ghe.example.com/api/v3"},
            "GITHUB_API_URL is plain http to a host that is not loopback: the token in "
            "GITHUB_TOKEN would travel unencrypted (use https); got 'http://ghe.example.com/api/v3'",
        ),
        (
            {"GH_TOKEN": "ghp_has_token", "GITHUB_API_URL": "http://10.0.0.7:8080"},
            "GITHUB_API_URL is plain http to a host that is not loopback: the token in "
            "GH_TOKEN would travel unencrypted (use https); got 'http://10.0.0.7:8080'",
        ),
        (
            {"SCHOLAR_DEADLINE": "soon"},
            "SCHOLAR_DEADLINE must be seconds (0 or more) or 'none'; got 'soon'",
        ),
        (
            {"SCHOLAR_DEADLINE": "-1"},
            "SCHOLAR_DEADLINE must be seconds (0 or more) or 'none'; got '-1'",
        ),
        (
            {"SCHOLAR_DEADLINE": "inf"},
            "SCHOLAR_DEADLINE must be seconds (0 or more) or 'none'; got 'inf'",
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
    assert "hunter2" not in raised.value.message


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


def test_deadline_default_environment_and_none(tmp_path: Path) -> None:
    assert FetchOptions(cache_dir=tmp_path).deadline == 30.0
    assert FetchOptions.from_env({}, cache_dir=tmp_path).deadline == 30.0

    def deadline(raw: str) -> float | None:
        return FetchOptions.from_env({"SCHOLAR_DEADLINE": raw}, cache_dir=tmp_path).deadline

    assert (deadline("5"), deadline(" 2.5 "), deadline("0")) == (5.0, 2.5, 0.0)
    assert deadline("none") is None
    assert deadline("None") is None
    assert FetchOptions(cache_dir=tmp_path, deadline=None).deadline is None
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError) as raised:
            FetchOptions(cache_dir=tmp_path, deadline=bad)
        assert raised.value.message == (
            f"deadline must be zero or more seconds, or None; got {bad}"
        )


def test_a_token_travels_over_plain_http_only_to_loopback(tmp_path: Path) -> None:
    for url in ("http://127.0.0.1:8080", "http://localhost:8080/api", "http://[::1]:8080"):
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": url}
        assert FetchOptions.from_env(env, cache_dir=tmp_path).github_api_url == url
    # Without a token plain http goes anywhere (nothing secret travels).
    plain = {"GITHUB_API_URL": "http://ghe.example.com/api/v3"}
    assert FetchOptions.from_env(plain, cache_dir=tmp_path).github_token is None
    with pytest.raises(ConfigError) as raised:
        FetchOptions(
            cache_dir=tmp_path, github_api_url="http://ghe.example.com", github_token=TOKEN
        )
    assert raised.value.message == (
        "github_api_url is plain http to a host that is not loopback: the token in "
        "github_token would travel unencrypted (use https); got 'http://ghe.example.com'"
    )
    assert TOKEN not in raised.value.message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.github.com", "https://api.github.com"),
        ("http://ana:hunter2@127.0.0.1:8000/api", "http://***@127.0.0.1:8000/api"),
        ("http://ana@127.0.0.1/", "http://***@127.0.0.1/"),
        ("http://ana:p@ss@h.example/x?next=a@b", "http://***@h.example/x?next=a@b"),
        ("http://h.example/a@b", "http://h.example/a@b"),
        ("http://h.example?to=a@b#c@d", "http://h.example?to=a@b#c@d"),
        ("http://ana:hunter2@[::1", "http://***@[::1"),
        ("not a url @ all", "not a url @ all"),
        (
            "InvalidURL: Failed to parse: 'http://ana:hunter2@h.example:99999/x' (a@b)",
            "InvalidURL: Failed to parse: 'http://***@h.example:99999/x' (a@b)",
        ),
    ],
)
def test_redact_url_hides_user_and_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown
