"""``--compare-to PREVIOUS.json``: what changed since the last scan, so a weekly run tells the
team which findings are new, which were fixed and which are still open.

A finding is a FAILED result, keyed by check ID, resource ID, account and region. A finding
is "resolved" only when this scan shows it fixed: the same key PASSED, or the resource is no
longer reported from an account and region this scan read without error. When this scan could
not look (an ERROR, an account or region outside its scope) the finding is "not re-checked":
an unread resource must never read as a fixed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..model import Result, Status
from ..report import ScanReport, check_sort_key
from .report_file import ReportFile, load_report

Key = tuple[str, str, str | None, str | None]
CATEGORIES = ("new", "resolved", "still_failing", "exempted", "not_rechecked")


def key(r: Result) -> Key:
    return (r.check_id, r.resource.id, r.resource.account, r.resource.region)


def load_previous(path: str, kind: str) -> ReportFile:
    """The previous scan's JSON, validated before any scanning starts (exit 2 when unusable)."""
    previous = load_report(path)
    if previous.report.kind != kind:
        raise UsageError(f"--compare-to {path}: it holds a {previous.report.kind} scan; this is a {kind} scan")
    return previous


@dataclass(frozen=True)
class _Scope:
    """Which accounts and regions the current scan read (live targets are aws://ACCOUNT[/REGION])."""

    kind: str
    regions: dict[str, set[str]]

    @classmethod
    def of(cls, report: ScanReport) -> _Scope:
        regions: dict[str, set[str]] = {}
        for t in report.targets:
            if t.startswith("aws://"):
                account, _, region = t[len("aws://") :].partition("/")
                regions.setdefault(account, set()).update({region} if region else set())
        return cls(report.kind, regions)


def compare(previous: ScanReport, current: ScanReport, previous_file: str) -> dict[str, Any]:
    before = {key(r): r for r in previous.results}
    now = {key(r): r for r in current.results}
    scope = _Scope.of(current)
    # an ERROR on an account or region (not on one ARN) means its resources could not be listed
    errors = [r for r in current.results if r.status is Status.ERROR]
    seen = {(r.check_id, r.resource.account, r.resource.region) for r in current.results}
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in CATEGORIES}

    for k, old in before.items():
        if old.status is not Status.FAILED:
            continue
        new = now.get(k)
        if new is None:
            reason = _not_rechecked(old, scope, errors, seen)
            if reason:
                out["not_rechecked"].append(_item(old, old.status, None, reason))
            else:
                gone = "no result in this scan: the resource was removed or the check no longer applies to it"
                out["resolved"].append(_item(old, old.status, None, gone))
        elif new.status is Status.FAILED:
            out["still_failing"].append(_item(new, old.status, new.status))
        elif new.status is Status.PASSED:
            out["resolved"].append(_item(new, old.status, new.status))
        elif new.status is Status.EXEMPTED:
            out["exempted"].append(_item(new, old.status, new.status))
        else:
            reason = f"could not be checked in this scan: {new.message}"
            out["not_rechecked"].append(_item(new, old.status, new.status, reason))
    for k, new in now.items():
        if new.status is Status.FAILED:
            old = before.get(k)
            if old is None or old.status is not Status.FAILED:
                out["new"].append(_item(new, old.status if old else None, new.status))

    lists = {c: sorted(items, key=_order) for c, items in out.items()}
    return {
        "previous": {
            "file": previous_file,
            "kind": previous.kind,
            "finished_at": _iso(previous.finished_at),
            "targets": list(previous.targets),
        },
        "counts": {c: len(items) for c, items in lists.items()},
        **lists,
    }


def _not_rechecked(
    old: Result, scope: _Scope, errors: Iterable[Result], seen: set[tuple[str, str | None, str | None]]
) -> str | None:
    account, region = old.resource.account, old.resource.region
    if scope.kind == "live" and account is not None:
        if account not in scope.regions:
            return f"account {account} was not in this scan"
        regions = scope.regions[account]
        if region and regions and region not in regions and (old.check_id, account, region) not in seen:
            return f"region {region} of account {account} was not in this scan"
    for e in errors:
        if e.resource.id.startswith("arn:"):
            continue  # one other resource unread, not the listing this one would be in
        if e.check_id == old.check_id and e.resource.account == account and e.resource.region in (None, region):
            return f"this scan could not read its data: {e.message}"
    return None


def _item(r: Result, before: Status | None, now: Status | None, reason: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "check_id": r.check_id,
        "title": r.title,
        "severity": str(r.severity),
        "resource_id": r.resource.id,
        "account": r.resource.account,
        "region": r.resource.region,
        "before": str(before) if before is not None else None,
        "now": str(now) if now is not None else None,
    }
    if reason is not None:
        item["reason"] = reason
    return item


def _order(item: dict[str, Any]) -> tuple:
    return (check_sort_key(item["check_id"]), item["account"] or "", item["region"] or "", item["resource_id"])


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
