"""From bytes on disk to (front matter, body text): encoding, BOM, line endings, YAML."""

from __future__ import annotations

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
    import yaml  # only pages with front matter pay for PyYAML

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
