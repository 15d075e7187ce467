"""Evaluate the small Terraform expressions that decide whether, and how many times, a resource
exists.

``count = local.create && !var.ignore_ami_changes ? 1 : 0`` and ``for_each =
local.create_security_group ? var.security_group_ingress_rules : {}`` are how modules switch
resources on and off. Checkov's evaluator gets such expressions wrong: it reduces
``false && !false ? 1 : 0`` to ``!false ? 1 : 0`` and ``(false && true) && true ? 1 : 0`` to
``1``, and renders a filtered map as empty when the module call passed two rules. This
evaluator covers what such expressions use (literals, lists and objects, ``!``, ``&&``,
``||``, comparisons, arithmetic, ``? :``, attribute and index access, ``for`` expressions and a
few collection functions) with Terraform's rules, and reads ``var.x`` and ``local.x`` through
a callback. Anything else, or a reference without a known value, makes the whole expression
unknown: it never guesses. Operands that cannot change the result (the right side of
``false && ...``, the branch a condition does not take) are parsed but not evaluated, as
Terraform does not need their values either.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Resolve = Callable[[str, str], Any]
"""(kind, name) -> value for ``var.name``/``local.name``; raises ``Unknown`` when not known."""


class Unknown(Exception):
    """The expression's value cannot be known from the source."""


class Invalid(Unknown):
    """The expression is an error in Terraform itself (an attribute or index that is not
    there): what ``try()`` falls through."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<ref>(?:var|local)\.[A-Za-z_][\w-]*|data\.[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)
      | (?P<name>[A-Za-z_][\w-]*)
      | (?P<op>&&|\|\||==|!=|<=|>=|=>|\.\.\.|[!?:()<>+\-*/%\[\],.{}=])
    )""",
    re.VERBOSE,
)
_SKIPPED = object()  # the value of an operand that is parsed but not evaluated


def evaluate(text: str, resolve: Resolve, scope: dict[str, Any] | None = None) -> Any:
    """The value of ``text`` (``${...}`` around it allowed), with the names of ``scope``
    bound (``each``). Raises ``Unknown``."""
    return _parsed(text, resolve, scope, keeping=False)


def evaluate_value(text: str, resolve: Resolve, scope: dict[str, Any] | None = None) -> Any:
    """The value of ``text`` as an argument holds it: a part that cannot be known (the branch a
    known condition takes, an element, or the whole) is kept as an :class:`UnknownValue` of its
    text, as Terraform keeps an unknown value, instead of making all of it unknown. Raises
    ``Unknown`` only for text it cannot read."""
    return _parsed(text, resolve, scope, keeping=True)


def _parsed(text: str, resolve: Resolve, scope: dict[str, Any] | None, keeping: bool) -> Any:
    text = text.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1]
    parser = _Parser(_tokens(text), resolve, scope)
    parser.keeping = keeping
    try:
        value = parser.element() if keeping else parser.conditional()
    except RecursionError:
        raise Unknown("nested too deeply") from None
    if parser.peek() is not None:
        raise Unknown(f"unexpected {parser.peek()!r}")
    return value


def literal(text: str) -> Any:
    """The value of text that refers to nothing (``["s3:GetObject"]``); raises ``Unknown``
    for any other."""
    return _parsed(text, _no_references, None, keeping=False)


def evaluate_count(text: str, resolve: Resolve) -> int | None:
    """A ``count`` expression's number, or None when it cannot be known."""
    try:
        return count_number(evaluate(text, resolve))
    except Unknown:
        return None


def count_number(value: Any) -> int | None:
    """The number of instances a ``count`` value gives, or None when it is not a valid count."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        return None
    return int(value)


def evaluate_for_each(text: str, resolve: Resolve) -> list[tuple[Any, Any]] | None:
    """A ``for_each`` expression's (each.key, each.value) pairs, or None when they cannot be
    known."""
    try:
        return for_each_pairs(evaluate(text, resolve))
    except Unknown:
        return None


def for_each_pairs(value: Any) -> list[tuple[Any, Any]] | None:
    """The (each.key, each.value) pairs of a ``for_each`` value, in Terraform's order (keys
    sorted), or None when it is not a map or a set of strings. A set of strings gives
    each.key == each.value."""
    if isinstance(value, dict):
        return sorted(value.items(), key=lambda kv: str(kv[0]))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [(v, v) for v in sorted(set(value))]
    return None


def _template_end(text: str, start: int) -> int:
    """The index after the closing quote of the string template opening at ``start``:
    interpolations (``${...}``, with strings of their own) are skipped as a whole."""
    depth = 0
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if depth == 0 and ch == '"':
            return i + 1
        if ch in "$%" and text.startswith("{", i + 1):
            depth += 1
            i += 2
            continue
        if depth and ch == '"':
            i = _template_end(text, i)
            continue
        if depth and ch == "{":
            depth += 1
        elif depth and ch == "}":
            depth -= 1
        i += 1
    raise Unknown("unterminated string")


def interpolation_end(body: str, start: int) -> int:
    """The index after the ``}`` closing the interpolation whose ``${`` is at ``start``, or
    the length of ``body`` when it is not closed."""
    try:
        return _interpolation_end(body, start)
    except Unknown:
        return len(body)


def _interpolation_end(body: str, start: int) -> int:
    """The index after the ``}`` closing the interpolation whose ``${`` is at ``start``."""
    depth = 0
    i = start + 1
    while i < len(body):
        ch = body[i]
        if ch == '"':
            i = _template_end(body, i)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise Unknown("unterminated interpolation")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        stripped = len(text) - len(text[pos:].lstrip())
        if text.startswith('"', stripped):
            end = _template_end(text, stripped)
            out.append(("template", text[stripped:end]))
            pos = end
            continue
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unknown(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _length(args: list[Any]) -> Any:
    (value,) = args
    if isinstance(value, (list, dict)):
        return len(value)
    # a string's length is rare in a count, and Checkov's single-element lists arrive as strings
    raise Unknown("length of a non-collection")


def _lookup(args: list[Any]) -> Any:
    if len(args) not in (2, 3) or not isinstance(args[0], dict):
        raise Unknown("lookup of a non-map")
    if args[1] in args[0]:
        return args[0][args[1]]
    if len(args) == 3:
        return args[2]
    raise Unknown("lookup of a missing key without a default")


def _merge(args: list[Any]) -> Any:
    out: dict[Any, Any] = {}
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, dict):
            raise Unknown("merge of a non-map")
        out.update(arg)
    return out


def _concat(args: list[Any]) -> Any:
    out: list[Any] = []
    for arg in args:
        if not isinstance(arg, list):
            raise Unknown("concat of a non-list")
        out.extend(arg)
    return out


def _toset(args: list[Any]) -> Any:
    (value,) = args
    if not isinstance(value, list):
        raise Unknown("toset of a non-list")
    if not all(isinstance(v, (str, int, float, bool)) for v in value):
        raise Unknown("toset of a list of collections")
    return sorted(set(value), key=str)


def _identity(kind: type) -> Callable[[list[Any]], Any]:
    def convert(args: list[Any]) -> Any:
        (value,) = args
        if not isinstance(value, kind):
            raise Unknown(f"not a {kind.__name__}")
        return value

    return convert


def _keys(args: list[Any]) -> Any:
    (value,) = args
    if not isinstance(value, dict):
        raise Unknown("keys of a non-map")
    return sorted(value, key=str)


def _values(args: list[Any]) -> Any:
    (value,) = args
    if not isinstance(value, dict):
        raise Unknown("values of a non-map")
    return [value[k] for k in sorted(value, key=str)]


def _split(args: list[Any]) -> Any:
    separator, text = args
    if not isinstance(separator, str) or not isinstance(text, str):
        raise Unknown("split of a non-string")
    return text.split(separator)


def _join(args: list[Any]) -> Any:
    separator, items = args
    if not isinstance(separator, str) or not isinstance(items, list):
        raise Unknown("join of a non-list")
    if not all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in items):
        raise Unknown("join of non-strings")
    return separator.join(str(x) for x in items)


def _compact(args: list[Any]) -> Any:
    (items,) = args
    if not isinstance(items, list):
        raise Unknown("compact of a non-list")
    return [x for x in items if x is not None and x != ""]


def _element(args: list[Any]) -> Any:
    items, index = args
    if not isinstance(items, list) or not items or not isinstance(index, int) or isinstance(index, bool):
        raise Unknown("element of a non-list")
    return items[index % len(items)]


def _coalescelist(args: list[Any]) -> Any:
    for arg in args:
        if not isinstance(arg, list):
            raise Unknown("coalescelist() of a value that is not a known list")  # it may be empty or not
        if arg:
            return arg
    raise Invalid("coalescelist() of nothing but empty lists")


_FORMAT_VERB = re.compile(r"%[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:\[\d+\])?[A-Za-z%]")


def _format(spec: str, values: list[Any]) -> str:
    """``format()``'s ``%s``, ``%d``, ``%v`` and ``%%`` on plain values; any other verb (flags,
    widths, ``%q``) is not read."""
    remaining = list(values)

    def verb(m: re.Match[str]) -> str:
        if m.group() == "%%":
            return "%"
        if m.group() not in ("%s", "%d", "%v") or not remaining:
            raise Unknown(f"format verb {m.group()}")
        value = remaining.pop(0)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Unknown("format() of a value that is not a string or number")
        if m.group() == "%d" and (not isinstance(value, (int, float)) or value != int(value)):
            raise Invalid("%d of a value that is not a whole number")
        return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)

    return _FORMAT_VERB.sub(verb, spec)


def _format_function(args: list[Any]) -> Any:
    spec, *values = args
    if not isinstance(spec, str):
        raise Invalid("format() without a format string")
    return _format(spec, values)


_TEMPLATE_SYNTAX = re.compile(r'["\\]|[$%]\{')


def _format_template(spec: str, values: list[Any]) -> UnknownValue:
    """``format("%v:*", <unknown>)`` written as the string template it equals
    (``"${<unknown>}:*"``): a string whose literal text is known, kept as an unknown value like
    a template written in the source. Only ``%s``, ``%v`` and ``%%``, and text that needs no
    escaping in a template, are written so."""
    if any(_TEMPLATE_SYNTAX.search(part) for part in _FORMAT_VERB.split(spec)):
        raise Unknown("format() whose text needs escaping in a template")
    remaining = list(values)
    out: list[str] = []
    at = 0
    for m in _FORMAT_VERB.finditer(spec):
        out.append(spec[at : m.start()])
        at = m.end()
        if m.group() == "%%":
            out.append("%")
            continue
        if m.group() not in ("%s", "%v") or not remaining:
            raise Unknown(f"format verb {m.group()} of a value that is not known")
        value = remaining.pop(0)
        if isinstance(value, UnknownValue):
            body = value.template_body()
            out.append("${" + value.text + "}" if body is None else body)
        elif isinstance(value, str) and not _TEMPLATE_SYNTAX.search(value):
            out.append(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(_format("%v", [value]))
        else:
            raise Unknown("format() of a value that cannot be written into a template")
    out.append(spec[at:])
    return UnknownValue('"' + "".join(out) + '"')


def formatlist_text(expression: str) -> str | None:
    """The text every element of ``formatlist("<format>", ...)`` holds whatever the values
    (the format's literal text, without its verbs and interpolations), or None when
    ``expression`` is not such a call."""
    text = expression.strip()
    if text.startswith("${") and interpolation_end(text, 0) == len(text):
        text = text[2:-1].strip()
    m = re.match(r'formatlist\(\s*"', text)
    if m is None:
        return None
    try:
        end = _template_end(text, m.end() - 1)
    except Unknown:
        return None
    body, out, i = text[m.end() : end - 1], [], 0
    while i < len(body):
        verb = _FORMAT_VERB.match(body, i)
        if body.startswith(("${", "%{"), i):
            i = interpolation_end(body, i)
        elif verb is not None:
            out.append("%" if verb.group() == "%%" else "")
            i = verb.end()
        elif body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1] if body[i + 1] in '\\"' else "")
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _formatlist(args: list[Any]) -> Any:
    spec, *values = args
    if not isinstance(spec, str):
        raise Invalid("formatlist() without a format string")
    lengths = {len(v) for v in values if isinstance(v, list)}
    if len(lengths) != 1:
        raise Unknown("formatlist() without lists of one length")  # none, or an error
    (length,) = lengths
    return [_format(spec, [v[i] if isinstance(v, list) else v for v in values]) for i in range(length)]


def _coalesce(args: list[Any]) -> Any:
    for arg in args:
        if arg is not None and arg != "":
            return arg
    raise Invalid("coalesce() of nothing but null and empty strings")


def _jsondecode(args: list[Any]) -> Any:
    (value,) = args
    if not isinstance(value, str):
        raise Invalid("jsondecode() of a non-string")  # try(jsondecode(var.x), var.x) falls through
    try:
        return json.loads(value)
    except ValueError:
        raise Invalid("jsondecode() of text that is not JSON") from None


def _flatten(args: list[Any]) -> Any:
    (value,) = args
    if not isinstance(value, list):
        raise Invalid("flatten() of a non-list")
    out: list[Any] = []
    for item in value:
        if isinstance(item, UnknownValue) and item.template_body() is None:
            raise Unknown("flatten() of an element that is not known")  # it may be a list
        out.extend(_flatten([item]) if isinstance(item, list) else [item])
    return out


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "jsondecode": _jsondecode,
    "flatten": _flatten,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "format": _format_function,
    "formatlist": _formatlist,
    "split": _split,
    "join": _join,
    "compact": _compact,
    "element": _element,
    "length": _length,
    "lookup": _lookup,
    "merge": _merge,
    "concat": _concat,
    "toset": _toset,
    "tolist": _identity(list),
    "tomap": _identity(dict),
    "keys": _keys,
    "values": _values,
}


_KEEPING_UNKNOWNS = frozenset(
    {
        "concat",
        "merge",
        "lookup",
        "element",
        "length",
        "keys",
        "values",
        "tolist",
        "tomap",
        "flatten",
        "jsondecode",
        "coalescelist",
    }
)
"""Functions whose result is right with unknown elements in their arguments (they move
elements without reading them; ``flatten`` and ``jsondecode`` check their own); any other
function of such a value is unknown."""


class _Parser:
    """Recursive descent in Terraform's operator precedence, evaluating as it goes; while
    ``skipping`` it only parses."""

    def __init__(self, tokens: list[tuple[str, str]], resolve: Resolve, scope: dict[str, Any] | None = None) -> None:
        self.tokens = tokens
        self.pos = 0
        self.resolve = resolve
        self.scope = scope or {}  # names bound by enclosing ``for`` expressions
        self.skipping = 0
        self.keeping = False  # the branch a known condition takes may be an UnknownValue

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def kind_at(self, pos: int) -> str | None:
        return self.tokens[pos][0] if pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise Unknown("unexpected end")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise Unknown(f"expected {expected!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def skipped(self, parse: Callable[[], Any]) -> None:
        self.skipping += 1
        try:
            parse()
        finally:
            self.skipping -= 1

    def conditional(self) -> Any:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        if self.skipping:
            self.conditional()
            self.take(":")
            self.conditional()
            return _SKIPPED
        branch = self.element if self.keeping else self.conditional
        if _bool(condition):
            yes = branch()
            self.take(":")
            self.skipped(self.conditional)
            return yes
        self.skipped(self.conditional)
        self.take(":")
        return branch()

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
            if self.skipping:
                self.binary(level + 1)
                continue
            if (op == "&&" and left is False) or (op == "||" and left is True):
                # decided by the left operand: the right one may be anything Terraform accepts
                # (``false && anytrue([for ...])``)
                self.skipped(lambda: self.binary(level + 1))
                continue
            right = self.binary(level + 1)
            left = _apply(op, left, right)
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            value = self.unary()
            return _SKIPPED if self.skipping else not _bool(value)
        if self.peek() == "-":
            self.take()
            value = self.unary()
            return _SKIPPED if self.skipping else -_number(value)
        return self.postfix(self.primary())

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind not in ("name", "number"):
                    raise Unknown(f"unexpected {name!r} after '.'")
                if self.skipping:
                    continue
                value = _index(value, int(name) if kind == "number" else name)
            else:
                if self.peek() == "*":  # x[*].a.b: the attributes of every element
                    self.take("*")
                    self.take("]")
                    names: list[str] = []
                    while self.peek() == "." and self.kind_at(self.pos + 1) == "name":
                        self.take(".")
                        names.append(self.take()[1])
                    if not self.skipping:
                        value = [_path(v, names) for v in ([] if value is None else _as_list(value))]
                    continue
                key = self.conditional()
                self.take("]")
                if not self.skipping:
                    value = _index(value, key)
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "template":
            return _SKIPPED if self.skipping else self.template(text)
        if kind == "ref":
            if self.skipping:
                return _SKIPPED
            ref_kind, _, name = text.partition(".")
            return self.resolve(ref_kind, name)
        if kind == "name":
            if text == "try" and self.peek() == "(":
                return self.try_()
            return self.name(text)
        if text == "(":
            value = self.conditional()
            self.take(")")
            return value
        if text == "[":
            if self.peek() == "for":
                return self.for_expression("]")
            items: list[Any] = []
            while self.peek() != "]":
                items.append(self.element())
                if self.peek() == ",":
                    self.take(",")
                elif self.peek() != "]":
                    raise Unknown("expected ',' or ']'")
            self.take("]")
            return _SKIPPED if self.skipping else items
        if text == "{":
            if self.peek() == "for":
                return self.for_expression("}")
            return self.object()
        raise Unknown(f"unexpected {text!r}")

    def name(self, text: str) -> Any:
        if self.peek() == "(":
            self.take("(")
            args: list[Any] = []
            argument = self.element if self.keeping else self.conditional
            while self.peek() != ")":
                args.append(argument())
                if self.peek() == ",":
                    self.take(",")
                elif self.peek() == "...":
                    raise Unknown("expanded function arguments")
                elif self.peek() != ")":
                    raise Unknown("expected ',' or ')'")
            self.take(")")
            if self.skipping:
                return _SKIPPED
            function = _FUNCTIONS.get(text)
            if text == "format" and args and isinstance(args[0], str) and has_unknown(args[1:]):
                return _format_template(args[0], args[1:])
            if function is None:
                raise Unknown(f"{text}() is not supported")
            if any(isinstance(a, UnknownValue) for a in args) or (
                text not in _KEEPING_UNKNOWNS and any(has_unknown(a) for a in args)
            ):
                raise Unknown(f"{text}() of a value that is not known")
            try:
                return function(args)
            except (TypeError, ValueError):
                raise Unknown(f"{text}() with these arguments") from None
        if text in ("true", "false", "True", "False"):  # Checkov writes Python's spelling
            return text.lower() == "true"
        if text in ("null", "None"):
            return None
        if self.skipping:
            return _SKIPPED
        if text in self.scope:
            return self.scope[text]
        raise Unknown(f"{text} is not known here")

    def template(self, text: str) -> Any:
        """``"arn:${local.partition}:iam::aws:policy/X"``: each interpolation evaluated and
        written in; a directive (``%{if}``) is not read. While ``keeping``, a template with an
        interpolation that cannot be known is an ``UnknownValue`` of the template with the
        known ones written in (``"${aws_s3_bucket.b.arn}/logs-acme"``)."""
        out: list[str] = []
        kept: list[str] = []  # the template as source text, with what is known written in
        unknown = False
        body = text[1:-1]
        i = 0
        while i < len(body):
            if body.startswith("%{", i):
                raise Unknown("template directive")
            if body.startswith("${", i):
                end = _interpolation_end(body, i)
                try:
                    value = evaluate(body[i + 2 : end - 1], self.resolve, self.scope)
                except Invalid:
                    raise
                except Unknown:
                    if not self.keeping:
                        raise
                    unknown = True
                    kept.append(body[i:end])
                    i = end
                    continue
                if isinstance(value, bool):
                    written = "true" if value else "false"
                elif isinstance(value, (str, int, float)):
                    written = str(value)
                else:
                    raise Unknown("a collection or null in a string template")
                out.append(written)
                kept.append(written if not _TEMPLATE_SYNTAX.search(written) else body[i:end])
                i = end
            elif body[i] == "\\" and i + 1 < len(body):
                out.append({"n": "\n", "t": "\t"}.get(body[i + 1], body[i + 1]))
                kept.append(body[i : i + 2])
                i += 2
            else:
                out.append(body[i])
                kept.append(body[i])
                i += 1
        return UnknownValue('"' + "".join(kept) + '"') if unknown else "".join(out)

    def try_(self) -> Any:
        """``try(a, b, ...)``: the first argument that is not an error. An argument that is
        merely unknown here might be an error or not, so it makes the result unknown."""
        self.take("(")
        found: Any = _SKIPPED
        while self.peek() != ")":
            if found is not _SKIPPED or self.skipping:
                self.skipped(self.conditional)
            else:
                start = self.pos
                try:
                    found = self.conditional()
                except Invalid:
                    self.pos = start
                    self.skipped(self.conditional)
            if self.peek() == ",":
                self.take(",")
            elif self.peek() != ")":
                raise Unknown("expected ',' or ')'")
        self.take(")")
        if found is _SKIPPED and not self.skipping:
            raise Invalid("every argument of try() is an error")
        return found

    def element(self) -> Any:
        """An element of a list or object literal; one that cannot be known (as opposed to
        one that is an error, which ``try()`` must see) is kept as an ``UnknownValue``."""
        start = self.pos
        try:
            return self.conditional()
        except Invalid:
            raise
        except Unknown:
            if self.skipping:
                raise
        self.pos = start
        self.skipped(self.conditional)
        return UnknownValue(_source_text(self.tokens[start : self.pos]))

    def object(self) -> Any:
        out: dict[Any, Any] = {}
        while self.peek() != "}":
            kind, key = self.take()
            if kind == "template":
                key = self.template(key)
                if isinstance(key, UnknownValue):
                    raise Unknown("an object key that is not known")
            elif kind == "op" and key == "(":
                key = self.conditional()
                self.take(")")
            elif kind != "name":
                raise Unknown(f"unexpected object key {key!r}")
            if self.peek() not in ("=", ":"):
                raise Unknown("expected '=' or ':' in an object")
            self.take()
            out[key] = self.element()
            if self.peek() == ",":
                self.take(",")
        self.take("}")
        return _SKIPPED if self.skipping else out

    def for_expression(self, close: str) -> Any:
        """``[for v in c : e if cond]`` or ``{for k, v in c : ke => ve if cond}``: the body is
        read again for each element, with its names bound."""
        self.take("for")
        names = [self.take()[1]]
        if self.peek() == ",":
            self.take(",")
            names.append(self.take()[1])
        if self.peek() != "in" or not all(n.isidentifier() for n in names):
            raise Unknown("malformed for expression")
        self.take("in")
        at = self.pos
        try:
            collection = self.conditional()
        except Unknown:
            if self.skipping:
                raise
            self.pos = at
            self.skipped(self.conditional)
            collection = _SKIPPED
        self.take(":")
        start = self.pos
        self.skipped(lambda: self.for_body(close))
        end = self.pos
        self.take(close)
        if self.skipping:
            return _SKIPPED
        if collection is _SKIPPED:
            # an unknown collection filtered by a condition that does not read its elements
            # (``{for k, v in {...} : k => v if var.attach_policy}``): false keeps nothing
            if self.filter_is_false(start, end, names):
                return [] if close == "]" else {}
            raise Unknown("for over an unknown collection")
        if isinstance(collection, dict):
            elements = sorted(collection.items(), key=lambda kv: str(kv[0]))
        elif isinstance(collection, list):
            elements = list(enumerate(collection))
        else:
            raise Unknown("for over a non-collection")
        out_list: list[Any] = []
        out_map: dict[Any, Any] = {}
        for key, value in elements:
            bound = dict(self.scope)
            if len(names) == 2:
                bound[names[0]], bound[names[1]] = key, value
            else:
                bound[names[0]] = value
            body = _Parser(self.tokens[start:end], self.resolve, bound)
            body.keeping = self.keeping
            produced = body.for_body(close)
            if body.peek() is not None:
                raise Unknown("unexpected text in a for expression")
            if produced is None:
                continue  # filtered out by its ``if``
            if close == "]":
                out_list.append(produced[1])
            elif produced[0] in out_map:
                raise Unknown("duplicate key in a for expression")
            else:
                out_map[produced[0]] = produced[1]
        return out_list if close == "]" else out_map

    def filter_is_false(self, start: int, end: int, names: list[str]) -> bool:
        depth = 0
        for i in range(start, end):
            kind, text = self.tokens[i]
            if kind == "op" and text in "([{":
                depth += 1
            elif kind == "op" and text in ")]}":
                depth -= 1
            elif depth == 0 and (kind, text) == ("name", "if"):
                unbound = {k: v for k, v in self.scope.items() if k not in names}
                condition = _Parser(self.tokens[i + 1 : end], self.resolve, unbound)
                try:
                    value = condition.conditional()
                except Unknown:
                    return False
                return condition.peek() is None and value in (False, "false")
        return False

    def for_body(self, close: str) -> tuple[Any, Any] | None:
        """One element: (key, value), or None when its ``if`` filters it out."""
        key = None
        value = self.element() if self.keeping and close == "]" else self.conditional()
        if close == "}":
            self.take("=>")
            key, value = value, self.conditional()
            if self.peek() == "...":
                raise Unknown("grouping for expression")
        if self.peek() == "if":
            self.take("if")
            keep = self.conditional()
            if not self.skipping and not _bool(keep):
                return None
        return key, value


@dataclass(frozen=True)
class UnknownValue:
    """An element of a list or object whose value cannot be known (``kms_master_key_id =
    aws_kms_key.x.arn`` next to ``sse_algorithm = "aws:kms"``), as Terraform keeps unknown
    values inside known ones: every operation on it is unknown, and where the value is
    written into a configuration it becomes its expression text (``to_conf``)."""

    text: str

    def template_body(self) -> str | None:
        """The text between the quotes when the value is a string template
        (``"arn:${local.partition}:iam::aws:policy/X"``): a string, of which that text is
        known; None for any other expression."""
        text = self.text
        if len(text) > 1 and text[0] == text[-1] == '"' and _template_end(text, 0) == len(text):
            return text[1:-1]
        return None


def to_conf(value: Any) -> Any:
    """An evaluated value as Checkov writes configuration: unknown elements as ``${text}``."""
    if isinstance(value, UnknownValue):
        body = value.template_body()
        return "${" + value.text + "}" if body is None else body
    if isinstance(value, dict):
        return {k: to_conf(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_conf(v) for v in value]
    return value


def has_unknown(value: Any) -> bool:
    if isinstance(value, UnknownValue):
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


class Partial(dict):  # type: ignore[type-arg]
    """An object of which only some attributes are known (a data source's ``json``): any
    other attribute is unknown, not absent, so ``try()`` cannot fall through it."""


def _source_text(tokens: list[tuple[str, str]]) -> str:
    """Tokens written back as an expression: ``aws_kms_key.x.arn``, ``element(var.azs, 0)``."""
    out = ""
    for _, text in tokens:
        if out and out[-1] not in ".[(" and text not in ".[](),":
            out += " "
        out += text
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _path(value: Any, names: list[str]) -> Any:
    for name in names:
        value = _index(value, name)
    return value


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict) and isinstance(key, str):
        if key in value:
            return value[key]
        if isinstance(value, Partial):
            raise Unknown(f"attribute {key!r}")
        raise Invalid(f"no attribute {key!r}")
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
        if 0 <= key < len(value):
            return value[key]
        raise Invalid(f"no element {key}")
    raise Unknown("index or attribute of an unknown shape")


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
    if isinstance(left, UnknownValue) or isinstance(right, UnknownValue):
        raise Unknown(f"{op} of a value that is not known")
    if op in ("==", "!=") and (left is None) != (right is None):
        return op == "!="  # null against a value: decided, whatever unknowns the value holds
    if has_unknown(left) or has_unknown(right):
        raise Unknown(f"{op} of a value that is not known")
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


_OBJECT_TYPE = re.compile(r"^\$?\{?\s*(map|list|set|)\(?\s*object\(\s*(\{.*\})\s*\)\s*\)?\s*\}?$", re.DOTALL)
_OPTIONAL = re.compile(r"^\$\{\s*optional\((.*)\)\s*\}$", re.DOTALL)


def with_optional_defaults(type_text: Any, value: Any) -> Any:
    """``value`` with the attributes its variable's type declares ``optional(type, default)``
    filled in where missing (null when there is no default), as Terraform fills them before a
    module reads ``each.value.to_port``. ``type_text`` is Checkov's rendering of the type:
    ``${map(object({'to_port': '${optional(number)}', ...}))}``. Anything it cannot read, it
    leaves as it is."""
    if not isinstance(type_text, str) or "optional(" not in type_text:
        return value
    m = _OBJECT_TYPE.match(type_text.strip())
    if not m:
        return value
    try:
        attributes = ast.literal_eval(m.group(2))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value
    if not isinstance(attributes, dict):
        return value
    defaults: dict[str, Any] = {}
    for name, declared in attributes.items():
        o = _OPTIONAL.match(declared) if isinstance(declared, str) else None
        if o is None:
            continue
        type_part, default_text = _split_first_argument(o.group(1))
        if default_text is None:
            defaults[name] = None
            continue
        try:
            defaults[name] = literal(default_text)
        except Unknown:
            continue  # a default it cannot read: the attribute stays missing (unknown)

    def fill(obj: Any) -> Any:
        return {**defaults, **obj} if isinstance(obj, dict) else obj

    shape = m.group(1)
    if shape == "map" and isinstance(value, dict):
        return {k: fill(v) for k, v in value.items()}
    if shape in ("list", "set") and isinstance(value, list):
        return [fill(v) for v in value]
    if shape == "" and isinstance(value, dict):
        return fill(value)
    return value


_TRY_CALL = re.compile(r"\s*try\s*\((.*)\)\s*", re.DOTALL)
NULLS = frozenset(("null", "None"))
"""``null`` as written, and as Checkov renders it (Python's ``None``)."""


def try_arguments(expression: str) -> list[str] | None:
    """The arguments of an expression that is one ``try()`` call, as written (``try(aws_sqs_queue.
    this[0].arn, null)``: the queue's ARN, or null where it has no instance); None for any other
    expression. The expression's value is one of them, the first that is not an error."""
    m = _TRY_CALL.fullmatch(expression)
    if not m:
        return None
    body = m.group(1)
    depth = 0
    quoted = False
    for i, ch in enumerate(body):  # "try(a) + try(b)" is not one call
        if ch == '"' and (i == 0 or body[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted:
            depth += (ch in "([{") - (ch in ")]}")
            if depth < 0:
                return None
    out: list[str] = []
    rest: str | None = body
    while rest:
        first, rest = _split_first_argument(rest)
        out.append(first)
    return out or None


def _split_first_argument(text: str) -> tuple[str, str | None]:
    depth = 0
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch in "([{":
            depth += 1
        elif not quoted and ch in ")]}":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            return text[:i].strip(), text[i + 1 :].strip()
    return text.strip(), None


def _no_references(kind: str, name: str) -> Any:
    raise Unknown(f"{kind}.{name} where a literal value is expected")
