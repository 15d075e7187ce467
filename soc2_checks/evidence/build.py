"""One evidence package, from credentials to the folder on disk.

The live scan runs once, with the evidence reads as one more collector and a recorder on its
clients: its results become ``results/``, the responses it received become the raw artifacts,
and the records (when given) join it exactly as for ``soc2-checks live --records``. Every input
is validated and the destination checked before AWS is read, so a typo fails in a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..live.collect import Facts, Progress
from ..live.regions import Scope
from ..model import Result
from ..report import ScanReport
from . import aws, from_records, layout, package, reads
from .artifacts import Artifact, State
from .record import CallRecorder


@dataclass
class Request:
    out: Path
    options: Any  # live.session.ConnectOptions
    period_start: dt.date
    period_end: dt.date
    regions: list[str] | None = None
    all_regions: bool = False
    records: Any = None  # records.load.LoadedRecords
    exemptions_file: str | None = None
    workers: int = 8
    hooks: Sequence[Callable[[Any], None]] = ()
    progress: Progress | None = None


@dataclass
class Outcome:
    out: Path
    manifest: dict
    manifest_sha256: str
    artifacts: list[Artifact]
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(a.state is State.COLLECTED for a in self.artifacts)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def make(req: Request, st: Any) -> Outcome:
    """``st`` is the command's :class:`~soc2_checks.commands.common.Setup` (registry, mapping,
    exemption register, as-of date)."""
    from ..exemptions import apply_register
    from ..live.scan import scan_account
    from ..live.services import all_collectors
    from ..live.session import Connection
    from ..records import live_join
    from ..registry import RuleContext

    package.check_target(req.out)
    started = dt.datetime.now(dt.UTC)
    recorder = CallRecorder()
    kept: dict[str, Any] = {}

    def keep(facts: Facts, scope: Scope) -> None:
        kept["facts"] = facts

    since, until = _midnight(req.period_start), _midnight(req.period_end + dt.timedelta(days=1))
    collectors = all_collectors()
    if req.records is not None:
        collectors += live_join.collectors(req.records, req.period_start, req.period_end)
    collectors.append(reads.collector(since, until, read_findings=req.records is None, keep=keep))
    ctx = RuleContext(as_of=st.as_of, period_start=req.period_start, period_end=req.period_end)
    scan = scan_account(
        lambda: Connection(req.options, hooks=[recorder, *req.hooks]),
        st.registry,
        ctx,
        st.mapping.criteria_for,
        regions=req.regions,
        all_regions=req.all_regions,
        collectors=collectors,
        workers=req.workers,
        progress=req.progress,
    )
    results, warnings = list(scan.results), list(scan.warnings)
    if req.records is not None:
        from ..records import scan as records_scan

        done = records_scan.run(req.records, st.registry, ctx, st.mapping.criteria_for, live=True)
        results += done.results
        warnings += done.warnings
    finished = dt.datetime.now(dt.UTC)
    report = ScanReport(
        kind="live",
        started_at=started,
        finished_at=finished,
        targets=scan.targets,
        results=results,
        period_start=req.period_start,
        period_end=req.period_end,
        warnings=warnings,
    )
    report.results, report.exemptions = apply_register(results, st.register, st.as_of)

    unreachable = None
    if scan.scope is None:
        unreachable = next((r.message for r in scan.results), "the account could not be read")
    c = aws.Collection(recorder, scan.scope, kept.get("facts", {}), unreachable, started)
    artifacts, ic = aws.build(c, req.period_end)
    findings = aws.high_findings(c)
    artifacts.append(aws.findings_raw(c, findings))
    period = from_records.Period(req.period_start, req.period_end)
    r = from_records.RecordsInput(req.records, period, finished)
    artifacts += from_records.build(r, findings, aws.latest(recorder.calls("guardduty", "GetFindings")) or finished)
    artifacts += _results(report, st, finished)
    artifacts += _exemptions(req, st, results, finished)

    from .walkthrough import Prep, render

    artifacts = package.unique_paths(artifacts)
    present = {a.path for a in artifacts if a.content is not None}
    prep = Prep(c, ic, findings, r, report.results, present)
    text = render(prep).encode("utf-8")
    sources = ("this package's artifacts and results",)
    artifacts.append(
        Artifact(
            layout.WALKTHROUGH,
            "Walkthrough preparation: the auditor's questions answered from this package, and those it cannot answer",
            sources,
            text,
            finished,
        )
    )

    alias = None
    if c.scope is not None:
        call = recorder.find("iam", "ListAccountAliases")
        if call is not None and call.ok:
            alias = ", ".join(call.response.get("AccountAliases", [])) or None
    info = package.PackageInfo(
        created_at=finished,
        account=c.account,
        regions=c.regions,
        period_start=req.period_start,
        period_end=req.period_end,
        targets=scan.targets,
        alias=alias,
    )
    doc, digest = package.write(req.out, info, artifacts, st.mapping.criteria_for)
    return Outcome(req.out, doc, digest, artifacts, warnings)


def _results(report: ScanReport, st: Any, at: dt.datetime) -> list[Artifact]:
    from ..outputs import render

    sources = ("the scan's results (every registered check over the data above)",)
    every = tuple(c.id for c in st.registry)
    return [
        Artifact(
            f"{layout.RESULTS}/results.json",
            "Scan results, every check and resource, with criteria and exemptions (the JSON results contract)",
            sources,
            render("json", report, st).encode("utf-8"),
            at,
            every,
        ),
        Artifact(
            f"{layout.RESULTS}/compliance-matrix.csv",
            "Criteria x checks matrix with counts by status",
            sources,
            render("csv", report, st).encode("utf-8"),
            at,
            every,
        ),
        Artifact(
            f"{layout.RESULTS}/report.html",
            "The scan report as one self-contained page",
            sources,
            render("html", report, st).encode("utf-8"),
            at,
            every,
        ),
    ]


def _exemptions(req: Request, st: Any, results: list[Result], at: dt.datetime) -> list[Artifact]:
    path = f"{layout.EXEMPTIONS}/exemption-register"
    title = "Compensating-control exemption register, as approved"
    if not req.exemptions_file or st.register is None:
        return [Artifact(path, title, ("--exemptions",), None, None, gaps=("no --exemptions register was given",))]
    from ..exemptions_history import register_history
    from ..exemptions_report import build_report, render_markdown

    src = Path(req.exemptions_file)
    history = register_history(src, [e.id for e in st.register])
    text = render_markdown(build_report(st.register, st.as_of, history, results, "results/results.json"))
    return [
        Artifact(f"{layout.EXEMPTIONS}/{src.name}", title, (f"file: {src}",), src.read_bytes(), at),
        Artifact(
            f"{layout.EXEMPTIONS}/exemptions-report.md",
            "The register as an auditor reads it: status, "
            "approvals, compensating controls verified against this scan, git history",
            (f"file: {src}", "git log"),
            text.encode("utf-8"),
            at,
        ),
    ]
