"""Front matter read without PyYAML must read exactly as PyYAML's BaseLoader reads it.

`simple_front_matter` is a start-up saving (PyYAML costs a small page's command ~11 ms): it
may decline any input, but whatever it accepts must come out as `yaml.load(..., BaseLoader)`
does, and must be something PyYAML accepts at all.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from scholar_cli.page.frontmatter import simple_front_matter

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "pages"


def pyyaml(text: str) -> Any:
    value = yaml.load(text, Loader=yaml.BaseLoader)
    return {} if value is None else value


def front_matter_text(page: Path) -> str | None:
    lines = page.read_text(encoding="utf-8").lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "".join(lines[1:i])
    return None


def real_front_matter() -> list[tuple[str, str]]:
    pages = sorted((ROOT / "fixtures").rglob("*.md")) + sorted(SHARED.rglob("*.md"))
    found = []
    for page in pages:
        text = front_matter_text(page)
        if text is not None:
            found.append((str(page.relative_to(page.parents[1])), text))
    return found


@pytest.mark.parametrize(
    "text, expected",
    [
        ('permalink: /\ntitle: "About Me"\nauthor_profile: true\n', None),
        ("redirect_from: \n  - /about/\n  - /about.html\n", None),
        ("a:\n- x\n-  y", None),
        ("a:\n  - x\n\n  - y\nb: z\n", None),
        ("a: x # a comment\nb: x#y\nc: a:b\nd: ~\ne: null\nf:\n", None),
        ("title: ''\nexcerpt: \"\"\nurl: https://example.org/a#b\n", None),
        ("# only a comment\n\n", None),
        ("", None),
        ("a: 'x' # c\nb: \"y\"   # c\n", None),
        # Declined: each needs PyYAML (nesting, flow, escapes, folding, anchors, duplicates).
        ("profile:\n  align: right\n", "declined"),
        ("tags: [a, b]\n", "declined"),
        ('a: "x\\ty"\n', "declined"),
        ("a: 'it''s'\n", "declined"),
        ("a: x\n  y\n", "declined"),
        ("a: &anchor x\nb: *anchor\n", "declined"),
        ("a: |\n  text\n", "declined"),
        ("a: 1\na: 2\n", "declined"),
        ("a:\n  - x\n    - y\n", "declined"),
        ("a:\tx\n", "declined"),
        ("a: x: y\n", "declined"),
        ("a: 'x'y\n", "declined"),
        ("a:\n  - x\n - y\n", "declined"),
    ],
)
def test_simple_front_matter_reads_as_pyyaml_or_declines(text: str, expected: str | None) -> None:
    got = simple_front_matter(text)
    if expected == "declined":
        assert got is None
    else:
        assert got is not None
        assert got == pyyaml(text)


def test_every_real_front_matter_reads_as_pyyaml() -> None:
    cases = real_front_matter()
    assert len(cases) >= 40
    accepted = 0
    for name, text in cases:
        got = simple_front_matter(text)
        if got is not None:
            accepted += 1
            assert got == pyyaml(text), name
    # Most real front matter is the simple kind; if this drops, the quick path stopped helping.
    assert accepted >= len(cases) * 3 // 4, (accepted, len(cases))


VALUES = [
    "x", "two words", "https://example.org/a#b", "a:b", "x # c", "x#y", "~", "null", "true",
    "1.5", "2104.12255", "-5", "-", "? x", ": x", "x:", "x: y", "\"q\"", "\"q\" # c", "\"q\"x",
    "\"a\\\"b\"", "\"a\\nb\"", "'s'", "'it''s'", "'s' # c", "''", "\"\"", "[a, b]", "{a: b}",
    "&a x", "*a", "!!str x", "|", ">", "%x", "@x", "`x`", "é ü 中文", "x\ty", "# c", "\"open",
    "'open", "<font color=\"#828282\">A</font>", "a, b", "x  ", "'x'  ", "\u00a0x", "x\u0085y",
    "x\x7fy", "x\ufeffy", "x\x1by", "\U0001f600 emoji",
]  # fmt: skip
KEYS = ["a", "title", "redirect_from", "b-c", "d_e", "2020", "my key", "a", "Title"]


def generated(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 4)):
        shape = rng.random()
        key = rng.choice(KEYS)
        if shape < 0.55:
            lines.append(f"{key}: {rng.choice(VALUES)}")
        elif shape < 0.8:
            lines.append(f"{key}:{rng.choice(['', ' ', '  # c'])}")
            indent = rng.choice(["", "  ", "    "])
            for _ in range(rng.randint(0, 3)):
                lines.append(f"{indent}- {rng.choice(VALUES)}")
                if rng.random() < 0.1:
                    lines.append(rng.choice(["", "# c", "  ", f"{indent}  - x", "  sub: x"]))
        elif shape < 0.9:
            lines.append(rng.choice(["", "# comment", "   # indented comment", "  stray"]))
        else:
            lines.append(f"{key}:\n  sub: {rng.choice(VALUES)}")
    return "\n".join(lines) + rng.choice(["", "\n", "\r\n"])


def test_generated_front_matter_reads_as_pyyaml_whenever_accepted() -> None:
    rng = random.Random(20261129)
    accepted = declined = 0
    for _ in range(12000):
        text = generated(rng)
        got = simple_front_matter(text)
        if got is None:
            declined += 1
            continue
        accepted += 1
        try:
            want = pyyaml(text)
        except yaml.YAMLError as e:
            pytest.fail(f"accepted what PyYAML rejects ({e}): {text!r}")
        assert got == want, text
    # Both branches exercised many times, so the equality above means something.
    assert accepted > 1000 and declined > 1000, (accepted, declined)


def test_reading_a_page_with_plain_front_matter_does_not_import_pyyaml() -> None:
    page = SHARED / "about-markdown.md"
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from scholar_cli.page import parse_page\n"
        f"page = parse_page(Path({str(page)!r}))\n"
        "print(page.front_matter['permalink'], 'yaml' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout == "/ False\n"
