"""The shape of the code, held: small modules (issue 9 asks for none over 500 lines)."""

from __future__ import annotations

from conftest import ROOT

LIMIT = 500


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "scholar_cli").rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}


def test_commands_exports_exactly_what_it_loads_lazily() -> None:
    import scholar_cli.commands as commands

    homes = commands._HOMES
    assert sorted(commands.__all__) == sorted(homes)
    for name in commands.__all__:
        assert getattr(commands, name) is not None, name
