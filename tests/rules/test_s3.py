"""SOC2_AWS_11..13: bucket encryption, bucket public access, the account public access block."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.s3 import ALL_USERS, AUTHENTICATED_USERS, AccountPublicAccess, Bucket, PublicAccessBlock

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR
ON = PublicAccessBlock(True, True, True, True)
OFF = PublicAccessBlock()


def bucket(**changes) -> Bucket:
    base = {
        "name": "data",
        "encryption_algorithms": ("aws:kms",),
        "public_access_block": ON,
        "account_public_access_block": None,
    }
    return Bucket(**{**base, **changes})


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(bucket(), P, "Bucket data encrypts new objects by default (aws:kms)", id="encrypted"),
        pytest.param(
            bucket(encryption_algorithms=()), F, "Bucket data has no default server-side encryption", id="none"
        ),
        pytest.param(bucket(encryption_algorithms=UNKNOWN), F, "Cannot be confirmed", id="unknown"),
        pytest.param(bucket(encryption_algorithms=MISSING), E, "GetThing failed", id="missing"),
    ],
)
def test_aws_11_default_encryption(view, status, fragment):
    assert_verdict("SOC2_AWS_11", view, status, fragment)


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(bucket(), P, "has all four public access block settings on and no public ACL", id="own-block"),
        pytest.param(
            bucket(public_access_block=None, account_public_access_block=ON), P, "all four", id="account-block"
        ),
        pytest.param(
            bucket(
                public_access_block=PublicAccessBlock(True, True, False, False),
                account_public_access_block=PublicAccessBlock(False, False, True, True),
            ),
            P,
            "all four",
            id="combined-setting-by-setting",
        ),
        pytest.param(
            bucket(public_access_block=None),
            F,
            "setting(s) off: block_public_acls, ignore_public_acls, block_public_policy",
            id="no-block",
        ),
        pytest.param(
            bucket(public_access_block=PublicAccessBlock(True, True, True, False)),
            F,
            "setting(s) off: restrict_public_buckets",
            id="one-off",
        ),
        pytest.param(bucket(canned_acl="public-read"), F, "canned ACL public-read", id="public-read"),
        pytest.param(bucket(canned_acl="public-read-write"), F, "canned ACL public-read-write", id="public-read-write"),
        pytest.param(
            bucket(canned_acl="authenticated-read"), F, "canned ACL authenticated-read", id="authenticated-read"
        ),
        pytest.param(bucket(grantee_uris=(ALL_USERS,)), F, "ACL grant to AllUsers", id="grant-all-users"),
        pytest.param(
            bucket(grantee_uris=(AUTHENTICATED_USERS,)), F, "ACL grant to AuthenticatedUsers", id="grant-authenticated"
        ),
        pytest.param(bucket(canned_acl="private"), P, "no public ACL", id="private"),
        pytest.param(bucket(account_public_access_block=MISSING), P, "all four", id="own-block-settles-unread-account"),
        pytest.param(
            bucket(public_access_block=None, account_public_access_block=MISSING),
            E,
            "GetThing failed",
            id="unread-account-decides",
        ),
        pytest.param(
            bucket(public_access_block=PublicAccessBlock(UNKNOWN, True, True, True)),
            F,
            "Cannot be confirmed",
            id="unknown-setting",
        ),
        pytest.param(
            bucket(public_access_block=PublicAccessBlock(UNKNOWN, True, True, False)),
            F,
            "setting(s) off: restrict_public_buckets",
            id="off-beside-unknown",
        ),
        pytest.param(
            bucket(canned_acl="public-read", public_access_block=MISSING),
            F,
            "canned ACL public-read",
            id="public-acl-beside-unread",
        ),
        pytest.param(bucket(grantee_uris=MISSING), E, "GetThing failed", id="missing-acl"),
    ],
)
def test_aws_12_public_access(view, status, fragment):
    assert_verdict("SOC2_AWS_12", view, status, fragment)


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(AccountPublicAccess(ON), P, "all four settings on", id="on"),
        pytest.param(AccountPublicAccess(None), F, "The account has no S3 public access block", id="none"),
        pytest.param(
            AccountPublicAccess(PublicAccessBlock(True, False, True, True)),
            F,
            "setting(s) off: ignore_public_acls",
            id="one-off",
        ),
        pytest.param(
            AccountPublicAccess(PublicAccessBlock(True, True, UNKNOWN, True)), F, "Cannot be confirmed", id="unknown"
        ),
        pytest.param(AccountPublicAccess(MISSING), E, "GetThing failed", id="missing"),
    ],
)
def test_aws_13_account_public_access_block(view, status, fragment):
    assert_verdict("SOC2_AWS_13", view, status, fragment)
