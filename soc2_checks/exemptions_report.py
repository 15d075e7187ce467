"""The register as an auditor reads it: every exception with its approval, its status on a
date, whether its compensating controls were confirmed by a scan, and its change history."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .datafiles import load_json
from .exemptions import (
    EXPIRING_SOON_DAYS,
    CompensatingControl,
    Entry,
    Register,
    apply_register,
    index_by_check,
    verify_control,
)
from .exemptions_history import Commit, History
from .model import Result, Status
from .schemas import validate

RESULTS_SCHEMA = "results.schema.json"


@dataclass
class ControlStatus:
    control: CompensatingControl
    verification: str


@dataclass
class EntryReport:
    entry: Entry
    status: str  # active | expiring | expired | unused | pending
    days_left: int
    controls: list[ControlStatus]
    matched: int | None = None  # results covering the entry (None: no results given)
    exempted: int | None = None
    not_exempted: list[str] = field(default_factory=list)
    history: list[Commit] = field(default_factory=list)
    history_note: str | None = None


@dataclass
class RegisterReport:
    register: Register
    as_of: dt.date
    entries: list[EntryReport]
    results_file: str | None
    history: History


def load_results(path: str | Path) -> list[Result]:
    """Results from a ``-o json`` scan output, as they were before any exemption applied."""
    doc = load_json(path)
    validate(doc, RESULTS_SCHEMA)
    out = []
    for i, raw in enumerate(doc.data["results"]):
        try:
            r = Result.from_dict(raw)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise doc.error(("results", i), f"not a soc2-checks result ({type(exc).__name__}: {exc})") from None
        if r.status is Status.EXEMPTED:
            r = replace(r, status=Status.FAILED, exemption=None)
        out.append(r)
    return out


def build_report(
    register: Register,
    as_of: dt.date,
    history: History,
    results: list[Result] | None = None,
    results_file: str | None = None,
) -> RegisterReport:
    judged: list[Result] = []
    by_check: dict[str, list[Result]] = {}
    if results is not None:
        judged, _ = apply_register(results, register, as_of)
        by_check = index_by_check(results)
    reports = []
    for e in register:
        rep = EntryReport(
            entry=e,
            status=_status(e, as_of),
            days_left=e.days_left(as_of),
            controls=[],
            history=history.entry_commits.get(e.id, []),
            history_note=history.entry_notes.get(e.id),
        )
        if results is None:
            rep.controls = [ControlStatus(c, _unverified(c, "")) for c in e.compensating_controls]
        else:
            covered = [(orig, new) for orig, new in zip(results, judged, strict=True) if e.covers(orig)]
            failing = [orig for orig, _ in covered if orig.status in (Status.FAILED, Status.EXEMPTED)]
            rep.matched = len(covered)
            rep.exempted = sum(1 for _, new in covered if new.exemption is not None and new.exemption.id == e.id)
            rep.not_exempted = [
                f"{new.resource.id}: {new.check_id} FAILED" for _, new in covered if new.status is Status.FAILED
            ]
            rep.controls = [ControlStatus(c, _verification(c, failing, by_check)) for c in e.compensating_controls]
            if (
                rep.status in ("active", "expiring")
                and not failing
                and not any(o.status is Status.ERROR for o, _ in covered)
            ):
                rep.status = "unused"
        reports.append(rep)
    return RegisterReport(register=register, as_of=as_of, entries=reports, results_file=results_file, history=history)


def _status(e: Entry, as_of: dt.date) -> str:
    if e.expired(as_of):
        return "expired"
    if e.pending(as_of):
        return "pending"
    if e.expiring_soon(as_of):
        return "expiring"
    return "active"


def _unverified(c: CompensatingControl, text: str) -> str:
    if not c.verified_by:
        return "manual: no check verifies it" + (f"; evidence: {c.evidence}" if c.evidence else "")
    return text or f"{', '.join(c.verified_by)}: not checked (no scan results given)"


def _verification(c: CompensatingControl, failing: list[Result], by_check: dict[str, list[Result]]) -> str:
    if not c.verified_by:
        return _unverified(c, "")
    checks = ", ".join(c.verified_by)
    if not failing:
        return f"{checks}: nothing to verify (no FAILED result is covered)"
    problems = []
    for r in failing:
        failure = verify_control(c, r.resource, by_check)
        if failure is not None:
            problems.append(f"{r.resource.id}: {failure[1]}")
    ok = len(failing) - len(problems)
    if not problems:
        return f"verified by {checks} on {ok} of {len(failing)} resource(s)"
    return f"NOT verified by {checks} on {len(problems)} of {len(failing)} resource(s): " + "; ".join(problems)


# --------------------------------------------------------------------------- rendering

STATUS_TEXT: dict[str, Callable[[EntryReport], str]] = {
    "active": lambda r: f"active ({r.days_left} days left)",
    "expiring": lambda r: f"expiring in {r.days_left} days",
    "expired": lambda r: f"expired on {r.entry.expires_on} ({-r.days_left} days ago)",
    "pending": lambda r: f"not yet in force (approved {r.entry.approved_on})",
    "unused": lambda r: "unused (no FAILED result matched)",
}


def _md(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(rep: RegisterReport) -> str:
    out = [f"# Exemption register: {rep.register.path}", ""]
    out.append(f'- As of: {rep.as_of} ("expiring" means within {EXPIRING_SOON_DAYS} days)')
    out.append(f"- Entries: {len(rep.entries)}")
    if rep.results_file:
        out.append(f"- Compensating controls checked against: {rep.results_file}")
    else:
        out.append("- Compensating controls: not checked against scan results (use --results)")
    h = rep.history
    if h.available and h.file_commits:
        last = h.file_commits[0]
        out.append(f"- Last changed: {last.date} by {_md(last.author)} ({last.short}: {_md(last.subject)})")
    if h.note:
        out.append(f"- Change history: {h.note}")
    out += [
        "",
        "| Entry | Checks | Status | Approved by | Approved | Expires | Ticket |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rep.entries:
        e = r.entry
        out.append(
            f"| {e.id} | {', '.join(e.checks)} | {STATUS_TEXT[r.status](r)} | {_md(e.approved_by)} | "
            f"{e.approved_on} | {e.expires_on} | {_md(e.ticket)} |"
        )
    for r in rep.entries:
        out += ["", *_entry_markdown(r, rep.history)]
    if h.available and h.file_commits:
        out += ["", "## History of the register file", "", "| Date | Author | Commit | Change |", "|---|---|---|---|"]
        out += [f"| {c.date} | {_md(c.author)} | {c.short} | {_md(c.subject)} |" for c in h.file_commits]
    return "\n".join(out) + "\n"


def _entry_markdown(r: EntryReport, history: History) -> list[str]:
    e = r.entry
    out = [f"## {e.id}" + (f": {_md(e.title)}" if e.title else ""), ""]
    out.append(f"- **Status:** {STATUS_TEXT[r.status](r)}")
    out.append(f"- **Checks:** {', '.join(e.checks)}")
    out.append(f"- **Resources:** {'; '.join(f'`{s.describe()}`' for s in e.resources)}")
    out.append(f"- **Constraint:** {_md(e.constraint)}")
    out.append(f"- **Risk:** {_md(_risk(e))}")
    out.append("- **Compensating controls:**")
    for i, c in enumerate(r.controls, 1):
        out.append(f"  {i}. {_md(c.control.description)} (*{_md(c.verification)}*)")
    out.append(f"- **Requested by:** {_md(e.requested_by)}")
    out.append(f"- **Approved by:** {_md(e.approved_by)} on {e.approved_on}")
    out.append(f"- **Expires on:** {e.expires_on} (the first day it no longer applies)")
    out.append(f"- **Ticket:** {_md(e.ticket)}")
    if r.matched is not None:
        line = f"- **Scan results:** {r.matched} matched, {r.exempted} exempted"
        if r.not_exempted:
            line += f"; still FAILED: {_md('; '.join(r.not_exempted))}"
        out.append(line)
    if r.history:
        out += ["- **Change history:**", "", "  | Date | Author | Commit | Change |", "  |---|---|---|---|"]
        out += [f"  | {c.date} | {_md(c.author)} | {c.short} | {_md(c.subject)} |" for c in r.history]
    elif r.history_note:
        out.append(f"- **Change history:** {_md(r.history_note)}")
    elif not history.available:
        out.append("- **Change history:** unavailable (see above)")
    return out


def _risk(e: Entry) -> str:
    parts = [p for p in (e.risk_level, e.risk_description) if p]
    return ": ".join(parts)


CSV_COLUMNS = (
    "id",
    "title",
    "checks",
    "resources",
    "status",
    "days_left",
    "constraint",
    "compensating_controls",
    "controls_verification",
    "risk_level",
    "risk",
    "requested_by",
    "approved_by",
    "approved_on",
    "expires_on",
    "ticket",
    "results_matched",
    "results_exempted",
    "last_changed",
    "last_changed_by",
    "change_history",
)


def _cell(value: object) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ would run as a formula in Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(rep: RegisterReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rep.entries:
        e = r.entry
        history = r.history
        note = r.history_note or ("" if rep.history.available else rep.history.note or "")
        row = [
            e.id,
            e.title or "",
            " ".join(e.checks),
            "; ".join(s.describe() for s in e.resources),
            r.status,
            r.days_left,
            e.constraint,
            " | ".join(c.control.description for c in r.controls),
            " | ".join(c.verification for c in r.controls),
            e.risk_level or "",
            e.risk_description or "",
            str(e.requested_by),
            str(e.approved_by),
            e.approved_on.isoformat(),
            e.expires_on.isoformat(),
            e.ticket,
            "" if r.matched is None else r.matched,
            "" if r.exempted is None else r.exempted,
            history[0].date if history else "",
            history[0].author if history else "",
            " | ".join(f"{c.date} {c.author} {c.short} {c.subject}" for c in history) or note,
        ]
        w.writerow([_cell(" ".join(str(v).split()) if isinstance(v, str) else v) for v in row])
    return buf.getvalue()
