"""Finding and loading every records file: by conventional name in ``--records DIR``, or as
named on the command line. A kind of record that is absent is not an error here: it becomes
:class:`~soc2_checks.model.Missing`, so its check reports ERROR naming the file it looked for,
while invalid records stop the scan (exit 2) before anything is judged."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Missing
from ..views.records import IncidentExercise, Ticket
from . import tickets as ticket_files
from .access_reviews import AccessReviews, load_access_reviews
from .hr import DEFAULT_MAPPING, ColumnMapping, Person, load_columns, load_employees, load_leavers
from .incidents import load_incidents
from .policies import PolicyFolder, find_policies
from .vendors import VendorRecord, load_vendors

CONVENTIONAL_NAMES: dict[str, tuple[str, ...]] = {
    "hr_terminations": ("hr-terminations.csv", "hr-terminations.yaml", "hr-terminations.yml", "hr-terminations.json"),
    "hr_employees": ("hr-employees.csv", "hr-employees.yaml", "hr-employees.yml", "hr-employees.json"),
    "hr_columns": ("hr-columns.yaml", "hr-columns.yml", "hr-columns.json"),
    "tickets": ("tickets.csv", "tickets.json", "tickets.yaml", "tickets.yml"),
    "access_reviews": ("access-reviews.yaml", "access-reviews.yml", "access-reviews.json"),
    "incidents": ("incidents.yaml", "incidents.yml", "incidents.json"),
    "vendors": ("vendors.csv", "vendors.yaml", "vendors.yml", "vendors.json"),
    "policies": ("policies",),
}
"""What ``--records DIR`` looks for. Tickets and vendors may be split over several of their
files (a CSV from one system, JSON from another); for the others two candidates is ambiguous."""

MERGED = frozenset({"tickets", "vendors"})

DESCRIPTIONS = {
    "hr_terminations": "the HR termination list",
    "tickets": "the ticket export",
    "access_reviews": "the access-review records",
    "incidents": "the incident-response records",
    "vendors": "the vendor inventory",
    "policies": "the policy folder",
}


@dataclass
class LoadedRecords:
    root: Path | None
    leavers: list[Person] | Missing
    employees: list[Person]
    tickets: tuple[Ticket, ...] | Missing
    access_reviews: AccessReviews | Missing
    incidents: tuple[IncidentExercise, ...] | Missing
    vendors: list[VendorRecord] | Missing
    policies: PolicyFolder | Missing
    files: dict[str, list[str]] = field(default_factory=dict)
    """Each kind's files as results name them (relative to the records folder)."""

    def file_of(self, kind: str) -> str | None:
        found = self.files.get(kind)
        return ", ".join(found) if found else None


def discover(root: Path) -> dict[str, list[Path]]:
    """The conventional files present in ``root``, per kind."""
    if not root.is_dir():
        raise InputError(root, "is not a folder (--records names the folder holding the records)")
    found: dict[str, list[Path]] = {}
    for kind, names in CONVENTIONAL_NAMES.items():
        present = [root / n for n in names if (root / n).exists()]
        if len(present) > 1 and kind not in MERGED:
            raise InputError(
                root,
                f"both {present[0].name} and {present[1].name} are present; keep one ({DESCRIPTIONS.get(kind, kind)})",
            )
        if present:
            found[kind] = present
    return found


def load_records(
    root: str | Path | None,
    *,
    hr_terminations: str | Path | None = None,
    hr_employees: str | Path | None = None,
    hr_columns: str | Path | None = None,
    tickets: list[str | Path] | None = None,
) -> LoadedRecords:
    """Every record the OPS checks read. Files named explicitly win over the folder's."""
    base = Path(root) if root is not None else None
    found = discover(base) if base is not None else {}
    named = {
        "hr_terminations": [Path(hr_terminations)] if hr_terminations else None,
        "hr_employees": [Path(hr_employees)] if hr_employees else None,
        "hr_columns": [Path(hr_columns)] if hr_columns else None,
        "tickets": [Path(t) for t in tickets] if tickets else None,
    }
    for kind, paths in named.items():
        if paths:
            for p in paths:
                if not p.is_file():
                    raise InputError(p, "file not found" if not p.exists() else "is not a file")
            found[kind] = paths

    def shown(p: Path) -> str:
        """How results name a file: relative to the records folder when inside it."""
        if base is None:
            return str(p)
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return str(p)

    files = {kind: [shown(p) for p in paths] for kind, paths in found.items()}
    mapping = load_columns(found["hr_columns"][0]) if "hr_columns" in found else DEFAULT_MAPPING

    def missing(kind: str) -> Missing:
        where = f"in {base}" if base is not None else "(no --records folder)"
        looked = ", ".join(CONVENTIONAL_NAMES[kind])
        return Missing(f"reading {DESCRIPTIONS[kind]}", f"none found {where}; looked for {looked}")

    leavers: list[Person] | Missing = missing("hr_terminations")
    if "hr_terminations" in found:
        p = found["hr_terminations"][0]
        leavers = load_leavers(p, mapping, shown=shown(p))
    employees: list[Person] = []
    if "hr_employees" in found:
        p = found["hr_employees"][0]
        employees = load_employees(p, mapping, shown=shown(p))
    loaded_tickets: tuple[Ticket, ...] | Missing = missing("tickets")
    if "tickets" in found:
        loaded_tickets = ticket_files.merge((p, ticket_files.load_tickets(p)) for p in found["tickets"])
    reviews = (
        load_access_reviews(found["access_reviews"][0]) if "access_reviews" in found else missing("access_reviews")
    )
    incidents = load_incidents(found["incidents"][0]) if "incidents" in found else missing("incidents")
    vendors: list[VendorRecord] | Missing = missing("vendors")
    if "vendors" in found:
        vendors = _merge_vendors([(p, shown(p)) for p in found["vendors"]])
    policies: PolicyFolder | Missing = missing("policies")
    if "policies" in found:
        p = found["policies"][0]
        policies = find_policies(p, shown(p))
    return LoadedRecords(
        root=base,
        leavers=leavers,
        employees=employees,
        tickets=loaded_tickets,
        access_reviews=reviews,
        incidents=incidents,
        vendors=vendors,
        policies=policies,
        files=files,
    )


def _merge_vendors(paths: list[tuple[Path, str]]) -> list[VendorRecord]:
    out: list[VendorRecord] = []
    seen: dict[str, Path] = {}
    for p, name in paths:
        for record in load_vendors(p, shown=name):
            folded = " ".join(record.vendor.name.split()).casefold()
            first = seen.setdefault(folded, p)
            if first != p:
                raise InputError(p, f"vendor {record.vendor.name} is also in {first}; keep one entry per vendor")
            out.append(record)
    return out


__all__ = ["LoadedRecords", "ColumnMapping", "discover", "load_records", "CONVENTIONAL_NAMES"]
