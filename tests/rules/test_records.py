"""SOC2_OPS_1..6 through the engine, table by table: the verdict a user gets for each
situation an auditor samples, including the date edges (today, exactly 12 months, 29 February)."""

from __future__ import annotations

import datetime as dt

import pytest

from soc2_checks.engine import run_check
from soc2_checks.mapping import load_mapping
from soc2_checks.model import Missing, Severity, Source, Status, Unknown
from soc2_checks.plugins import load
from soc2_checks.registry import RuleContext
from soc2_checks.schemas import mappings_dir
from soc2_checks.views.records import (
    AccessReview,
    ActionItem,
    AmbiguousMatch,
    FindingTickets,
    Identity,
    IncidentExercise,
    IncidentProgram,
    Leaver,
    PolicyDocument,
    Quarter,
    QuarterReviews,
    Ticket,
    Vendor,
    quarters,
    tickets_naming,
)

D = dt.date
UTC = dt.UTC
OPS_IDS = [f"SOC2_OPS_{n}" for n in range(1, 7)]
DENIED = Missing("iam:GenerateCredentialReport", "AccessDenied", "iam:GenerateCredentialReport")


@pytest.fixture(scope="module")
def registry():
    return load(load_entry_points=False).registry


def judge(registry, check_id, view, ctx):
    return run_check(registry.get(check_id), view, ctx)


def assert_verdict(verdict, status, message_parts=(), detail_parts=()):
    if status is None:
        assert verdict is None
        return
    assert verdict is not None
    assert verdict.status == status, verdict
    for part in message_parts:
        assert part in verdict.message, (part, verdict.message)
    details = "\n".join(verdict.details)
    for part in detail_parts:
        assert part in details, (part, details)


# -- SOC2_OPS_1: leavers ---------------------------------------------------------------------

LAST_DAY = D(2026, 2, 27)
AFTER = RuleContext(as_of=D(2026, 3, 10))


def iam(name="jdoe", password=False, keys=0, last_used=None):
    return Identity("iam_user", name, password_enabled=password, active_access_keys=keys, last_used=last_used)


def sso(name="jane.doe@example.com", assignments=0, last_used=None):
    return Identity("identity_center_user", name, account_assignments=assignments, last_used=last_used)


def leaver(*identities, ambiguous=(), last_day=LAST_DAY):
    return Leaver("Jane Doe", "jane.doe@example.com", last_day, tuple(identities), tuple(ambiguous))


REHIRED = "matches by email, but belongs to current employee Jane Smith"

LEAVER_CASES = [
    pytest.param(
        leaver(iam(password=True)),
        AFTER,
        Status.FAILED,
        ["Jane Doe", "IAM user jdoe (console password)"],
        id="password",
    ),
    pytest.param(leaver(iam(keys=2)), AFTER, Status.FAILED, ["2 active access keys"], id="keys-never-used"),
    pytest.param(
        leaver(sso(assignments=1)),
        AFTER,
        Status.FAILED,
        ["Identity Center user jane.doe@example.com (1 account assignment)"],
        id="identity-center-assignment-never-used",
    ),
    pytest.param(
        leaver(iam(keys=1, last_used=dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC))),
        AFTER,
        Status.FAILED,
        ["used on 2026-03-02 after the last day"],
        id="used-after-last-day",
    ),
    pytest.param(
        leaver(iam(last_used=dt.datetime(2026, 3, 2, tzinfo=UTC))),
        AFTER,
        Status.FAILED,
        ["access since removed", "used on 2026-03-02"],
        id="used-after-last-day-then-removed",
    ),
    pytest.param(
        leaver(iam(last_used=dt.datetime(2026, 2, 27, 17, tzinfo=UTC))),
        AFTER,
        Status.PASSED,
        ["has no AWS access after their last day"],
        id="last-use-on-the-last-day-and-removed",
    ),
    pytest.param(leaver(), AFTER, Status.PASSED, ["Jane Doe", "no AWS identity found"], id="no-identity"),
    pytest.param(
        leaver(iam(password=True), last_day=D(2026, 3, 10)),
        AFTER,
        Status.PASSED,
        ["is today", "must be removed by the end of that day"],
        id="terminated-today",
    ),
    pytest.param(
        leaver(iam(password=True), last_day=D(2026, 3, 15)), AFTER, Status.PASSED, ["in 5 days"], id="leaves-later"
    ),
    pytest.param(
        leaver(ambiguous=[AmbiguousMatch(sso("jdoe2", assignments=3), REHIRED)]),
        AFTER,
        Status.FAILED,
        ["Cannot confirm", "Identity Center user jdoe2 (3 account assignments)", "current employee Jane Smith"],
        id="also-current-employee-under-another-name",
    ),
    pytest.param(
        leaver(ambiguous=[AmbiguousMatch(sso("jdoe2"), REHIRED)]),
        AFTER,
        Status.PASSED,
        ["has no AWS access"],
        id="ambiguous-without-access",
    ),
    pytest.param(
        Leaver("Jane Doe", None, LAST_DAY, DENIED),
        AFTER,
        Status.ERROR,
        ["iam:GenerateCredentialReport failed: AccessDenied (needs iam:GenerateCredentialReport)"],
        id="identities-not-read",
    ),
    pytest.param(
        leaver(iam(password=True, last_used=DENIED)), AFTER, Status.ERROR, ["AccessDenied"], id="last-used-not-read"
    ),
    pytest.param(
        leaver(iam(keys=Unknown("credential report row unparseable"))),
        AFTER,
        Status.FAILED,
        ["Cannot be confirmed", "unparseable"],
        id="unknown-key-state",
    ),
    pytest.param(leaver(iam(password=True)), RuleContext(), Status.ERROR, ["as-of date"], id="no-as-of-date"),
]


@pytest.mark.parametrize(("view", "ctx", "status", "parts"), LEAVER_CASES)
def test_leaver(registry, view, ctx, status, parts):
    assert_verdict(judge(registry, "SOC2_OPS_1", view, ctx), status, parts)


def test_leaver_ambiguous_match_is_named_beside_a_confirmed_one(registry):
    view = leaver(iam(password=True), ambiguous=[AmbiguousMatch(sso("jdoe2", assignments=1), REHIRED)])
    verdict = judge(registry, "SOC2_OPS_1", view, AFTER)
    assert_verdict(verdict, Status.FAILED, ["IAM user jdoe"], ["ambiguous match Identity Center user jdoe2", REHIRED])
    assert "jdoe2" not in verdict.message


# -- SOC2_OPS_2: GuardDuty findings and their tickets ----------------------------------------

FID = "8ec6f2f0c5e2b1a34a8d1f3c2b7e9a10"
CREATED = dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
IN_PERIOD = RuleContext(as_of=D(2026, 3, 10), period_start=D(2026, 1, 1), period_end=D(2026, 3, 31))


def ticket(key="SEC-1", ids=(FID,), created=CREATED + dt.timedelta(hours=2, minutes=30), **fields):
    values = {"investigator": "Alice Ng", "findings_text": "CI key used from new ASN", "action_text": "key rotated"}
    values.update(fields)
    return Ticket(key, tuple(ids), created, **values)


def finding(*tickets, severity=8.0, created_at=CREATED, archived=False, fid=FID):
    return FindingTickets(
        fid, severity, "UnauthorizedAccess:IAMUser/MaliciousIPCaller", CREATED, created_at, archived, tuple(tickets)
    )


FINDING_CASES = [
    pytest.param(finding(), Status.FAILED, [FID, "severity 8", "has no ticket naming it"], (), id="no-ticket"),
    pytest.param(
        finding(ticket(ids=("0000aaaa",))), Status.FAILED, ["has no ticket naming it"], (), id="ticket-for-another"
    ),
    pytest.param(
        finding(ticket(action_text=None)),
        Status.FAILED,
        ["SEC-1", "none records what action was taken"],
        (),
        id="no-action",
    ),
    pytest.param(
        finding(ticket(investigator="  ", findings_text="")),
        Status.FAILED,
        ["none records who investigated or what was found"],
        (),
        id="blank-investigator-and-findings",
    ),
    pytest.param(
        finding(ticket()),
        Status.PASSED,
        ["SEC-1", "investigated by Alice Ng"],
        ["SEC-1 was opened 2 hours 30 minutes after the finding was created"],
        id="documented",
    ),
    pytest.param(
        finding(
            ticket("SEC-1", action_text=None, created=CREATED + dt.timedelta(days=3)),
            ticket("SEC-2", investigator=None, findings_text=None, created=CREATED + dt.timedelta(days=1, hours=2)),
        ),
        Status.PASSED,
        ["SEC-1, SEC-2"],
        ["SEC-2 was opened 1 day 2 hours after"],
        id="two-tickets-together",
    ),
    pytest.param(
        finding(ticket(), created_at=None),
        Status.PASSED,
        [],
        ["after the finding was last updated"],
        id="no-created-at-uses-updated-at",
    ),
    pytest.param(
        finding(ticket(created=dt.datetime(2026, 1, 10, 8, 45))),
        Status.PASSED,
        [],
        ["45 minutes after"],
        id="naive-ticket-time-read-as-utc",
    ),
    pytest.param(
        finding(ticket(ids=(FID.upper(),), created=None)),
        Status.PASSED,
        [],
        ["no ticket records when it was opened"],
        id="id-typed-in-upper-case",
    ),
    pytest.param(finding(ticket(), archived=True), Status.PASSED, [], ["archived"], id="archived-still-needs-ticket"),
    pytest.param(finding(severity=7.0), Status.FAILED, ["severity 7"], (), id="severity-7-applies"),
    pytest.param(finding(severity=6.9), None, [], (), id="below-7-not-judged"),
    pytest.param(
        FindingTickets(FID, 8.0, "t", CREATED, CREATED, False, Missing("tickets export", "file not given")),
        Status.ERROR,
        ["tickets export failed: file not given"],
        (),
        id="tickets-not-read",
    ),
]


@pytest.mark.parametrize(("view", "status", "parts", "detail_parts"), FINDING_CASES)
def test_finding_tickets(registry, view, status, parts, detail_parts):
    assert_verdict(judge(registry, "SOC2_OPS_2", view, IN_PERIOD), status, parts, detail_parts)


def test_ticket_naming_two_findings_counts_for_both(registry):
    other = "1f0e2d3c4b5a69788796a5b4c3d2e1f0"
    shared = ticket("SEC-9", ids=(FID, other))
    export = (shared, ticket("SEC-10", ids=("unrelated",)))
    for fid in (FID, other):
        assert tickets_naming(fid, export) == (shared,)
        verdict = judge(registry, "SOC2_OPS_2", finding(*export, fid=fid), IN_PERIOD)
        assert_verdict(verdict, Status.PASSED, [fid, "SEC-9"])
        assert "SEC-10" not in verdict.message


# -- SOC2_OPS_3: incident response testing ---------------------------------------------------

END = RuleContext(as_of=D(2026, 4, 15), period_start=D(2025, 4, 1), period_end=D(2026, 3, 31))


def program(*records):
    return IncidentProgram(tuple(records))


def tabletop(day, review=True, *items, kind="tabletop", rid="TT-1"):
    reviewed = (day + dt.timedelta(days=3)) if review is True else review
    return IncidentExercise(rid, kind, day, reviewed or None, tuple(items))


def item(due, closed=None, title="Rotate break-glass keys"):
    return ActionItem(title, due, closed, owner="Bob")


def ctx_end(day):
    return RuleContext(as_of=day, period_end=day)


INCIDENT_CASES = [
    pytest.param(
        program(),
        END,
        Status.FAILED,
        ["no tabletop exercise or incident with a documented review between 2025-03-31 and 2026-03-31"],
        (),
        id="nothing",
    ),
    pytest.param(program(tabletop(D(2025, 6, 1))), END, Status.PASSED, ["tabletop TT-1 on 2025-06-01"], (), id="ok"),
    pytest.param(
        program(tabletop(D(2025, 3, 31), D(2025, 4, 2))), END, Status.PASSED, [], (), id="exactly-12-months-ago"
    ),
    pytest.param(
        program(tabletop(D(2025, 3, 30), D(2025, 4, 2))), END, Status.FAILED, ["no tabletop"], (), id="a-day-too-old"
    ),
    pytest.param(
        program(tabletop(D(2025, 9, 1), False)),
        END,
        Status.FAILED,
        ["no tabletop"],
        ["tabletop TT-1 on 2025-09-01 has no documented review"],
        id="no-review",
    ),
    pytest.param(
        program(tabletop(D(2026, 3, 20), D(2026, 4, 5))),
        END,
        Status.FAILED,
        ["no tabletop"],
        ["reviewed on 2026-04-05, after the period end"],
        id="review-after-period-end",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, kind="incident", rid="INC-7")),
        END,
        Status.PASSED,
        ["incident INC-7"],
        (),
        id="real-incident-counts",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, item(D(2026, 1, 15)), kind="incident", rid="INC-7")),
        END,
        Status.FAILED,
        [
            "1 action item open past its due date as of 2026-03-31",
            "'Rotate break-glass keys' of INC-7 (owner Bob), due 2026-01-15",
        ],
        (),
        id="open-past-due",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, item(D(2026, 1, 15), D(2026, 4, 2)), rid="INC-7")),
        END,
        Status.FAILED,
        ["due 2026-01-15, closed 2026-04-02"],
        (),
        id="closed-only-after-period-end",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, item(D(2026, 1, 15), D(2026, 1, 20)))),
        END,
        Status.PASSED,
        ["no action item is open past its due date"],
        ["closed on 2026-01-20, 5 days after its due date 2026-01-15"],
        id="closed-late-within-period",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, item(D(2026, 3, 31)), item(D(2026, 5, 1)))),
        END,
        Status.PASSED,
        [],
        (),
        id="open-not-yet-due",
    ),
    pytest.param(
        program(tabletop(D(2025, 11, 3), True, item(None))),
        END,
        Status.PASSED,
        [],
        ["is open with no due date"],
        id="open-without-due-date",
    ),
    pytest.param(
        program(tabletop(D(2027, 2, 28))), ctx_end(D(2028, 2, 29)), Status.PASSED, [], (), id="feb29-end-year-before"
    ),
    pytest.param(
        program(tabletop(D(2027, 2, 27))), ctx_end(D(2028, 2, 29)), Status.FAILED, [], (), id="feb29-end-too-old"
    ),
    pytest.param(
        program(tabletop(D(2024, 2, 29))), ctx_end(D(2025, 2, 28)), Status.PASSED, [], (), id="feb29-exercise-in"
    ),
    pytest.param(
        program(tabletop(D(2024, 2, 29))), ctx_end(D(2025, 3, 1)), Status.FAILED, [], (), id="feb29-exercise-out"
    ),
    pytest.param(
        program(tabletop(D(2025, 6, 1))),
        RuleContext(as_of=D(2026, 7, 1)),
        Status.FAILED,
        ["between 2025-07-01 and 2026-07-01"],
        (),
        id="no-period-uses-as-of",
    ),
    pytest.param(
        IncidentProgram(Missing("incident records", "records/incidents.yaml not found")),
        END,
        Status.ERROR,
        ["incidents.yaml not found"],
        (),
        id="records-not-read",
    ),
]


@pytest.mark.parametrize(("view", "ctx", "status", "parts", "detail_parts"), INCIDENT_CASES)
def test_incident_program(registry, view, ctx, status, parts, detail_parts):
    assert_verdict(judge(registry, "SOC2_OPS_3", view, ctx), status, parts, detail_parts)


# -- SOC2_OPS_4: quarterly access reviews ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            D(2025, 2, 15),
            D(2026, 2, 14),
            [
                ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
                ("2025-Q2", D(2025, 4, 1), D(2025, 6, 30)),
                ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)),
                ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
                ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
            ],
            id="starts-mid-quarter",
        ),
        pytest.param(D(2025, 4, 1), D(2025, 9, 30), ["2025-Q2", "2025-Q3"], id="quarter-aligned"),
        pytest.param(D(2024, 3, 31), D(2024, 4, 1), ["2024-Q1", "2024-Q2"], id="two-days-two-quarters"),
        pytest.param(D(2024, 2, 29), D(2024, 2, 29), ["2024-Q1"], id="one-day"),
    ],
)
def test_quarters(start, end, expected):
    got = quarters(start, end)
    assert all(isinstance(q, Quarter) for q in got)
    if isinstance(expected[0], str):
        assert [q.label for q in got] == expected
    else:
        assert got == expected


def test_quarters_rejects_a_reversed_period():
    with pytest.raises(ValueError, match="before period start"):
        quarters(D(2026, 1, 1), D(2025, 12, 31))


MID = RuleContext(as_of=D(2026, 3, 1), period_start=D(2025, 2, 15), period_end=D(2026, 2, 14))
Q1_2025 = ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31))
Q2_2025 = ("2025-Q2", D(2025, 4, 1), D(2025, 6, 30))
Q1_2026 = ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31))


def quarter(q, *reviews):
    return QuarterReviews(*q, tuple(reviews))


def review(day, reviewer="Carol Diaz", changes="removed 2 users", rid="AR-1"):
    return AccessReview(rid, day, reviewer, changes)


QUARTER_CASES = [
    pytest.param(
        quarter(Q1_2025, review(D(2025, 1, 20))),
        Status.PASSED,
        ["AR-1 on 2025-01-20 documents 2025-Q1", "Carol Diaz"],
        ["removed 2 users"],
        id="mid-quarter-start-review-before-period",
    ),
    pytest.param(quarter(Q2_2025), Status.FAILED, ["No access review is documented for 2025-Q2"], (), id="no-review"),
    pytest.param(
        quarter(Q2_2025, review(D(2025, 5, 2), reviewer=None)),
        Status.FAILED,
        ["2025-Q2 (AR-1) do not record who reviewed"],
        (),
        id="no-reviewer",
    ),
    pytest.param(
        quarter(Q2_2025, review(D(2025, 5, 2), changes=" ")),
        Status.FAILED,
        ["do not record what was changed"],
        ["AR-1 on 2025-05-02 does not record what was changed"],
        id="no-changes-recorded",
    ),
    pytest.param(
        quarter(Q2_2025, review(D(2025, 5, 2), changes="none")),
        Status.PASSED,
        [],
        ["changes recorded by AR-1: none"],
        id="none-is-recorded",
    ),
    pytest.param(
        quarter(Q2_2025, review(D(2025, 5, 2), reviewer=None, rid="AR-1"), review(D(2025, 6, 9), rid="AR-2")),
        Status.PASSED,
        ["AR-2"],
        ["AR-1 on 2025-05-02 does not record who reviewed"],
        id="one-complete-review-is-enough",
    ),
    pytest.param(
        quarter(Q2_2025, review(D(2025, 7, 2))),
        Status.FAILED,
        ["No access review is documented for 2025-Q2"],
        ["dated outside the quarter"],
        id="review-from-another-quarter",
    ),
    pytest.param(
        quarter(Q1_2026),
        Status.PASSED,
        ["none is due before the quarter ends on 2026-03-31"],
        (),
        id="last-quarter-not-yet-due",
    ),
    pytest.param(
        quarter(Q1_2026, review(D(2026, 2, 20))),
        Status.PASSED,
        ["2026-Q1 has no complete access review yet"],
        ["AR-1 on 2026-02-20 does not count for 2026-Q1: it is after the period end 2026-02-14"],
        id="review-after-period-end-does-not-count",
    ),
    pytest.param(
        quarter(Q1_2026, review(D(2026, 1, 20), reviewer="")),
        Status.PASSED,
        ["none is due before the quarter ends"],
        ["AR-1 on 2026-01-20 does not record who reviewed"],
        id="last-quarter-incomplete-review-named",
    ),
    pytest.param(
        QuarterReviews(*Q2_2025, Missing("access reviews", "records/access-reviews.csv not found")),
        Status.ERROR,
        ["access-reviews.csv"],
        (),
        id="records-not-read",
    ),
]


@pytest.mark.parametrize(("view", "status", "parts", "detail_parts"), QUARTER_CASES)
def test_quarter_reviews(registry, view, status, parts, detail_parts):
    assert_verdict(judge(registry, "SOC2_OPS_4", view, MID), status, parts, detail_parts)


# -- SOC2_OPS_5: vendors ---------------------------------------------------------------------

TODAY = RuleContext(as_of=D(2026, 3, 10))


def vendor(
    name="Datadog",
    data=True,
    health=False,
    reviewed=D(2025, 9, 1),
    soc2="type2",
    dpa=True,
    baa=None,
):
    return Vendor(name, data, health, reviewed, soc2, dpa, baa)


VENDOR_CASES = [
    pytest.param(vendor(data=False, reviewed=None, dpa=False), TODAY, None, [], (), id="no-customer-data"),
    pytest.param(
        vendor(), TODAY, Status.PASSED, ["Datadog", "2025-09-01", "type2", "a signed DPA."], (), id="complete"
    ),
    pytest.param(vendor(reviewed=D(2025, 3, 10)), TODAY, Status.PASSED, [], (), id="reviewed-exactly-12-months-ago"),
    pytest.param(
        vendor(reviewed=D(2025, 3, 9)),
        TODAY,
        Status.FAILED,
        ["last security review 2025-03-09 is more than 12 months before 2026-03-10"],
        (),
        id="review-too-old",
    ),
    pytest.param(vendor(reviewed=None), TODAY, Status.FAILED, ["no security review recorded"], (), id="never-reviewed"),
    pytest.param(vendor(soc2=None), TODAY, Status.FAILED, ["no SOC 2 report status recorded"], (), id="no-soc2"),
    pytest.param(vendor(soc2=" "), TODAY, Status.FAILED, ["no SOC 2 report status recorded"], (), id="blank-soc2"),
    pytest.param(
        vendor(soc2="none"), TODAY, Status.PASSED, ["'none'"], ["has no SOC 2 report"], id="no-report-is-recorded"
    ),
    pytest.param(vendor(dpa=False), TODAY, Status.FAILED, ["no signed DPA"], (), id="no-dpa"),
    pytest.param(vendor(health=True), TODAY, Status.FAILED, ["without a signed BAA"], (), id="health-no-baa"),
    pytest.param(
        vendor(health=True, baa=False), TODAY, Status.FAILED, ["without a signed BAA"], (), id="health-baa-unsigned"
    ),
    pytest.param(vendor(health=True, baa=True), TODAY, Status.PASSED, ["DPA and BAA"], (), id="health-with-baa"),
    pytest.param(
        vendor(reviewed=None, soc2=None, dpa=False, health=True),
        TODAY,
        Status.FAILED,
        ["no security review recorded; no SOC 2 report status recorded; no signed DPA; handles health data"],
        (),
        id="every-gap-listed",
    ),
    pytest.param(
        vendor(reviewed=D(2027, 2, 28)), RuleContext(as_of=D(2028, 2, 29)), Status.PASSED, [], (), id="feb29-in"
    ),
    pytest.param(
        vendor(reviewed=D(2027, 2, 27)), RuleContext(as_of=D(2028, 2, 29)), Status.FAILED, [], (), id="feb29-out"
    ),
]


@pytest.mark.parametrize(("view", "ctx", "status", "parts", "detail_parts"), VENDOR_CASES)
def test_vendor(registry, view, ctx, status, parts, detail_parts):
    assert_verdict(judge(registry, "SOC2_OPS_5", view, ctx), status, parts, detail_parts)


# -- SOC2_OPS_6: policy documents ------------------------------------------------------------

POLICY_CASES = [
    pytest.param(
        PolicyDocument("policies/access-control.md", tracked=False),
        Status.FAILED,
        ["policies/access-control.md is not under version control"],
        (),
        id="untracked",
    ),
    pytest.param(
        PolicyDocument("policies/ir.md", True, 0, dt.datetime(2024, 11, 2, 10, tzinfo=UTC)),
        Status.PASSED,
        ["0 commits in the period 2025-04-01 to 2026-03-31", "last changed on 2024-11-02"],
        (),
        id="unchanged-in-period",
    ),
    pytest.param(
        PolicyDocument(
            "policies/ir.md",
            True,
            2,
            dt.datetime(2025, 6, 1, 12, tzinfo=UTC),
            ("2025-06-01 abc1234 Alice: name the on-call rota", "2025-05-02 def5678 Bob: add ransomware play"),
        ),
        Status.PASSED,
        ["2 commits"],
        ["abc1234", "def5678"],
        id="changed-in-period",
    ),
    pytest.param(
        PolicyDocument("policies/ir.md", Missing("git log", "not a git repository")),
        Status.ERROR,
        ["not a git repository"],
        (),
        id="git-not-read",
    ),
]


@pytest.mark.parametrize(("view", "status", "parts", "detail_parts"), POLICY_CASES)
def test_policy_document(registry, view, status, parts, detail_parts):
    assert_verdict(judge(registry, "SOC2_OPS_6", view, END), status, parts, detail_parts)


# -- registry and mapping --------------------------------------------------------------------


@pytest.mark.parametrize("check_id", OPS_IDS)
def test_registered_with_metadata(registry, check_id):
    c = registry.get(check_id)
    assert c.plugin == "soc2_checks.builtin"
    assert c.title and c.remediation and c.description
    assert isinstance(c.severity, Severity)
    live = check_id in ("SOC2_OPS_1", "SOC2_OPS_2")
    assert c.sources == frozenset({Source.RECORDS, Source.LIVE} if live else {Source.RECORDS})


def test_every_ops_check_is_mapped(registry):
    import yaml

    # Every ID the shipped mapping names is known, so the merge validates it whatever else is registered.
    shipped = yaml.safe_load((mappings_dir() / "checks.yaml").read_text())["checks"]
    mapping = load_mapping(set(registry.ids()) | set(shipped))
    assert {c: mapping.criteria_for(c) for c in OPS_IDS} == {
        "SOC2_OPS_1": ["CC6.2", "CC6.3"],
        "SOC2_OPS_2": ["CC7.3", "CC7.4"],
        "SOC2_OPS_3": ["CC7.4", "CC7.5"],
        "SOC2_OPS_4": ["CC6.2", "CC6.3"],
        "SOC2_OPS_5": ["CC9.2"],
        "SOC2_OPS_6": ["CC5.3"],
    }
