"""Which AWS identities belong to a leaver: the join the auditor makes by hand between the HR
termination list and the IAM and Identity Center user lists.

An identity is matched to a person by, strongest first: being listed for them in the HR
records; their e-mail (an Identity Center user's e-mail or user name, an IAM user named by
e-mail); their e-mail's local part as user name (``jane.doe``); their name (an Identity Center
display name, an IAM user called ``janedoe``); their initial and surname (``jdoe``). An
identity that also matches someone else (a current employee, another leaver) has an uncertain
owner and is reported as ambiguous, naming both, unless the leaver's own match is by e-mail or
HR listing and the other's only by a name. An identity HR lists for someone else is theirs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from ..views.records import AmbiguousMatch, Identity
from .hr import Person
from .values import fold_email, fold_name, local_part


class By(enum.IntEnum):
    INITIAL = 1
    NAME = 2
    USER_NAME = 3
    EMAIL = 4
    LISTED = 5


MATCHED_BY = {
    By.INITIAL: "initial and surname",
    By.NAME: "name",
    By.USER_NAME: "user name",
    By.EMAIL: "e-mail",
    By.LISTED: "the HR records listing it",
}
ITS = {
    By.INITIAL: "its user name",
    By.NAME: "its name",
    By.USER_NAME: "its user name",
    By.EMAIL: "its e-mail",
}


@dataclass(frozen=True)
class Candidate:
    """An AWS identity with every key it can be matched by."""

    identity: Identity
    user_name: str
    emails: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def match(person: Person, c: Candidate) -> By | None:
    """How strongly ``c`` matches ``person``, or None."""
    user = c.user_name.casefold()
    emails = {fold_email(e) for e in c.emails}
    if any(a.casefold() == user or fold_email(a) in emails for a in person.aws_identities):
        return By.LISTED
    user_local = fold_name(local_part(user))
    if person.email:
        email = fold_email(person.email)
        if email == user or email in emails:
            return By.EMAIL
        if fold_name(local_part(email)) and fold_name(local_part(email)) == user_local:
            return By.USER_NAME
    name = fold_name(person.name)
    if name and (name == user_local or name in {fold_name(n) for n in c.names}):
        return By.NAME
    initial = _initial_surname(person.name)
    if initial and initial == user_local:
        return By.INITIAL
    return None


def _initial_surname(name: str) -> str:
    parts = [fold_name(p) for p in name.replace(",", " ").split()]
    parts = [p for p in parts if p]
    return parts[0][0] + parts[-1] if len(parts) >= 2 else ""


@dataclass(frozen=True)
class Matches:
    identities: tuple[Identity, ...]
    ambiguous: tuple[AmbiguousMatch, ...]


def matches_for(leaver: Person, everyone: Iterable[Person], candidates: Iterable[Candidate]) -> Matches:
    """The identities that are the leaver's and those whose owner is uncertain. ``everyone``
    is every other person HR knows of (current staff and the other leavers)."""
    others = [p for p in everyone if p is not leaver]
    mine, doubtful = [], []
    for c in candidates:
        by = match(leaver, c)
        if by is None:
            continue
        rivals = sorted(((b, p) for p in others if (b := match(p, c)) is not None), key=lambda x: -x[0])
        if not rivals:
            mine.append(c.identity)
            continue
        top, rival = rivals[0]
        if by == By.LISTED and top < By.LISTED:
            mine.append(c.identity)
        elif top == By.LISTED and by < By.LISTED:
            continue  # HR records it as someone else's
        elif by >= By.EMAIL and top <= By.NAME:
            mine.append(c.identity)
        else:
            doubtful.append(AmbiguousMatch(c.identity, _reason(by, top, rival)))
    return Matches(tuple(mine), tuple(doubtful))


def _reason(by: By, top: By, rival: Person) -> str:
    who = "current employee" if rival.last_day is None else f"leaver (last day {rival.last_day})"
    if top == By.LISTED:
        return f"matches by {MATCHED_BY[by]}, but the HR records also list it for {who} {rival.name}"
    return f"matches by {MATCHED_BY[by]}, but {ITS[top]} belongs to {who} {rival.name}"
