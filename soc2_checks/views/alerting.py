"""Views for "would anybody notice if CloudTrail were stopped?" (SOC2_AWS_19)."""

from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class EventRule:
    name: str
    event_pattern: Maybe[dict | None]  # parsed EventBridge pattern
    has_target: Maybe[bool]
    enabled: Maybe[bool] = True


@dataclass(frozen=True)
class MetricFilterAlarm:
    name: str
    filter_pattern: Maybe[str]  # CloudWatch Logs filter pattern text
    has_alarm: Maybe[bool]


@dataclass(frozen=True)
class TrailChangeAlerting:
    """Everything in the account (or scanned directory) that could alert on trail changes."""

    event_rules: Maybe[tuple[EventRule, ...]]
    metric_filters: Maybe[tuple[MetricFilterAlarm, ...]]
