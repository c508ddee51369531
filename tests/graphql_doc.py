"""Just enough of GraphQL's query language for FakeGitHub to read what a client sends.

Operations, variable definitions, aliases, arguments (variables, strings, names, numbers),
nested selection sets, fragments and fragment spreads. Anything else is a `GraphQLSyntaxError`,
so a query the fake cannot read fails loudly instead of being half-answered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<spread>\.\.\.)
      | (?P<var>\$[_A-Za-z][_0-9A-Za-z]*)
      | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
      | (?P<number>-?\d+)
      | (?P<punct>[{}():!,\[\]=])
    )""",
    re.X,
)


class GraphQLSyntaxError(ValueError):
    pass


@dataclass
class Selection:
    name: str  # the field's name, or the fragment's for a spread
    alias: str | None = None
    arguments: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (kind, text)
    children: list[Selection] | None = None  # a selection set, if any
    spread: bool = False

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class Document:
    variables: dict[str, str]  # declared variable -> its type, e.g. {"o0": "String!"}
    selections: list[Selection]  # the operation's top-level selection set
    fragments: dict[str, tuple[str, list[Selection]]]  # name -> (type condition, selections)

    def expand(self, selections: list[Selection]) -> list[Selection]:
        """`selections` with every fragment spread replaced by the fragment's selections."""
        out: list[Selection] = []
        for s in selections:
            if s.spread:
                if s.name not in self.fragments:
                    raise GraphQLSyntaxError(f"unknown fragment {s.name}")
                out += self.expand(self.fragments[s.name][1])
            else:
                out.append(s)
        return out


def parse(text: str) -> Document:
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    return parser.document()


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise GraphQLSyntaxError(f"unexpected text at {pos}: {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        if not (kind == "punct" and value == ","):  # commas are insignificant in GraphQL
            tokens.append((kind, value))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("eof", "")

    def take(self, kind: str, value: str | None = None) -> str:
        got = self.peek()
        if got[0] != kind or (value is not None and got[1] != value):
            raise GraphQLSyntaxError(f"expected {value or kind}, got {got[1] or 'end'}")
        self.i += 1
        return got[1]

    def at(self, kind: str, value: str | None = None) -> bool:
        got = self.peek()
        return got[0] == kind and (value is None or got[1] == value)

    def document(self) -> Document:
        variables: dict[str, str] = {}
        selections: list[Selection] | None = None
        fragments: dict[str, tuple[str, list[Selection]]] = {}
        while not self.at("eof"):
            if self.at("name", "fragment"):
                self.take("name")
                name = self.take("name")
                self.take("name", "on")
                condition = self.take("name")
                fragments[name] = (condition, self.selection_set())
                continue
            if selections is not None:
                raise GraphQLSyntaxError("more than one operation")
            if self.at("name", "query"):
                self.take("name")
                if self.at("name"):
                    self.take("name")
                if self.at("punct", "("):
                    variables = self.variable_definitions()
            selections = self.selection_set()
        if selections is None:
            raise GraphQLSyntaxError("no operation")
        return Document(variables, selections, fragments)

    def variable_definitions(self) -> dict[str, str]:
        out: dict[str, str] = {}
        self.take("punct", "(")
        while not self.at("punct", ")"):
            var = self.take("var")[1:]
            self.take("punct", ":")
            kind = self.take("name")
            if self.at("punct", "!"):
                self.take("punct")
                kind += "!"
            out[var] = kind
        self.take("punct", ")")
        return out

    def selection_set(self) -> list[Selection]:
        self.take("punct", "{")
        out: list[Selection] = []
        while not self.at("punct", "}"):
            out.append(self.selection())
        self.take("punct", "}")
        if not out:
            raise GraphQLSyntaxError("empty selection set")
        return out

    def selection(self) -> Selection:
        if self.at("spread"):
            self.take("spread")
            return Selection(self.take("name"), spread=True)
        name = self.take("name")
        alias = None
        if self.at("punct", ":"):
            self.take("punct")
            alias, name = name, self.take("name")
        arguments: dict[str, tuple[str, str]] = {}
        if self.at("punct", "("):
            self.take("punct")
            while not self.at("punct", ")"):
                arg = self.take("name")
                self.take("punct", ":")
                kind, value = self.peek()
                if kind not in ("var", "string", "name", "number"):
                    raise GraphQLSyntaxError(f"unsupported argument value {value!r}")
                self.i += 1
                if kind == "var":
                    value = value[1:]
                elif kind == "string":
                    value = json.loads(value)
                arguments[arg] = (kind, value)
            self.take("punct", ")")
        children = self.selection_set() if self.at("punct", "{") else None
        return Selection(name, alias, arguments, children)
