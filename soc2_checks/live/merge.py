"""Combining the JSON results of several scans (the shards of one ``live --org --shard`` run,
or separate scans of different accounts) into one report.

The merged report must be exactly what one scan of everything would have said, or nothing:
files of different kinds or audit periods, the same shard twice, shards of different runs,
overlapping accounts and missing shards are refused, because each would make the report
count something twice or leave accounts out without saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..report import ExemptionOutcome, ScanReport
from .report_file import ReportFile, load_report

ONLY_PASSED = "only PASSED results matched"


@dataclass
class Merged:
    report: ScanReport
    missing_shards: list[int] = field(default_factory=list)


def load_all(paths: Iterable[str | Path]) -> list[ReportFile]:
    seen: dict[Path, str] = {}
    files = []
    for p in paths:
        resolved = Path(p).resolve()
        if resolved in seen:
            raise UsageError(f"{p}: given twice (also as {seen[resolved]})")
        seen[resolved] = str(p)
        files.append(load_report(p))
    return files


def merge(files: list[ReportFile], *, partial: bool = False) -> Merged:
    if not files:
        raise UsageError("merge: no results files given")
    first = files[0]
    for f in files[1:]:
        _same(first, f, "kind", lambda r: r.kind, "scan")
        _same(first, f, "audit period", lambda r: (r.period_start, r.period_end), "period")
    missing = _check_shards(files, partial)
    _check_overlap(files)

    reports = [f.report for f in files]
    results = [r for rep in reports for r in rep.results]
    warnings = list(dict.fromkeys(w for rep in reports for w in rep.warnings))
    if missing:
        count = files[0].report.shard["count"]  # type: ignore[index]
        warnings.insert(
            0,
            f"Merged without shard(s) {', '.join(f'{i}/{count}' for i in missing)} (--partial): "
            "the accounts they hold are not in this report.",
        )
    report = ScanReport(
        kind=first.report.kind,
        started_at=min(r.started_at for r in reports),
        finished_at=max(r.finished_at for r in reports),
        targets=sorted({t for r in reports for t in r.targets}),
        results=results,
        period_start=first.report.period_start,
        period_end=first.report.period_end,
        exemptions=merge_outcomes([r.exemptions for r in reports]),
        warnings=warnings,
    )
    return Merged(report, missing)


def merge_outcomes(outcomes: list[ExemptionOutcome]) -> ExemptionOutcome:
    """Per-result outcomes add up; an entry is unused only if no part used it, and an entry
    expiring soon is named once."""
    out = ExemptionOutcome()
    for o in outcomes:
        out.applied += o.applied
        out.expired += o.expired
        out.invalid_suppressions += o.invalid_suppressions
        out.not_verified += o.not_verified
    soon: dict[Any, dict[str, Any]] = {}
    for o in outcomes:
        for item in o.expiring_soon:
            soon.setdefault(item.get("entry"), item)
    out.expiring_soon = list(soon.values())
    unused_in: list[dict[Any, dict[str, Any]]] = [{i.get("entry"): i for i in o.unused} for o in outcomes]
    for entry, item in unused_in[0].items():
        parts = [u.get(entry) for u in unused_in]
        if any(p is None for p in parts):
            continue  # some part used it
        passed = next((p for p in parts if p and str(p.get("reason", "")).startswith(ONLY_PASSED)), None)
        out.unused.append(passed or item)
    return out


def _same(a: ReportFile, b: ReportFile, what: str, get, key: str) -> None:
    va, vb = get(a.report), get(b.report)
    if va != vb:
        raise UsageError(
            f"{b.path}: cannot merge: its {what} ({_show(vb)}) differs from {a.path} ({_show(va)}); "
            f"merge only results of the same {key}"
        )


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return " to ".join(v.isoformat() if v else "..." for v in value)
    return str(value)


def _check_shards(files: list[ReportFile], partial: bool) -> list[int]:
    sharded = [f for f in files if f.report.shard is not None]
    if not sharded:
        return []
    if len(sharded) != len(files):
        plain = next(f for f in files if f.report.shard is None)
        raise UsageError(
            f"{plain.path}: cannot merge: it is not a shard, and {sharded[0].path} is shard "
            f"{_shard(sharded[0])}; merge the shards of one run, or scans of separate accounts"
        )
    first = files[0]
    count = first.report.shard["count"]  # type: ignore[index]
    by_index: dict[int, ReportFile] = {}
    for f in files:
        shard = f.report.shard or {}
        if shard["count"] != count:
            raise UsageError(
                f"{f.path}: cannot merge shard {_shard(f)} with shard {_shard(first)} of {first.path}: "
                "they come from runs with a different number of shards"
            )
        if shard["organization"] and first.report.shard["organization"] not in (None, shard["organization"]):  # type: ignore[index]
            raise UsageError(
                f"{f.path}: cannot merge: it scanned organization {shard['organization']}, "
                f"{first.path} scanned {first.report.shard['organization']}"  # type: ignore[index]
            )
        if shard["index"] >= count:
            raise UsageError(f"{f.path}: scan.shard index {shard['index']} is not below its count {count}")
        if shard["index"] in by_index:
            raise UsageError(f"{f.path}: shard {_shard(f)} is also in {by_index[shard['index']].path}: given twice")
        by_index[shard["index"]] = f
    missing = [i for i in range(count) if i not in by_index]
    if missing and not partial:
        names = ", ".join(f"{i}/{count}" for i in missing)
        raise UsageError(
            f"merge: shard(s) {names} missing: their accounts would be left out; give every shard, "
            "or --partial to merge what there is (the report then says which shards are missing)"
        )
    return missing


def _shard(f: ReportFile) -> str:
    s = f.report.shard or {}
    return f"{s.get('index')}/{s.get('count')}"


def _check_overlap(files: list[ReportFile]) -> None:
    """No account in two files, and no result twice: either would be counted twice."""
    owner: dict[str, ReportFile] = {}
    for f in files:
        for account in _accounts(f):
            if account in owner:
                raise UsageError(
                    f"{f.path}: cannot merge: account {account} is also in {owner[account].path}; the files overlap"
                )
        for account in _accounts(f):
            owner[account] = f
    seen: dict[tuple, ReportFile] = {}
    for f in files:
        for r in f.report.results:
            res = r.resource
            k = (r.check_id, res.id, res.account, res.region, res.file, res.line_range)
            if k in seen and seen[k] is not f:
                raise UsageError(
                    f"{f.path}: cannot merge: result {r.check_id} for {r.resource.id} is also in {seen[k].path}; "
                    "the files overlap"
                )
            seen[k] = f


def _accounts(f: ReportFile) -> set[str]:
    if f.report.shard is not None:
        return set(f.report.shard["accounts"])
    if f.report.kind != "live":
        return set()
    return {r.resource.account for r in f.report.results if r.resource.account}
