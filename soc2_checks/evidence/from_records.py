"""Artifacts from the organisation's own records: the files themselves, copied byte for byte
(the evidence is the original, with its history in git), and the day-1 populations the auditor
samples from, as CSV limited to the audit period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import load_data
from ..model import Missing
from ..records import policies as policy_files
from ..records.csvtable import read_csv
from ..records.hr import DEFAULT_MAPPING, load_columns
from ..records.load import LoadedRecords
from ..records.values import parse_date
from ..views.records import quarters, tickets_naming
from . import layout
from .artifacts import Artifact, missing, to_csv
from .aws import Findings

NO_RECORDS = "no --records folder was given"
HIRE_COLUMNS = ("Hire Date", "Original Hire Date", "Start Date", "Date of Hire", "Hire date")
"""How HR exports name the day a person joined (Workday's "Hire Date" first)."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start}-to-{self.end}"

    def __contains__(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass
class RecordsInput:
    records: LoadedRecords | None
    period: Period
    read_at: dt.datetime

    def files(self, kind: str) -> list[tuple[str, Path]]:
        """(name as results show it, path on disk) of each file of a kind."""
        if self.records is None:
            return []
        root = self.records.root
        out = []
        for name in self.records.files.get(kind, []):
            p = Path(name)
            out.append((name, p if p.is_absolute() or root is None else root / p))
        return out

    def unread(self, value: Any) -> str | None:
        """Why a kind of record is unavailable, or None when it was read."""
        if self.records is None:
            return NO_RECORDS
        return value.describe() if isinstance(value, Missing) else None


def copies(r: RecordsInput) -> list[Artifact]:
    rec = r.records
    out = []
    specs = (
        (
            "access_reviews",
            layout.ACCESS,
            "Access-review records",
            ("SOC2_OPS_4",),
            rec.access_reviews if rec else None,
        ),
        (
            "incidents",
            layout.INCIDENTS,
            "Incident-response records: incidents and tabletop exercises",
            ("SOC2_OPS_3",),
            rec.incidents if rec else None,
        ),
        ("vendors", layout.VENDORS, "Vendor inventory", ("SOC2_OPS_5",), rec.vendors if rec else None),
    )
    for kind, folder, title, checks, value in specs:
        why = r.unread(value)
        found = r.files(kind)
        if why or not found:
            default = f"{folder}/{kind.replace('_', '-')}"
            out.append(
                missing(default, title, (f"records: {kind.replace('_', '-')}",), why or "not found", checks=checks)
            )
            continue
        for name, path in found:
            out.append(_copy(f"{folder}/{Path(name).name}", title, name, path, checks, r.read_at))
    out += policies(r)
    return out


def _copy(target: str, title: str, name: str, path: Path, checks: tuple[str, ...], at: dt.datetime) -> Artifact:
    return Artifact(target, title, (f"records: {name}",), path.read_bytes(), at, checks)


def policies(r: RecordsInput) -> list[Artifact]:
    rec = r.records
    title = "Policy documents"
    history_path = f"{layout.POLICIES}/policy-version-history.csv"
    history_title = "Policy version history: commits of every policy document, those in the period counted"
    folder = rec.policies if rec else None
    why = r.unread(folder)
    if why or folder is None:
        reason = why or NO_RECORDS
        return [missing(history_path, history_title, ("records: policies/", "git log"), reason, checks=("SOC2_OPS_6",))]
    if not folder.files:
        reason = f"{folder.shown}/ holds no documents"
        return [missing(history_path, history_title, (f"records: {folder.shown}/",), reason, checks=("SOC2_OPS_6",))]
    out = [
        _copy(
            f"{layout.POLICIES}/{f.relative_to(folder.path).as_posix()}",
            title,
            folder.shown_name(f),
            f,
            ("SOC2_OPS_6",),
            r.read_at,
        )
        for f in folder.files
    ]
    rows, gaps = [], []
    for doc in policy_files.documents(folder, r.period.start, r.period.end):
        if isinstance(doc.tracked, Missing):
            gaps.append(doc.tracked.describe())
            rows.append((doc.path, f"not read: {doc.tracked.describe()}", "", "", ""))
            continue
        in_period = doc.commits_in_period if isinstance(doc.commits_in_period, int) else ""
        rows.append((doc.path, doc.tracked, in_period, doc.last_change, list(doc.history)))
    header = ("document", "under_version_control", "commits_in_period", "last_change", "history")
    out.append(
        Artifact(
            history_path,
            history_title,
            (f"records: {folder.shown}/", "git log"),
            to_csv(header, rows),
            r.read_at,
            ("SOC2_OPS_6",),
            gaps=tuple(dict.fromkeys(gaps)),
        )
    )
    return out


# -- populations ------------------------------------------------------------------------------


def joiners_and_leavers(r: RecordsInput) -> Artifact:
    p = r.period
    path = f"{layout.POPULATIONS}/joiners-and-leavers-{p.label}.csv"
    title = f"Everyone who joined or left between {p.start} and {p.end} (HR records)"
    rec = r.records
    why = r.unread(rec.leavers if rec else None)
    sources = tuple(f"records: {n}" for kind in ("hr_terminations", "hr_employees") for n, _ in r.files(kind))
    if why:
        return missing(path, title, sources or ("records: hr-terminations",), why, checks=("SOC2_OPS_1",))
    assert rec is not None and isinstance(rec.leavers, list)
    rows = [
        (
            "left",
            person.last_day,
            person.name,
            person.email,
            person.employee_id,
            list(person.aws_identities),
            f"{person.file}:{person.lines[0]}",
        )
        for person in rec.leavers
        if person.last_day in p
    ]
    joined, gaps = _joiners(r)
    rows += joined
    rows.sort(key=lambda row: (str(row[1]), row[2]))
    header = ("event", "date", "name", "email", "employee_id", "aws_identities", "record")
    return Artifact(path, title, sources, to_csv(header, rows), r.read_at, ("SOC2_OPS_1",), gaps=tuple(gaps))


def _joiners(r: RecordsInput) -> tuple[list[tuple], list[str]]:
    """Joiners from the hire-date column of the HR exports. HR's parsed records carry no
    hire date, so the column is read here; an export without one is a gap, named."""
    mapping = DEFAULT_MAPPING
    for _, path in r.files("hr_columns"):
        mapping = load_columns(path)
    rows: list[tuple] = []
    gaps: list[str] = []
    seen: set[str] = set()
    for kind in ("hr_employees", "hr_terminations"):
        for name, path in r.files(kind):
            if path.suffix.lower() != ".csv":
                gaps.append(f"{name}: hire dates are read from CSV exports only")
                continue
            table = read_csv(path)
            column = table.find(HIRE_COLUMNS)
            if column is None:
                gaps.append(f"{name} has no hire-date column ({', '.join(HIRE_COLUMNS)}): joiners are not listed")
                continue
            person_col, email_col, id_col = (
                table.find(mapping.candidates(f)) for f in ("name", "email", "employee_id")
            )
            for row in table.rows:
                try:
                    hired = parse_date(row.get(column), mapping.date_format) if row.get(column) else None
                except ValueError:
                    gaps.append(f"{name}:{row.line}: hire date {row.get(column)!r} is not a date")
                    continue
                key = row.get(id_col) or row.get(email_col) or row.get(person_col)
                if hired in r.period and key not in seen:
                    seen.add(key)
                    rows.append(
                        (
                            "joined",
                            hired,
                            row.get(person_col),
                            row.get(email_col) or None,
                            row.get(id_col) or None,
                            [],
                            f"{name}:{row.line}",
                        )
                    )
    return rows, gaps


def incident_log(r: RecordsInput) -> Artifact:
    p = r.period
    path = f"{layout.POPULATIONS}/incident-log-{p.label}.csv"
    title = f"Incidents and tabletop exercises between {p.start} and {p.end}, with reviews and action items"
    rec = r.records
    sources = tuple(f"records: {n}" for n, _ in r.files("incidents")) or ("records: incidents",)
    why = r.unread(rec.incidents if rec else None)
    if why:
        return missing(path, title, sources, why, checks=("SOC2_OPS_3",))
    assert rec is not None and isinstance(rec.incidents, tuple)
    raw = raw_entries(r, "incidents", "records")
    rows = []
    for e in rec.incidents:
        if e.date not in p:
            continue
        extra = raw.get(e.id, {})
        items = e.action_items
        open_items = [i for i in items if i.closed is None]
        overdue = [i for i in open_items if i.due is not None and i.due < p.end]
        rows.append(
            (
                e.id,
                e.kind,
                extra.get("title"),
                e.date,
                extra.get("severity"),
                e.review_date,
                (extra.get("review") or {}).get("document"),
                len(items),
                len(open_items),
                len(overdue),
            )
        )
    header = (
        "id",
        "kind",
        "title",
        "date",
        "severity",
        "review_date",
        "review_document",
        "action_items",
        "open_action_items",
        "overdue_at_period_end",
    )
    return Artifact(path, title, sources, to_csv(header, rows), r.read_at, ("SOC2_OPS_3",))


def access_reviews(r: RecordsInput) -> Artifact:
    p = r.period
    path = f"{layout.POPULATIONS}/access-reviews-{p.label}.csv"
    title = f"Access reviews between {p.start} and {p.end}: who reviewed, when, what changed"
    rec = r.records
    sources = tuple(f"records: {n}" for n, _ in r.files("access_reviews")) or ("records: access-reviews",)
    why = r.unread(rec.access_reviews if rec else None)
    if why:
        return missing(path, title, sources, why, checks=("SOC2_OPS_4",))
    assert rec is not None and not isinstance(rec.access_reviews, Missing)
    raw = raw_entries(r, "access_reviews", "reviews")
    quarter_of = {q: q.label for q in quarters(p.start, p.end)}
    rows = []
    for review in sorted(rec.access_reviews.reviews, key=lambda x: x.date):
        if review.date not in p:
            continue
        label = next((lbl for q, lbl in quarter_of.items() if q.start <= review.date <= q.end), "")
        rows.append(
            (
                review.id,
                review.date,
                label,
                review.reviewer,
                review.scope,
                review.changes,
                raw.get(review.id, {}).get("ticket"),
            )
        )
    header = ("id", "date", "quarter", "reviewer", "scope", "changes", "ticket")
    return Artifact(path, title, sources, to_csv(header, rows), r.read_at, ("SOC2_OPS_4",))


def vendors(r: RecordsInput) -> Artifact:
    path = f"{layout.POPULATIONS}/vendors-with-customer-data-access.csv"
    title = "Third-party vendors with access to customer data"
    rec = r.records
    sources = tuple(f"records: {n}" for n, _ in r.files("vendors")) or ("records: vendors",)
    why = r.unread(rec.vendors if rec else None)
    if why:
        return missing(path, title, sources, why, checks=("SOC2_OPS_5",))
    assert rec is not None and isinstance(rec.vendors, list)
    rows = [
        (
            v.vendor.name,
            v.vendor.health_data,
            v.vendor.last_review,
            v.vendor.soc2_status,
            v.vendor.dpa_signed,
            v.vendor.baa_signed,
            f"{v.file}:{v.lines[0]}" if v.lines else v.file,
        )
        for v in rec.vendors
        if v.vendor.customer_data_access
    ]
    header = ("vendor", "health_data", "last_security_review", "soc2_status", "dpa_signed", "baa_signed", "record")
    return Artifact(path, title, sources, to_csv(header, rows), r.read_at, ("SOC2_OPS_5",))


def findings_population(r: RecordsInput, findings: Findings, at: dt.datetime) -> Artifact:
    """Every high finding of the period, with the tickets that name it when a ticket export
    was given: the population the auditor tests all of (findings are few)."""
    p = r.period
    path = f"{layout.POPULATIONS}/guardduty-high-findings-{p.label}.csv"
    title = f"GuardDuty findings of severity 7 or more between {p.start} and {p.end}, with their tickets"
    rec = r.records
    ticket_files = tuple(f"records: {n}" for n, _ in r.files("tickets"))
    sources = ("guardduty:ListFindings", "guardduty:GetFindings", *ticket_files)
    gaps = [v.describe() for v in findings.values() if isinstance(v, Missing)]
    if len(gaps) == len(findings):
        return missing(path, title, sources, "; ".join(dict.fromkeys(gaps)), checks=("SOC2_OPS_2",))
    tickets = rec.tickets if rec else None
    no_tickets = r.unread(tickets)
    if no_tickets:
        gaps.append(f"tickets not joined: {no_tickets}")
    rows = []
    for region, found in findings.items():
        if isinstance(found, Missing):
            continue
        for f in found:
            naming = tickets_naming(f.id, tickets) if isinstance(tickets, tuple) else ()
            rows.append(
                (
                    region,
                    f.id,
                    f.type,
                    f.severity,
                    f.created_at,
                    f.updated_at,
                    f.archived,
                    [t.key for t in naming],
                    _join(t.investigator for t in naming),
                    _join(t.findings_text for t in naming),
                    _join(t.action_text for t in naming),
                )
            )
    header = (
        "region",
        "finding_id",
        "type",
        "severity",
        "created_at",
        "updated_at",
        "archived",
        "tickets",
        "investigated_by",
        "what_was_found",
        "action_taken",
    )
    rows.sort(key=lambda row: (str(row[5]), row[1]))
    return Artifact(path, title, sources, to_csv(header, rows), at, ("SOC2_OPS_2",), gaps=tuple(dict.fromkeys(gaps)))


def _join(values: Iterable[str | None]) -> str:
    return " | ".join(v for v in values if v)


def raw_entries(r: RecordsInput, kind: str, key: str) -> dict[str, dict]:
    """The file's entries by ID, for fields the parsed records do not keep (titles, links)."""
    out: dict[str, dict] = {}
    for _, path in r.files(kind):
        data = load_data(path).data
        for entry in (data or {}).get(key, []) if isinstance(data, dict) else []:
            if isinstance(entry, dict) and "id" in entry:
                out[str(entry["id"])] = entry
    return out


def build(r: RecordsInput, findings: Findings, findings_at: dt.datetime) -> list[Artifact]:
    return [
        *copies(r),
        joiners_and_leavers(r),
        incident_log(r),
        access_reviews(r),
        vendors(r),
        findings_population(r, findings, findings_at),
    ]
