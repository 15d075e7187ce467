"""What every writer says the same way: where a result points, who approved its exemption,
which criterion it counts under, and which status is the worst.

Keeping these in one place means the terminal, the PR comment, the CSV matrix and SARIF
never disagree about a location or an approver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import STATUS_ORDER, ExemptionRef, ResourceRef, Result, Severity, Status
from ..report import ScanReport, check_sort_key, criterion_sort_key, sorted_results

UNMAPPED = "UNMAPPED"
"""The criterion under which results of a check without any mapping are counted (the same
key :meth:`ScanReport.by_criterion` uses), so that an unmapped check is visible, not lost."""

UNMAPPED_TITLE = "Not mapped to any criterion"

WORST_FIRST = (Status.FAILED, Status.ERROR, Status.EXEMPTED, Status.PASSED)
"""A FAILED result outweighs an ERROR (exit code 1 before 3); an exemption is still a
deviation, so it outweighs a clean pass."""


@dataclass(frozen=True)
class CheckInfo:
    id: str
    title: str
    severity: Severity
    remediation: str
    description: str


def check_info(st: Any, result: Result) -> CheckInfo:
    """Metadata for a result's check: the registry's when the check is registered, else what
    the result carries (results merged from a run that had a plugin this one lacks)."""
    registry = getattr(st, "registry", None)
    check = None
    if registry is not None:
        try:
            check = registry.get(result.check_id)
        except KeyError:
            check = None
    if check is None:
        return CheckInfo(result.check_id, result.title, result.severity, "", "")
    return CheckInfo(check.id, check.title, check.severity, check.remediation, check.description)


def criterion_title(st: Any, criterion: str) -> str:
    if criterion == UNMAPPED:
        return UNMAPPED_TITLE
    mapping = getattr(st, "mapping", None)
    return mapping.title(criterion) if mapping is not None else ""


def worst(statuses: Iterable[Status]) -> Status:
    present = set(statuses)
    for s in WORST_FIRST:
        if s in present:
            return s
    return Status.PASSED


def counts(results: Iterable[Result]) -> dict[Status, int]:
    out = dict.fromkeys(STATUS_ORDER, 0)
    for r in results:
        out[r.status] += 1
    return out


def criteria_of(result: Result) -> list[str]:
    return list(result.criteria) or [UNMAPPED]


def by_criterion_and_check(results: Iterable[Result]) -> dict[str, dict[str, list[Result]]]:
    """criterion -> check ID -> results, both in the report's stable order. A result mapped to
    two criteria is counted under both, as the auditor reads each criterion on its own."""
    table: dict[str, dict[str, list[Result]]] = {}
    for r in sorted_results(list(results)):
        for c in criteria_of(r):
            table.setdefault(c, {}).setdefault(r.check_id, []).append(r)
    return {
        c: dict(sorted(checks.items(), key=lambda kv: check_sort_key(kv[0])))
        for c, checks in sorted(table.items(), key=lambda kv: criterion_sort_key(kv[0]))
    }


def location(resource: ResourceRef) -> str:
    """``main.tf:3-14`` for IaC, ``123456789012/us-east-1`` for live, "" when neither applies."""
    if resource.file:
        if resource.line_range:
            start, end = resource.line_range
            return f"{resource.file}:{start}" if start == end else f"{resource.file}:{start}-{end}"
        return resource.file
    return "/".join(p for p in (resource.account, resource.region) if p)


def iso_utc(t: dt.datetime) -> str:
    """``2026-11-26T10:00:00Z``: the form the JSON output uses, for every writer."""
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def exemption_text(exemption: ExemptionRef) -> str:
    """The justification an auditor reads: entry, approver (with role), end date."""
    return f"{exemption.id} approved by {exemption.approved_by} until {exemption.expires_on}"


def overall_word(report: ScanReport) -> str:
    """FAILED, INCOMPLETE (something could not be checked) or PASSED, matching exit codes."""
    code = report.exit_code()
    return {1: "FAILED", 3: "INCOMPLETE"}.get(code, "PASSED")


def count_phrase(c: Mapping[str, int], *, skip_zero: bool = False) -> str:
    """``2 failed, 1 error, 0 exempted, 5 passed``; Status keys work too (they are strings)."""
    parts = []
    for s in WORST_FIRST:
        n = c.get(s, 0)
        if n or not skip_zero:
            word = "error" if s is Status.ERROR else s.value.lower()
            parts.append(f"{n} {word}{'s' if s is Status.ERROR and n != 1 else ''}")
    return ", ".join(parts)


def outcome_text(item: Mapping[str, Any]) -> str:
    """One line for an entry of the report's ``exemptions`` lists (applied, expired, unused,
    invalid suppressions, ...): the entry, the check and resource it concerns, and why."""
    head: list[str] = []
    if item.get("entry"):
        head.append(str(item["entry"]))
    if item.get("check_id"):
        head.append(str(item["check_id"]))
    elif item.get("checks"):
        head.append(", ".join(map(str, item["checks"])))
    if item.get("resource_id"):
        where = location(
            ResourceRef(
                id=str(item["resource_id"]),
                file=item.get("file"),
                line_range=tuple(item["line_range"]) if item.get("line_range") else None,  # type: ignore[arg-type]
                account=item.get("account"),
                region=item.get("region"),
            )
        )
        head.append(
            f"{item['resource_id']} ({where})" if where and where != item["resource_id"] else item["resource_id"]
        )
    elif item.get("resources"):
        head.append("resources " + ", ".join(map(str, item["resources"])))
    tail: list[str] = []
    if item.get("reason"):
        tail.append(str(item["reason"]))
    else:
        if item.get("approved_by"):
            tail.append(f"approved by {item['approved_by']}")
        if item.get("since"):
            tail.append(f"expired on {item['since']}")
        elif item.get("expires_on"):
            left = item.get("days_left")
            tail.append(f"expires on {item['expires_on']}" + (f" ({left} days left)" if left is not None else ""))
    if not head and not tail:
        return ", ".join(f"{k}={v}" for k, v in item.items())
    return " ".join(head) + (": " + "; ".join(tail) if tail else "")


EXEMPTION_WARNINGS = (
    ("expiring_soon", "exemption expiring soon"),
    ("expired", "exemption expired"),
    ("not_verified", "compensating control not verified"),
    ("invalid_suppressions", "invalid suppression"),
    ("unused", "unused exemption"),
)
"""The parts of the register's outcome a reader must be told about, in order of urgency."""


def warning_lines(report: ScanReport) -> list[tuple[str, str]]:
    """(kind, text) for every warning the report carries: its own, then the register's."""
    out = [("warning", w) for w in report.warnings]
    outcome = report.exemptions
    for attr, label in EXEMPTION_WARNINGS:
        for item in getattr(outcome, attr, None) or []:
            text = outcome_text(item) if isinstance(item, Mapping) else str(item)
            out.append((label, text))
    return out
