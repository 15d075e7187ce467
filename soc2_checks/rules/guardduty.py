"""GuardDuty: detectors enabled, and one in every region in scope (SOC2_AWS_10)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.guardduty import Detector, RegionDetectors
from .alternatives import Undecided


def _enabled(d: Detector) -> bool:
    return bool(require(d.enabled))


@check(
    "SOC2_AWS_10",
    title="GuardDuty is enabled in every region in scope",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=(Detector, RegionDetectors),
    baseline=True,
    remediation="Enable GuardDuty in every region in scope (aws_guardduty_detector with enable = true; "
    "AWS::GuardDuty::Detector Enable: true), ideally for the whole organization from a delegated administrator.",
)
def guardduty_enabled(v: Detector | RegionDetectors, ctx: RuleContext) -> Verdict:
    """Threat detection is regional: an attacker who works in a region without a detector
    is not seen at all, so each region in scope needs an enabled detector."""
    if isinstance(v, Detector):
        if not _enabled(v):
            return Verdict.failed(f"GuardDuty detector {v.id} is disabled.")
        return Verdict.passed(f"GuardDuty detector {v.id} is enabled.")
    detectors = require(v.detectors)
    undecided = Undecided()
    for d in detectors:
        if undecided.attempt(_enabled, d):
            return Verdict.passed(f"Region {v.region} has an enabled GuardDuty detector ({d.id}).")
    undecided.reraise()
    if detectors:
        return Verdict.failed(f"Region {v.region} has GuardDuty detectors but none is enabled.")
    return Verdict.failed(f"Region {v.region} has no GuardDuty detector.")
