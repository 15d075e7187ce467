"""AWS Config: a recorder recording every resource type in every region in scope (SOC2_AWS_18)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.config import ConfigRecorder, RegionRecorders
from .alternatives import first_sound


def _shortfalls(r: ConfigRecorder) -> list[str]:
    """Why a recorder does not keep the configuration history (empty: it does). ``recording``
    None means the source cannot express it (CloudFormation), so only coverage is judged."""
    problems = []
    if not require(r.all_supported):
        problems.append("does not record all resource types")
    if require(r.recording) is False:
        problems.append("is stopped")
    return problems


@check(
    "SOC2_AWS_18",
    title="AWS Config records all resources in every region in scope",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=(ConfigRecorder, RegionRecorders),
    baseline=True,
    remediation="Record all supported resource types (recording_group all_supported = true; AllSupported: true) and "
    "start the recorder (aws_config_configuration_recorder_status is_enabled = true; "
    "aws configservice start-configuration-recorder) in every region in scope.",
)
def config_recording(v: ConfigRecorder | RegionRecorders, ctx: RuleContext) -> Verdict:
    """The configuration timeline is how an auditor sees that a control held all period, not
    only on the day of the scan: a recorder that skips resource types or is stopped leaves
    gaps nobody can fill afterwards."""
    if isinstance(v, ConfigRecorder):
        problems = _shortfalls(v)
        if problems:
            return Verdict.failed(f"AWS Config recorder {v.name} {' and '.join(problems)}.")
        running = " and is recording" if v.recording is True else ""
        return Verdict.passed(f"AWS Config recorder {v.name} records all resource types{running}.")
    recorders = require(v.recorders)
    if not recorders:
        return Verdict.failed(f"Region {v.region} has no AWS Config recorder.")
    good, judged = first_sound(recorders, _shortfalls)
    if good is not None:
        return Verdict.passed(f"Region {v.region} has AWS Config recorder {good.name} recording all resource types.")
    reasons = [f"{r.name} {' and '.join(problems)}" for r, problems in judged]
    return Verdict.failed(
        f"Region {v.region} has no AWS Config recorder recording all resources ({'; '.join(reasons)})."
    )
