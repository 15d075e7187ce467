"""A soc2-checks plugin: one extra check and its criteria mapping.

ACME's data-classification standard asks for customer-managed KMS keys on every bucket, not
just any default encryption. The rule reuses the built-in S3 bucket view, so it runs in
Terraform, CloudFormation and live scans with no adapter of its own.
"""

from __future__ import annotations

from pathlib import Path

from soc2_checks.hookspecs import hookimpl
from soc2_checks.model import Verdict, require
from soc2_checks.registry import RuleContext, check
from soc2_checks.views.s3 import Bucket


@check(
    "ACME_S3_1",
    title="S3 buckets encrypt with KMS keys",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=Bucket,
    remediation="Set the bucket's default encryption to aws:kms with a customer-managed key.",
)
def bucket_uses_kms(b: Bucket, ctx: RuleContext) -> Verdict:
    """SSE-S3 keys are managed by AWS alone; ACME's key-custody policy requires KMS so that key
    use is logged and revocable."""
    algorithms = require(b.encryption_algorithms)
    if any(a.startswith("aws:kms") for a in algorithms):
        return Verdict.passed(f"Bucket {b.name} encrypts with KMS.")
    if not algorithms:
        return Verdict.failed(f"Bucket {b.name} has no default encryption at all.")
    return Verdict.failed(f"Bucket {b.name} encrypts with {', '.join(algorithms)}, not KMS.")


@hookimpl
def soc2_checks_register_checks() -> list:
    return [bucket_uses_kms]


@hookimpl
def soc2_checks_mapping_files() -> list[Path]:
    return [Path(__file__).with_name("mapping.yaml")]
