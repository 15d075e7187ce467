"""Read-only by construction: the guard refuses writes before sending, a full scan calls only
what examples/iam/scanner-policy.json allows, and that policy alone is enough."""

from __future__ import annotations

import json

import boto3
import pytest

from soc2_checks.live.guard import CallLog, MutatingCallRefused, is_read_operation
from soc2_checks.live.permissions import permission_for
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.model import Status

from ..conftest import EXAMPLES
from .accounts import seed_everything

POLICY = EXAMPLES / "iam" / "scanner-policy.json"
REGIONS = ("us-east-1", "eu-west-1")

MOTO_ACTION_NAMES = {
    "s3:GetEncryptionConfiguration": "s3:ListBucket",
    "s3:GetBucketPublicAccessBlock": "s3:ListBucket",
    "s3:GetAccountPublicAccessBlock": "s3:GetPublicAccessBlock",
    "cloudwatch:DescribeAlarms": "monitoring:DescribeAlarms",
}
"""moto authorises a few operations under names other than AWS's: S3 bucket reads it has no
entry for as s3:ListBucket, the account block as s3:GetPublicAccessBlock, and CloudWatch
under its signing name. The policy is translated into moto's names, action by action."""


def policy_actions(sid: str = "Soc2ChecksLiveScannerReadOnly") -> set[str]:
    """The actions of one statement: the live scan's own; ``live --records`` and ``evidence``
    each add a statement of their extra reads."""
    [statement] = [s for s in json.loads(POLICY.read_text())["Statement"] if s["Sid"] == sid]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    return set(statement["Action"])


@pytest.mark.parametrize(
    ("operation", "read"),
    [
        ("DescribeTrails", True),
        ("GetBucketAcl", True),
        ("ListKeys", True),
        ("GenerateCredentialReport", True),
        ("PutBucketAcl", False),
        ("CreateBucket", False),
        ("DeleteTrail", False),
        ("StopLogging", False),
        ("AssumeRole", False),
        ("Getaway", True),  # the rule is the prefix, as AWS names its reads
    ],
)
def test_read_operations(operation, read):
    assert is_read_operation(operation) is read


def test_mutating_call_is_refused_before_it_is_sent(aws):
    log = CallLog()
    conn = Connection(ConnectOptions(), log=log)
    s3 = conn.client("s3")
    with pytest.raises(MutatingCallRefused, match="s3:CreateBucket refused"):
        s3.create_bucket(Bucket="never-made")
    with pytest.raises(MutatingCallRefused):
        conn.client("iam").delete_account_password_policy()
    assert log.requests == 0  # nothing left the process
    assert log.refused == [("s3", "CreateBucket"), ("iam", "DeleteAccountPasswordPolicy")]
    assert boto3.client("s3").list_buckets()["Buckets"] == []
    s3.list_buckets()  # reads go through
    assert log.requests == 1


def test_a_full_scan_calls_exactly_the_policy_operations(aws, scan):
    seed_everything(REGIONS)
    s = scan(regions=REGIONS)
    assert s.log.refused == []
    assert all(is_read_operation(op) for _, op in s.log.operations)
    assert {permission_for(service, op) for service, op in s.log.operations} == policy_actions()


def test_policy_grants_only_read_and_list_actions():
    from policy_sentry.querying.actions import get_action_data

    for action in sorted(policy_actions()):
        service, name = action.split(":")
        rows = get_action_data(service, name).get(service) or []
        levels = {r["access_level"] for r in rows if r["action"].lower() == action.lower()}
        assert levels and levels <= {"Read", "List"}, f"{action}: {levels or 'unknown to the IAM database'}"


def scanner_user(actions: set[str]) -> dict:
    """An IAM user holding exactly ``actions`` (in moto's names), and its access key."""
    iam = boto3.client("iam")
    iam.create_user(UserName="scanner")
    moto_actions = sorted({MOTO_ACTION_NAMES.get(a, a) for a in actions})
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": moto_actions, "Resource": "*"}]}
    iam.put_user_policy(UserName="scanner", PolicyName="scanner", PolicyDocument=json.dumps(document))
    return iam.create_access_key(UserName="scanner")["AccessKey"]


def scan_as(scan, monkeypatch, key: dict, **kwargs):
    """Scan with ``key`` while moto enforces IAM.

    moto verifies GuardDuty's GET signatures over its parsed parameters instead of the empty
    body that was signed, so every GuardDuty call fails as SignatureDoesNotMatch whatever the
    policy; for GuardDuty alone the signature check is skipped. Authorisation (the policy
    under test) is still enforced for every service, GuardDuty included."""
    from moto.core import enable_iam_authentication
    from moto.iam.access_control import IAMRequestBase

    check_signature = IAMRequestBase.check_signature

    def check_signature_except_guardduty(self) -> None:
        if self._service != "guardduty":
            check_signature(self)

    monkeypatch.setattr(IAMRequestBase, "check_signature", check_signature_except_guardduty)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    with enable_iam_authentication():
        return scan(**kwargs)


def test_the_scanner_policy_is_enough(aws, scan, monkeypatch):
    seed_everything(REGIONS)
    s = scan_as(scan, monkeypatch, scanner_user(policy_actions()), regions=REGIONS)
    assert [r.message for r in s.errors()] == []
    assert len(s.results) > 30


SERVICES = ["iam", "s3", "cloudtrail", "guardduty", "kms", "ec2", "rds", "config", "events", "logs", "cloudwatch"]


@pytest.mark.parametrize("service", SERVICES)
def test_access_denied_for_one_service_is_an_error_naming_the_permission(aws, scan, monkeypatch, service):
    seed_everything()
    if service in ("logs", "cloudwatch"):
        # a proven EventBridge alert settles SOC2_AWS_19 whatever the unread metric filters say
        events = boto3.client("events")
        events.remove_targets(Rule="trail-changes", Ids=["1"])
        events.delete_rule(Name="trail-changes")
    denied = {a for a in policy_actions() if a.startswith(f"{service}:")}
    if service == "ec2":
        denied.discard("ec2:DescribeRegions")  # the region list is its own test
    key = scanner_user(policy_actions() - denied)
    full = scan(regions=REGIONS[:1])
    s = scan_as(scan, monkeypatch, key, regions=REGIONS[:1])

    errors = s.errors()
    assert errors, f"denying {service} produced no ERROR"
    for r in errors:
        assert any(word in r.message for word in ("AccessDenied", "UnauthorizedOperation", "403")), r.message
        assert any(f"needs {a}" in r.message for a in denied), r.message
    # every other check answers exactly as with full permissions
    hit = {r.check_id for r in errors}
    assert [row for row in s.table() if row[0] not in hit] == [row for row in full.table() if row[0] not in hit]
    assert all(r.status != Status.PASSED for r in s.results if r.check_id in hit and r.resource.id in _ids(errors))


def _ids(results) -> set[str]:
    return {r.resource.id for r in results}


def test_region_list_denied_scans_the_home_region_and_says_so(aws, scan, monkeypatch):
    seed_everything()
    s = scan_as(scan, monkeypatch, scanner_user(policy_actions() - {"ec2:DescribeRegions"}), regions=None)
    assert s.out.targets == ["aws://123456789012/us-east-1"]
    assert any("regions could not be listed" in w for w in s.out.warnings)
    unlisted = [r for r in s.errors() if r.resource.id == "123456789012/*"]
    assert unlisted and all("ec2:DescribeRegions" in r.message for r in unlisted)
