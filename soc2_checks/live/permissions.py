"""The IAM permission each API operation needs, for ERROR messages and the scanner policy.

Most permissions are ``<service>:<Operation>``; S3 is the exception, where several API
operations are authorised by differently named actions.
"""

from __future__ import annotations

IAM_PREFIX = {"s3control": "s3", "sso-admin": "sso"}

RENAMED = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


def permission_for(service: str, operation: str) -> str:
    """``service`` is the boto3 client name (``s3control``, ``cloudwatch``)."""
    return RENAMED.get((service, operation)) or f"{IAM_PREFIX.get(service, service)}:{operation}"
