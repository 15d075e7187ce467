"""``-o sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Choices that matter to the people reading the alerts:

- FAILED and EXEMPTED results become SARIF results; an EXEMPTED one carries an accepted
  external suppression whose justification names the register entry, its approver and its
  end date, so code scanning shows it as dismissed, with the reason, instead of hiding it.
- ERROR results are not findings but holes in the scan: they become tool execution
  notifications and mark the invocation unsuccessful, so an incomplete scan never looks clean.
- ``partialFingerprints`` hash the check and the resource (not the line), so an alert
  survives edits that move a resource within its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..model import ResourceRef, Result, Severity, Status
from ..report import ScanReport, check_sort_key, sorted_results
from . import RenderOptions, writer
from ._facts import check_info, criteria_of, criterion_title, exemption_text, iso_utc

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "soc2ChecksResource/v1"

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
"""GitHub maps security-severity > 9.0 to critical, 7.0-8.9 to high, 4.0-6.9 to medium and
0.1-3.9 to low; these values land in the middle of each band."""

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
}


@writer("sarif")
def render_sarif(report: ScanReport, st: Any, options: RenderOptions) -> str:
    results = sorted_results(report.results)
    rules, index = _rules(results, st)
    sarif_results = []
    notifications = []
    for r in results:
        if r.status in (Status.FAILED, Status.EXEMPTED):
            sarif_results.append(_result(r, index[r.check_id]))
        elif r.status is Status.ERROR:
            notifications.append(_notification(r, index[r.check_id]))
    invocation: dict[str, Any] = {
        "executionSuccessful": not notifications,
        "startTimeUtc": iso_utc(report.started_at),
        "endTimeUtc": iso_utc(report.finished_at),
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "soc2-checks",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"soc2-checks/{report.kind}/"},
        "invocations": [invocation],
        "results": sarif_results,
        "properties": {
            "scanKind": report.kind,
            "targets": list(report.targets),
            "summary": report.counts(),
        },
    }
    if report.kind == "iac":
        run["originalUriBaseIds"] = {
            SRCROOT: {"description": {"text": "The scanned directory; IaC file paths are relative to it."}}
        }
    doc = {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _rules(results: list[Result], st: Any) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One rule per check that produced any result (ERROR included: notifications point at
    their rule by index)."""
    first: dict[str, Result] = {}
    criteria: dict[str, list[str]] = {}
    for r in results:
        first.setdefault(r.check_id, r)
        seen = criteria.setdefault(r.check_id, [])
        seen.extend(c for c in r.criteria if c not in seen)
    rules = []
    index = {}
    for i, check_id in enumerate(sorted(first, key=check_sort_key)):
        index[check_id] = i
        info = check_info(st, first[check_id])
        crit = criteria[check_id]
        severity = first[check_id].severity
        help_text = info.remediation or "No remediation is registered for this check."
        mapped = ", ".join(f"{c} ({criterion_title(st, c)})" if criterion_title(st, c) else c for c in crit)
        help_md = f"**Remediation.** {help_text}\n\n**Trust Services Criteria:** {mapped or 'none mapped'}"
        rules.append(
            {
                "id": check_id,
                "name": _pascal(info.title) or check_id,
                "shortDescription": {"text": info.title},
                "fullDescription": {"text": " ".join((info.description or info.title).split())},
                "help": {"text": help_text, "markdown": help_md},
                "defaultConfiguration": {"level": LEVEL[severity]},
                "properties": {
                    "tags": [*crit, "soc2"],
                    "security-severity": SECURITY_SEVERITY[severity],
                    "severity": str(severity),
                    "criteria": crit,
                },
            }
        )
    return rules, index


def _result(r: Result, rule_index: int) -> dict[str, Any]:
    text = r.message if not r.details else f"{r.message} " + " ".join(r.details)
    out: dict[str, Any] = {
        "ruleId": r.check_id,
        "ruleIndex": rule_index,
        "level": LEVEL[r.severity],
        "message": {"text": text},
        "locations": [_location(r.resource)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r)},
        "properties": {"status": str(r.status), "criteria": criteria_of(r)},
    }
    if r.resource.account:
        out["properties"]["account"] = r.resource.account
    if r.resource.region:
        out["properties"]["region"] = r.resource.region
    if r.status is Status.EXEMPTED:
        justification = exemption_text(r.exemption) if r.exemption else "exempted by the exemption register"
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
        if r.exemption:
            out["properties"]["exemption"] = r.exemption.to_dict()
    return out


def _notification(r: Result, rule_index: int) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{r.check_id} could not be evaluated for {r.resource.id}: {r.message}"},
        "associatedRule": {"id": r.check_id, "index": rule_index},
        "locations": [_location(r.resource)],
    }


def _location(resource: ResourceRef) -> dict[str, Any]:
    """IaC: the file relative to the scanned directory, with the resource's lines. Live: the
    ARN as a logical location (there is no file to point at)."""
    loc: dict[str, Any] = {}
    if resource.file:
        physical: dict[str, Any] = {"artifactLocation": _artifact(resource.file)}
        if resource.line_range:
            start, end = resource.line_range
            physical["region"] = {"startLine": max(1, start), "endLine": max(1, start, end)}
        loc["physicalLocation"] = physical
    loc["logicalLocations"] = [{"fullyQualifiedName": resource.id, "kind": "resource"}]
    return loc


def _artifact(path: str) -> dict[str, Any]:
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix), "uriBaseId": SRCROOT}


def fingerprint(r: Result) -> str:
    """Stable across runs and line moves; distinct for the same address in two files, and for
    the same account-level check in two accounts or regions."""
    res = r.resource
    parts = (r.check_id, res.id, res.file or "", res.account or "", res.region or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _pascal(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title))
