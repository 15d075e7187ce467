"""Views over the organisation's own records, joined with live data where a rule needs it
(SOC2_OPS_1..6: what a Type II auditor samples).

The two helpers at the end, :func:`quarters` and :func:`tickets_naming`, are the joins the
records adapter and the rules must agree on, so they live beside the views both sides use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from . import Maybe


@dataclass(frozen=True)
class Identity:
    """One AWS identity matched to a person: an IAM user or an Identity Center user."""

    kind: str  # "iam_user" | "identity_center_user"
    name: str
    password_enabled: Maybe[bool] = False
    active_access_keys: Maybe[int] = 0
    account_assignments: Maybe[int] = 0  # Identity Center: assignments across accounts
    last_used: Maybe[dt.datetime | None] = None  # latest console sign-in or key use; None: never


@dataclass(frozen=True)
class AmbiguousMatch:
    """An identity that matches a leaver by one key but contradicts the match by another
    (same name, but its email belongs to a current employee), so its owner is not certain."""

    identity: Identity
    reason: str  # e.g. "matches by name, but its email belongs to current employee Jane Roe"


@dataclass(frozen=True)
class Leaver:
    """A person on the HR termination list with every AWS identity matched to them."""

    person: str
    email: str | None
    last_day: dt.date
    identities: Maybe[tuple[Identity, ...]]
    ambiguous: tuple[AmbiguousMatch, ...] = ()


@dataclass(frozen=True)
class Ticket:
    key: str
    finding_ids: tuple[str, ...]
    created: dt.datetime | None
    investigator: str | None  # assignee or a named investigator field
    findings_text: str | None  # what was found
    action_text: str | None  # what action was taken
    status: str | None = None


@dataclass(frozen=True)
class FindingTickets:
    """One GuardDuty finding (severity >= 7, updated in the period) and the tickets naming it."""

    finding_id: str
    severity: float
    title: str
    updated_at: dt.datetime
    created_at: dt.datetime | None
    archived: bool
    tickets: Maybe[tuple[Ticket, ...]]


@dataclass(frozen=True)
class ActionItem:
    title: str
    due: dt.date | None
    closed: dt.date | None  # None = still open
    owner: str | None = None


@dataclass(frozen=True)
class IncidentExercise:
    """A tabletop exercise or a real incident; ``review_date`` is when its post-incident
    review (or the exercise write-up) was documented (None: no review)."""

    id: str
    kind: str  # "tabletop" | "incident"
    date: dt.date
    review_date: dt.date | None
    action_items: tuple[ActionItem, ...] = ()


@dataclass(frozen=True)
class IncidentProgram:
    records: Maybe[tuple[IncidentExercise, ...]]


@dataclass(frozen=True)
class AccessReview:
    id: str
    date: dt.date
    reviewer: str | None
    changes: str | None  # what was changed as a result ("none" is a valid, documented answer)
    scope: str | None = None


@dataclass(frozen=True)
class QuarterReviews:
    """One calendar quarter overlapping the audit period and the reviews dated inside it."""

    quarter: str  # "2026-Q1"
    start: dt.date
    end: dt.date
    reviews: Maybe[tuple[AccessReview, ...]]


@dataclass(frozen=True)
class Vendor:
    name: str
    customer_data_access: bool
    health_data: bool
    last_review: dt.date | None
    soc2_status: str | None  # "type2", "type1", "none", "bridge letter", ...
    dpa_signed: bool
    baa_signed: bool | None = None


@dataclass(frozen=True)
class PolicyDocument:
    path: str
    tracked: Maybe[bool]
    commits_in_period: Maybe[int] = 0
    last_change: dt.datetime | None = None
    history: tuple[str, ...] = field(default_factory=tuple)  # "2025-06-01 abc1234 Alice: tighten MFA wording"


class Quarter(NamedTuple):
    label: str  # "2026-Q1"
    start: dt.date
    end: dt.date


def quarters(period_start: dt.date, period_end: dt.date) -> list[Quarter]:
    """Every calendar quarter that overlaps the period, whole quarters even where the period
    starts or ends inside one: access reviews run on the calendar, not on the audit period."""
    if period_end < period_start:
        raise ValueError(f"period end {period_end} is before period start {period_start}")
    out: list[Quarter] = []
    year, q = period_start.year, (period_start.month - 1) // 3 + 1
    while True:
        start = dt.date(year, 3 * q - 2, 1)
        if start > period_end:
            return out
        next_start = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
        out.append(Quarter(f"{year}-Q{q}", start, next_start - dt.timedelta(days=1)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def tickets_naming(finding_id: str, tickets: Iterable[Ticket]) -> tuple[Ticket, ...]:
    """The tickets that name a finding. A ticket naming several findings documents each of
    them; IDs compare without case because ticket exports are typed by people."""
    wanted = finding_id.strip().lower()
    return tuple(t for t in tickets if any(f.strip().lower() == wanted for f in t.finding_ids))
