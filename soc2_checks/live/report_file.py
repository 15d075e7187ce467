"""Reading a scan's ``-o json`` output back (for ``merge`` and ``--compare-to``), validated
against ``mappings/schemas/results.schema.json`` so that a truncated or hand-edited file is
refused with its name and the place, not half-read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import load_json
from ..model import Result
from ..report import ExemptionOutcome, ScanReport
from ..schemas import validate

RESULTS_SCHEMA = "results.schema.json"
MAX_BYTES = 512 * 1024 * 1024
"""An organization's results run to hundreds of megabytes; the data-file default is for
hand-written files."""


@dataclass
class ReportFile:
    path: Path
    report: ScanReport
    data: dict[str, Any]


def load_report(path: str | Path) -> ReportFile:
    doc = load_json(path, max_bytes=MAX_BYTES)
    validate(doc, RESULTS_SCHEMA)
    data = doc.data
    scan = data["scan"]
    results = []
    for i, raw in enumerate(data["results"]):
        try:
            results.append(Result.from_dict(raw))
        except (KeyError, TypeError, ValueError) as exc:
            raise doc.error(("results", i), f"not a soc2-checks result ({type(exc).__name__}: {exc})") from None
    period = scan["period"]
    try:
        started, finished = _time(scan["started_at"]), _time(scan["finished_at"])
    except ValueError as exc:
        raise doc.error(("scan", "started_at"), f"not a date-time ({exc})") from None
    try:
        start, end = _date(period["start"]), _date(period["end"])
    except ValueError as exc:
        raise doc.error(("scan", "period"), f"not a date ({exc})") from None
    report = ScanReport(
        kind=scan["kind"],
        started_at=started,
        finished_at=finished,
        targets=list(scan["targets"]),
        results=results,
        period_start=start,
        period_end=end,
        exemptions=ExemptionOutcome(**{k: list(v) for k, v in data["exemptions"].items()}),
        warnings=list(data["warnings"]),
        shard=scan.get("shard"),
    )
    return ReportFile(Path(path), report, data)


def _time(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
