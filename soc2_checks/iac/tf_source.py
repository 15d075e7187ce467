"""Arguments read from the Terraform source text, where Checkov's rendering cannot be trusted.

Checkov renders a module's ``locals`` once for all its calls and confuses ``local.create``
with ``var.create``, and its evaluator drops parts of conditions, so a rendered ``count`` can
say that a resource exists when the module call switched it off (or the reverse). The
original expressions of ``count`` and of the locals it reads are taken from the files here,
to be evaluated with each module call's own variables. Only single expressions are read (an
argument on one line, or continued while brackets are open); anything else is not found.

Each file is read, and each block parsed, once per scan: a module's file is asked about for
every resource inside each call of the module. A new scan starts with :func:`forget`, as the
files may have changed since the last one in the same process.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

_ARGUMENT = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=(?!=)\s*(.*)$")
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)\s*$")
_LOCALS = re.compile(r"^\s*locals\s*\{\s*$")
_NESTED = re.compile(r'^\s*(?:dynamic\s+"([\w-]+)"|([A-Za-z_][\w-]*))\s*\{\s*$')
_MAX_CONTINUATION = 20
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')  # to the end of the line when not closed


def forget() -> None:
    """Drop what earlier scans read."""
    _lines.cache_clear()
    _walked.cache_clear()
    module_locals.cache_clear()


@functools.cache
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
    walked = _walked(path, start, end)
    return walked.arguments.get(name) if walked is not None else None


@functools.cache
def _walked(path: str, start: int, end: int) -> _Block | None:
    """One block walked once: a block is asked for its ``count``, its ``for_each``, the
    arguments a view reads from the source and its nested blocks, and a module call for each
    argument a resource inside it reads. Callers must not change what it holds."""
    lines = _lines(path)
    if not lines or not 1 <= start <= end <= len(lines):
        return None
    return _block(lines, start - 1, stop=end)


@functools.cache
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
            if not _LOCALS.match(lines[i]):
                i += 1
                continue
            block = _block(lines, i)
            i = block.end
            for key, value in block.arguments.items():
                if key in found:
                    twice.add(key)
                found[key] = value
    return {k: v for k, v in found.items() if k not in twice}


@dataclass
class Dynamic:
    """A ``dynamic`` block as written: its ``for_each`` text, its iterator's name, the
    dynamic blocks of its ``content`` and the arguments set directly in the ``content``."""

    name: str
    for_each: str | None
    iterator: str
    inner: list[Dynamic] = field(default_factory=list)
    content: dict[str, str] = field(default_factory=dict)


def dynamic_blocks(path: str, start: int, end: int) -> list[Dynamic]:
    """The ``dynamic`` blocks written directly in the block on lines ``start``..``end`` of
    ``path``, in source order."""
    walked = _walked(path, start, end)
    return _dynamics(_lines(path), walked, end) if walked is not None else []


def nested_blocks(path: str, start: int, end: int, name: str) -> list[dict[str, str]]:
    """The arguments of each block ``name`` written directly (not through ``dynamic``) in the
    block on lines ``start``..``end`` of ``path``, in source order."""
    walked = _walked(path, start, end)
    if walked is None:
        return []
    lines = _lines(path)
    return [
        _block(lines, i, stop=end).arguments for dynamic, inner, i in walked.nested if not dynamic and inner == name
    ]


def _dynamics(lines: tuple[str, ...], walked: _Block, stop: int) -> list[Dynamic]:
    """The ``dynamic`` blocks opened directly in the block ``walked``."""
    found = []
    for dynamic, name, i in walked.nested:
        if not dynamic:
            continue
        block = _block(lines, i, stop=stop)
        start = next((j for is_dynamic, inner, j in block.nested if not is_dynamic and inner == "content"), None)
        content = _block(lines, start, stop=stop) if start is not None else _Block({}, i, [])
        found.append(
            Dynamic(
                name,
                block.arguments.get("for_each"),
                block.arguments.get("iterator", name).strip(),
                _dynamics(lines, content, stop),
                content.arguments,
            )
        )
    return found


@dataclass
class _Block:
    arguments: dict[str, str]  # name: expression text
    end: int  # index of the line after the block
    nested: list[tuple[bool, str, int]]  # (dynamic?, name, line) of the blocks opened directly in it


def _block(lines: tuple[str, ...], start: int, stop: int | None = None) -> _Block:
    """One walk over the block whose opening line is ``lines[start]``: its arguments and the
    blocks opened directly inside it (``dynamic "x"`` as x), reading no further than the line
    before ``stop`` (the block's last line as Checkov reports it)."""
    out: dict[str, str] = {}
    nested: list[tuple[bool, str, int]] = []
    depth = 0
    heredoc: str | None = None
    i = start
    stop = len(lines) if stop is None else stop
    while i < stop:
        line = lines[i]
        i += 1
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        m = _ARGUMENT.match(line) if depth == 1 else None
        if m:
            first, change = _scan(m.group(2))
            if _HEREDOC.search(first):
                heredoc = _HEREDOC.search(first).group(1)  # type: ignore[union-attr]
                continue
            text, change, i = _expression(lines, i, first, change, stop)
            depth += change
            if text is not None and m.group(1) not in out:
                out[m.group(1)] = text
            continue
        code, change = _scan(line)
        if depth == 1 and change > 0:
            opened = _NESTED.match(code)
            if opened:
                nested.append((opened.group(1) is not None, opened.group(1) or opened.group(2), i - 1))
        depth += change
        h = _HEREDOC.search(code)
        if h:
            heredoc = h.group(1)
        if depth <= 0 and i - 1 > start:
            break
    return _Block(out, i, nested)


def _expression(lines: tuple[str, ...], i: int, first: str, change: int, stop: int) -> tuple[str | None, int, int]:
    """The expression that starts with ``first`` and continues on the lines from ``i`` while
    brackets are open: (its text or None, brackets it leaves open, index of the next line)."""
    parts = [first.strip()]
    while change > 0 and i < stop and len(parts) <= _MAX_CONTINUATION:
        part, more = _scan(lines[i])
        parts.append(part.strip())
        change += more
        i += 1
    if change != 0:
        return None, max(change, 0), i
    return " ".join(p for p in parts if p), 0, i


def _scan(line: str) -> tuple[str, int]:
    """The line without its comment (``#`` or ``//`` outside strings), and the brackets it opens
    minus those it closes outside strings (``${`` inside a string is balanced there). Most
    lines have no comment: their strings are cut out and the brackets counted in C."""
    if "#" not in line and "/" not in line:
        code = _STRING.sub("", line) if '"' in line else line
        opened = code.count("{") + code.count("[") + code.count("(")
        return line, opened - code.count("}") - code.count("]") - code.count(")")
    balance = 0
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
            return line[:k], balance
        elif ch in "{[(":
            balance += 1
        elif ch in "}])":
            balance -= 1
    return line, balance
