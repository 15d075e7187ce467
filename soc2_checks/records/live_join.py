"""SOC2_OPS_1 and SOC2_OPS_2: records joined with live AWS data, as collectors of the live scan.

The live scan runs collectors on one thread pool and hands every collector all the facts read,
so the leavers' join reuses the IAM credential report the IAM collector already read instead of
reading it twice. :func:`collectors` gives the live scan what to add to its collectors;
:func:`subjects` runs the same reads on their own (with the credential report) for callers
outside a full scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..live import collect
from ..live.calls import Api
from ..live.collect import Facts, Task
from ..live.regions import Scope
from ..live.services import Collector, Inventory, Unscanned, account_ref, guardduty_findings, identity_center
from ..live.services import iam as iam_service
from ..model import Missing, ResourceRef, Unknown
from ..views.records import FindingTickets, Identity, Leaver, tickets_naming
from .adapters import LEAVER_TYPE
from .hr import Person
from .load import LoadedRecords
from .matching import Candidate, match, matches_for

FINDING_TYPE = "AWS::GuardDuty::Finding"
REPORT_KEY = ("iam", "report")
NO_REPORT = Missing("iam:GetCredentialReport", "the IAM credential report was not read in this scan")


def collectors(
    records: LoadedRecords,
    period_start: dt.date | None,
    period_end: dt.date,
    *,
    identity_center_regions: Iterable[str] | None = None,
) -> list[Collector]:
    """The two collectors the live scan adds when records are given. The leavers' collector
    reads Identity Center and needs the IAM collector in the same scan (for the credential
    report); the findings collector reads GuardDuty findings in every region in scope."""
    return [
        leavers_collector(records, identity_center_regions),
        findings_collector(records, period_start, period_end),
    ]


def leavers_collector(records: LoadedRecords, identity_center_regions: Iterable[str] | None = None) -> Collector:
    regions = tuple(identity_center_regions) if identity_center_regions else None
    leavers = records.leavers

    def wanted(user: identity_center.User) -> bool:
        return isinstance(leavers, list) and any(match(p, _ic_candidate(user, 0)) for p in leavers)

    def plan(scope: Scope) -> list[Task]:
        if isinstance(leavers, Missing) or not leavers:
            return []
        return identity_center.plan(scope, wanted, regions)

    def assemble(facts: Facts, scope: Scope) -> Inventory:
        return assemble_leavers(records, facts, scope, wanted, regions)

    return Collector(name=identity_center.NAME, views=(Leaver,), plan=plan, assemble=assemble, regional=False)


def findings_collector(records: LoadedRecords, period_start: dt.date | None, period_end: dt.date) -> Collector:
    since = _midnight(period_start) if period_start else None
    until = _midnight(period_end + dt.timedelta(days=1))

    def plan(scope: Scope) -> list[Task]:
        return guardduty_findings.plan(scope, since, until)

    def assemble(facts: Facts, scope: Scope) -> Inventory:
        return assemble_findings(records, facts, scope)

    return Collector(name=guardduty_findings.NAME, views=(FindingTickets,), plan=plan, assemble=assemble)


def subjects(
    records: LoadedRecords,
    api: Api,
    scope: Scope,
    period_start: dt.date | None,
    period_end: dt.date,
    *,
    workers: int = 4,
    identity_center_regions: Iterable[str] | None = None,
    progress: collect.Progress | None = None,
) -> Inventory:
    """Read what the joins need, the credential report included, and build the OPS_1 and
    OPS_2 views; what could not be read is in ``unscanned``."""
    joined = collectors(records, period_start, period_end, identity_center_regions=identity_center_regions)
    tasks = [Task("iam", None, iam_service.credential_report, "iam credential report")]
    tasks += [t for c in joined for t in c.plan(scope)]
    facts, crashes = collect.run(api, tasks, workers=workers, progress=progress)
    inv = Inventory()
    for c in joined:
        needs = {c.name, "iam"} if c.name == identity_center.NAME else {c.name}
        failed = [x.error for x in crashes if x.service in needs]
        if failed:
            ref = account_ref(scope, f"{c.name} (collection failed)")
            inv.unscanned.append(Unscanned(ref, c.views, f"Collecting {c.name} failed: {'; '.join(failed)}."))
            continue
        part = c.assemble(facts, scope)
        inv.subjects += part.subjects
        inv.unscanned += part.unscanned
        inv.warnings += part.warnings
    return inv


# -- SOC2_OPS_1 ------------------------------------------------------------------------------


def assemble_leavers(
    records: LoadedRecords,
    facts: Facts,
    scope: Scope,
    wanted: identity_center.Wanted = identity_center.everyone,
    regions: tuple[str, ...] | None = None,
) -> Inventory:
    inv = Inventory()
    leavers = records.leavers
    if isinstance(leavers, Missing):
        ref = ResourceRef(id="records/hr-terminations", type=LEAVER_TYPE, name="HR termination list")
        inv.unscanned.append(Unscanned(ref, (Leaver,), f"Data could not be read: {leavers.describe()}."))
        return inv
    if not leavers:
        return inv
    iam = iam_candidates(facts.get(REPORT_KEY, NO_REPORT))
    sso = identity_center_candidates(facts, scope, wanted, regions, inv.warnings)
    everyone = [*records.employees, *leavers]
    for person in leavers:
        inv.add(_leaver_ref(person, scope), _leaver(person, everyone, iam, sso))
    return inv


def _leaver(
    person: Person, everyone: list[Person], iam: list[Candidate] | Missing, sso: list[Candidate] | Missing
) -> Leaver:
    unread = next((x for x in (iam, sso) if isinstance(x, Missing)), None)
    if unread is not None:
        return Leaver(person.name, person.email, person.last_day, unread)
    found = matches_for(person, everyone, [*iam, *sso])
    return Leaver(person.name, person.email, person.last_day, found.identities, found.ambiguous)


def _leaver_ref(person: Person, scope: Scope) -> ResourceRef:
    return ResourceRef(
        id=person.key,
        type=LEAVER_TYPE,
        name=person.name,
        file=person.file,
        line_range=person.lines,
        account=scope.account,
    )


def iam_candidates(report: list[dict] | Missing) -> list[Candidate] | Missing:
    """IAM users from the credential report: console password, active keys and the latest
    use of either (password_last_used, access_key_N_last_used_date)."""
    if isinstance(report, Missing):
        return report
    out = []
    for row in report:
        user = row.get("user", "")
        if not user or user == iam_service.ROOT_ROW:
            continue
        keys = [iam_service._flag(row, f"access_key_{n}_active") for n in (1, 2)]
        unknown_key = next((k for k in keys if isinstance(k, Unknown)), None)
        used = [
            iam_service._timestamp(row, c)
            for c in ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")
        ]
        unknown_use = next((u for u in used if isinstance(u, Unknown)), None)
        known = [u for u in used if isinstance(u, dt.datetime)]
        identity = Identity(
            "iam_user",
            user,
            password_enabled=iam_service._flag(row, "password_enabled"),
            active_access_keys=unknown_key or sum(1 for k in keys if k is True),
            last_used=unknown_use or (max(known) if known else None),
        )
        out.append(Candidate(identity, user))
    return out


def identity_center_candidates(
    facts: Facts,
    scope: Scope,
    wanted: identity_center.Wanted,
    regions: tuple[str, ...] | None,
    warnings: list[str],
) -> list[Candidate] | Missing:
    """Identity Center users that match a leaver, with their account assignments. No instance
    found anywhere is reported as a warning (the organisation may not use Identity Center,
    or its home region is outside the scan); an instance that could not be listed is Missing."""
    asked = identity_center.regions_to_ask(scope, regions)
    instances: list[identity_center.Instance] = []
    failures: list[tuple[str, Missing]] = []
    for region in asked:
        found = facts.get(identity_center.instances_key(region))
        if isinstance(found, Missing):
            failures.append((region, found))
        elif found:
            instances += found
    if failures and not instances:
        return failures[0][1]
    if failures:
        warnings.append(
            "IAM Identity Center instances could not be listed in "
            + ", ".join(f"{r} ({m.describe()})" for r, m in failures)
            + f"; leavers were matched to the instance(s) found in {', '.join(sorted({i.region for i in instances}))}."
        )
    if not instances:
        warnings.append(
            f"No IAM Identity Center instance was found in {', '.join(asked)}; leavers were matched to IAM users only. "
            "If the organisation's instance is in another region, include that region in the scan."
        )
        return []
    out: list[Candidate] = []
    for instance in instances:
        users = facts.get(identity_center.users_key(instance.arn))
        if users is None:
            return Missing(f"identitystore:ListUsers in {instance.region}", "the users were not read")
        if isinstance(users, Missing):
            return users
        for user in users:
            if not wanted(user):
                continue
            assigned = facts.get(identity_center.assignments_key(instance.arn, user.user_id))
            if assigned is None:
                count: int | Missing = Missing(
                    f"sso:ListAccountAssignmentsForPrincipal for {user.user_name}", "the assignments were not read"
                )
            elif isinstance(assigned, Missing):
                count = assigned
            else:
                count = identity_center.distinct_assignments(assigned)
            out.append(_ic_candidate(user, count))
    return out


def _ic_candidate(user: identity_center.User, assignments: int | Missing) -> Candidate:
    """Identity Center keeps no last sign-in in its directory APIs, so use is not known here;
    an assignment is what the auditor reads, used or not."""
    identity = Identity("identity_center_user", user.user_name, account_assignments=assignments, last_used=None)
    return Candidate(identity, user.user_name, user.emails, user.names)


# -- SOC2_OPS_2 ------------------------------------------------------------------------------


def assemble_findings(records: LoadedRecords, facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    tickets = records.tickets
    for region in scope.regions:
        found = facts.get(guardduty_findings.key(region))
        if found is None:
            found = Missing(f"guardduty:ListFindings in {region}", "the findings were not read")
        if isinstance(found, Missing):
            ref = account_ref(scope, f"GuardDuty findings in {region}", region, FINDING_TYPE)
            inv.cannot_list(ref, (FindingTickets,), found)
            continue
        for f in found:
            naming = tickets if isinstance(tickets, Missing) else tickets_naming(f.id, tickets)
            view = FindingTickets(f.id, f.severity, f.title, f.updated_at, f.created_at, f.archived, naming)
            ref = ResourceRef(
                id=f.arn, type=FINDING_TYPE, name=f"{f.type} ({f.id})", account=f.account_id, region=f.region
            )
            inv.add(ref, view)
    return inv


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)
