"""Responses as AWS gives them where moto differs or has nothing, served by botocore's Stubber.
Each test names the AWS behaviour its stub stands for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from botocore.stub import Stubber

from soc2_checks.live.services import guardduty, iam, s3
from soc2_checks.model import Status

ACCOUNT = "123456789012"
SERVICE_ROLE = "AWSServiceRoleForAmazonGuardDuty"
CSV_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    "cert_2_active,cert_2_last_rotated"
)


class Stubs:
    """Attach a Stubber to every client of one service as the scanner creates it; ``fill``
    queues the responses for a client given its region."""

    def __init__(self, service: str, fill: Callable[[Stubber, str], None]) -> None:
        self.service, self.fill, self.stubbers = service, fill, []

    def __call__(self, client) -> None:
        if client.meta.service_model.service_name == self.service:
            stubber = Stubber(client)
            self.fill(stubber, client.meta.region_name)
            stubber.activate()
            self.stubbers.append(stubber)

    def all_used(self) -> None:
        assert self.stubbers, f"no {self.service} client was created"
        for s in self.stubbers:
            s.assert_no_pending_responses()


def root_row(mfa: str, key1: str, rotated1: str = "N/A") -> str:
    return (
        f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,"
        f"2026-05-01T10:00:00+00:00,not_supported,not_supported,{mfa},{key1},{rotated1},N/A,N/A,N/A,"
        "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    )


USER_ROW = (
    f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2024-01-01T00:00:00+00:00,true,2026-05-01T10:00:00+00:00,"
    "2024-01-01T00:00:00+00:00,N/A,true,true,2026-03-01T00:00:00+00:00,2026-05-01T10:00:00+00:00,us-east-1,s3,"
    "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)


def iam_account(report: str, summary: dict, report_states: tuple[str, ...] = ("COMPLETE",)) -> Stubs:
    def fill(stub: Stubber, region: str) -> None:
        # the scanner's IAM tasks run in plan order on one worker: report, summary, policy, details
        for state in report_states:
            stub.add_response("generate_credential_report", {"State": state})
        stub.add_response(
            "get_credential_report",
            {"Content": report.encode(), "ReportFormat": "text/csv", "GeneratedTime": dt.datetime(2026, 6, 1)},
        )
        stub.add_response("get_account_summary", {"SummaryMap": summary})
        stub.add_client_error("get_account_password_policy", "NoSuchEntity", http_status_code=404)
        stub.add_response(
            "get_account_authorization_details",
            {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": False},
        )

    return Stubs("iam", fill)


def test_root_account_row_of_the_credential_report(aws, scan):
    """AWS puts the root user in the credential report as ``<root_account>``: it is not an IAM
    user, and its facts agree with GetAccountSummary."""
    stubs = iam_account(
        "\n".join([CSV_HEADER, root_row("true", "false"), USER_ROW]),
        {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
    )
    s = scan(hooks=[stubs], collectors=[iam.COLLECTOR], workers=1)
    stubs.all_used()
    assert [r.resource.name for r in s.of("SOC2_AWS_1")] == ["alice"]
    assert s.status("SOC2_AWS_2") == Status.PASSED
    [key] = s.of("SOC2_AWS_3")
    assert key.status == Status.FAILED  # rotated 2026-03-01, period end 2026-06-30: 121 days
    assert "121 days old on 2026-06-30" in key.message


def test_root_access_key_in_the_report_fails_even_if_the_summary_missed_it(aws, scan):
    """The root row names an active key (AWS shows it there as access_key_1_active=true)."""
    stubs = iam_account(
        "\n".join([CSV_HEADER, root_row("true", "true", "2025-01-01T00:00:00+00:00")]),
        {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
    )
    s = scan(hooks=[stubs], collectors=[iam.COLLECTOR], workers=1)
    [root] = s.of("SOC2_AWS_2")
    assert root.status == Status.FAILED and "access keys" in root.message
    assert s.of("SOC2_AWS_3") == []  # the root key is SOC2_AWS_2's finding, not an IAM user's key


def test_credential_report_generation_is_polled_until_complete(aws, scan):
    """AWS answers STARTED, then INPROGRESS, before COMPLETE; the report is read only then."""
    stubs = iam_account(
        "\n".join([CSV_HEADER, USER_ROW]),
        {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
        report_states=("STARTED", "INPROGRESS", "COMPLETE"),
    )
    s = scan(hooks=[stubs], collectors=[iam.COLLECTOR], workers=1)
    stubs.all_used()
    assert s.log.operations[("iam", "GenerateCredentialReport")] == 3
    assert s.status("SOC2_AWS_1", "user/alice") == Status.PASSED


def test_credential_report_that_never_completes_is_an_error(aws, scan):
    """A report stuck in progress past the wait, and no earlier report: ERROR, not PASS."""

    def fill(stub: Stubber, region: str) -> None:
        for _ in iam.REPORT_WAIT:
            stub.add_response("generate_credential_report", {"State": "INPROGRESS"})
        stub.add_client_error("get_credential_report", "ReportNotPresent", http_status_code=410)

    stubs = Stubs("iam", fill)
    s = scan(hooks=[stubs], collectors=[iam.COLLECTOR], workers=1)
    errors = {r.check_id: r.message for r in s.errors()}
    assert {"SOC2_AWS_1", "SOC2_AWS_3"} <= set(errors)
    assert "GenerateCredentialReport" in errors["SOC2_AWS_1"]


@pytest.mark.parametrize(("status", "expected"), [("ENABLED", Status.PASSED), ("SUSPENDED", Status.FAILED)])
def test_guardduty_detector_as_aws_returns_it(aws, scan, status, expected):
    """GetDetector as AWS answers today: features and data sources beside the status."""

    def fill(stub: Stubber, region: str) -> None:
        stub.add_response("list_detectors", {"DetectorIds": ["12abc34d567e8fa901bc2d34e56789f0"]})
        stub.add_response(
            "get_detector",
            {
                "CreatedAt": "2024-01-01T00:00:00.000Z",
                "FindingPublishingFrequency": "SIX_HOURS",
                "ServiceRole": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/{SERVICE_ROLE}",
                "Status": status,
                "UpdatedAt": "2026-01-01T00:00:00.000Z",
                "DataSources": {
                    "CloudTrail": {"Status": "ENABLED"},
                    "DNSLogs": {"Status": "ENABLED"},
                    "FlowLogs": {"Status": "ENABLED"},
                    "S3Logs": {"Status": "ENABLED"},
                },
                "Features": [
                    {"Name": "CLOUD_TRAIL", "Status": "ENABLED"},
                    {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                ],
                "Tags": {},
            },
            {"DetectorId": "12abc34d567e8fa901bc2d34e56789f0"},
        )

    stubs = Stubs("guardduty", fill)
    s = scan(hooks=[stubs], collectors=[guardduty.COLLECTOR], workers=1)
    stubs.all_used()
    assert s.status("SOC2_AWS_10", f"{ACCOUNT}/us-east-1") == expected


LISTING = {
    "Buckets": [{"Name": "fresh", "CreationDate": dt.datetime(2026, 1, 1), "BucketRegion": "eu-west-1"}],
    "Owner": {"ID": "abc"},
}


def test_new_bucket_as_aws_creates_it_today(aws, scan):
    """Since 2023 AWS gives every new bucket SSE-S3 default encryption and all four public
    access block settings, and ListBuckets names the bucket's region."""

    def fill(stub: Stubber, region: str) -> None:
        if region == "us-east-1":
            stub.add_response("list_buckets", LISTING)
            return
        assert region == "eu-west-1"
        stub.add_response(
            "get_bucket_encryption",
            {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
                    ]
                }
            },
            {"Bucket": "fresh"},
        )
        stub.add_response(
            "get_public_access_block",
            {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                }
            },
            {"Bucket": "fresh"},
        )
        stub.add_response(
            "get_bucket_acl",
            {
                "Owner": {"ID": "abc"},
                "Grants": [{"Grantee": {"ID": "abc", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}],
            },
            {"Bucket": "fresh"},
        )

    stubs = Stubs("s3", fill)
    s = scan(hooks=[stubs], collectors=[s3.COLLECTOR], workers=1)
    stubs.all_used()  # the bucket was read by the eu-west-1 client: no cross-region redirect
    assert s.status("SOC2_AWS_11", "fresh") == Status.PASSED
    assert s.status("SOC2_AWS_12", "fresh") == Status.PASSED
    [result] = s.of("SOC2_AWS_11")
    assert result.resource.region == "eu-west-1"
