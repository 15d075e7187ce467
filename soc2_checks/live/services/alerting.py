"""What could alert on CloudTrail being stopped, deleted or changed: EventBridge rules with
their targets, CloudWatch Logs metric filters and the alarms on their metrics, in every region
in scope (an event is delivered in the region where the call was made)."""

from __future__ import annotations

import json

from ...model import Missing, Unknown
from ...views.alerting import EventRule, MetricFilterAlarm, TrailChangeAlerting
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref


def plan(scope: Scope) -> list[Task]:
    tasks = []
    for r in scope.regions:
        tasks += [
            Task("alerting", r, lambda api, r=r: event_rules(api, r), f"events {r}"),
            Task("alerting", r, lambda api, r=r: metric_filters(api, r), f"logs {r}"),
            Task("alerting", r, lambda api, r=r: alarmed_metrics(api, r), f"cloudwatch {r}"),
        ]
    return tasks


def event_rules(api: Api, region: str) -> Step:
    """Rules of the default bus (the only bus AWS service events reach) that match events;
    scheduled rules cannot react to a call and are left out."""
    try:
        rules = api.paginate("events", "ListRules", region).get("Rules", [])
    except CallFailed as exc:
        return Step({("events", region): exc.missing})
    views = []
    for rule in rules:
        if not rule.get("EventPattern"):
            continue
        try:
            targets = api.paginate("events", "ListTargetsByRule", region, Rule=rule["Name"]).get("Targets", [])
            has_target: bool | Missing = bool(targets)
        except CallFailed as exc:
            has_target = exc.missing
        try:
            pattern: dict | Unknown = json.loads(rule["EventPattern"])
        except ValueError:
            pattern = Unknown(f"the event pattern of rule {rule['Name']} is not valid JSON")
        views.append(EventRule(f"{rule['Name']} ({region})", pattern, has_target, rule.get("State") == "ENABLED"))
    return Step({("events", region): tuple(views)})


def metric_filters(api: Api, region: str) -> Step:
    try:
        found = api.paginate("logs", "DescribeMetricFilters", region).get("metricFilters", [])
    except CallFailed as exc:
        return Step({("logs", region): exc.missing})
    return Step({("logs", region): found})


def alarmed_metrics(api: Api, region: str) -> Step:
    """(namespace, metric name) of every metric alarm, including metrics inside math alarms."""
    try:
        alarms = api.paginate("cloudwatch", "DescribeAlarms", region).get("MetricAlarms", [])
    except CallFailed as exc:
        return Step({("cloudwatch", region): exc.missing})
    metrics = set()
    for a in alarms:
        if a.get("MetricName"):
            metrics.add((a.get("Namespace"), a["MetricName"]))
        for m in a.get("Metrics", []):
            metric = m.get("MetricStat", {}).get("Metric", {})
            if metric.get("MetricName"):
                metrics.add((metric.get("Namespace"), metric["MetricName"]))
    return Step({("cloudwatch", region): frozenset(metrics)})


def assemble(facts: Facts, scope: Scope) -> Inventory:
    rules: list[EventRule] = []
    filters: list[MetricFilterAlarm] = []
    for region in scope.regions:
        found = facts[("events", region)]
        if isinstance(found, Missing):
            rules.append(EventRule(f"(rules of {region})", found, found, found))
        else:
            rules.extend(found)
        metric_filters = facts[("logs", region)]
        alarmed = facts[("cloudwatch", region)]
        if isinstance(metric_filters, Missing):
            filters.append(MetricFilterAlarm(f"(metric filters of {region})", metric_filters, metric_filters))
            continue
        for f in metric_filters:
            metrics = {(t.get("metricNamespace"), t.get("metricName")) for t in f.get("metricTransformations", [])}
            has_alarm = alarmed if isinstance(alarmed, Missing) else bool(metrics & alarmed)
            filters.append(MetricFilterAlarm(f"{f['filterName']} ({region})", f.get("filterPattern", ""), has_alarm))
    inv = Inventory()
    ref = account_ref(scope, "CloudTrail change alerting")
    if not scope.regions:
        none = Missing("events:ListRules", "no enabled region is in scope")
        inv.add(ref, TrailChangeAlerting(none, none))
    else:
        inv.add(ref, TrailChangeAlerting(tuple(rules), tuple(filters)))
    return inv


COLLECTOR = Collector(name="alerting", views=(TrailChangeAlerting,), plan=plan, assemble=assemble)
