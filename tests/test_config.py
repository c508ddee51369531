"""scholar.toml / [tool.scholar]: what it may say, how errors name it, and who wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholar_cli.config import Settings, build_settings, load_config, parse_duration
from scholar_cli.errors import ConfigError, UsageError


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == ({}, None)
    assert build_settings({}, {}) == Settings(
        page=None,
        badges="keep",
        arxiv_max_age=86400.0,
        github_max_age=3600.0,
        data=None,
        owner=None,
    )


def test_scholar_toml_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "scholar.toml",
        'page = "_pages/about.md"\nbadges = "static"\narxiv_max_age = "1d"\n'
        'github_max_age = 90\ndata = "_data/scholar.yml"\nowner = " Liangyu Wang "\n',
    )
    values, source = load_config(tmp_path)
    assert source == path
    assert values == {
        "page": tmp_path / "_pages/about.md",
        "badges": "static",
        "arxiv_max_age": 86400.0,
        "github_max_age": 90.0,
        "data": tmp_path / "_data/scholar.yml",
        "owner": "Liangyu Wang",
    }


def test_pyproject_tool_table(tmp_path: Path) -> None:
    path = write(
        tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.scholar]\nbadges = "text"\n'
    )
    assert load_config(tmp_path) == ({"badges": "text"}, path)


def test_pyproject_without_tool_table_is_no_config(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert load_config(tmp_path) == ({}, None)


def test_scholar_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.scholar]\nbadges = "text"\n')
    path = write(tmp_path, "scholar.toml", 'badges = "static"\n')
    assert load_config(tmp_path) == ({"badges": "static"}, path)


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, "scholar.toml", 'badges = "static"\nbadge_mode = "text"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.message == (
        f"{path}: unknown key 'badge_mode' (known keys: page, badges, arxiv_max_age, "
        "github_max_age, deadline, citations, citations_json, citations_max_age, data, owner, "
        "paper_sections, dialect)"
    )


def test_unknown_key_in_pyproject_names_the_table(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "[tool.scholar]\ncolour = 1\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.message.startswith(f"{path} [tool.scholar]: unknown key 'colour'")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('badges = "dynamic"', "badges must be one of keep, static, text; got 'dynamic'"),
        (
            'github_max_age = "soon"',
            "github_max_age must be seconds or a duration like 60m, 24h, 1d; got 'soon'",
        ),
        ("arxiv_max_age = -5", "arxiv_max_age must be zero or more seconds; got -5"),
        (
            "arxiv_max_age = true",
            "arxiv_max_age must be seconds or a duration like 60m, 24h, 1d; got True",
        ),
        (
            'data = "_data/scholar.csv"',
            "data must end in .json, .yml, .yaml; got '_data/scholar.csv'",
        ),
        ("page = 3", "page must be a path (a non-empty string); got 3"),
        ('owner = ""', "owner must be a name (a non-empty string); got ''"),
    ],
)
def test_bad_values_name_key_and_file(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "scholar.toml", line + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.message == f"{path}: {message}"


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "scholar.toml", 'badges = "static"\n\ndata = \n')
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.message == f"{path}:3: invalid TOML: Invalid value"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600.0), ("3600s", 3600.0), ("60m", 3600.0), ("24h", 86400.0), ("1d", 86400.0),
     ("1.5h", 5400.0), (" 2H ", 7200.0)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_command_line_wins_over_file_which_wins_over_defaults(tmp_path: Path) -> None:
    write(tmp_path, "scholar.toml", 'badges = "static"\ngithub_max_age = "2h"\nowner = "A"\n')
    values, source = load_config(tmp_path)
    settings = build_settings(
        values,
        {"badges": "text", "github_max_age": None, "owner": None, "data": Path("out.json")},
        source,
    )
    assert settings == Settings(
        page=None,
        badges="text",  # flag over file
        arxiv_max_age=86400.0,  # default: neither says
        github_max_age=7200.0,  # file: the flag was not given
        data=Path("out.json"),  # flag: the file did not say
        owner="A",  # file
        config_file=tmp_path / "scholar.toml",
    )


def test_bad_flag_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        build_settings({}, {"github_max_age": "later"})
    assert raised.value.message == (
        "--github-max-age must be seconds or a duration like 60m, 24h, 1d; got 'later'"
    )
