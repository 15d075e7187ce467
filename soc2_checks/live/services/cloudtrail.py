"""CloudTrail: every trail of the account once, with its logging status.

Each region lists the trails homed there; the primary region also lists shadow trails, which
brings in trails homed outside the scope (and organization trails of the management account).
Each trail's status is read once, by the task of the region the trail lives in."""

from __future__ import annotations

from typing import Any

from ...model import Missing
from ...views.cloudtrail import AccountTrails, Trail
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref, resource_ref


def plan(scope: Scope) -> list[Task]:
    return [
        Task("cloudtrail", r, lambda api, r=r: read_region(api, scope, r), f"cloudtrail {r}") for r in scope.regions
    ]


def read_region(api: Api, scope: Scope, region: str) -> Step:
    primary = region == scope.primary_region
    try:
        trails = api.call("cloudtrail", "DescribeTrails", region, includeShadowTrails=primary)["trailList"]
    except CallFailed as exc:
        return Step({("cloudtrail", region): exc.missing})
    mine = []
    for t in trails:
        homed_here = t.get("HomeRegion") == region and _owner(t) == scope.account
        elsewhere = t.get("HomeRegion") not in scope.regions or _owner(t) != scope.account
        if homed_here or (primary and elsewhere):
            mine.append({**t, "_logging": _logging(api, region, t)})
    return Step({("cloudtrail", region): mine})


def _logging(api: Api, region: str, trail: dict) -> bool | Missing:
    try:
        return bool(api.call("cloudtrail", "GetTrailStatus", region, Name=trail["TrailARN"]).get("IsLogging"))
    except CallFailed as exc:
        return exc.missing


def _owner(trail: dict) -> str:
    return trail["TrailARN"].split(":")[4]


def _view(t: dict[str, Any]) -> Trail:
    return Trail(
        name=t["Name"],
        multi_region=bool(t.get("IsMultiRegionTrail")),
        log_file_validation=bool(t.get("LogFileValidationEnabled")),
        include_global_service_events=bool(t.get("IncludeGlobalServiceEvents")),
        logging=t["_logging"],
    )


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    trails: dict[str, dict] = {}
    unread: list[Trail] = []
    for region in scope.regions:
        found = facts[("cloudtrail", region)]
        if isinstance(found, Missing):
            # the region's trails are unknown: one of them might be the trail that settles the
            # account-level check, so it stands in the list as unread, never as absent
            unread.append(Trail(f"(trails of {region})", found, found, found, found))
            ref = account_ref(scope, f"CloudTrail trails in {region}", region, "AWS::CloudTrail::Trail")
            inv.cannot_list(ref, (Trail,), found)
            continue
        for t in found:
            trails.setdefault(t["TrailARN"], t)
    for arn, t in sorted(trails.items()):
        if _owner(t) == scope.account:
            inv.add(resource_ref(scope, arn, "AWS::CloudTrail::Trail", t["Name"], t.get("HomeRegion")), _view(t))
    ref = account_ref(scope, "CloudTrail trails")
    if not scope.regions:
        inv.add(ref, AccountTrails(Missing("cloudtrail:DescribeTrails", "no enabled region is in scope")))
    else:
        inv.add(ref, AccountTrails(tuple(_view(t) for _, t in sorted(trails.items())) + tuple(unread)))
    return inv


COLLECTOR = Collector(name="cloudtrail", views=(Trail, AccountTrails), plan=plan, assemble=assemble)
