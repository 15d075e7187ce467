"""S3: default encryption (SOC2_AWS_11), public access (SOC2_AWS_12), and the account-level
public access block (SOC2_AWS_13)."""

from __future__ import annotations

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views import Maybe
from ..views.s3 import ALL_USERS, AUTHENTICATED_USERS, AccountPublicAccess, Bucket, PublicAccessBlock
from .alternatives import Undecided

SETTINGS = ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GRANTEES = frozenset({ALL_USERS, AUTHENTICATED_USERS})


@check(
    "SOC2_AWS_11",
    title="S3 buckets have default server-side encryption",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=Bucket,
    remediation="Configure default encryption (SSE-KMS or SSE-S3) on the bucket: "
    "aws_s3_bucket_server_side_encryption_configuration in Terraform, BucketEncryption in CloudFormation.",
)
def bucket_default_encryption(b: Bucket, ctx: RuleContext) -> Verdict:
    """Auditors read the configuration, not the contents: a bucket without a default
    encryption configuration is a finding even if it is empty."""
    algorithms = require(b.encryption_algorithms)
    if not algorithms:
        return Verdict.failed(f"Bucket {b.name} has no default server-side encryption configuration.")
    return Verdict.passed(f"Bucket {b.name} encrypts new objects by default ({', '.join(algorithms)}).")


def _setting_on(block: Maybe[PublicAccessBlock | None], setting: str) -> bool:
    block = require(block)
    return block is not None and bool(require(getattr(block, setting)))


def effective_setting(
    own: Maybe[PublicAccessBlock | None], account: Maybe[PublicAccessBlock | None], setting: str
) -> bool:
    """Combine as AWS does: a setting is on when either block has it on. One block showing it
    on settles it even when the other could not be read; otherwise an unread or unresolved
    block stops the rule."""
    undecided = Undecided()
    if any(undecided.attempt(_setting_on, block, setting) for block in (own, account)):
        return True
    undecided.reraise()
    return False


def _acl_problems(b: Bucket) -> list[str]:
    problems = []
    acl = require(b.canned_acl)
    if acl in PUBLIC_CANNED_ACLS:
        problems.append(f"canned ACL {acl}")
    for uri in require(b.grantee_uris):
        if uri in PUBLIC_GRANTEES:
            problems.append(f"ACL grant to {uri.rsplit('/', 1)[-1]}")
    return problems


def _block_problems(b: Bucket) -> list[str]:
    undecided = Undecided()
    off = [
        s
        for s in SETTINGS
        if undecided.attempt(effective_setting, b.public_access_block, b.account_public_access_block, s) is False
    ]
    if off:
        return ["public access block setting(s) off: " + ", ".join(off)]
    undecided.reraise()
    return []


@check(
    "SOC2_AWS_12",
    title="S3 buckets block public access and have no public ACL",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=Bucket,
    remediation="Enable all four public access block settings on the bucket or the account, and "
    "remove public-read/public-read-write/authenticated-read ACLs and AllUsers/AuthenticatedUsers grants.",
)
def bucket_public_access(b: Bucket, ctx: RuleContext) -> Verdict:
    """A bucket is covered when every effective public-access setting is on, combining its own
    block with the account's; a public ACL fails even when the block would neutralise it,
    because auditors read the ACL itself. A definite finding is reported even when another
    part could not be read or resolved."""
    undecided = Undecided()
    problems = [p for part in (_acl_problems, _block_problems) for p in undecided.attempt(part, b) or ()]
    if problems:
        return Verdict.failed(f"Bucket {b.name} may be public: {'; '.join(problems)}.")
    undecided.reraise()
    return Verdict.passed(f"Bucket {b.name} has all four public access block settings on and no public ACL.")


@check(
    "SOC2_AWS_13",
    title="The account-level S3 public access block is fully on",
    severity="HIGH",
    sources=("terraform", "live"),
    views=AccountPublicAccess,
    baseline=True,
    remediation="Turn on all four settings of the account's S3 public access block "
    "(aws_s3_account_public_access_block; s3control PutPublicAccessBlock).",
)
def account_public_access_block(a: AccountPublicAccess, ctx: RuleContext) -> Verdict:
    """The account block is the safety net for every bucket created tomorrow."""
    block = require(a.block)
    if block is None:
        return Verdict.failed("The account has no S3 public access block.")
    off = [s for s in SETTINGS if not require(getattr(block, s))]
    if off:
        return Verdict.failed(f"Account S3 public access block has setting(s) off: {', '.join(off)}.")
    return Verdict.passed("Account S3 public access block has all four settings on.")
