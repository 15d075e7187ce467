"""GuardDuty: the detectors of every region in scope. In an account a region has at most one
detector, so the region-level view carries the whole decision (one result per region)."""

from __future__ import annotations

from ...model import Missing
from ...views.guardduty import Detector, RegionDetectors
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref


def plan(scope: Scope) -> list[Task]:
    return [Task("guardduty", r, lambda api, r=r: read_region(api, r), f"guardduty {r}") for r in scope.regions]


def read_region(api: Api, region: str) -> Step:
    try:
        ids = api.paginate("guardduty", "ListDetectors", region).get("DetectorIds", [])
    except CallFailed as exc:
        return Step({("guardduty", region): exc.missing})
    detectors = []
    for detector_id in ids:
        try:
            status = api.call("guardduty", "GetDetector", region, DetectorId=detector_id)["Status"]
            detectors.append(Detector(detector_id, status == "ENABLED"))
        except CallFailed as exc:
            detectors.append(Detector(detector_id, exc.missing))
    return Step({("guardduty", region): tuple(detectors)})


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    for region in scope.regions:
        found: tuple[Detector, ...] | Missing = facts[("guardduty", region)]
        inv.add(account_ref(scope, f"GuardDuty in {region}", region), RegionDetectors(region, found))
    return inv


COLLECTOR = Collector(name="guardduty", views=(RegionDetectors,), plan=plan, assemble=assemble)
