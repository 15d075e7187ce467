"""The vendor inventory (SOC2_OPS_5), as a spreadsheet export (CSV) or YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import Document, load_data
from ..schemas import validate
from ..views.records import Vendor
from .csvtable import CsvTable, RowsDocument, read_csv, span
from .values import parse_date, parse_yes_no

SCHEMA = "records-vendors.schema.json"

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Vendor", "Vendor Name", "Name"),
    "service": ("Service", "Category", "Purpose"),
    "owner": ("Owner", "Business Owner", "Vendor Owner"),
    "customer_data_access": (
        "Customer Data Access",
        "Access to Customer Data",
        "Customer Data",
        "Processes Customer Data",
    ),
    "health_data": ("Health Data", "Handles Health Data", "PHI", "Handles PHI"),
    "last_security_review": ("Last Security Review", "Security Review Date", "Last Review", "Last Reviewed"),
    "soc2_status": ("SOC 2 Status", "SOC2 Status", "SOC 2 Report", "SOC 2", "SOC2"),
    "dpa_signed": ("DPA Signed", "DPA", "Data Processing Agreement"),
    "baa_signed": ("BAA Signed", "BAA", "Business Associate Agreement"),
    "notes": ("Notes", "Comments"),
}
REQUIRED_COLUMNS = ("name", "customer_data_access", "health_data")
YES_NO = ("customer_data_access", "health_data")
SIGNED = ("dpa_signed", "baa_signed")


@dataclass(frozen=True)
class VendorRecord:
    vendor: Vendor
    file: str
    lines: tuple[int, int] | None


def load_vendors(path: str | Path, *, shown: str | None = None) -> list[VendorRecord]:
    p = Path(path)
    if p.suffix.lower() == ".csv":
        doc, lines = _from_csv(read_csv(p))
        validate(doc, SCHEMA)
    else:
        doc = load_data(p)
        validate(doc, SCHEMA)
        lines = [span(doc, ("vendors", i)) for i in range(len(doc.data["vendors"]))]
    out: list[VendorRecord] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(doc.data["vendors"]):
        folded = " ".join(raw["name"].split()).casefold()
        if folded in seen:
            raise doc.error(("vendors", i, "name"), f"vendor {raw['name']} is listed twice; keep one row per vendor")
        seen[folded] = raw["name"]
        out.append(VendorRecord(_vendor(raw), shown or str(p), lines[i]))
    return out


def _from_csv(table: CsvTable) -> tuple[Document, list[tuple[int, int]]]:
    columns = {name: table.find(names) for name, names in COLUMNS.items()}
    for name in REQUIRED_COLUMNS:
        if columns[name] is None:
            looked = ", ".join(repr(c) for c in COLUMNS[name])
            raise table.error(f"no column for {name.replace('_', ' ')} (looked for {looked})")
    found = {k: v for k, v in columns.items() if v}
    items = []
    for row in table.rows:
        item: dict[str, Any] = {}
        for name, header in found.items():
            value = row.get(header)
            if not value:
                continue
            try:
                if name in YES_NO:
                    item[name] = parse_yes_no(value)
                elif name in SIGNED:
                    item[name] = _signed(value)
                elif name == "last_security_review":
                    item[name] = parse_date(value).isoformat()
                else:
                    item[name] = " ".join(value.split()) if name == "name" else value
            except ValueError as exc:
                raise table.error(str(exc), row, header) from None
        items.append(item)
    return RowsDocument(table, "vendors", items, table.rows, found), [r.lines for r in table.rows]


def _signed(value: str) -> bool | str:
    try:
        return parse_date(value).isoformat()
    except ValueError:
        return parse_yes_no(value)


def _vendor(raw: dict) -> Vendor:
    baa = raw.get("baa_signed")
    review = raw.get("last_security_review")
    return Vendor(
        name=raw["name"],
        customer_data_access=raw["customer_data_access"],
        health_data=bool(raw.get("health_data", False)),
        last_review=dt.date.fromisoformat(review) if review else None,
        soc2_status=raw.get("soc2_status"),
        dpa_signed=bool(raw.get("dpa_signed")),
        baa_signed=None if baa is None else bool(baa),
    )
