"""Leaving out the markdown-it rules a page cannot set off changes no token."""

from __future__ import annotations

import random
from typing import Any

import pytest

from scholar_cli.page import dialect

# Pieces every left-out rule looks for, and what could start something else instead.
ATOMS = [
    "-", "=", "*", "_", "#", ">", "<", "`", "~", "&", "!", "[", "]", "(", ")", ":", "\\", " ",
    "   ", "\t", "\n", "\n\n", "word", "1.", "|", "http://x.y", "<div>", "</div>",
    '<div markdown="1">', "&amp;", "---", "***", "```", "~~~", "    ", "\r\n", "![", "]:", "- ",
]  # fmt: skip


def _tokens(tokens: Any) -> list[Any]:
    return [
        (t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.hidden, t.attrs,
         _tokens(t.children) if t.children else None)
        for t in tokens
    ]  # fmt: skip


@pytest.mark.parametrize("dialect_name", ["kramdown", "gfm"])
def test_needless_rules_change_no_token(
    dialect_name: dialect.Dialect, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    bodies = ["".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 40))) for _ in range(600)]
    gated = [_tokens(dialect.parse_markdown(body, 0, dialect_name)[0]) for body in bodies]
    monkeypatch.setattr(dialect, "_needless_rules", lambda body: [])
    every_rule = [_tokens(dialect.parse_markdown(body, 0, dialect_name)[0]) for body in bodies]
    assert gated == every_rule
