"""CloudTrail: multi-region coverage (SOC2_AWS_8) and log file validation (SOC2_AWS_9)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.cloudtrail import AccountTrails, Trail
from .alternatives import first_sound


def _shortfalls(t: Trail) -> list[str]:
    """Why a trail does not give the account-wide record an auditor expects (empty: it does).
    ``logging`` None means the source cannot say (CloudFormation, Terraform without
    ``enable_logging``), where a trail logs from creation."""
    problems = []
    if not require(t.multi_region):
        problems.append("not multi-region")
    if require(t.logging) is False:
        problems.append("not logging")
    if not require(t.include_global_service_events):
        problems.append("no global service events")
    return problems


@check(
    "SOC2_AWS_8",
    title="CloudTrail records every region",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=(Trail, AccountTrails),
    view_sources={Trail: ("terraform", "cloudformation")},
    baseline=True,
    remediation="Use a multi-region trail that is logging and includes global service events "
    "(is_multi_region_trail = true, include_global_service_events = true; IsMultiRegionTrail in CloudFormation); "
    "verify with aws cloudtrail describe-trails --include-shadow-trails.",
)
def trail_covers_all_regions(v: Trail | AccountTrails, ctx: RuleContext) -> Verdict:
    """A single-region trail misses API activity everywhere else, and auditors ask about
    workloads in other regions. Per trail, only multi-region is judged; for the account, one
    trail must be multi-region, logging and include global service events (IAM, STS and
    CloudFront calls are recorded only by such a trail)."""
    if isinstance(v, Trail):
        if not require(v.multi_region):
            return Verdict.failed(f"Trail {v.name} records only its home region.")
        return Verdict.passed(f"Trail {v.name} is multi-region.")
    trails = require(v.trails)
    if not trails:
        return Verdict.failed("No CloudTrail trail exists.")
    good, judged = first_sound(trails, _shortfalls)
    if good is not None:
        return Verdict.passed(f"Trail {good.name} is multi-region, logging and includes global service events.")
    reasons = [f"{t.name}: {', '.join(problems)}" for t, problems in judged]
    return Verdict.failed(
        f"No trail is multi-region, logging and including global service events ({'; '.join(reasons)})."
    )


@check(
    "SOC2_AWS_9",
    title="CloudTrail validates log files",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=Trail,
    remediation="Turn on log file integrity validation (enable_log_file_validation = true; "
    "EnableLogFileValidation: true; aws cloudtrail update-trail --enable-log-file-validation).",
)
def trail_validates_logs(t: Trail, ctx: RuleContext) -> Verdict:
    """Digest files let an auditor verify that the logs offered as evidence were not altered
    or deleted after delivery."""
    if not require(t.log_file_validation):
        return Verdict.failed(f"Trail {t.name} does not validate its log files.")
    return Verdict.passed(f"Trail {t.name} validates its log files.")
