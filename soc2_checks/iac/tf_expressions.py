"""Evaluate the small Terraform expressions that decide whether a resource exists.

``count = local.create && !var.ignore_ami_changes ? 1 : 0`` is how modules switch resources
on and off. Checkov's evaluator gets such conditions wrong: it reduces
``false && !false ? 1 : 0`` to ``!false ? 1 : 0`` and ``(false && true) && true ? 1 : 0`` to
``1``, which turns resources a module never creates into resources that are judged. This
evaluator covers the operators such conditions use (literals, ``!``, ``&&``, ``||``,
comparisons, arithmetic, ``? :``, parentheses, list literals, ``length()``) with Terraform's
rules, and reads ``var.x`` and ``local.x`` through callbacks. Anything else, or a reference
without a known value, makes the whole expression unknown: it never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Resolve = Callable[[str, str], Any]
"""(kind, name) -> value for ``var.name``/``local.name``; raises ``Unknown`` when not known."""


class Unknown(Exception):
    """The expression's value cannot be known from the source."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\$]|\\.)*")
      | (?P<ref>(?:var|local)\.[A-Za-z_][\w-]*)
      | (?P<name>[A-Za-z_][\w-]*)
      | (?P<op>&&|\|\||==|!=|<=|>=|[!?:()<>+\-*/%\[\],])
    )""",
    re.VERBOSE,
)


def evaluate(text: str, resolve: Resolve) -> Any:
    """The value of ``text`` (``${...}`` around it allowed). Raises ``Unknown``."""
    text = text.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1]
    parser = _Parser(_tokens(text), resolve)
    value = parser.conditional()
    if parser.peek() is not None:
        raise Unknown(f"unexpected {parser.peek()!r}")
    return value


def evaluate_count(text: str, resolve: Resolve) -> int | None:
    """A ``count`` expression's number, or None when it cannot be known."""
    try:
        value = evaluate(text, resolve)
    except (Unknown, RecursionError):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        return None
    return int(value)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unknown(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent in Terraform's operator precedence, evaluating as it goes."""

    def __init__(self, tokens: list[tuple[str, str]], resolve: Resolve) -> None:
        self.tokens = tokens
        self.pos = 0
        self.resolve = resolve

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise Unknown("unexpected end")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise Unknown(f"expected {expected!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def conditional(self) -> Any:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        yes = self.conditional()
        self.take(":")
        no = self.conditional()
        return yes if _bool(condition) else no

    _LEVELS: tuple[tuple[str, ...], ...] = (
        ("||",),
        ("&&",),
        ("==", "!="),
        ("<", ">", "<=", ">="),
        ("+", "-"),
        ("*", "/", "%"),
    )

    def binary(self, level: int) -> Any:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self._LEVELS[level] and self.tokens[self.pos][0] == "op":
            op = self.take()[1]
            right = self.binary(level + 1)
            left = _apply(op, left, right)
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _bool(self.unary())
        if self.peek() == "-":
            self.take()
            return -_number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "string":
            if "${" in text or "%{" in text:
                raise Unknown("string template")
            return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if kind == "ref":
            ref_kind, _, name = text.partition(".")
            if self.peek() in (".", "["):
                raise Unknown(f"attribute of {text}")
            return self.resolve(ref_kind, name)
        if kind == "name":
            if text in ("true", "false", "True", "False"):  # Checkov writes Python's spelling
                return text.lower() == "true"
            if text in ("null", "None"):
                return None
            if text == "length" and self.peek() == "(":
                self.take("(")
                value = self.conditional()
                self.take(")")
                if isinstance(value, (list, dict, str)):
                    return len(value)
                raise Unknown("length of a non-collection")
            raise Unknown(f"{text} is not supported")
        if text == "(":
            value = self.conditional()
            self.take(")")
            return value
        if text == "[":
            items: list[Any] = []
            while self.peek() != "]":
                items.append(self.conditional())
                if self.peek() == ",":
                    self.take(",")
            self.take("]")
            return items
        raise Unknown(f"unexpected {text!r}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):  # Terraform converts these strings where a bool is expected
        return value == "true"
    raise Unknown(f"{value!r} is not a bool")


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise Unknown("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            raise Unknown(f"{value!r} is not a number") from None
    raise Unknown(f"{value!r} is not a number")


def _apply(op: str, left: Any, right: Any) -> Any:
    if op == "&&":
        return _bool(left) and _bool(right)
    if op == "||":
        return _bool(left) or _bool(right)
    if op in ("==", "!="):
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (left, right))
        same = left == right if numbers else (type(left) is type(right) and left == right)
        return same if op == "==" else not same
    a, b = _number(left), _number(right)
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise Unknown("division by zero")
    return a / b if op == "/" else a % b
