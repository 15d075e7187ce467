"""Arguments read from the Terraform source text, where Checkov's rendering cannot be trusted.

Checkov renders a module's ``locals`` once for all its calls and confuses ``local.create``
with ``var.create``, and its evaluator drops parts of conditions, so a rendered ``count`` can
say that a resource exists when the module call switched it off (or the reverse). The
original expressions of ``count`` and of the locals it reads are taken from the files here,
to be evaluated with each module call's own variables. Only single expressions are read (an
argument on one line, or continued while brackets are open); anything else is not found.
"""

from __future__ import annotations

import functools
import os
import re

_ARGUMENT = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=(?!=)\s*(.*)$")
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)\s*$")
_LOCALS = re.compile(r"^\s*locals\s*\{\s*$")
_MAX_CONTINUATION = 20


@functools.lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return tuple(f.read().splitlines())
    except OSError:
        return ()


def block_argument(path: str, start: int, end: int, name: str) -> str | None:
    """The expression text of argument ``name`` set directly in the block on lines
    ``start``..``end`` (1-based, as Checkov reports them) of ``path``; None when it is not set
    there or cannot be read as one expression."""
    lines = _lines(path)
    if not lines or not 1 <= start <= end <= len(lines):
        return None
    return _arguments(lines[start - 1 : end], inside=1, wanted=name).get(name)


@functools.lru_cache(maxsize=64)
def module_locals(directory: str) -> dict[str, str]:
    """Every local value's expression text in the module folder ``directory`` (names defined
    twice are left out: Terraform rejects them, and neither can be trusted)."""
    found: dict[str, str] = {}
    twice: set[str] = set()
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".tf"))
    except OSError:
        return {}
    for file_name in names:
        lines = _lines(os.path.join(directory, file_name))
        i = 0
        while i < len(lines):
            if _LOCALS.match(lines[i]):
                end = _block_end(lines, i)
                for key, value in _arguments(lines[i : end + 1], inside=1).items():
                    if key in found:
                        twice.add(key)
                    found[key] = value
                i = end + 1
            else:
                i += 1
    return {k: v for k, v in found.items() if k not in twice}


def _arguments(lines: tuple[str, ...], inside: int, wanted: str | None = None) -> dict[str, str]:
    """Arguments at nesting depth ``inside`` of ``lines`` (the first line opens the block);
    with ``wanted``, the reading stops once that one is found."""
    out: dict[str, str] = {}
    depth = 0
    heredoc: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            i += 1
            continue
        m = _ARGUMENT.match(line) if depth == inside else None
        if m and _HEREDOC.search(_code(m.group(2))):
            heredoc = _HEREDOC.search(_code(m.group(2))).group(1)  # type: ignore[union-attr]
            i += 1
            continue
        if m:
            text, depth_after, i = _expression(lines, i, m.group(2), depth)
            if text is not None and m.group(1) not in out:
                out[m.group(1)] = text
                if m.group(1) == wanted:
                    break
            depth = depth_after
            continue
        code = _code(line)
        depth += _balance(code)
        h = _HEREDOC.search(code)
        if h:
            heredoc = h.group(1)
        i += 1
    return out


def _expression(lines: tuple[str, ...], i: int, first: str, depth: int) -> tuple[str | None, int, int]:
    """The expression starting with ``first`` on line ``i``, continued while brackets are open:
    (text or None, depth after it, index of the next line)."""
    parts = [_code(first).strip()]
    open_ = _balance(parts[0])
    j = i + 1
    while open_ > 0 and j < len(lines) and j - i <= _MAX_CONTINUATION:
        part = _code(lines[j]).strip()
        parts.append(part)
        open_ += _balance(part)
        j += 1
    if open_ != 0:
        return None, depth + max(open_, 0), j
    return " ".join(p for p in parts if p), depth, j


def _code(line: str) -> str:
    """The line without its comment (``#`` or ``//`` outside strings)."""
    quoted = False
    escaped = False
    for k, ch in enumerate(line):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "#" or line.startswith("//", k):
            return line[:k]
    return line


def _balance(code: str) -> int:
    """Opened minus closed brackets outside strings (``${`` inside a string is balanced there)."""
    total = 0
    quoted = False
    escaped = False
    for ch in code:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch in "{[(":
            total += 1
        elif ch in "}])":
            total -= 1
    return total


def _block_end(lines: tuple[str, ...], start: int) -> int:
    depth = 0
    heredoc: str | None = None
    for k in range(start, len(lines)):
        if heredoc is not None:
            if lines[k].strip() == heredoc:
                heredoc = None
            continue
        code = _code(lines[k])
        depth += _balance(code)
        h = _HEREDOC.search(code)
        if h:
            heredoc = h.group(1)
        if depth <= 0 and k > start:
            return k
    return len(lines) - 1
