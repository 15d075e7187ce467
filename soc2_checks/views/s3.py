from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class PublicAccessBlock:
    block_public_acls: Maybe[bool] = False
    ignore_public_acls: Maybe[bool] = False
    block_public_policy: Maybe[bool] = False
    restrict_public_buckets: Maybe[bool] = False


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket with the settings that AWS provider v4+ splits into other resources."""

    name: str
    encryption_algorithms: Maybe[tuple[str, ...]]  # () = no default encryption configuration
    public_access_block: Maybe[PublicAccessBlock | None]  # the bucket's own block
    account_public_access_block: Maybe[PublicAccessBlock | None]  # the account's block
    canned_acl: Maybe[str | None] = None  # "private", "public-read", ...
    grantee_uris: Maybe[tuple[str, ...]] = ()  # group grantees of the ACL (ALL_USERS, ...)


@dataclass(frozen=True)
class AccountPublicAccess:
    """The account-level S3 public access block (None: the account has none)."""

    block: Maybe[PublicAccessBlock | None]
