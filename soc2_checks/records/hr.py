"""The HR termination list (and, optionally, the current staff list) as HR systems export it.

Columns are found by their usual names (Workday's ``Worker``, ``Email - Primary Work``,
``Last Day of Work`` among them) or named in a column mapping file, with the date format
when dates are not ISO. "Last day of work" wins over "termination date" when an export has
both: access must be gone once the person stops working, not when payroll ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import load_data
from ..errors import InputError
from ..schemas import validate
from .csvtable import CsvTable, RowsDocument, read_csv
from .values import fold_email, parse_date, split_list

SCHEMA = "records-hr.schema.json"
COLUMNS_SCHEMA = "records-hr-columns.schema.json"

USUAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Worker", "Legal Name", "Preferred Name", "Employee Name", "Full Name", "Name"),
    "first_name": ("First Name", "Legal First Name", "Given Name"),
    "last_name": ("Last Name", "Legal Last Name", "Family Name", "Surname"),
    "email": ("Email - Primary Work", "Primary Work Email", "Work Email", "Email Address", "Email", "E-mail"),
    "employee_id": ("Employee ID", "Worker ID", "Employee Number", "Employee #"),
    "last_day": (
        "Last Day of Work",
        "Last Day Worked",
        "Last Day",
        "Termination Date",
        "Termination Effective Date",
        "End Date",
    ),
    "aws_identities": ("AWS Identities", "AWS Username", "AWS User Name", "AWS User"),
}


@dataclass(frozen=True)
class ColumnMapping:
    columns: dict[str, tuple[str, ...]]
    date_format: str | None = None
    source: Path | None = None

    def candidates(self, name: str) -> tuple[str, ...]:
        return self.columns.get(name) or USUAL_COLUMNS[name]


DEFAULT_MAPPING = ColumnMapping({})


@dataclass(frozen=True)
class Person:
    """One row of an HR export. ``last_day`` is None for current staff."""

    name: str
    email: str | None
    employee_id: str | None
    aws_identities: tuple[str, ...]
    last_day: dt.date | None
    file: str
    lines: tuple[int, int]

    @property
    def key(self) -> str:
        """The stable identifier of the person in results: e-mail, else HR's ID, else the row."""
        if self.email:
            return f"person:{fold_email(self.email)}"
        if self.employee_id:
            return f"person:{self.employee_id}"
        return f"records/{self.file}#row={self.lines[0]}"


def load_columns(path: str | Path) -> ColumnMapping:
    doc = load_data(path)
    validate(doc, COLUMNS_SCHEMA)
    columns = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in doc.data["columns"].items()}
    return ColumnMapping(columns, doc.data.get("date_format"), Path(path))


def load_leavers(
    path: str | Path, mapping: ColumnMapping = DEFAULT_MAPPING, *, shown: str | None = None
) -> list[Person]:
    """The termination list; a person listed twice (a rehire who left again) is judged on
    their latest last day."""
    people = _load(Path(path), mapping, "leavers", shown)
    latest: dict[str, Person] = {}
    for p in people:
        same = latest.get(p.key)
        if same is None or (p.last_day or dt.date.min) >= (same.last_day or dt.date.min):
            latest[p.key] = p
    return sorted(latest.values(), key=lambda p: p.lines)


def load_employees(
    path: str | Path, mapping: ColumnMapping = DEFAULT_MAPPING, *, shown: str | None = None
) -> list[Person]:
    return _load(Path(path), mapping, "employees", shown)


def _load(path: Path, mapping: ColumnMapping, kind: str, shown: str | None) -> list[Person]:
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _load_document(path, kind, shown)
    table = read_csv(path)
    columns = _resolve(table, mapping, kind)
    items, rows = [], []
    for row in table.rows:
        item: dict[str, Any] = {}
        name = row.get(columns.get("name"))
        if not name and ("first_name" in columns or "last_name" in columns):
            name = " ".join(v for v in (row.get(columns.get("first_name")), row.get(columns.get("last_name"))) if v)
        if name:
            item["name"] = " ".join(name.split())
        for field in ("email", "employee_id"):
            if row.get(columns.get(field)):
                item[field] = row.get(columns.get(field))
        if columns.get("aws_identities"):
            ids = [i for cell in row.all(columns["aws_identities"]) for i in split_list(cell)]
            if ids:
                item["aws_identities"] = ids
        if kind == "leavers" and row.get(columns.get("last_day")):
            try:
                item["last_day"] = parse_date(row.get(columns["last_day"]), mapping.date_format).isoformat()
            except ValueError as exc:
                raise table.error(str(exc), row, columns["last_day"]) from None
        items.append(item)
        rows.append(row)
    doc = RowsDocument(
        table, kind, items, rows, {k: v for k, v in columns.items() if k not in ("first_name", "last_name")}
    )
    validate(doc, SCHEMA)
    file = shown or str(path)
    return [_person(item, file, row.lines) for item, row in zip(items, rows, strict=True)]


def _resolve(table: CsvTable, mapping: ColumnMapping, kind: str) -> dict[str, str]:
    """The header each field is read from. A column the mapping names must exist; a field
    HR must provide (the name, the last day) must be found one way or the other."""
    found: dict[str, str] = {}
    for field in USUAL_COLUMNS:
        if kind == "employees" and field == "last_day":
            continue
        header = table.find(mapping.candidates(field))
        if header is None and field in mapping.columns:
            where = f"{mapping.source} (columns.{field})" if mapping.source else "the column mapping"
            names = " or ".join(repr(c) for c in mapping.columns[field])
            raise table.error(f"column {names} named by {where} is not in the header")
        if header is not None:
            found[field] = header
    if "name" not in found and not ("first_name" in found and "last_name" in found):
        raise table.error(_no_column("the person's name", "name", mapping))
    if kind == "leavers" and "last_day" not in found:
        raise table.error(_no_column("the last day of work", "last_day", mapping))
    return found


def _no_column(what: str, field: str, mapping: ColumnMapping) -> str:
    names = ", ".join(repr(c) for c in mapping.candidates(field))
    return f"no column for {what} (looked for {names}); name it with --hr-columns (columns.{field})"


def _load_document(path: Path, kind: str, shown: str | None) -> list[Person]:
    doc = load_data(path)
    validate(doc, SCHEMA)
    if kind not in doc.data:
        raise InputError(path, f"has no '{kind}' list")
    file = shown or str(path)
    out = []
    for i, item in enumerate(doc.data[kind]):
        line = doc.line_of((kind, i)) or 1
        out.append(_person(item, file, (line, line)))
    return out


def _person(item: dict[str, Any], file: str, lines: tuple[int, int]) -> Person:
    return Person(
        name=item["name"],
        email=item.get("email"),
        employee_id=item.get("employee_id"),
        aws_identities=tuple(item.get("aws_identities", ())),
        last_day=dt.date.fromisoformat(item["last_day"]) if item.get("last_day") else None,
        file=file,
        lines=lines,
    )
