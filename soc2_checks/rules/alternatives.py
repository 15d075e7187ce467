"""Judging "is at least one of these good?" (or "is any of these bad?") when some of the
candidates could not be read or resolved.

One provably good trail, detector or alerting rule settles a baseline row even when another
one is unreadable, and one provably open security-group rule settles a FAILED even when
another is unresolved. Only when nothing decides does the unread or unresolved value speak:
unread data first (ERROR: the scan is incomplete, the unread candidate might have been the
good one), then unresolved values (FAILED "cannot be confirmed", never PASSED).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ..model import MissingData, UnresolvedValue

T = TypeVar("T")


class Undecided:
    """Collects the first unread and the first unresolved value met while judging candidates."""

    def __init__(self) -> None:
        self._missing: MissingData | None = None
        self._unknown: UnresolvedValue | None = None

    def attempt(self, fn: Callable[..., T], *args: object) -> T | None:
        """Run one candidate's judgement; None when it stopped on an unread or unresolved value."""
        try:
            return fn(*args)
        except MissingData as exc:
            self._missing = self._missing or exc
        except UnresolvedValue as exc:
            self._unknown = self._unknown or exc
        return None

    def __bool__(self) -> bool:
        return self._missing is not None or self._unknown is not None

    def reraise(self) -> None:
        """Stop the rule the way :func:`~soc2_checks.model.require` would, if anything was undecided."""
        if self._missing is not None:
            raise self._missing
        if self._unknown is not None:
            raise self._unknown


def first_sound(items: Iterable[T], shortfalls: Callable[[T], list[str]]) -> tuple[T | None, list[tuple[T, list[str]]]]:
    """The first item with no shortfall ("one good trail settles the account"), or None with
    every judged item's shortfalls. An unread or unresolved item matters only when no item
    settles it, and then stops the rule as :func:`~soc2_checks.model.require` would."""
    undecided = Undecided()
    judged: list[tuple[T, list[str]]] = []
    for item in items:
        problems = undecided.attempt(shortfalls, item)
        if problems == []:
            return item, []
        if problems:
            judged.append((item, problems))
    undecided.reraise()
    return None, judged
