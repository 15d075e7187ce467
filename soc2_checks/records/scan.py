"""The records part of a scan, shared by ``soc2-checks records`` and ``soc2-checks live
--records``: SOC2_OPS_3..6 judged from records, and, when no live data is read, SOC2_OPS_1/2
reported as needing it (their views come from :mod:`.live_join` in a live scan)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from ..engine import error_results, evaluate
from ..model import Result, Source, Subject
from ..registry import Registry, RuleContext
from . import adapters
from .load import LoadedRecords


@dataclass
class RecordsScan:
    results: list[Result] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ctx: RuleContext | None = None
    """The context the records were judged in (the period start filled in when it was not given)."""


def run(
    records: LoadedRecords,
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    *,
    live: bool,
    folder: str = "DIR",
) -> RecordsScan:
    """Results of every records check that does not need live data; with ``live`` False, the
    checks that do are ERROR results saying how to run them."""
    out = RecordsScan()
    if ctx.period_end is None:
        raise ValueError("a records scan needs the period end")
    if ctx.period_start is None:
        start = adapters.default_period_start(ctx.period_end)
        ctx = dataclasses.replace(ctx, period_start=start)
        out.warnings.append(
            f"No --period-start: the records were judged over the twelve months {start} to {ctx.period_end}."
        )
    out.ctx = ctx
    inv = adapters.subjects(records, ctx.period_start, ctx.period_end)
    checks = [c for c in registry if Source.RECORDS in c.sources and not (live and Source.LIVE in c.sources)]
    ids = {c.id for c in checks}
    out.results = evaluate(inv.subjects, registry, ctx, criteria_for, selected=lambda c: c.id in ids)
    gaps = inv.gaps + ([] if live else adapters.needs_live(records, folder))
    for gap in gaps:
        wanted = [c for c in checks if set(c.views) & set(gap.views)]
        out.results += error_results(wanted, Subject(gap.resource, None), gap.message, criteria_for)
    out.warnings += inv.warnings
    return out
