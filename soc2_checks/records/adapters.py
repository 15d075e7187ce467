"""Records to views: the subjects SOC2_OPS_3..6 judge from records alone, and what the OPS
checks that need live AWS data report when a scan has none.

Results point at the record: ``person:<e-mail>``, ``vendor:<name>``, ``policy:<path>``,
``access-review:<quarter>``, with the file (relative to the records folder) and the lines of
the row or entry, so that an auditor's sample and an exemption can name them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import Missing, ResourceRef, Subject
from ..rules.records import one_year_before
from ..views.records import FindingTickets, IncidentProgram, Leaver, PolicyDocument, QuarterReviews, Vendor, quarters
from . import policies as policy_files
from .load import LoadedRecords

LEAVER_TYPE = "Records::HR::Leaver"
INCIDENTS_TYPE = "Records::IncidentResponse::Program"
QUARTER_TYPE = "Records::AccessReview::Quarter"
VENDOR_TYPE = "Records::Vendor"
POLICY_TYPE = "Records::Policy"
NEEDS_LIVE = "needs live AWS data: run soc2-checks live --records {dir}"


@dataclass(frozen=True)
class Gap:
    """Records that could not be judged at all: every check over these views reports ERROR."""

    resource: ResourceRef
    views: tuple[type, ...]
    message: str


@dataclass
class RecordsInventory:
    subjects: list[Subject] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_period_start(period_end: dt.date) -> dt.date:
    """Without --period-start, the twelve months ending on the period end: the longest
    Type II period, so that no quarter goes unexamined."""
    return one_year_before(period_end) + dt.timedelta(days=1)


def subjects(records: LoadedRecords, period_start: dt.date, period_end: dt.date) -> RecordsInventory:
    """SOC2_OPS_3..6 from records alone."""
    inv = RecordsInventory()
    _incidents(inv, records)
    _access_reviews(inv, records, period_start, period_end)
    _vendors(inv, records)
    _policies(inv, records, period_start, period_end)
    return inv


def needs_live(records: LoadedRecords, folder: str = "DIR") -> list[Gap]:
    """SOC2_OPS_1 and SOC2_OPS_2 join records with live AWS data; a records-only scan says so
    rather than passing them."""
    text = NEEDS_LIVE.format(dir=folder)
    return [
        Gap(
            _file_ref(records, "hr_terminations", "HR termination list", LEAVER_TYPE), (Leaver,), f"SOC2_OPS_1 {text}."
        ),
        Gap(_file_ref(records, "tickets", "ticket export"), (FindingTickets,), f"SOC2_OPS_2 {text}."),
    ]


def _file_ref(records: LoadedRecords, kind: str, name: str, type_: str | None = None) -> ResourceRef:
    """A result about a whole records file (or about its absence)."""
    files = records.files.get(kind) or []
    first = files[0] if files else None
    shown = f"{name} ({', '.join(files)})" if len(files) > 1 else name
    return ResourceRef(id=f"records/{first or kind.replace('_', '-')}", type=type_, name=shown, file=first)


def _incidents(inv: RecordsInventory, records: LoadedRecords) -> None:
    ref = _file_ref(records, "incidents", "incident response program", INCIDENTS_TYPE)
    inv.subjects.append(Subject(ref, IncidentProgram(records.incidents)))


def _access_reviews(inv: RecordsInventory, records: LoadedRecords, start: dt.date, end: dt.date) -> None:
    loaded = records.access_reviews
    file = records.file_of("access_reviews")
    for q in quarters(start, end):
        if isinstance(loaded, Missing):
            view = QuarterReviews(q.label, q.start, q.end, loaded)
            lines = None
        else:
            view = QuarterReviews(q.label, q.start, q.end, loaded.reviews)
            inside = [r for r in loaded.reviews if q.start <= r.date <= q.end]
            lines = loaded.lines.get(max(inside, key=lambda r: r.date).id) if inside else None
        name = f"access review {q.label} ({q.start} to {q.end})"
        ref = ResourceRef(id=f"access-review:{q.label}", type=QUARTER_TYPE, name=name, file=file, line_range=lines)
        inv.subjects.append(Subject(ref, view))


def _vendors(inv: RecordsInventory, records: LoadedRecords) -> None:
    if isinstance(records.vendors, Missing):
        ref = _file_ref(records, "vendors", "vendor inventory", VENDOR_TYPE)
        inv.gaps.append(Gap(ref, (Vendor,), f"Data could not be read: {records.vendors.describe()}."))
        return
    for r in records.vendors:
        ref = ResourceRef(
            id=f"vendor:{r.vendor.name}", type=VENDOR_TYPE, name=r.vendor.name, file=r.file, line_range=r.lines
        )
        inv.subjects.append(Subject(ref, r.vendor))


def _policies(inv: RecordsInventory, records: LoadedRecords, start: dt.date, end: dt.date) -> None:
    folder = records.policies
    if isinstance(folder, Missing):
        ref = _file_ref(records, "policies", "policy folder", POLICY_TYPE)
        inv.subjects.append(Subject(ref, PolicyDocument("policies/", tracked=folder)))
        return
    if not folder.files:
        ref = ResourceRef(id=f"policy:{folder.shown}/", type=POLICY_TYPE, name="policy folder", file=folder.shown)
        missing = Missing("reading the policy folder", f"{folder.shown}/ holds no documents")
        inv.subjects.append(Subject(ref, PolicyDocument(f"{folder.shown}/", tracked=missing)))
        return
    for doc in policy_files.documents(folder, start, end):
        ref = ResourceRef(id=f"policy:{doc.path}", type=POLICY_TYPE, name=doc.path.rsplit("/", 1)[-1], file=doc.path)
        inv.subjects.append(Subject(ref, doc))
