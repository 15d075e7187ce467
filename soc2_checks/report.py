"""A finished scan: results plus what the exemption register did, ready for any writer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .model import STATUS_ORDER, Result, Status


@dataclass
class ExemptionOutcome:
    """What the register did in this scan (the JSON contract's ``exemptions`` object)."""

    applied: list[dict[str, Any]] = field(default_factory=list)
    expired: list[dict[str, Any]] = field(default_factory=list)
    unused: list[dict[str, Any]] = field(default_factory=list)
    invalid_suppressions: list[dict[str, Any]] = field(default_factory=list)
    expiring_soon: list[dict[str, Any]] = field(default_factory=list)
    not_verified: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "expired": self.expired,
            "unused": self.unused,
            "invalid_suppressions": self.invalid_suppressions,
            "expiring_soon": self.expiring_soon,
            "not_verified": self.not_verified,
        }


@dataclass
class ScanReport:
    kind: str  # "iac" | "live" | "records"
    started_at: dt.datetime
    finished_at: dt.datetime
    targets: list[str]
    results: list[Result]
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    exemptions: ExemptionOutcome = field(default_factory=ExemptionOutcome)
    warnings: list[str] = field(default_factory=list)
    shard: dict[str, Any] | None = None
    """Which slice of an organization a ``live --org --shard`` run covered (``scan.shard``)."""
    comparison: dict[str, Any] | None = None
    """Changes since a previous scan (``--compare-to``): new, resolved, still failing."""

    def counts(self) -> dict[str, int]:
        out = {str(s): 0 for s in STATUS_ORDER}
        for r in self.results:
            out[str(r.status)] += 1
        return out

    def by_criterion(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for r in self.results:
            for c in r.criteria or ["UNMAPPED"]:
                row = table.setdefault(c, {str(s): 0 for s in STATUS_ORDER})
                row[str(r.status)] += 1
        return dict(sorted(table.items(), key=lambda kv: criterion_sort_key(kv[0])))

    def exit_code(self) -> int:
        statuses = {r.status for r in self.results}
        if Status.FAILED in statuses:
            return 1
        if Status.ERROR in statuses:
            return 3
        return 0

    def to_dict(self) -> dict[str, Any]:
        summary: dict[str, Any] = dict(self.counts())
        summary["by_criterion"] = self.by_criterion()
        scan: dict[str, Any] = {
            "kind": self.kind,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "period": {
                "start": self.period_start.isoformat() if self.period_start else None,
                "end": self.period_end.isoformat() if self.period_end else None,
            },
            "targets": list(self.targets),
        }
        if self.shard is not None:
            scan["shard"] = self.shard
        out: dict[str, Any] = {
            "schema_version": 1,
            "tool": {"name": "soc2-checks", "version": __version__},
            "scan": scan,
            "results": [r.to_dict() for r in sorted_results(self.results)],
            "summary": summary,
            "exemptions": self.exemptions.to_dict(),
            "warnings": list(self.warnings),
        }
        if self.comparison is not None:
            out["comparison"] = self.comparison
        return out


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def criterion_sort_key(c: str) -> tuple[str, int, int]:
    prefix = c.rstrip("0123456789.")
    rest = c[len(prefix) :]
    major, _, minor = rest.partition(".")
    order = {"CC": "0", "A": "1", "C": "2", "PI": "3", "P": "4"}.get(prefix, "9" + prefix)
    return (order, int(major or 0), int(minor or 0))


def check_sort_key(check_id: str) -> tuple[str, int]:
    prefix, _, num = check_id.rpartition("_")
    return (prefix, int(num) if num.isdigit() else 0)


def sorted_results(results: list[Result]) -> list[Result]:
    """Stable, meaningful order: by check, then by resource id. Outputs are diffable between
    runs (and shards merge into the same order)."""
    return sorted(
        results,
        key=lambda r: (check_sort_key(r.check_id), r.resource.account or "", r.resource.region or "", r.resource.id),
    )
