"""``-o csv``: the compliance matrix an auditor filters in a spreadsheet, one row per
criterion and check, with counts by status and the worst status of the row.

A check mapped to two criteria has a row under each; a check mapped to none has a row under
``UNMAPPED``. Rows are ordered by criterion, then check, so two runs diff line by line.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..model import Status
from ..report import ScanReport
from . import RenderOptions, writer
from ._facts import by_criterion_and_check, counts, criterion_title, worst

COLUMNS = (
    "criterion",
    "criterion_title",
    "check_id",
    "check_title",
    "severity",
    "passed",
    "failed",
    "exempted",
    "error",
    "status",
)


@writer("csv")
def render_csv(report: ScanReport, st: Any, options: RenderOptions) -> str:
    buf = io.StringIO(newline="")
    out = csv.writer(buf, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(COLUMNS)
    for criterion, checks in by_criterion_and_check(report.results).items():
        ctitle = criterion_title(st, criterion)
        for check_id, results in checks.items():
            c = counts(results)
            out.writerow(
                (
                    criterion,
                    ctitle,
                    check_id,
                    results[0].title,
                    str(results[0].severity),
                    c[Status.PASSED],
                    c[Status.FAILED],
                    c[Status.EXEMPTED],
                    c[Status.ERROR],
                    str(worst(r.status for r in results)),
                )
            )
    return buf.getvalue()
