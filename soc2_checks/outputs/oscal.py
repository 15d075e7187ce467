"""``-o oscal``: NIST OSCAL assessment results (JSON), for GRC platforms and assessors' tools.

How the scan maps onto the model:

- every result is an **observation** (method TEST, or EXAMINE for records), collected when the
  scan finished, about an **inventory item** (the Terraform address or the ARN, with its file,
  account and region); an EXEMPTED observation expires when its exemption does, because from
  that day on the result is FAILED again;
- every Trust Services Criterion with results is a **finding** whose target status is
  ``satisfied`` only when none of its results FAILED or could not be checked (ERROR): an
  incomplete scan never satisfies a criterion;
- every exemption the register applied is a **risk** with status ``deviation-approved``: the
  constraint, its compensating controls as mitigating factors, the approver in the risk log
  and the expiry as the deadline. An exemption that expired is an ``open`` risk whose log
  says when the approval ran out.

UUIDs are version-5 UUIDs over stable keys (the check and resource, the criterion and scan
scope, the register entry), so the same scan gives the same document and two scans of the
same scope diff by what changed, not by every identifier.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..model import ResourceRef, Result, Status
from ..report import ScanReport, criterion_sort_key, sorted_results
from . import RenderOptions, writer
from ._facts import (
    UNMAPPED,
    by_criterion_and_check,
    check_info,
    count_phrase,
    counts,
    criterion_title,
    iso_utc,
    location,
    outcome_text,
    overall_word,
)

OSCAL_VERSION = "1.2.1"
NS = "urn:soc2-checks:oscal"
"""Namespace of the properties this tool defines (OSCAL requires one for non-NIST names)."""

UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)
APPROVER_ROLE = "approver"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")


def stable_uuid(*parts: object) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def _line(text: object) -> str:
    """One line, no surrounding space: what OSCAL titles and property values accept."""
    return " ".join(str(text).split())


def _prop(name: str, value: object, *, nist: bool = False) -> dict[str, str]:
    if nist:
        return {"name": name, "value": _line(value)}
    return {"name": name, "ns": NS, "value": _line(value)}


def _props(*pairs: tuple[str, object]) -> list[dict[str, str]]:
    """Properties whose value is known; OSCAL rejects an empty value."""
    return [_prop(n, v) for n, v in pairs if v is not None and _line(v)]


def _midnight(day: str | dt.date) -> str:
    """A date as the instant it begins, in UTC: ``expires_on`` is the first day an exemption
    no longer applies, so its deviation ends at that midnight."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.isoformat()}T00:00:00Z"


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _resource_key(ref: ResourceRef) -> tuple[str, ...]:
    return (ref.id, ref.file or "", ref.account or "", ref.region or "")


@dataclass
class _Doc:
    """What the document builds up while results are turned into observations."""

    report: ScanReport
    st: Any
    scope: tuple[str, ...]
    tool_uuid: str
    inventory: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    observation_of: dict[int, str] = field(default_factory=dict)  # id(result) -> observation uuid
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def unique(self, *parts: object) -> str:
        """A stable UUID, made unique within the document by a counter when two results share a
        key (the same address scanned under two targets)."""
        n = 0
        while True:
            u = stable_uuid(*parts, n) if n else stable_uuid(*parts)
            if u not in self.used:
                self.used.add(u)
                return u
            n += 1

    def tool_origin(self) -> list[dict[str, Any]]:
        return [{"actors": [{"type": "tool", "actor-uuid": self.tool_uuid}]}]


@writer("oscal")
def render_oscal(report: ScanReport, st: Any, options: RenderOptions) -> str:
    scope = (report.kind, *sorted(report.targets))
    doc = _Doc(report=report, st=st, scope=scope, tool_uuid=stable_uuid("component", "soc2-checks", __version__))
    results = sorted_results(report.results)
    observations = [_observation(doc, r) for r in results]
    register_resource = _register_resource(st)
    risks = _risks(doc, results, register_resource)
    findings = _findings(doc, results, risks)
    plan_uuid = stable_uuid("back-matter", "check-catalog")

    local: dict[str, Any] = {"components": [_tool_component(doc)]}
    if doc.inventory:
        local["inventory-items"] = list(doc.inventory.values())
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", *scope, iso_utc(report.started_at)),
        "title": _line(f"SOC 2 checks: {_scope_text(report)}"),
        "description": _result_description(report),
        "start": iso_utc(report.started_at),
        "end": iso_utc(report.finished_at),
        "props": _result_props(report, st),
        "local-definitions": local,
        "reviewed-controls": _reviewed_controls(results, st),
        "assessment-log": {"entries": [_log_entry(report, scope)]},
    }
    if observations:
        result["observations"] = observations
    if risks:
        result["risks"] = [risk for risk, _ in risks.values()]
    if findings:
        result["findings"] = findings
    remarks = _remarks(report)
    if remarks:
        result["remarks"] = remarks

    metadata: dict[str, Any] = {
        "title": _line(f"SOC 2 assessment results: {_scope_text(report)}"),
        "published": iso_utc(report.finished_at),
        "last-modified": iso_utc(report.finished_at),
        "version": iso_utc(report.finished_at),
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("tool-version", f"soc2-checks {__version__}")],
    }
    if doc.parties:
        metadata["roles"] = [
            {
                "id": APPROVER_ROLE,
                "title": "Risk approver",
                "description": "Accepted a deviation, with its compensating controls, in the exemption register.",
            }
        ]
        metadata["parties"] = list(doc.parties.values())
        metadata["responsible-parties"] = [
            {"role-id": APPROVER_ROLE, "party-uuids": [p["uuid"] for p in doc.parties.values()]}
        ]
    resources = [
        {
            "uuid": plan_uuid,
            "title": "soc2-checks check catalog",
            "description": (
                f"There is no separate assessment plan: the checks registered in soc2-checks {__version__} and "
                "their Trust Services Criteria mapping are the plan (`soc2-checks controls` lists them)."
            ),
        }
    ]
    if register_resource:
        resources.append(register_resource)
    document = {
        "assessment-results": {
            "uuid": stable_uuid("assessment-results", *scope, iso_utc(report.started_at), iso_utc(report.finished_at)),
            "metadata": metadata,
            "import-ap": {"href": f"#{plan_uuid}"},
            "results": [result],
            "back-matter": {"resources": resources},
        }
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- the scan


def _scope_text(report: ScanReport) -> str:
    targets = ", ".join(report.targets[:5])
    if len(report.targets) > 5:
        targets += f" and {len(report.targets) - 5} more"
    return f"{report.kind} scan of {targets}" if targets else f"{report.kind} scan"


def _result_description(report: ScanReport) -> str:
    n_checks = len({r.check_id for r in report.results})
    text = (
        f"{overall_word(report)}: {count_phrase(counts(report.results))} in {_n(len(report.results), 'result')} "
        f"from {_n(n_checks, 'check')} ({_scope_text(report)})."
    )
    if report.period_start or report.period_end:
        start = report.period_start.isoformat() if report.period_start else "..."
        end = report.period_end.isoformat() if report.period_end else "..."
        text += f" Audit period {start} to {end}."
    return text


def _result_props(report: ScanReport, st: Any) -> list[dict[str, str]]:
    props = _props(("scan-kind", report.kind), ("outcome", overall_word(report)))
    props += [_prop("target", t) for t in report.targets if _line(t)]
    as_of = getattr(st, "as_of", None)
    props += _props(
        ("audit-period-start", report.period_start.isoformat() if report.period_start else None),
        ("audit-period-end", report.period_end.isoformat() if report.period_end else None),
        ("exemptions-as-of", as_of.isoformat() if isinstance(as_of, dt.date) else None),
    )
    return props


def _tool_component(doc: _Doc) -> dict[str, Any]:
    return {
        "uuid": doc.tool_uuid,
        "type": "software",
        "title": "soc2-checks",
        "description": "SOC 2 policy-as-code for AWS: Checkov checks for Terraform and CloudFormation, a live "
        "account scanner and checks over the organisation's records, mapped to Trust Services Criteria.",
        "props": [_prop("version", __version__)],
        "status": {"state": "operational"},
    }


def _log_entry(report: ScanReport, scope: tuple[str, ...]) -> dict[str, Any]:
    return {
        "uuid": stable_uuid("assessment-log", *scope, iso_utc(report.started_at)),
        "title": _line(f"soc2-checks {report.kind} scan"),
        "description": f"Scanned {', '.join(report.targets) or 'nothing'}.",
        "start": iso_utc(report.started_at),
        "end": iso_utc(report.finished_at),
    }


def _reviewed_controls(results: list[Result], st: Any) -> dict[str, Any]:
    """The criteria this scan produced evidence for; with no result at all, the criteria the
    registered checks are mapped to (what the scan set out to review)."""
    criteria = [c for c in by_criterion_and_check(results) if c != UNMAPPED]
    description = "Trust Services Criteria (2017) supported by the checks that produced results."
    if not criteria:
        mapping = getattr(st, "mapping", None)
        mapped = {c for cs in (getattr(mapping, "checks", None) or {}).values() for c in cs}
        criteria = sorted(mapped, key=criterion_sort_key)
        description = "Trust Services Criteria (2017) the registered checks are mapped to; no check produced a result."
    if not criteria:
        return {
            "control-selections": [
                {"description": "No check produced a result and no criterion is mapped.", "include-all": {}}
            ]
        }
    return {
        "control-selections": [{"description": description, "include-controls": [{"control-id": c} for c in criteria]}]
    }


def _remarks(report: ScanReport) -> str:
    lines = [f"Warning: {_line(w)}" for w in report.warnings]
    outcome = report.exemptions
    for attr, label in (
        ("expiring_soon", "Exemption expiring soon"),
        ("not_verified", "Exemption not applied (compensating control not verified)"),
        ("invalid_suppressions", "Invalid inline suppression"),
        ("unused", "Unused exemption"),
    ):
        for item in getattr(outcome, attr, None) or []:
            text = outcome_text(item) if isinstance(item, Mapping) else str(item)
            lines.append(f"{label}: {_line(text)}")
    unmapped = sum(1 for r in report.results if not r.criteria)
    if unmapped:
        lines.append(
            f"{_n(unmapped, 'result')} from checks not mapped to any criterion: observations without a finding."
        )
    return "\n\n".join(lines)


# --------------------------------------------------------------------------- observations


def _inventory_item(doc: _Doc, ref: ResourceRef) -> str:
    key = _resource_key(ref)
    item = doc.inventory.get(key)
    if item is None:
        props = [_prop("asset-id", ref.id, nist=True)]
        props += _props(
            ("resource-type", ref.type),
            ("resource-name", ref.name),
            ("file", ref.file),
            ("line-range", "-".join(map(str, ref.line_range)) if ref.line_range else None),
            ("aws-account", ref.account),
            ("aws-region", ref.region),
        )
        item = {
            "uuid": doc.unique("inventory-item", *key),
            "description": ref.id if not ref.type else f"{ref.type} {ref.id}",
            "props": props,
        }
        doc.inventory[key] = item
    return item["uuid"]


def _observation(doc: _Doc, r: Result) -> dict[str, Any]:
    info = check_info(doc.st, r)
    subject = _inventory_item(doc, r.resource)
    obs_uuid = doc.unique("observation", r.check_id, *_resource_key(r.resource))
    doc.observation_of[id(r)] = obs_uuid
    description = r.message if not r.details else f"{r.message} " + " ".join(r.details)
    if r.status is Status.ERROR:
        description = f"Could not be checked: {description}"
    props = _props(("check-id", r.check_id), ("status", r.status), ("severity", r.severity))
    props += [_prop("criterion", c) for c in r.criteria]
    if r.exemption:
        props += _props(("exemption-id", r.exemption.id))
    obs: dict[str, Any] = {
        "uuid": obs_uuid,
        "title": _line(f"{r.check_id} {r.status}: {r.resource.id}"),
        "description": description.strip() or f"{r.check_id} {r.status}",
        "props": props,
        "methods": ["EXAMINE" if doc.report.kind == "records" else "TEST"],
    }
    if r.status in (Status.FAILED, Status.EXEMPTED):
        obs["types"] = ["finding"]
    obs["origins"] = doc.tool_origin()
    obs["subjects"] = [{"subject-uuid": subject, "type": "inventory-item", "title": _line(r.resource.id)}]
    evidence = _evidence(r)
    if evidence:
        obs["relevant-evidence"] = [evidence]
    obs["collected"] = iso_utc(doc.report.finished_at)
    if r.status is Status.EXEMPTED and r.exemption:
        obs["expires"] = _midnight(r.exemption.expires_on)
    if r.status is Status.FAILED and info.remediation:
        obs["remarks"] = f"Remediation: {info.remediation}"
    return obs


def _evidence(r: Result) -> dict[str, Any] | None:
    ref = r.resource
    if ref.file:
        return {
            "href": quote(ref.file.replace("\\", "/")),
            "description": f"{ref.id} in {location(ref)}",
        }
    if ref.account:
        where = f"account {ref.account}" + (f", region {ref.region}" if ref.region else "")
        return {"description": f"Read from the AWS APIs of {where}."}
    return None


# --------------------------------------------------------------------------- risks


def _register_resource(st: Any) -> dict[str, Any] | None:
    register = getattr(st, "register", None)
    path = getattr(register, "path", None)
    if path is None:
        return None
    rlink: dict[str, Any] = {"href": quote(str(path).replace("\\", "/")), "media-type": "application/yaml"}
    with contextlib.suppress(OSError):
        rlink["hashes"] = [{"algorithm": "SHA-256", "value": hashlib.sha256(path.read_bytes()).hexdigest()}]
    return {
        "uuid": stable_uuid("back-matter", "exemption-register", str(path)),
        "title": "Exemption register",
        "description": "The compensating-control register the deviations below were approved in.",
        "rlinks": [rlink],
    }


def _party(doc: _Doc, name: str, role: str | None = None, email: str | None = None) -> str:
    key = " ".join(name.split()).casefold()
    party = doc.parties.get(key)
    if party is None:
        party = {"uuid": stable_uuid("party", key), "type": "person", "name": _line(name)}
        if email and _EMAIL.match(email):
            party["email-addresses"] = [email]
        if role:
            party["props"] = [_prop("job-title", role)]
        doc.parties[key] = party
    return party["uuid"]


def _risks(
    doc: _Doc, results: list[Result], register_resource: dict[str, Any] | None
) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """entry ID -> (risk, the criteria of the results it concerns), applied entries first."""
    register = getattr(doc.st, "register", None)
    applied: dict[str, list[Result]] = {}
    for r in results:
        if r.status is Status.EXEMPTED and r.exemption:
            applied.setdefault(r.exemption.id, []).append(r)
    items_by_entry: dict[str, list[Mapping[str, Any]]] = {}
    for item in doc.report.exemptions.applied:
        if item.get("entry"):
            items_by_entry.setdefault(str(item["entry"]), []).append(item)
    expired: dict[str, list[Mapping[str, Any]]] = {}
    for item in doc.report.exemptions.expired:
        if item.get("entry"):
            expired.setdefault(str(item["entry"]), []).append(item)

    out: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for entry_id in sorted(set(applied) | set(items_by_entry)):
        exempted = applied.get(entry_id, [])
        entry = register.get(entry_id) if register is not None else None
        risk = _risk(doc, entry_id, entry, exempted, items_by_entry.get(entry_id, []), register_resource)
        out[entry_id] = (risk, _criteria_of(exempted))
    for entry_id in sorted(set(expired) - set(out)):
        entry = register.get(entry_id) if register is not None else None
        failed = [
            r
            for r in results
            if any(r.check_id == i.get("check_id") and r.resource.id == i.get("resource_id") for i in expired[entry_id])
        ]
        risk = _risk(doc, entry_id, entry, failed, expired[entry_id], register_resource, expired=True)
        out[entry_id] = (risk, _criteria_of(failed))
    return out


def _criteria_of(results: Iterable[Result]) -> list[str]:
    seen: list[str] = []
    for r in results:
        seen.extend(c for c in r.criteria if c not in seen)
    return seen


def _risk(
    doc: _Doc,
    entry_id: str,
    entry: Any,
    results: list[Result],
    items: list[Mapping[str, Any]],
    register_resource: dict[str, Any] | None,
    *,
    expired: bool = False,
) -> dict[str, Any]:
    checks = sorted({r.check_id for r in results} | {str(i["check_id"]) for i in items if i.get("check_id")})
    resources = sorted(
        {r.resource.id for r in results} | {str(i["resource_id"]) for i in items if i.get("resource_id")}
    )
    expires_on = entry.expires_on.isoformat() if entry is not None else _first(items, "expires_on", results)
    approver_text = str(entry.approved_by) if entry is not None else _first(items, "approved_by", results)

    title = f"{entry_id}: {entry.title}" if entry is not None and entry.title else f"{entry_id}: {', '.join(checks)}"
    if expired:
        title += " (exemption expired)"
    if entry is not None:
        description = entry.constraint
        statement = entry.risk_description or _default_statement(checks, resources, expires_on, expired)
    else:
        description = (
            f"Exemption {entry_id} of the exemption register (the register itself was not given to this report)."
        )
        statement = _default_statement(checks, resources, expires_on, expired)
    risk: dict[str, Any] = {
        "uuid": stable_uuid("risk", entry_id),
        "title": _line(title),
        "description": description,
        "statement": statement,
        "props": _props(
            ("exemption-id", entry_id),
            ("ticket", entry.ticket if entry is not None and not _URL.match(entry.ticket) else None),
            ("risk-level", entry.risk_level if entry is not None else None),
        )
        + [_prop("check-id", c) for c in checks]
        + [_prop("resource", r) for r in resources],
    }
    links = []
    if register_resource:
        links.append(
            {"href": f"#{register_resource['uuid']}", "rel": "reference", "text": f"{entry_id} in the register"}
        )
    if entry is not None and _URL.match(entry.ticket):
        links.append({"href": entry.ticket, "rel": "reference", "text": "Approval ticket"})
    if links:
        risk["links"] = links
    risk["status"] = "open" if expired else "deviation-approved"
    risk["origins"] = doc.tool_origin()

    approver_uuid = None
    if entry is not None:
        approver_uuid = _party(doc, entry.approved_by.name, entry.approved_by.role, entry.approved_by.email)
    elif approver_text:
        approver_uuid = _party(doc, approver_text)
    if entry is not None and entry.risk_level and approver_uuid:
        risk["characterizations"] = [
            {
                "origin": {"actors": [{"type": "party", "actor-uuid": approver_uuid, "role-id": APPROVER_ROLE}]},
                "facets": [{"name": "risk", "system": NS, "value": entry.risk_level}],
            }
        ]
    if entry is not None and entry.compensating_controls:
        risk["mitigating-factors"] = [
            _mitigating_factor(entry_id, i, c, expired=expired) for i, c in enumerate(entry.compensating_controls)
        ]
    if expires_on:
        risk["deadline"] = _midnight(expires_on)
    log = _risk_log(entry_id, entry, approver_uuid, approver_text, expired=expired)
    if log:
        risk["risk-log"] = {"entries": log}
    related = [doc.observation_of[id(r)] for r in results if id(r) in doc.observation_of]
    if related:
        risk["related-observations"] = [{"observation-uuid": u} for u in related]
    return risk


def _first(items: list[Mapping[str, Any]], key: str, results: list[Result]) -> str | None:
    for item in items:
        if item.get(key):
            return str(item[key])
    for r in results:
        if r.exemption is not None:
            return str(getattr(r.exemption, key))
    return None


def _default_statement(checks: list[str], resources: list[str], expires_on: str | None, expired: bool) -> str:
    gap = (
        f"The control checked by {', '.join(checks) or 'the exempted checks'} is not in place for "
        f"{', '.join(resources) or 'the exempted resources'}"
    )
    if expired:
        return f"{gap}; the acceptance of the residual risk expired on {expires_on}."
    return f"{gap}; the residual risk is accepted" + (f" until {expires_on}." if expires_on else ".")


def _mitigating_factor(entry_id: str, index: int, control: Any, *, expired: bool) -> dict[str, Any]:
    """An applied exemption had every ``verified_by`` check PASS on each resource it exempted
    (the register applies nothing otherwise); an expired one was never evaluated."""
    description = control.description
    if control.evidence and not _URL.match(control.evidence):
        description += f"\n\nEvidence: {control.evidence}"
    factor: dict[str, Any] = {
        "uuid": stable_uuid("mitigating-factor", entry_id, index, control.description),
        "description": description,
    }
    props = [_prop("verified-by", c) for c in control.verified_by]
    if not control.verified_by:
        verification = "not verified by a check"
    elif expired:
        verification = "not evaluated: the exemption expired"
    else:
        verification = "verified: every verifying check PASSED on the exempted resources"
    props.append(_prop("verification", verification))
    factor["props"] = props
    if control.evidence and _URL.match(control.evidence):
        factor["links"] = [{"href": control.evidence, "rel": "reference", "text": "Evidence"}]
    return factor


def _risk_log(
    entry_id: str, entry: Any, approver_uuid: str | None, approver_text: str | None, *, expired: bool
) -> list[dict[str, Any]]:
    """The approval (who, when, on which ticket), and for an expired entry the day it lapsed.
    Without the register the approval date is unknown, and a log entry needs a start."""
    if entry is None:
        return []
    approval: dict[str, Any] = {
        "uuid": stable_uuid("risk-log", entry_id, "approved"),
        "title": _line(f"Deviation approved by {entry.approved_by}"),
        "description": (
            f"{entry.approved_by} approved exemption {entry_id} on {entry.approved_on.isoformat()}, "
            f"valid until {entry.expires_on.isoformat()} (ticket {entry.ticket}); requested by {entry.requested_by}."
        ),
        "start": _midnight(entry.approved_on),
    }
    if approver_uuid:
        approval["logged-by"] = [{"party-uuid": approver_uuid, "role-id": APPROVER_ROLE}]
    approval["status-change"] = "deviation-approved"
    log = [approval]
    if expired:
        log.append(
            {
                "uuid": stable_uuid("risk-log", entry_id, "expired"),
                "title": "Deviation expired",
                "description": f"Exemption {entry_id} expired on {entry.expires_on.isoformat()}; "
                "its results are FAILED again.",
                "start": _midnight(entry.expires_on),
                "status-change": "open",
            }
        )
    return log


# --------------------------------------------------------------------------- findings


def _findings(
    doc: _Doc, results: list[Result], risks: Mapping[str, tuple[dict[str, Any], list[str]]]
) -> list[dict[str, Any]]:
    findings = []
    for criterion, checks in by_criterion_and_check(results).items():
        if criterion == UNMAPPED:
            continue
        rs = [r for group in checks.values() for r in group]
        c = counts(rs)
        title = criterion_title(doc.st, criterion)
        if c[Status.FAILED]:
            state, reason = "not-satisfied", "fail"
            remarks = f"{_n(c[Status.FAILED], 'result')} FAILED."
        elif c[Status.ERROR]:
            state, reason = "not-satisfied", "other"
            remarks = (
                f"{_n(c[Status.ERROR], 'result')} could not be checked (ERROR): the criterion cannot be confirmed."
            )
        elif c[Status.EXEMPTED]:
            state, reason = "satisfied", "other"
            remarks = (
                f"Satisfied with {_n(c[Status.EXEMPTED], 'result')} under approved deviations (compensating controls)."
            )
        else:
            state, reason = "satisfied", "pass"
            remarks = "Every result PASSED."
        target: dict[str, Any] = {
            "type": "objective-id",
            "target-id": criterion,
            "title": _line(f"{criterion} {title}" if title else criterion),
            "description": f"{count_phrase(c)} in {_n(len(rs), 'result')} from {_n(len(checks), 'check')}.",
            "props": _props(
                ("checks", ", ".join(checks)),
                ("passed", c[Status.PASSED]),
                ("failed", c[Status.FAILED]),
                ("exempted", c[Status.EXEMPTED]),
                ("error", c[Status.ERROR]),
            ),
            "status": {"state": state, "reason": reason, "remarks": remarks},
        }
        finding: dict[str, Any] = {
            "uuid": stable_uuid("finding", *doc.scope, criterion),
            "title": _line(f"{criterion}: {title}" if title else criterion),
            "description": f"{criterion} is {state.replace('-', ' ')}: {count_phrase(c)}.",
            "origins": doc.tool_origin(),
            "target": target,
            "related-observations": [{"observation-uuid": doc.observation_of[id(r)]} for r in rs],
        }
        related_risks = [risk["uuid"] for risk, criteria in risks.values() if criterion in criteria]
        if related_risks:
            finding["related-risks"] = [{"risk-uuid": u} for u in related_risks]
        findings.append(finding)
    return findings
