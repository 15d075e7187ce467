"""GuardDuty findings of high severity that were live during the audit period, in every
region in scope, archived ones included.

``ListFindings`` lists archived and current findings alike unless ``service.archived`` is
filtered, so no archive filter is sent: an archived finding still needed an investigation.
GuardDuty keeps only a finding's latest update time, so a finding updated in the period and
again after it shows the later time; the population is therefore every finding created by the
period end and updated at or after its start, which holds every finding updated in the period.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ...model import Missing
from ..calls import Api, CallFailed
from ..collect import Step, Task, batches
from ..regions import Scope

NAME = "guardduty_findings"
HIGH = 7.0
GET_FINDINGS_BATCH = 50
"""GetFindings takes at most 50 finding IDs per call."""


@dataclass(frozen=True)
class Finding:
    id: str
    arn: str
    account_id: str
    region: str
    type: str
    title: str
    severity: float
    created_at: dt.datetime | None
    updated_at: dt.datetime
    archived: bool
    detector_id: str


def key(region: str) -> tuple:
    return (NAME, region)


def plan(scope: Scope, since: dt.datetime | None, until: dt.datetime | None, min_severity: float = HIGH) -> list[Task]:
    return [
        Task(NAME, r, lambda api, r=r: read_region(api, r, since, until, min_severity), f"guardduty findings {r}")
        for r in scope.regions
    ]


def criteria(since: dt.datetime | None, min_severity: float) -> dict:
    """The server-side filter: severity from the threshold up, updated at or after the start."""
    criterion: dict = {"severity": {"GreaterThanOrEqual": math.floor(min_severity)}}
    if since is not None:
        criterion["updatedAt"] = {"GreaterThanOrEqual": _epoch_ms(since)}
    return {"Criterion": criterion}


def read_region(
    api: Api, region: str, since: dt.datetime | None, until: dt.datetime | None, min_severity: float = HIGH
) -> Step:
    """One region's findings, or Missing for the whole region: a partial list would let a
    finding without a ticket go unseen."""
    try:
        detectors = api.paginate("guardduty", "ListDetectors", region).get("DetectorIds", [])
        found: list[Finding] = []
        for detector in detectors:
            ids = api.paginate(
                "guardduty", "ListFindings", region, DetectorId=detector, FindingCriteria=criteria(since, min_severity)
            ).get("FindingIds", [])
            for batch in batches(ids, GET_FINDINGS_BATCH):
                raw = api.call("guardduty", "GetFindings", region, DetectorId=detector, FindingIds=batch)
                found += [parse_finding(f, region, detector) for f in raw.get("Findings", [])]
    except CallFailed as exc:
        return Step({key(region): exc.missing})
    except (KeyError, ValueError) as exc:
        return Step({key(region): Missing(f"guardduty:GetFindings in {region}", f"unexpected response: {exc}")})
    wanted = tuple(f for f in found if f.severity >= min_severity and _in_period(f, since, until))
    return Step({key(region): tuple(sorted(wanted, key=lambda f: (f.updated_at, f.id)))})


def _in_period(f: Finding, since: dt.datetime | None, until: dt.datetime | None) -> bool:
    if since is not None and f.updated_at < since:
        return False
    return until is None or f.created_at is None or f.created_at < until


def parse_finding(raw: dict, region: str, detector: str) -> Finding:
    return Finding(
        id=raw["Id"],
        arn=raw["Arn"],
        account_id=raw["AccountId"],
        region=raw.get("Region") or region,
        type=raw.get("Type", ""),
        title=raw.get("Title") or raw.get("Type", ""),
        severity=float(raw["Severity"]),
        created_at=_time(raw["CreatedAt"]) if raw.get("CreatedAt") else None,
        updated_at=_time(raw["UpdatedAt"]),
        archived=bool((raw.get("Service") or {}).get("Archived", False)),
        detector_id=detector,
    )


def _time(value: str | dt.datetime) -> dt.datetime:
    """GuardDuty writes times as ISO strings (``2026-03-02T09:12:44.313Z``)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _epoch_ms(t: dt.datetime) -> int:
    return int((t if t.tzinfo else t.replace(tzinfo=dt.UTC)).timestamp() * 1000)
