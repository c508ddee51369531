"""Settings: defaults < scholar.toml (or [tool.scholar] in pyproject.toml) < command line.

The file sits next to the page (or in the folder scholar runs in):

    # scholar.toml
    page = "_pages/about.md"       # relative to this file
    badges = "static"              # keep | static | text
    arxiv_max_age = "1d"           # seconds, or a number with s, m, h or d
    github_max_age = 3600
    deadline = "30s"               # network time per source per run, then stored records
    citations = "openalex"         # openalex | semanticscholar | off (the default)
    citations_max_age = "7d"
    citations_json = "_data/citations.json"  # shields.io endpoint with the total count
    data = "_data/scholar.yml"     # .json, .yml or .yaml; relative to this file
    owner = "Liangyu Wang"
    paper_sections = ["My Work"]   # headings that list papers although their words do not say so
    dialect = "kramdown"           # kramdown | gfm; default: front matter -> kramdown,
                                   # a README.md without it -> gfm

A key the tool does not know is an error, not ignored: a typo would otherwise silently leave
a setting at its default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, get_args

from scholar_cli import defaults
from scholar_cli.errors import ConfigError, UsageError
from scholar_cli.models import DIALECTS, Dialect

__all__ = [
    "BADGE_MODES",
    "CONFIG_FILE",
    "BadgeMode",
    "Settings",
    "build_settings",
    "load_config",
    "parse_duration",
]

BadgeMode = Literal["keep", "static", "text"]
BADGE_MODES: tuple[BadgeMode, ...] = get_args(BadgeMode)
CONFIG_FILE = "scholar.toml"
CITATION_CHOICES = ("openalex", "semanticscholar", "off")
PYPROJECT = "pyproject.toml"
DATA_EXTENSIONS = (".json", ".yml", ".yaml")
_DURATION = re.compile(r"^\s*(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>[smhd]?)\s*$", re.I)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_TOML_LINE = re.compile(r"\(at line (?P<line>\d+), column \d+\)")


@dataclass(frozen=True, slots=True)
class Settings:
    page: Path | None = None  # None: --page, $SCHOLAR_PAGE or the usual homepage files decide
    badges: BadgeMode = "keep"  # nothing configured: dynamic badges stay dynamic
    arxiv_max_age: float = defaults.ARXIV_MAX_AGE
    github_max_age: float = defaults.GITHUB_MAX_AGE
    deadline: float | None = None  # None: $SCHOLAR_DEADLINE, else defaults.DEADLINE
    citations: str = "off"  # openalex | semanticscholar | off: where citation counts come from
    citations_json: Path | None = None  # a shields.io endpoint file with the total
    citations_max_age: float = defaults.CITATIONS_MAX_AGE
    data: Path | None = None  # data file to write, if any
    owner: str | None = None  # the page owner's name as papers write it
    paper_sections: tuple[str, ...] = ()  # extra headings that list papers
    dialect: Dialect | None = None  # None: the page's form decides (front matter -> kramdown)
    config_file: Path | None = None  # where file values came from, for messages


KEYS = tuple(f.name for f in fields(Settings) if f.name != "config_file")


def parse_duration(text: str) -> float:
    """`3600`, `"3600s"`, `"60m"`, `"24h"`, `"1d"` -> seconds. ValueError when it is none."""
    m = _DURATION.match(text)
    if m is None:
        raise ValueError(text)
    return float(m.group("number")) * _UNITS[m.group("unit").lower()]


def _check_value(key: str, value: Any, base: Path) -> Any:
    """The value in Settings' type, or ValueError with what was expected."""
    if key in ("page", "data", "citations_json"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a path (a non-empty string)")
        path = Path(value).expanduser()
        if key == "citations_json" and path.suffix.lower() != ".json":
            raise ValueError("must end in .json")
        if key == "data" and path.suffix.lower() not in DATA_EXTENSIONS:
            raise ValueError(f"must end in {', '.join(DATA_EXTENSIONS)}")
        return path if path.is_absolute() else base / path
    if key == "badges":
        if value not in BADGE_MODES:
            raise ValueError(f"must be one of {', '.join(BADGE_MODES)}")
        return value
    if key == "citations":
        if value not in CITATION_CHOICES:
            raise ValueError(f"must be one of {', '.join(CITATION_CHOICES)}")
        return value
    if key in ("arxiv_max_age", "github_max_age", "deadline", "citations_max_age"):
        if isinstance(value, bool):
            raise ValueError("must be seconds or a duration like 60m, 24h, 1d")
        if isinstance(value, int | float):
            seconds = float(value)
        elif isinstance(value, str):
            try:
                seconds = parse_duration(value)
            except ValueError:
                raise ValueError("must be seconds or a duration like 60m, 24h, 1d") from None
        else:
            raise ValueError("must be seconds or a duration like 60m, 24h, 1d")
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError("must be zero or more seconds")
        return seconds
    if key == "paper_sections":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            raise ValueError("must be a list of headings (non-empty strings)")
        return tuple(v.strip() for v in value)
    if key == "dialect":
        if value not in DIALECTS:
            raise ValueError(f"must be one of {', '.join(DIALECTS)}")
        return value
    if key == "owner":
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a name (a non-empty string)")
        return value.strip()
    raise KeyError(key)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when a config file exists

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_LINE.search(str(e))
        where = f"{path}:{m.group('line')}" if m else str(path)
        problem = _TOML_LINE.sub("", str(e)).strip()
        raise ConfigError(f"{where}: invalid TOML: {problem}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {e.start}); TOML files are UTF-8"
        ) from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None


def load_config(page_dir: Path) -> tuple[dict[str, Any], Path | None]:
    """The settings in `page_dir`'s scholar.toml, else its pyproject.toml's [tool.scholar].

    Returns the values (already in Settings' types; paths resolved against the file's folder)
    and the file they came from; ({}, None) when neither exists. Raises ConfigError naming the
    file and key for an unknown key or a bad value, and file:line for a TOML syntax error.
    """
    own = page_dir / CONFIG_FILE
    pyproject = page_dir / PYPROJECT
    if own.is_file():
        source, table, where = own, _read_toml(own), f"{own}"
    elif pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        if not isinstance(tool, dict) or "scholar" not in tool:
            return {}, None
        table = tool["scholar"]
        source, where = pyproject, f"{pyproject} [tool.scholar]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table of settings")
    else:
        return {}, None
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {', '.join(KEYS)})")
        try:
            values[key] = _check_value(key, value, source.parent)
        except ValueError as e:
            raise ConfigError(f"{where}: {key} {e}; got {value!r}") from None
    return values, source


def build_settings(
    file_values: Mapping[str, Any],
    flags: Mapping[str, Any],
    config_file: Path | None = None,
) -> Settings:
    """Defaults, overridden by the file's values, overridden by every flag that is not None.

    Flag values are checked like file values (paths against the current folder); a bad one is
    a UsageError naming the option.
    """
    merged: dict[str, Any] = {}
    for key, value in file_values.items():
        if key not in KEYS:
            raise ConfigError(f"unknown setting {key!r}")
        merged[key] = value
    for key, value in flags.items():
        if key not in KEYS:
            raise UsageError(f"unknown setting {key!r}")
        if value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        try:
            merged[key] = _check_value(key, value, Path())
        except ValueError as e:
            raise UsageError(f"--{key.replace('_', '-')} {e}; got {value!r}") from None
    return Settings(**merged, config_file=config_file)
