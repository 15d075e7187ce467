"""The compensating-control exemption register: loading it, and applying it to scan results.

Auditors accept a failed control when the gap is documented: the constraint that prevents the
primary control, the compensating controls that replace it, who accepted the risk and until
when. The register is that record, kept in git beside the code. It can only turn a FAILED
result into EXEMPTED, and only when the entry is approved, unexpired, covers the check and the
resource, and every compensating control that names a check is confirmed by that check PASSING.
Everything else about a scan (PASSED and ERROR results, their order) is left alone, so a
register can never hide a result that could not be checked.

Inline Checkov suppressions are held to the same standard: a skip comment counts only when its
reason cites a register entry that would itself exempt the result, so nobody bypasses the
approval with a comment.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Collection, Container, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .datafiles import Document, load_data
from .model import ExemptionRef, ResourceRef, Result, Status
from .report import ExemptionOutcome
from .schemas import validate

SCHEMA = "exemptions.schema.json"
ENTRY_ID_PATTERN = re.compile(r"^EXC-[0-9]{3,}$")
ENTRY_ID_CITATION = re.compile(r"(?<![A-Za-z0-9_-])EXC-[0-9]{3,}(?![0-9])")
"""How an inline suppression cites an entry: ``#checkov:skip=SOC2_AWS_17:EXC-001 legacy DB``."""
EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    email: str | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    def same_as(self, other: Person) -> bool:
        if self.email and other.email and self.email.casefold() == other.email.casefold():
            return True
        return _fold(self.name) == _fold(other.name)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Selector:
    """One resource selector: an exact ID or an fnmatch glob over it, optionally constrained
    to an account and a region. An exact ID always matches itself, so IaC addresses holding
    brackets (``aws_instance.web[0]``) need no escaping."""

    id: str
    account: str | None = None
    region: str | None = None

    def matches(self, ref: ResourceRef) -> bool:
        """A selector naming a resource also covers its parts (``user-arn#access_key_1``)."""
        if not any(rid == self.id or fnmatch.fnmatchcase(rid, self.id) for rid in {ref.id, parent_id(ref.id)}):
            return False
        if self.account is not None and ref.account != self.account:
            return False
        return self.region is None or (ref.region is not None and fnmatch.fnmatchcase(ref.region, self.region))

    def describe(self) -> str:
        limits = [f"account {self.account}"] if self.account else []
        if self.region:
            limits.append(f"region {self.region}")
        return self.id + (f" ({', '.join(limits)})" if limits else "")


@dataclass(frozen=True)
class CompensatingControl:
    description: str
    verified_by: tuple[str, ...] = ()
    evidence: str | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    checks: tuple[str, ...]
    resources: tuple[Selector, ...]
    constraint: str
    compensating_controls: tuple[CompensatingControl, ...]
    requested_by: Person
    approved_by: Person
    approved_on: dt.date
    expires_on: dt.date
    ticket: str
    risk_level: str | None = None
    risk_description: str | None = None
    title: str | None = None
    line: int | None = None

    def covers_check(self, check_id: str) -> bool:
        return check_id in self.checks

    def covers_resource(self, ref: ResourceRef) -> bool:
        return any(s.matches(ref) for s in self.resources)

    def covers(self, result: Result) -> bool:
        return self.covers_check(result.check_id) and self.covers_resource(result.resource)

    def expired(self, as_of: dt.date) -> bool:
        """``expires_on`` is the first day the exemption no longer applies."""
        return as_of >= self.expires_on

    def pending(self, as_of: dt.date) -> bool:
        """Not yet approved on ``as_of`` (a scan judged as of an earlier date)."""
        return as_of < self.approved_on

    def days_left(self, as_of: dt.date) -> int:
        return (self.expires_on - as_of).days

    def expiring_soon(self, as_of: dt.date) -> bool:
        return not self.pending(as_of) and 0 < self.days_left(as_of) <= EXPIRING_SOON_DAYS

    def ref(self) -> ExemptionRef:
        return ExemptionRef(id=self.id, approved_by=str(self.approved_by), expires_on=self.expires_on.isoformat())


@dataclass(frozen=True)
class Register:
    path: Path
    entries: tuple[Entry, ...]

    def get(self, entry_id: str) -> Entry | None:
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


# --------------------------------------------------------------------------- loading


def load_register(path: str | Path, registry: Container[str], *, today: dt.date | None = None) -> Register:
    """Load, schema-check and semantically check a register; any problem is an
    :class:`~soc2_checks.errors.InputError` naming the file, line and field.

    ``registry`` is anything that answers ``check_id in registry`` (the check registry).
    ``today`` is the reference for "approved in the future" (default: today, UTC); expiry is
    not judged here, since an expired entry is a warning about the register, not invalid input.
    """
    doc = load_data(path)
    _hint_before_schema(doc)
    validate(doc, SCHEMA)
    today = today or dt.datetime.now(dt.UTC).date()
    entries: list[Entry] = []
    first_line: dict[str, int | None] = {}
    for i, raw in enumerate(doc.data["exemptions"]):
        entry = _entry(doc, i, raw, registry, today)
        if entry.id in first_line:
            where = f" (first used on line {first_line[entry.id]})" if first_line[entry.id] else ""
            raise doc.error(("exemptions", i, "id"), f"duplicate entry ID {entry.id}{where}")
        first_line[entry.id] = doc.line_of(("exemptions", i, "id"))
        entries.append(entry)
    return Register(path=Path(path), entries=tuple(entries))


def _hint_before_schema(doc: Document) -> None:
    """An unquoted account ID reads as a number in YAML; say so instead of a bare type error."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("exemptions"), list):
        return
    for i, raw in enumerate(data["exemptions"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
            continue
        for j, sel in enumerate(raw["resources"]):
            if isinstance(sel, dict) and isinstance(sel.get("account"), int) and not isinstance(sel["account"], bool):
                raise doc.error(
                    ("exemptions", i, "resources", j, "account"),
                    f'account {sel["account"]} must be quoted text ("{sel["account"]:012d}"): '
                    "YAML reads an unquoted account ID as a number and drops leading zeros",
                )


def _entry(doc: Document, i: int, raw: dict[str, Any], registry: Container[str], today: dt.date) -> Entry:
    at: tuple[str | int, ...] = ("exemptions", i)
    checks = tuple(raw["checks"])
    for j, check_id in enumerate(checks):
        if check_id not in registry:
            raise doc.error(at + ("checks", j), _unknown_check(check_id))
    controls = []
    for k, ctl in enumerate(raw["compensating_controls"]):
        verified_by = tuple(ctl.get("verified_by") or ())
        for j, check_id in enumerate(verified_by):
            where = at + ("compensating_controls", k, "verified_by", j)
            if check_id not in registry:
                raise doc.error(where, _unknown_check(check_id))
            if check_id in checks:
                raise doc.error(
                    where,
                    f"{check_id} is a check this entry exempts; a compensating control must be "
                    "verified by a different check",
                )
        controls.append(
            CompensatingControl(
                description=ctl["description"].strip(), verified_by=verified_by, evidence=ctl.get("evidence")
            )
        )
    requested_by = _person(raw["requested_by"])
    approved_by = _person(raw["approved_by"])
    if approved_by.same_as(requested_by):
        raise doc.error(
            at + ("approved_by",),
            f"approver {approved_by.name} is also the requester; an exception must be approved by someone else",
        )
    approved_on = dt.date.fromisoformat(raw["approved_on"])
    expires_on = dt.date.fromisoformat(raw["expires_on"])
    if approved_on > today:
        raise doc.error(at + ("approved_on",), f"approval date {approved_on} is in the future (today is {today})")
    if expires_on <= approved_on:
        raise doc.error(at + ("expires_on",), f"expiry date {expires_on} is not after the approval date {approved_on}")
    risk = raw["risk"]
    return Entry(
        id=raw["id"],
        checks=checks,
        resources=tuple(_selector(s) for s in raw["resources"]),
        constraint=raw["constraint"].strip(),
        compensating_controls=tuple(controls),
        requested_by=requested_by,
        approved_by=approved_by,
        approved_on=approved_on,
        expires_on=expires_on,
        ticket=raw["ticket"].strip(),
        risk_level=risk.get("level"),
        risk_description=(risk.get("description") or "").strip() or None,
        title=raw.get("title"),
        line=doc.line_of(at),
    )


def _unknown_check(check_id: str) -> str:
    return f"unknown check {check_id} (not registered by any plugin; see 'soc2-checks controls')"


def _person(raw: dict[str, str]) -> Person:
    return Person(name=" ".join(raw["name"].split()), role=" ".join(raw["role"].split()), email=raw.get("email"))


def _selector(raw: str | dict[str, str]) -> Selector:
    if isinstance(raw, str):
        return Selector(id=raw)
    return Selector(id=raw["id"], account=raw.get("account"), region=raw.get("region"))


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class Problem:
    """Why an entry that covers a result does not exempt it."""

    kind: str  # "expired" | "pending" | "not_verified"
    text: str
    control: str | None = None
    verified_by: str | None = None


def cited_entries(text: str) -> list[str]:
    """Entry IDs cited in an inline suppression's reason, in order, without repeats."""
    return list(dict.fromkeys(ENTRY_ID_CITATION.findall(text or "")))


def apply_register(
    results: list[Result], register: Register | None, as_of: dt.date, in_scope: Collection[str] | None = None
) -> tuple[list[Result], ExemptionOutcome]:
    """Judge every FAILED result against the register and its inline suppression.

    ``in_scope`` names the checks this kind of scan can run; an entry none of whose checks
    is in scope (a live-only check in a pull-request scan) is not called unused, because this
    scan could never have matched it.

    Returns new results in the same order (inputs are not modified) and what the register
    did. Verification uses the statuses as they came in, so the order of results never
    changes a decision, and an exemption never verifies another exemption.
    """
    outcome = ExemptionOutcome()
    entries = register.entries if register is not None else ()
    by_check = index_by_check(results)
    matched: dict[str, set[Status]] = {e.id: set() for e in entries}
    out: list[Result] = []
    for r in results:
        covering = [e for e in entries if e.covers(r)]
        for e in covering:
            matched[e.id].add(r.status)
        if r.status is Status.FAILED:
            out.append(_judge_failed(r, covering, register, as_of, by_check, outcome))
            continue
        if r.status is Status.ERROR and r.suppression is not None:
            _, reason = _suppression_candidates(r, register)
            if reason is not None:
                outcome.invalid_suppressions.append(_suppression_item(r, reason))
        out.append(r)
    for e in entries:
        statuses = matched[e.id]
        out_of_scope = in_scope is not None and not set(e.checks) & set(in_scope)
        if not out_of_scope and not statuses & {Status.FAILED, Status.EXEMPTED, Status.ERROR}:
            if statuses:
                reason = "only PASSED results matched: the primary control now passes, so the exemption can be retired"
            else:
                reason = "no result matched its checks and resources"
            outcome.unused.append(_entry_item(e, as_of, reason=reason))
        if e.expiring_soon(as_of):
            outcome.expiring_soon.append(_entry_item(e, as_of, days_left=e.days_left(as_of)))
    return out, outcome


def index_by_check(results: list[Result]) -> dict[str, list[Result]]:
    index: dict[str, list[Result]] = {}
    for r in results:
        index.setdefault(r.check_id, []).append(r)
    return index


def _judge_failed(
    r: Result,
    covering: list[Entry],
    register: Register | None,
    as_of: dt.date,
    by_check: dict[str, list[Result]],
    outcome: ExemptionOutcome,
) -> Result:
    via = "register"
    candidates = covering
    if r.suppression is not None:
        via = "inline suppression"
        candidates, reason = _suppression_candidates(r, register)
        if reason is not None:
            outcome.invalid_suppressions.append(_suppression_item(r, reason))
            hint = ""
            if covering:
                ids = ", ".join(e.id for e in covering)
                hint = f" Register entry {ids} covers this result: cite it in the skip reason."
            return replace(r, message=f"{r.message} Inline suppression not accepted: {reason}.{hint}")
    if not candidates:
        return r
    problems: list[tuple[Entry, Problem]] = []
    for e in candidates:
        problem = why_not_applied(e, r, as_of, by_check)
        if problem is None:
            item = _result_item(e, r)
            item.update(approved_by=str(e.approved_by), expires_on=e.expires_on.isoformat(), via=via)
            outcome.applied.append(item)
            return replace(
                r,
                status=Status.EXEMPTED,
                exemption=e.ref(),
                message=f"{r.message} Exempted by {e.id} (approved by {e.approved_by}; expires {e.expires_on}).",
            )
        problems.append((e, problem))
    for e, p in problems:
        item = _result_item(e, r)
        if p.kind == "not_verified":
            item.update(control=p.control, verified_by=p.verified_by, reason=p.text)
            outcome.not_verified.append(item)
        elif p.kind == "expired":
            item.update(expires_on=e.expires_on.isoformat(), since=e.expires_on.isoformat(), reason=p.text)
            outcome.expired.append(item)
        if via == "inline suppression" and p.kind != "not_verified":
            outcome.invalid_suppressions.append(_suppression_item(r, p.text, entry=e.id))
    return replace(r, message=f"{r.message} Not exempted: {'; '.join(p.text for _, p in problems)}.")


def _suppression_candidates(r: Result, register: Register | None) -> tuple[list[Entry], str | None]:
    """The cited entries that cover this check and resource, or why the suppression is invalid."""
    ids = cited_entries(r.suppression or "")
    if not ids:
        return [], "its reason cites no exemption register entry (an ID such as EXC-001)"
    if register is None:
        return [], f"it cites {', '.join(ids)}, but no exemption register was given (--exemptions)"
    found: list[Entry] = []
    reasons: list[str] = []
    for entry_id in ids:
        e = register.get(entry_id)
        if e is None:
            reasons.append(f"{entry_id} is not in the exemption register")
        elif not e.covers_check(r.check_id):
            reasons.append(f"{entry_id} does not cover check {r.check_id}")
        elif not e.covers_resource(r.resource):
            reasons.append(f"{entry_id} does not cover resource {r.resource.id}")
        else:
            found.append(e)
    if found:
        return found, None
    return [], "; ".join(reasons)


def why_not_applied(e: Entry, r: Result, as_of: dt.date, by_check: dict[str, list[Result]]) -> Problem | None:
    """None when entry ``e`` exempts result ``r`` as of ``as_of``."""
    if e.pending(as_of):
        return Problem("pending", f"exemption {e.id} is not in force before its approval on {e.approved_on}")
    if e.expired(as_of):
        return Problem("expired", f"exemption {e.id} expired on {e.expires_on}")
    for control in e.compensating_controls:
        failure = verify_control(control, r.resource, by_check)
        if failure is not None:
            check_id, why = failure
            return Problem(
                "not_verified",
                f"exemption {e.id} does not apply because compensating control '{_short(control.description)}' {why}",
                control=control.description,
                verified_by=check_id,
            )
    return None


def verify_control(
    control: CompensatingControl, target: ResourceRef, by_check: dict[str, list[Result]]
) -> tuple[str, str] | None:
    """None when every ``verified_by`` check PASSED for the target; else (check, why)."""
    for check_id in control.verified_by:
        found = [v for v in by_check.get(check_id, ()) if same_subject(v.resource, target)]
        if not found:
            return check_id, f"could not be verified: no {check_id} result for this resource"
        for v in found:
            if v.status is not Status.PASSED:
                return check_id, f"failed: {check_id} is {v.status} for {_where(v.resource, target)}"
    return None


def same_subject(verifier: ResourceRef, target: ResourceRef) -> bool:
    """Whether a verifying check's result speaks about the target resource.

    The same resource ID (IaC address, or ARN) always does, and so does a result on a part of
    the target (``user-arn#access_key_1`` for the user: every part must then PASS) or on the
    whole the target is part of. A live account-level result (its ID is not an ARN, and it
    names an account) speaks for every resource of that account, and for a regional check only
    in that region: a global target needs every region's result.
    """
    if verifier.id == target.id or parent_id(verifier.id) == target.id or verifier.id == parent_id(target.id):
        return verifier.account is None or target.account is None or verifier.account == target.account
    if verifier.account is None or verifier.id.startswith("arn:") or verifier.account != target.account:
        return False
    return verifier.region is None or target.region is None or verifier.region == target.region


def parent_id(resource_id: str) -> str:
    """The resource a part belongs to: live results on parts of a resource (an IAM user's
    access-key slots) carry ``<resource ARN>#<part>``; ARNs and IaC addresses never hold '#'."""
    return resource_id.split("#", 1)[0]


def _where(v: ResourceRef, target: ResourceRef) -> str:
    if v.id == target.id:
        return "this resource"
    if parent_id(v.id) == target.id or v.id == parent_id(target.id):
        return v.id
    return f"account {v.account}" + (f" in {v.region}" if v.region else "")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _about(r: Result) -> dict[str, Any]:
    return {
        "check_id": r.check_id,
        "resource_id": r.resource.id,
        "account": r.resource.account,
        "region": r.resource.region,
    }


def _result_item(e: Entry, r: Result) -> dict[str, Any]:
    return {"entry": e.id, **_about(r)}


def _suppression_item(r: Result, reason: str, entry: str | None = None) -> dict[str, Any]:
    cited = cited_entries(r.suppression or "")
    return {
        "entry": entry or (cited[0] if cited else None),
        **_about(r),
        "file": r.resource.file,
        "line_range": list(r.resource.line_range) if r.resource.line_range else None,
        "suppression": r.suppression,
        "reason": reason,
    }


def _entry_item(e: Entry, as_of: dt.date, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "entry": e.id,
        "checks": list(e.checks),
        "resources": [s.describe() for s in e.resources],
        "expires_on": e.expires_on.isoformat(),
    }
    if e.expired(as_of):
        item["expired"] = True
    item.update(extra)
    return item


def validation_summary(register: Register, as_of: dt.date) -> tuple[str, list[str]]:
    """The one-line summary of ``exemptions validate`` and its warnings (expired, expiring)."""
    expired = [e for e in register if e.expired(as_of)]
    soon = [e for e in register if e.expiring_soon(as_of)]
    n = len(register)
    summary = (
        f"{n} {'entry' if n == 1 else 'entries'} valid; {len(soon)} expiring within {EXPIRING_SOON_DAYS} days; "
        f"{len(expired)} expired"
    )
    warnings = [f"{e.id} expired on {e.expires_on}; its results stay FAILED" for e in expired]
    warnings += [f"{e.id} expires on {e.expires_on} ({e.days_left(as_of)} days left)" for e in soon]
    warnings += [f"{e.id} is not in force before its approval on {e.approved_on}" for e in register if e.pending(as_of)]
    return summary, warnings
