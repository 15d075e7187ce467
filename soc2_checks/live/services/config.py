"""AWS Config: the recorders of every region in scope and whether they are recording. The
catalog judges Config per region, so only the region-level view is built."""

from __future__ import annotations

from ...model import Missing
from ...views.config import ConfigRecorder, RegionRecorders
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref


def plan(scope: Scope) -> list[Task]:
    return [Task("config", r, lambda api, r=r: read_region(api, r), f"config {r}") for r in scope.regions]


def read_region(api: Api, region: str) -> Step:
    try:
        recorders = api.call("config", "DescribeConfigurationRecorders", region)["ConfigurationRecorders"]
    except CallFailed as exc:
        return Step({("config", region): exc.missing})
    recording: dict[str, bool] | Missing = {}
    if recorders:
        try:
            statuses = api.call("config", "DescribeConfigurationRecorderStatus", region)
            recording = {s["name"]: bool(s.get("recording")) for s in statuses["ConfigurationRecordersStatus"]}
        except CallFailed as exc:
            recording = exc.missing
    views = []
    for r in recorders:
        group = r.get("recordingGroup") or {}
        state = recording if isinstance(recording, Missing) else recording.get(r["name"], False)
        views.append(ConfigRecorder(r["name"], all_supported=bool(group.get("allSupported")), recording=state))
    return Step({("config", region): tuple(views)})


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    for region in scope.regions:
        ref = account_ref(scope, f"AWS Config in {region}", region)
        inv.add(ref, RegionRecorders(region, facts[("config", region)]))
    return inv


COLLECTOR = Collector(name="config", views=(RegionRecorders,), plan=plan, assemble=assemble)
