"""KMS: automatic rotation of customer-managed symmetric keys (SOC2_AWS_14)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.kms import KmsKey

SYMMETRIC = "SYMMETRIC_DEFAULT"


@check(
    "SOC2_AWS_14",
    title="Customer-managed KMS keys rotate automatically",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=KmsKey,
    remediation="Turn on automatic key rotation (enable_key_rotation = true; EnableKeyRotation: true; "
    "aws kms enable-key-rotation).",
)
def kms_key_rotation(k: KmsKey, ctx: RuleContext) -> Verdict | None:
    """Rotation limits how much data one key version protects. It is asked only of keys that
    can rotate and are in use: AWS-managed keys rotate by themselves, asymmetric and HMAC keys
    cannot rotate automatically, and disabled or pending-deletion keys encrypt nothing new."""
    if not require(k.enabled) or require(k.pending_deletion):
        return None
    if not require(k.customer_managed):
        return None
    if require(k.key_spec).upper() != SYMMETRIC:
        return None
    if not require(k.rotation_enabled):
        return Verdict.failed(f"KMS key {k.key_id} does not rotate automatically.")
    return Verdict.passed(f"KMS key {k.key_id} rotates automatically.")
