"""Operating effectiveness (SOC2_OPS_1..6): the samples a Type II auditor takes from the
organisation's own records, some joined with live AWS data.

Every date comparison is made against the scan's dates (``as_of`` for "today", ``period_end``
for "the end of the audit period"), never the clock, so a past period can be re-judged and a
test gives the same verdict on any day. "12 months before" is calendar arithmetic: the same
day one year earlier is still inside, and 29 February falls back to 28 February.
"""

from __future__ import annotations

import datetime as dt

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.records import (
    AccessReview,
    FindingTickets,
    Identity,
    IncidentExercise,
    IncidentProgram,
    Leaver,
    PolicyDocument,
    QuarterReviews,
    Vendor,
    tickets_naming,
)

HIGH_SEVERITY = 7.0
"""GuardDuty's HIGH band starts at 7.0; the guide asks a ticket for every finding from there."""

IDENTITY_KINDS = {"iam_user": "IAM user", "identity_center_user": "Identity Center user"}

TICKET_FIELDS = (
    ("who investigated", "investigator"),
    ("what was found", "findings_text"),
    ("what action was taken", "action_text"),
)


# -- dates and wording shared by the rules ---------------------------------------------------


def one_year_before(day: dt.date) -> dt.date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _as_of(ctx: RuleContext) -> dt.date:
    if ctx.as_of is None:
        raise ValueError("the scan has no as-of date to judge records against")
    return _day(ctx.as_of)


def _period_end(ctx: RuleContext) -> dt.date:
    """The end of the audit period; a scan without a period is judged as of its as-of date."""
    return _day(ctx.period_end) if ctx.period_end is not None else _as_of(ctx)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _utc(value: dt.datetime) -> dt.datetime:
    """Exports without a zone are read as UTC, which is what GuardDuty and most ticket
    systems write, so that naive and aware times can be compared at all."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _present(text: str | None) -> bool:
    return text is not None and bool(str(text).strip())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _duration(delta: dt.timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    return _plural(minutes, "minute") if minutes else "under a minute"


# -- SOC2_OPS_1 ------------------------------------------------------------------------------


def _describe(identity: Identity) -> str:
    return f"{IDENTITY_KINDS.get(identity.kind, identity.kind)} {identity.name}"


def _access(identity: Identity) -> list[str]:
    """What still lets the identity in. Identity Center assignments count even if unused:
    the auditor reads the assignment, not the sign-in log."""
    out = []
    if require(identity.password_enabled):
        out.append("console password")
    keys = require(identity.active_access_keys)
    if keys:
        out.append(_plural(keys, "active access key"))
    assignments = require(identity.account_assignments)
    if assignments:
        out.append(_plural(assignments, "account assignment"))
    return out


def _exposure(identity: Identity, last_day: dt.date) -> str | None:
    """How the identity outlived its owner's last day, or None when it did not."""
    access = _access(identity)
    used = require(identity.last_used)
    used_after = used is not None and _day(used) > last_day
    if not access and not used_after:
        return None
    text = _describe(identity) + (f" ({', '.join(access)})" if access else " (access since removed)")
    if used_after:
        text += f", used on {_day(used)} after the last day"
    return text


@check(
    "SOC2_OPS_1",
    title="Leavers have no AWS access after their last day",
    severity="HIGH",
    sources=("records", "live"),
    views=Leaver,
    remediation="Remove the leaver's console password and access keys (or delete the IAM user) and every IAM "
    "Identity Center account assignment; automate deprovisioning through SCIM, or check AWS access on every "
    "offboarding ticket before closing it.",
)
def leaver_access(leaver: Leaver, ctx: RuleContext) -> Verdict:
    """Auditors cross-reference the HR termination list with IAM users and Identity Center
    assignments: access remaining after the last day is a finding even if never used, and use
    after the last day is a finding even if the access has since been removed, since it shows
    the access outlived the person. An identity whose owner is uncertain and that still has
    access can never pass: the match must be resolved in the records."""
    today = _as_of(ctx)
    if today <= leaver.last_day:
        when = "today" if today == leaver.last_day else f"in {_plural((leaver.last_day - today).days, 'day')}"
        return Verdict.passed(
            f"Leaver {leaver.person}'s last day {leaver.last_day} is {when}; AWS access must be removed by the end "
            "of that day, so none is overdue yet."
        )
    who = f"{leaver.person} (last day {leaver.last_day})"
    exposed, details = [], []
    for identity in require(leaver.identities):
        exposure = _exposure(identity, leaver.last_day)
        if exposure:
            exposed.append(exposure)
        details.append(exposure or f"{_describe(identity)}: no access left and no use after the last day")
    doubtful = []
    for match in leaver.ambiguous:
        exposure = _exposure(match.identity, leaver.last_day)
        if exposure:
            doubtful.append(f"{exposure}, which {match.reason}")
        details.append(f"ambiguous match {exposure or _describe(match.identity) + ' (no access)'}: {match.reason}")
    if exposed:
        return Verdict.failed(f"Leaver {who} kept AWS access after their last day: {'; '.join(exposed)}.", *details)
    if doubtful:
        return Verdict.failed(
            f"Cannot confirm that leaver {who} has no AWS access: {'; '.join(doubtful)}; record who owns the identity.",
            *details,
        )
    if not details:
        return Verdict.passed(f"Leaver {who}: no AWS identity found.")
    return Verdict.passed(f"Leaver {who} has no AWS access after their last day.", *details)


# -- SOC2_OPS_2 ------------------------------------------------------------------------------


def _response_time(finding: FindingTickets, tickets: tuple) -> str:
    """How long the finding waited for a ticket: the figure an auditor asks about when a
    finding "sat in the console for weeks"."""
    basis, since = ("created", finding.created_at) if finding.created_at else ("last updated", finding.updated_at)
    opened = [t for t in tickets if t.created is not None]
    if not opened:
        return f"no ticket records when it was opened ({', '.join(t.key for t in tickets)})"
    first = min(opened, key=lambda t: _utc(t.created))
    delta = _utc(first.created) - _utc(since)
    if delta < dt.timedelta(0):
        return f"ticket {first.key} was opened {_duration(delta)} before the finding was {basis}"
    return f"ticket {first.key} was opened {_duration(delta)} after the finding was {basis}"


@check(
    "SOC2_OPS_2",
    title="High-severity GuardDuty findings have a documented investigation",
    severity="HIGH",
    sources=("records", "live"),
    views=FindingTickets,
    remediation="Open a ticket for every GuardDuty finding with severity 7 or more, naming the finding ID, and "
    "record who investigated, what they found and what action was taken; keep the ticket for three years.",
)
def finding_tickets(finding: FindingTickets, ctx: RuleContext) -> Verdict | None:
    """A HIGH finding with no ticket, or a ticket that does not say who looked, what they
    found and what they did, is the auditor's evidence that monitoring does not operate.
    The tickets naming a finding are read together: the investigation may span several."""
    if finding.severity < HIGH_SEVERITY:
        return None
    name = f"GuardDuty finding {finding.finding_id} ({finding.title}, severity {finding.severity:g})"
    tickets = tickets_naming(finding.finding_id, require(finding.tickets))
    if not tickets:
        return Verdict.failed(f"{name} has no ticket naming it.")
    keys = ", ".join(t.key for t in tickets)
    details = [_response_time(finding, tickets)]
    if finding.archived:
        details.append("the finding is archived in GuardDuty")
    missing = [label for label, attr in TICKET_FIELDS if not any(_present(getattr(t, attr)) for t in tickets)]
    if missing:
        return Verdict.failed(f"{name} has ticket(s) {keys}, but none records {_join(missing)}.", *details)
    investigators = ", ".join(dict.fromkeys(t.investigator.strip() for t in tickets if _present(t.investigator)))
    return Verdict.passed(
        f"{name} is documented in ticket(s) {keys}: investigated by {investigators}, "
        "with what was found and the action taken.",
        *details,
    )


# -- SOC2_OPS_3 ------------------------------------------------------------------------------


def _tested(record: IncidentExercise, start: dt.date, end: dt.date) -> bool:
    """The exercise or incident happened in the 12 months to the period end, and its review
    was written by the period end: the auditor asks when the plan was last tested, and a
    write-up that did not exist at the period end is not evidence for that period."""
    return start <= record.date <= end and record.review_date is not None and record.review_date <= end


@check(
    "SOC2_OPS_3",
    title="Incident response is tested yearly and its action items are closed on time",
    severity="MEDIUM",
    sources=("records",),
    views=IncidentProgram,
    remediation="Run a tabletop exercise at least once a year (or review every real incident), document the "
    "agenda, attendees, outcomes and action items, and close each action item by its due date.",
)
def incident_program(program: IncidentProgram, ctx: RuleContext) -> Verdict:
    """A runbook is not enough: the auditor asks when it was last tested and whether the
    resulting action items are closed. An item is judged as it stood at the period end; one
    closed late but within the period is closed, and is only mentioned."""
    end = _period_end(ctx)
    start = one_year_before(end)
    records = [r for r in require(program.records) if r.date <= end]
    details, overdue = [], []
    for r in records:
        if r.review_date is None:
            details.append(f"{r.kind} {r.id} on {r.date} has no documented review")
        elif r.review_date > end:
            details.append(f"{r.kind} {r.id} on {r.date} was reviewed on {r.review_date}, after the period end")
        for item in r.action_items:
            open_at_end = item.closed is None or item.closed > end
            label = f"action item '{item.title}' of {r.id}" + (f" (owner {item.owner})" if item.owner else "")
            if item.due is None:
                if open_at_end:
                    details.append(f"{label} is open with no due date")
            elif open_at_end and item.due < end:
                later = f", closed {item.closed}" if item.closed else ""
                overdue.append(f"{label}, due {item.due}{later}")
            elif item.closed is not None and item.closed > item.due:
                late = _plural((item.closed - item.due).days, "day")
                details.append(f"{label} was closed on {item.closed}, {late} after its due date {item.due}")
    tested = sorted((r for r in records if _tested(r, start, end)), key=lambda r: r.date)
    problems = []
    if not tested:
        problems.append(f"no tabletop exercise or incident with a documented review between {start} and {end}")
    if overdue:
        problems.append(
            f"{_plural(len(overdue), 'action item')} open past its due date as of {end}: {'; '.join(overdue)}"
        )
    if problems:
        text = "; ".join(problems)
        return Verdict.failed(f"Incident response: {text}.", *details)
    last = tested[-1]
    return Verdict.passed(
        f"Incident response was last tested by {last.kind} {last.id} on {last.date} (reviewed {last.review_date}), "
        f"within the 12 months to {end}, and no action item is open past its due date.",
        *details,
    )


# -- SOC2_OPS_4 ------------------------------------------------------------------------------


def counts_for_quarter(review: AccessReview, quarter: QuarterReviews, period_end: dt.date) -> bool:
    """A review counts for the calendar quarter it is dated in, even before a period that
    starts mid-quarter (the quarterly control's one run covers its whole quarter; asking for a
    second would test a frequency the control does not have), but never after the period end
    (it could not have been evidence for the period)."""
    return quarter.start <= review.date <= quarter.end and review.date <= period_end


def _review_gaps(review: AccessReview) -> list[str]:
    gaps = []
    if not _present(review.reviewer):
        gaps.append("who reviewed")
    if not _present(review.changes):
        gaps.append("what was changed")
    return gaps


@check(
    "SOC2_OPS_4",
    title="Every quarter of the audit period has a documented access review",
    severity="MEDIUM",
    sources=("records",),
    views=QuarterReviews,
    remediation="Review AWS access every calendar quarter (for example from the IAM credential report and "
    "Identity Center assignments) in a ticket that records who reviewed, when, and what was changed "
    '("none" is an answer).',
)
def quarter_reviews(q: QuarterReviews, ctx: RuleContext) -> Verdict:
    """Informal reviews are not evidence: each quarter needs a review that says who reviewed
    and what changed. A quarter that ends after the period end is not yet due, so it passes
    while no complete review exists, as a leaver does before their last day."""
    end = _period_end(ctx)
    given = sorted(require(q.reviews), key=lambda r: r.date)
    reviews = [r for r in given if counts_for_quarter(r, q, end)]
    complete = [r for r in reviews if not _review_gaps(r)]
    incomplete = [r for r in reviews if _review_gaps(r)]
    details = [f"access review {r.id} on {r.date} does not record {_join(_review_gaps(r))}" for r in incomplete]
    details += [
        f"access review {r.id} on {r.date} does not count for {q.quarter}: "
        + (f"it is after the period end {end}" if q.start <= r.date <= q.end else "it is dated outside the quarter")
        for r in given
        if not counts_for_quarter(r, q, end)
    ]
    if complete:
        r = complete[-1]
        details.insert(0, f"changes recorded by {r.id}: {r.changes.strip()}")
        return Verdict.passed(
            f"Access review {r.id} on {r.date} documents {q.quarter}, reviewed by {r.reviewer.strip()}.", *details
        )
    if q.end > end:
        return Verdict.passed(
            f"{q.quarter} has no complete access review yet, and none is due before the quarter ends on {q.end}, "
            f"after the period end {end}.",
            *details,
        )
    if incomplete:
        ids = ", ".join(r.id for r in incomplete)
        gaps = [g for g in ("who reviewed", "what was changed") if any(g in _review_gaps(r) for r in incomplete)]
        return Verdict.failed(
            f"The access review(s) for {q.quarter} ({ids}) do not record {' and '.join(gaps)}.", *details
        )
    return Verdict.failed(f"No access review is documented for {q.quarter} ({q.start} to {q.end}).", *details)


# -- SOC2_OPS_5 ------------------------------------------------------------------------------


@check(
    "SOC2_OPS_5",
    title="Vendors with customer data are reviewed yearly and under contract",
    severity="MEDIUM",
    sources=("records",),
    views=Vendor,
    remediation="For each vendor with access to customer data, review its security posture at least yearly, "
    "record its SOC 2 report status, and keep a signed DPA (and a BAA where it handles health data).",
)
def vendor_review(v: Vendor, ctx: RuleContext) -> Verdict | None:
    """CC9.2 asks for vendor risk management of every service that touches customer data;
    "none" is a recorded SOC 2 status (the vendor has no report), a blank is not. Every gap is
    listed so that one review fixes them all."""
    if not v.customer_data_access:
        return None
    today = _as_of(ctx)
    oldest = one_year_before(today)
    gaps, details = [], []
    if v.last_review is None:
        gaps.append("no security review recorded")
    elif v.last_review < oldest:
        gaps.append(f"last security review {v.last_review} is more than 12 months before {today}")
    if not _present(v.soc2_status):
        gaps.append("no SOC 2 report status recorded")
    elif v.soc2_status.strip().lower() == "none":
        details.append("the vendor has no SOC 2 report: the security review is the only assurance on record")
    if not v.dpa_signed:
        gaps.append("no signed DPA")
    if v.health_data and not v.baa_signed:
        gaps.append("handles health data without a signed BAA")
    if gaps:
        return Verdict.failed(f"Vendor {v.name} has access to customer data but {'; '.join(gaps)}.", *details)
    contracts = "a signed DPA and BAA" if v.health_data else "a signed DPA"
    return Verdict.passed(
        f"Vendor {v.name} was last reviewed on {v.last_review}, has SOC 2 status '{v.soc2_status.strip()}' "
        f"and {contracts}.",
        *details,
    )


# -- SOC2_OPS_6 ------------------------------------------------------------------------------


@check(
    "SOC2_OPS_6",
    title="Policy documents are under version control",
    severity="LOW",
    sources=("records",),
    views=PolicyDocument,
    remediation="Commit the policy document to the policy repository (or keep it where a revision history "
    "is retained) so that every change during the audit period can be shown.",
)
def policy_versioned(doc: PolicyDocument, ctx: RuleContext) -> Verdict:
    """The auditor asks "has this policy changed during the period?"; with a history the
    answer exists either way, so an unchanged policy passes."""
    if not require(doc.tracked):
        return Verdict.failed(
            f"Policy document {doc.path} is not under version control, so whether it changed during the period "
            "cannot be shown.",
            *doc.history,
        )
    commits = require(doc.commits_in_period)
    period = f" {ctx.period_start} to {ctx.period_end}" if ctx.period_start and ctx.period_end else ""
    last = f"last changed on {_day(doc.last_change)}" if doc.last_change else "no recorded change date"
    return Verdict.passed(
        f"Policy document {doc.path} is under version control: {_plural(commits, 'commit')} in the period{period}, "
        f"{last}.",
        *doc.history,
    )
