"""KMS: every key of every region in scope, with rotation status where rotation applies."""

from __future__ import annotations

from ...model import Missing, Unknown
from ...views.kms import KmsKey
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task, batches
from ..regions import Scope
from . import Collector, Inventory, account_ref, resource_ref

BATCH = 25
PENDING = frozenset({"PendingDeletion", "PendingReplicaDeletion"})
NOT_ASKED = Unknown("rotation status is read only for enabled customer-managed symmetric keys")


def plan(scope: Scope) -> list[Task]:
    return [Task("kms", r, lambda api, r=r: list_keys(api, r), f"kms {r}") for r in scope.regions]


def list_keys(api: Api, region: str) -> Step:
    try:
        keys = [k["KeyId"] for k in api.paginate("kms", "ListKeys", region).get("Keys", [])]
    except CallFailed as exc:
        return Step({("kms", region): exc.missing})
    tasks = [
        Task("kms", region, lambda api, b=batch: read_keys(api, region, b), f"kms {region} keys")
        for batch in batches(keys, BATCH)
    ]
    return Step({("kms", region): keys}, tasks)


def read_keys(api: Api, region: str, key_ids: list[str]) -> Step:
    return Step({("kms", region, k): read_key(api, region, k) for k in key_ids})


def read_key(api: Api, region: str, key_id: str) -> tuple[str | None, KmsKey] | None:
    """(ARN, view), or None for a key deleted since the listing."""
    try:
        meta = api.call("kms", "DescribeKey", region, absent=("NotFoundException",), KeyId=key_id)
    except CallFailed as exc:
        m = exc.missing
        return None, KmsKey(key_id, m, m, m, m, m)
    if meta is None:
        return None
    meta = meta["KeyMetadata"]
    enabled = meta.get("KeyState") == "Enabled"
    pending = meta.get("KeyState") in PENDING
    customer = meta.get("KeyManager") == "CUSTOMER"
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    rotation: bool | Missing | Unknown = NOT_ASKED
    if enabled and customer and spec == "SYMMETRIC_DEFAULT":
        if meta.get("Origin", "AWS_KMS") != "AWS_KMS":
            rotation = False  # imported or custom-store key material cannot rotate automatically
        else:
            try:
                rotation = bool(api.call("kms", "GetKeyRotationStatus", region, KeyId=key_id)["KeyRotationEnabled"])
            except CallFailed as exc:
                rotation = exc.missing
    return meta.get("Arn"), KmsKey(key_id, enabled, customer, spec, rotation, pending)


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    for region in scope.regions:
        keys = facts[("kms", region)]
        if isinstance(keys, Missing):
            inv.cannot_list(account_ref(scope, f"KMS keys in {region}", region, "AWS::KMS::Key"), (KmsKey,), keys)
            continue
        for key_id in keys:
            read = facts.get(("kms", region, key_id))
            if read is None:
                continue
            key_arn, view = read
            key_arn = key_arn or f"arn:{scope.partition}:kms:{region}:{scope.account}:key/{key_id}"
            inv.add(resource_ref(scope, key_arn, "AWS::KMS::Key", key_id, region), view)
    return inv


COLLECTOR = Collector(name="kms", views=(KmsKey,), plan=plan, assemble=assemble)
