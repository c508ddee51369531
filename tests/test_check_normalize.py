"""Titles and author names: what counts as the same, and the badge count format."""

from __future__ import annotations

import pytest

from scholar_cli.check import parse_badge_count
from scholar_cli.normalize import author_key, compare_authors, normalize_title, same_author


@pytest.mark.parametrize(
    ("page", "arxiv"),
    [
        ("ZO2: Scalable Fine-Tuning", "zo2: scalable fine-tuning"),  # case
        ("ZO2:  Scalable\nFine-Tuning", "ZO2: Scalable Fine-Tuning"),  # whitespace
        ("ZO2 : Scalable Fine-Tuning", "ZO2: Scalable Fine-Tuning"),  # spacing around a mark
        ("Fine–Tuning — A Study", "Fine-Tuning - A Study"),  # dash kinds
        ("Fine-Tuning -- A Study", "Fine-Tuning - A Study"),  # LaTeX dash
        ("“Attention” Isn’t All", '"Attention" Isn\'t All'),  # curly quotes
        ("``Attention'' Isn't All", '"Attention" Isn\'t All'),  # LaTeX quotes
        ("Café Łódź Søren Straße", "Cafe Lodz Soren Strasse"),  # accents and special letters
        ("Caf\\'e Robots", "Café Robots"),  # LaTeX accent
        ('Sch\\"{o}dinger Waves', "Schödinger Waves"),  # LaTeX accent with braces
        ("\\emph{Not} All {GPU}s", "Not All GPUs"),  # LaTeX commands and braces
        ("$\\alpha$-Stable Noise", "alpha-Stable Noise"),  # math
        ("*Not* All _GPUs_ Are `Equal`", "Not All GPUs Are Equal"),  # Markdown emphasis
        ("snake_case Names.", "snake_case Names"),  # inner underscore kept; trailing dot
    ],
)
def test_titles_that_agree(page: str, arxiv: str) -> None:
    assert normalize_title(page) == normalize_title(arxiv)


@pytest.mark.parametrize(
    ("page", "arxiv"),
    [
        # The rule: marks are normalised but kept, so a doubled or dropped mark is drift.
        ("DistZO2: : High-Throughput", "DistZO2: High-Throughput"),
        ("Low-Rank Adapters, Revisited", "Low-Rank Adapters Revisited"),
        ("Fine-Tuning", "Fine Tuning"),
        ("Small Models Know More", "Small Models Knew More"),
    ],
)
def test_titles_that_drift(page: str, arxiv: str) -> None:
    assert normalize_title(page) != normalize_title(arxiv)


def test_title_key_is_tokens() -> None:
    assert normalize_title("DistZO2: : High-Throughput") == "distzo2 : : high - throughput"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("David E. Keyes", ("keyes", ("david", "e"))),
        ("D. E. Keyes", ("keyes", ("d", "e"))),
        ("D.E. Keyes", ("keyes", ("d", "e"))),
        ("Keyes, David E.", ("keyes", ("david", "e"))),
        ("Keyes D. E.", ("keyes", ("d", "e"))),
        ("José Álvarez*", ("alvarez", ("jose",))),
        ("Łukasz Nowak†", ("nowak", ("lukasz",))),
        ("and Jean-Pierre Serre", ("serre", ("jean", "pierre"))),
        ("Johannes van der Waals", ("vanderwaals", ("johannes",))),
        ("Di Wang", ("wang", ("di",))),  # "Di" capitalised is a given name, not a particle
        ("Martin Luther King Jr.", ("king", ("martin", "luther"))),
        ('Jonas M\\"uller', ("muller", ("jonas",))),
        ("Huanyi Xie1", ("xie", ("huanyi",))),  # affiliation digit
    ],
)
def test_author_key(name: str, key: tuple[str, tuple[str, ...]]) -> None:
    assert author_key(name) == key


@pytest.mark.parametrize(
    ("page", "arxiv", "same"),
    [
        ("D. E. Keyes", "David E. Keyes", True),
        ("D.E. Keyes", "David E. Keyes", True),
        ("Keyes, David E.", "David E. Keyes", True),
        ("David Keyes", "David E. Keyes", True),  # middle initial left out
        ("D. F. Keyes", "David E. Keyes", False),
        ("J.-P. Serre", "Jean-Pierre Serre", True),
        ("Liang-Yu Wang", "Liangyu Wang", True),
        ("L. Wang", "Liangyu Wang", True),
        ("Di Wang", "Liangyu Wang", False),
        ("Ana Pérez*", "Ana Perez", True),
        ("Søren Ødegård", "Soren Odegard", True),
    ],
)
def test_same_author(page: str, arxiv: str, same: bool) -> None:
    assert same_author(page, arxiv) is same


def test_compare_authors() -> None:
    assert compare_authors(
        ["Ana Pérez", "F. Garcia", "Gil Hart"],
        ["Ana Pérez", "Gil Hart", "Félix García", "Hui Zhou"],
    ) == (["Hui Zhou"], [], True)
    assert compare_authors(["A. Smith", "Bo Li"], ["Alice Smith", "Bo Li"]) == ([], [], False)
    assert compare_authors(["Bo Li", "Extra Person"], ["Bo Li"]) == ([], ["Extra Person"], False)
    # Exact keys pair first, so the initial takes the Wang that is left over.
    assert compare_authors(["J. Wang", "Jie Wang"], ["Jie Wang", "Junxiao Wang"]) == ([], [], True)


def test_parse_badge_count() -> None:
    assert [parse_badge_count(t) for t in ("212", "1.2k", "3M+", "many")] == [
        212,
        1200,
        3_000_000,
        None,
    ]
