"""``-o json``: the machine contract, exactly :meth:`ScanReport.to_dict`.

Its shape is published as ``mappings/schemas/results.schema.json``; ``soc2-checks merge`` and
``exemptions report --results`` read it back, so nothing is added here that the schema does
not describe.
"""

from __future__ import annotations

import json
from typing import Any

from ..report import ScanReport
from . import RenderOptions, writer

SCHEMA = "results.schema.json"


@writer("json")
def render_json(report: ScanReport, st: Any, options: RenderOptions) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
