"""From bytes on disk to (front matter, body text): encoding, BOM, line endings, YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholar_cli.errors import PageError
from scholar_cli.grammar import FRONT_MATTER_FENCES

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Source:
    """The page as read: the decoded text (BOM removed, line endings as written) and where the
    body starts, so the structure reader can report file lines and byte offsets."""

    path: str
    data: bytes  # exactly the bytes on disk
    text: str  # decoded, BOM removed, line endings kept
    bom: bool
    front_matter: dict[str, Any]
    body_start_line: int  # 0-based line of `text` where the body begins
    body_start_char: int  # char offset of `text` where the body begins


def read_source(path: Path) -> Source:
    from scholar_cli.page import read_page_bytes

    return decode_source(str(path), read_page_bytes(path))


def decode_source(path: str, data: bytes) -> Source:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise PageError(
            path, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})", line
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        raise PageError(path, "not a text file (contains NUL bytes)", text.count("\n", 0, nul) + 1)
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    front, start_line, start_char = _split_front_matter(path, text)
    return Source(path, data, text, bom, front, start_line, start_char)


def _split_front_matter(path: str, text: str) -> tuple[dict[str, Any], int, int]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return {}, 0, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in FRONT_MATTER_FENCES:
            yaml_text = "".join(lines[1:i])
            front = _load_yaml(path, yaml_text)
            return front, i + 1, sum(len(line) for line in lines[: i + 1])
    raise PageError(path, "front matter opened with '---' is never closed", 1)


def _load_yaml(path: str, yaml_text: str) -> dict[str, Any]:
    simple = simple_front_matter(yaml_text)
    if simple is not None:
        return simple
    import yaml  # only front matter the quick reading below declines pays for PyYAML

    try:
        # BaseLoader keeps every scalar a string: an id like 2104.12255 must not become a float.
        value = yaml.load(yaml_text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        # +2: the opening fence is line 1 and YAML marks are 0-based.
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise PageError(path, f"bad front matter: {problem}", line) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PageError(path, "bad front matter: expected 'key: value' lines", 2)
    return value


# Most front matter is a few `key: value` lines and a list or two (layout, permalink, title,
# redirect_from). Importing PyYAML to read them costs a small page's command about 11 ms and
# 1 MB, a tenth of its run. `simple_front_matter` reads exactly that subset and declines
# everything else (nesting, flow collections, anchors, tags, block scalars, escapes, odd
# characters) to PyYAML's BaseLoader; tests/test_frontmatter.py holds the two equal on every
# input the quick reading accepts, the corpus' front matter among them.
# Values are taken whole and stripped in code: a lazy value before `[ ]*` is quadratic on a
# line of many spaces.
_KEY = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(?P<value>.*))?")
_ITEM = re.compile(r"(?P<indent>[ ]*)-[ ]+(?P<value>.*)")
# What YAML lets a plain scalar start with, less `-`, `?` and `:` (legal in some positions,
# rare in front matter, declined rather than reasoned about).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def simple_front_matter(text: str) -> dict[str, Any] | None:
    """The front matter as PyYAML's BaseLoader reads it, or None when it is not plain
    `key: scalar` lines and `key:` + `- scalar` lists (the caller then asks PyYAML)."""
    if any(_unusual(ch) for ch in set(text)):
        return None
    lines = text.splitlines()
    result: dict[str, Any] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if _skippable(line):
            continue
        m = _KEY.fullmatch(line)
        if m is None or m["key"] in result:
            return None
        raw = (m["value"] or "").rstrip(" ")
        if raw:
            value = _scalar(raw)
            if value is None:
                return None
            result[m["key"]] = value
            continue
        items: list[str] = []
        indent: str | None = None
        while i < len(lines):
            if _skippable(lines[i]):
                i += 1
                continue
            item = _ITEM.fullmatch(lines[i])
            if item is None:
                break
            if indent is None:
                indent = item["indent"]
            elif item["indent"] != indent:
                return None
            scalar = _scalar(item["value"].rstrip(" "))
            if scalar is None:
                return None
            items.append(scalar)
            i += 1
        if i < len(lines) and lines[i][:1] == " ":
            return None  # an indented line that is no list item: a nested mapping
        result[m["key"]] = items if items else ""
    return result


def _unusual(ch: str) -> bool:
    """A character YAML rejects or treats specially (controls, tab, NEL, surrogates, BOM):
    PyYAML decides. (A character class of the allowed ranges costs 5 ms to compile.)"""
    o = ord(ch)
    return (
        (o < 0x20 and ch not in "\n\r")
        or 0x7F <= o < 0xA0
        or 0xD800 <= o < 0xE000
        or o in (0xFEFF, 0xFFFE, 0xFFFF)
    )


def _skippable(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _scalar(raw: str) -> str | None:
    """The string BaseLoader makes of a one-line value, or None when not sure."""
    if not raw:
        return None
    if raw[0] in "\"'":
        end = raw.find(raw[0], 1)
        if end < 0 or (raw[0] == '"' and "\\" in raw[1:end]):
            return None
        after = raw[end + 1 :]
        if after and not (after[0] == " " and after.lstrip().startswith("#")):
            return None  # '' (an escaped quote) or text after the closing quote
        return raw[1:end]
    if raw[0] in _INDICATORS:
        return None
    comment = raw.find(" #")
    if comment >= 0:
        raw = raw[:comment].rstrip()
    if ": " in raw or raw.endswith(":"):
        return None
    return raw
