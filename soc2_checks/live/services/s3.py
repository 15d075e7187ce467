"""S3 (global listing, read once): every bucket's default encryption, public access block
and ACL, and the account-level public access block."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Missing
from ...views.s3 import AccountPublicAccess, Bucket, PublicAccessBlock
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task, batches
from ..regions import Scope
from . import Collector, Inventory, account_ref, resource_ref

BATCH = 20
"""Buckets per task: enough parallelism for thousands of buckets, few tasks for a handful."""


@dataclass(frozen=True)
class BucketFacts:
    name: str
    region: str | None
    encryption: tuple[str, ...] | Missing
    block: PublicAccessBlock | None | Missing
    grantee_uris: tuple[str, ...] | Missing


def plan(scope: Scope) -> list[Task]:
    return [
        Task("s3", None, list_buckets, "s3 buckets"),
        Task("s3", None, lambda api: account_block(api, scope.account), "s3 account public access block"),
    ]


def list_buckets(api: Api) -> Step:
    try:
        buckets = api.paginate("s3", "ListBuckets").get("Buckets", [])
    except CallFailed as exc:
        return Step({("s3", "buckets"): exc.missing})
    # AWS names each bucket's region in the listing, so each bucket is read in its own region
    # without a redirect; without it the home-region client follows AWS's redirect.
    listed = [(b["Name"], b.get("BucketRegion")) for b in buckets]
    tasks = [
        Task("s3", None, lambda api, batch=batch: read_buckets(api, batch), f"s3 buckets {i * BATCH + 1}+")
        for i, batch in enumerate(batches(listed, BATCH))
    ]
    return Step({("s3", "buckets"): listed}, tasks)


def read_buckets(api: Api, batch: list[tuple[str, str | None]]) -> Step:
    return Step({("s3", "bucket", name): read_bucket(api, name, region) for name, region in batch})


GONE = "NoSuchBucket"
NO_BLOCK = "NoSuchPublicAccessBlockConfiguration"


def read_bucket(api: Api, name: str, region: str | None) -> BucketFacts | None:
    """One bucket's three settings; None when the bucket was deleted after the listing."""

    def get(operation: str, absent: str) -> dict | str | None | Missing:
        try:
            return api.call("s3", operation, region, absent=(absent,), Bucket=name)
        except CallFailed as exc:
            if exc.code == GONE:
                return GONE
            return exc.missing

    enc = get("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError")
    block = get("GetPublicAccessBlock", NO_BLOCK)
    acl = get("GetBucketAcl", GONE)
    if GONE in (enc, block, acl) or acl is None:
        return None
    return BucketFacts(
        name=name,
        region=region,
        encryption=enc if isinstance(enc, Missing) else _algorithms(enc),
        block=block if isinstance(block, Missing) else _block(block and block.get("PublicAccessBlockConfiguration")),
        grantee_uris=acl
        if isinstance(acl, Missing)
        else tuple(g["Grantee"]["URI"] for g in acl.get("Grants", []) if g.get("Grantee", {}).get("URI")),
    )


def account_block(api: Api, account: str) -> Step:
    try:
        found = api.call("s3control", "GetPublicAccessBlock", absent=(NO_BLOCK,), AccountId=account)
    except CallFailed as exc:
        return Step({("s3", "account-block"): exc.missing})
    return Step({("s3", "account-block"): _block(found and found.get("PublicAccessBlockConfiguration"))})


def _algorithms(response: dict | None) -> tuple[str, ...]:
    if response is None:
        return ()
    rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    defaults = [r["ApplyServerSideEncryptionByDefault"] for r in rules if r.get("ApplyServerSideEncryptionByDefault")]
    return tuple(d["SSEAlgorithm"] for d in defaults)


def _block(config: dict | None) -> PublicAccessBlock | None:
    if config is None:
        return None
    return PublicAccessBlock(
        block_public_acls=bool(config.get("BlockPublicAcls")),
        ignore_public_acls=bool(config.get("IgnorePublicAcls")),
        block_public_policy=bool(config.get("BlockPublicPolicy")),
        restrict_public_buckets=bool(config.get("RestrictPublicBuckets")),
    )


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    account = facts[("s3", "account-block")]
    inv.add(
        account_ref(scope, "S3 account public access block"),
        AccountPublicAccess(block=account),
    )
    listed = facts[("s3", "buckets")]
    if isinstance(listed, Missing):
        inv.cannot_list(account_ref(scope, "S3 buckets", type_="AWS::S3::Bucket"), (Bucket,), listed)
        return inv
    for name, _region in listed:
        b = facts.get(("s3", "bucket", name))
        if b is None:
            continue
        ref = resource_ref(scope, f"arn:{scope.partition}:s3:::{name}", "AWS::S3::Bucket", name, b.region)
        inv.add(
            ref,
            Bucket(
                name=name,
                encryption_algorithms=b.encryption,
                public_access_block=b.block,
                account_public_access_block=account,
                canned_acl=None,  # the API returns grants, not the canned ACL they came from
                grantee_uris=b.grantee_uris,
            ),
        )
    return inv


COLLECTOR = Collector(name="s3", views=(Bucket, AccountPublicAccess), plan=plan, assemble=assemble, regional=False)
