"""Reads only the evidence package needs, planned as one more collector of the live scan so
they share its thread pool, clients and read-only guard: CloudTrail event selectors, AWS Config
rules and their compliance, VPCs, the account alias, IAM Identity Center permission sets with
their account assignments and groups, and (when no records join reads them already) the
period's high-severity GuardDuty findings.

Responses reach the package through the :class:`~soc2_checks.evidence.record.CallRecorder`;
the facts returned here only steer follow-up reads. A read that fails is kept by the recorder
with its reason, so the artifact that needed it says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..live.calls import Api, CallFailed
from ..live.collect import Facts, Step, Task
from ..live.regions import Scope
from ..live.services import Collector, Inventory, guardduty_findings, identity_center

NAME = "evidence"


def collector(
    since: dt.datetime | None,
    until: dt.datetime | None,
    *,
    read_findings: bool,
    keep: Callable[[Facts, Scope], None],
) -> Collector:
    """``keep`` receives every fact of the scan (all collectors') once collection is over."""

    def plan(scope: Scope) -> list[Task]:
        tasks = [Task(NAME, None, account_alias, "iam account alias")]
        for r in scope.regions:
            tasks += [
                Task(NAME, r, lambda api, r=r: listing(api, "ec2", "DescribeVpcs", r), f"ec2 {r} VPCs"),
                Task(NAME, r, lambda api, r=r: config_rules(api, r), f"config {r} rules"),
                Task(NAME, r, lambda api, r=r: event_selectors(api, scope, r), f"cloudtrail {r} event selectors"),
            ]
        tasks += [
            Task(NAME, r, lambda api, r=r: instances(api, scope, r), f"identity center {r}")
            for r in identity_center.regions_to_ask(scope)
        ]
        if read_findings:
            tasks += [_guarded(t) for t in guardduty_findings.plan(scope, since, until)]
        return tasks

    def assemble(facts: Facts, scope: Scope) -> Inventory:
        keep(facts, scope)
        return Inventory()

    return Collector(name=NAME, views=(), plan=plan, assemble=assemble)


def _guarded(task: Task) -> Task:
    """The same read under this collector's name: a defect in it must not take away the facts
    every other artifact is built from."""
    return Task(NAME, task.region, lambda api: _safe(task.run, api, task.label), task.label)


def _safe(run: Callable[[Api], Step], api: Api, label: str) -> Step:
    try:
        return run(api)
    except CallFailed:
        return Step()
    except Exception as exc:  # recorded as a fact so the package names the failure
        return Step({(NAME, "crash", label): f"{type(exc).__name__}: {exc}"})


def account_alias(api: Api) -> Step:
    return _safe(lambda a: Step({(NAME, "alias"): a.paginate("iam", "ListAccountAliases")}), api, "iam alias")


def listing(api: Api, service: str, operation: str, region: str) -> Step:
    return _safe(lambda a: Step({(NAME, operation, region): a.paginate(service, operation, region)}), api, operation)


def config_rules(api: Api, region: str) -> Step:
    """The rules, and their compliance as AWS Config last evaluated it."""

    def run(a: Api) -> Step:
        rules = a.paginate("config", "DescribeConfigRules", region).get("ConfigRules", [])
        if rules:
            a.paginate("config", "DescribeComplianceByConfigRule", region)
        return Step({(NAME, "config-rules", region): len(rules)})

    return _safe(run, api, f"config rules {region}")


def event_selectors(api: Api, scope: Scope, region: str) -> Step:
    """Each trail's event selectors, read where the live scan reads its status: in its home
    region, and in the primary region for trails homed outside the scope (organisation trails
    of the management account among them). The listing is the live collector's own request."""
    primary = region == scope.primary_region

    def run(a: Api) -> Step:
        trails = a.call("cloudtrail", "DescribeTrails", region, includeShadowTrails=primary)["trailList"]
        for t in trails:
            home = t.get("HomeRegion")
            if home == region or (primary and home not in scope.regions):
                try:
                    a.call("cloudtrail", "GetEventSelectors", region, TrailName=t["TrailARN"])
                except CallFailed:
                    continue
        return Step()

    return _safe(run, api, f"cloudtrail event selectors {region}")


# -- IAM Identity Center ---------------------------------------------------------------------


def instances(api: Api, scope: Scope, region: str) -> Step:
    """The live collector's instance and user listing, then every permission set and group."""
    step = identity_center.read_instances(api, region, wanted=lambda _u: False)
    found = step.facts.get(identity_center.instances_key(region))
    if isinstance(found, tuple):
        for i in found:
            step.then.append(
                Task(NAME, region, lambda a, i=i: permission_sets(a, scope, i), f"permission sets {region}")
            )
            step.then.append(Task(NAME, region, lambda a, i=i: groups(a, i), f"identity center groups {region}"))
    return step


def permission_sets(api: Api, scope: Scope, instance: identity_center.Instance) -> Step:
    def run(a: Api) -> Step:
        arns = a.paginate("sso-admin", "ListPermissionSets", instance.region, InstanceArn=instance.arn)
        then = [
            Task(NAME, instance.region, lambda a, p=p: _safe(lambda b: permission_set(b, scope, instance, p), a, p), p)
            for p in arns.get("PermissionSets", [])
        ]
        return Step({}, then)

    return _safe(run, api, f"permission sets {instance.region}")


def permission_set(api: Api, scope: Scope, instance: identity_center.Instance, arn: str) -> Step:
    """One permission set: what it grants and who holds it in which account. Accounts are the
    ones it is provisioned to, and always the scanned account. Each read stands alone, so one
    denied call leaves the others' evidence in place."""
    ident = {"InstanceArn": instance.arn, "PermissionSetArn": arn}
    region = instance.region
    _attempt(lambda: api.call("sso-admin", "DescribePermissionSet", region, **ident))
    _attempt(lambda: api.paginate("sso-admin", "ListManagedPoliciesInPermissionSet", region, **ident))
    provisioned = _attempt(
        lambda: api.paginate("sso-admin", "ListAccountsForProvisionedPermissionSet", region, **ident)
    )
    accounts = dict.fromkeys([*(provisioned or {}).get("AccountIds", []), scope.account])
    for account in accounts:
        _attempt(
            lambda account=account: api.paginate(
                "sso-admin", "ListAccountAssignments", region, AccountId=account, **ident
            )
        )
    return Step()


def _attempt(read: Callable[[], dict | None]) -> dict | None:
    try:
        return read()
    except CallFailed:
        return None


def groups(api: Api, instance: identity_center.Instance) -> Step:
    def run(a: Api) -> Step:
        store = {"IdentityStoreId": instance.identity_store_id}
        for g in a.paginate("identitystore", "ListGroups", instance.region, **store).get("Groups", []):
            a.paginate("identitystore", "ListGroupMemberships", instance.region, GroupId=g["GroupId"], **store)
        return Step()

    return _safe(run, api, f"identity center groups {instance.region}")
