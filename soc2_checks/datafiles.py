"""Reading user-supplied data files safely, with line numbers for every error.

Registers, mappings and records are written by hand and reviewed in pull requests, so every
complaint names the file and the line (and the field, once the schema has spoken). Files are
bounded in size and YAML aliases are bounded in number, so a hostile or broken file fails fast
instead of exhausting memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 1000
MAX_EXPANDED_NODES = 200_000

PathKey = tuple[str | int, ...]


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses alias bombs and remembers the line of every node."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"more than {MAX_ALIASES} YAML aliases (line {event.start_mark.line + 1}); "
                    "refusing a possible alias bomb"
                )
        return super().compose_node(parent, index)


# Timestamps stay strings: dates are validated by the schemas and parsed explicitly, so that
# "2026-13-01" is a clear error rather than a YAML-level surprise.
_BoundedLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except OSError as exc:
        raise InputError(p, f"cannot be read: {exc.strerror}") from None
    if p.is_dir():
        raise InputError(p, "is a directory, expected a file")
    if size > max_bytes:
        raise InputError(p, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot be read: {exc.strerror}") from None
    if b"\x00" in raw:
        raise InputError(p, "is a binary file (contains NUL bytes), expected text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(p, "is not valid UTF-8 text", line=line) from None
    return text


class Document:
    """Parsed data plus where each value came from."""

    def __init__(self, path: Path, data: Any, lines: dict[PathKey, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, key: PathKey) -> int | None:
        """The line of the value at ``key``, or of its nearest ancestor."""
        key = tuple(key)
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]

    def error(self, key: PathKey, message: str) -> InputError:
        return InputError(self.path, message, line=self.line_of(key), field=format_path(key) or None)


def format_path(key: PathKey) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    if not text.strip():
        raise InputError(p, "file is empty")
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(p, "file holds no YAML document")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(p, f"YAML syntax error: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(p, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(p, "YAML nesting is too deep") from None
    finally:
        loader.dispose()
    expanded = _expanded_size(node, {}, set())
    if expanded > MAX_EXPANDED_NODES:
        raise InputError(
            p, f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; refusing a possible alias bomb"
        )
    lines: dict[PathKey, int] = {}
    _record_lines(node, (), lines)
    return Document(p, data, lines)


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """How many values the document holds once every alias is expanded. Aliases share nodes,
    so a few lines can stand for billions of values; validation and output would expand them."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        return MAX_EXPANDED_NODES + 1  # a self-referencing alias never ends
    active.add(key)
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, active) + _expanded_size(v, memo, active)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            size += _expanded_size(v, memo, active)
            if size > MAX_EXPANDED_NODES:
                break
    active.discard(key)
    memo[key] = size
    return size


def _record_lines(node: yaml.Node, key: PathKey, lines: dict[PathKey, int], depth: int = 0) -> None:
    if depth > 100:
        return
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else str(k.start_mark.line)
            lines.setdefault(key + (name,), k.start_mark.line + 1)
            _record_lines(v, key + (name,), lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _record_lines(v, key + (i,), lines, depth + 1)


def load_json(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    if not text.strip():
        raise InputError(p, "file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(p, f"JSON syntax error: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputError(p, "JSON nesting is too deep") from None
    return Document(p, data, {})


def load_data(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """YAML or JSON by extension (YAML is a superset, but JSON errors read better as JSON)."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return load_json(p, max_bytes=max_bytes)
    return load_yaml(p, max_bytes=max_bytes)
