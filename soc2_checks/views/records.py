"""Views over the organisation's own records, joined with live data where a rule needs it
(SOC2_OPS_1..6: what a Type II auditor samples)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import Maybe


@dataclass(frozen=True)
class Identity:
    """One AWS identity matched to a person: an IAM user or an Identity Center user."""

    kind: str  # "iam_user" | "identity_center_user"
    name: str
    password_enabled: Maybe[bool] = False
    active_access_keys: Maybe[int] = 0
    account_assignments: Maybe[int] = 0  # Identity Center: assignments across accounts
    last_used: Maybe[dt.datetime | None] = None


@dataclass(frozen=True)
class Leaver:
    """A person on the HR termination list with every AWS identity matched to them."""

    person: str
    email: str | None
    last_day: dt.date
    identities: Maybe[tuple[Identity, ...]]
    ambiguous: tuple[str, ...] = ()  # identities that match by one key but not another


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
    history: tuple[str, ...] = field(default_factory=tuple)
