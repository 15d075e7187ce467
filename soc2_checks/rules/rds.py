"""RDS: encrypted storage for instances and clusters (SOC2_AWS_17)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.rds import DbStorage


@check(
    "SOC2_AWS_17",
    title="RDS storage is encrypted",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=DbStorage,
    remediation="Create the instance or cluster with storage_encrypted = true (StorageEncrypted: true); an existing "
    "one is encrypted by restoring an encrypted copy of a snapshot.",
)
def rds_storage_encrypted(d: DbStorage, ctx: RuleContext) -> Verdict | None:
    """Databases hold the customer data SOC 2 is about. A cluster member's storage is its
    cluster's, so the member gets no result of its own; unset means unencrypted, as in AWS."""
    if require(d.cluster_member):
        return None
    if not require(d.storage_encrypted):
        return Verdict.failed(f"RDS {d.kind} {d.identifier} has unencrypted storage.")
    return Verdict.passed(f"RDS {d.kind} {d.identifier} has encrypted storage.")
