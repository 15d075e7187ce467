"""Evidence from the AWS APIs moto does not implement, served by botocore's Stubber with
responses as AWS gives them. Each test names the AWS behaviour its stubs stand for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import boto3
from botocore.stub import ANY, Stubber

from ..live.accounts import ACCOUNT, seed_everything
from .conftest import REGIONS, entry
from .stubs import PartialStubs

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
ANSWERED = "7ec6d1f2b9a04e3c8d5f6a7b8c9d0e1f"  # examples/records/tickets.csv: SEC-412 documents it
UNANSWERED = "0a0b0c0d0e0f10111213141516171819"


def finding(finding_id: str, kind: str, severity: float, updated: str, archived: bool) -> dict:
    """A finding as GetFindings returns it (the fields AWS always sends, times as ISO strings)."""
    return {
        "AccountId": ACCOUNT,
        "Arn": f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{DETECTOR}/finding/{finding_id}",
        "CreatedAt": "2026-01-12T09:30:11.000Z",
        "Description": "Credentials created exclusively for an EC2 instance were used from an external IP address.",
        "Id": finding_id,
        "Partition": "aws",
        "Region": "us-east-1",
        "Resource": {"ResourceType": "AccessKey", "AccessKeyDetails": {"UserName": "analytics-etl"}},
        "SchemaVersion": "2.0",
        "Service": {
            "Archived": archived,
            "Count": 3,
            "DetectorId": DETECTOR,
            "EventFirstSeen": "2026-01-12T09:12:44.000Z",
            "EventLastSeen": updated,
            "ServiceName": "guardduty",
        },
        "Severity": severity,
        "Title": "Credentials of instance role analytics-etl used from outside AWS",
        "Type": kind,
        "UpdatedAt": updated,
    }


def guardduty_findings() -> PartialStubs:
    """GuardDuty in us-east-1 holds two HIGH findings of the period, one archived after its
    investigation; eu-west-1 has none. ListFindings applies the severity and update-time
    criteria server-side and returns IDs; GetFindings returns the findings themselves."""

    def fill(stub: Stubber, region: str) -> None:
        ids = [ANSWERED, UNANSWERED] if region == "us-east-1" else []
        since = int(dt.datetime(2025, 7, 1, tzinfo=dt.UTC).timestamp() * 1000)
        criteria = {"Criterion": {"severity": {"GreaterThanOrEqual": 7}, "updatedAt": {"GreaterThanOrEqual": since}}}
        stub.add_response("list_findings", {"FindingIds": ids}, {"DetectorId": ANY, "FindingCriteria": criteria})
        if ids:
            stub.add_response(
                "get_findings",
                {
                    "Findings": [
                        finding(
                            ANSWERED,
                            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                            8.0,
                            "2026-01-14T16:02:00.000Z",
                            True,
                        ),
                        finding(
                            UNANSWERED, "CryptoCurrency:EC2/BitcoinTool.B!DNS", 7.5, "2026-05-02T02:17:00.000Z", False
                        ),
                    ]
                },
                {"DetectorId": ANY, "FindingIds": ids},
            )

    return PartialStubs("guardduty", {"ListFindings", "GetFindings"}, fill)


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def test_high_findings_become_a_population_joined_with_their_tickets(aws, build):
    seed_everything(REGIONS)
    stubs = guardduty_findings()
    root = build(hooks=[stubs]).out
    assert ("ListFindings", "us-east-1") in stubs.answered and ("GetFindings", "us-east-1") in stubs.answered
    population = entry(root, "populations/guardduty-high-findings-")
    assert population["state"] == "COLLECTED"
    found = {r["finding_id"]: r for r in rows(root / population["path"])}
    assert set(found) == {ANSWERED, UNANSWERED}
    assert found[ANSWERED]["tickets"] == "SEC-412" and found[ANSWERED]["investigated_by"] == "Priya Raman"
    assert "Revoked the role's active sessions" in found[ANSWERED]["action_taken"]
    assert found[ANSWERED]["archived"] == "true"  # archived findings are part of the population
    assert found[UNANSWERED]["tickets"] == ""
    raw = json.loads((root / "CC7-monitoring/guardduty-high-findings.json").read_text())["data"]
    assert {f["Id"] for f in raw["us-east-1"]} == {ANSWERED, UNANSWERED} and raw["eu-west-1"] == []
    results = json.loads((root / "results/results.json").read_text())["results"]
    ops2 = {r["resource"]["id"].rsplit("/", 1)[-1]: r["status"] for r in results if r["check_id"] == "SOC2_OPS_2"}
    assert ops2 == {ANSWERED: "PASSED", UNANSWERED: "FAILED"}
    prep = (root / "walkthrough-prep.md").read_text()
    last = prep.split("Show me the last HIGH finding")[1].split("###")[0]
    assert UNANSWERED in last and "No ticket in the export names this finding" in last


def test_findings_are_read_without_records_and_say_tickets_were_not_joined(aws, build):
    seed_everything(REGIONS)
    stubs = guardduty_findings()
    root = build(hooks=[stubs], records=False).out
    population = entry(root, "populations/guardduty-high-findings-")
    assert population["state"] == "PARTIAL"
    assert population["gaps"] == ["tickets not joined: no --records folder was given"]
    assert len(rows(root / population["path"])) == 2


def test_config_rule_compliance_as_config_reports_it(aws, build):
    """DescribeComplianceByConfigRule as AWS answers it for a managed rule that found one
    non-compliant bucket (moto has no compliance evaluation)."""
    seed_everything(REGIONS)
    boto3.client("config", region_name="us-east-1").put_config_rule(
        ConfigRule={
            "ConfigRuleName": "s3-bucket-server-side-encryption-enabled",
            "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"},
        }
    )

    def fill(stub: Stubber, region: str) -> None:
        stub.add_response(
            "describe_compliance_by_config_rule",
            {
                "ComplianceByConfigRules": [
                    {
                        "ConfigRuleName": "s3-bucket-server-side-encryption-enabled",
                        "Compliance": {
                            "ComplianceType": "NON_COMPLIANT",
                            "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": False},
                        },
                    }
                ]
            },
        )

    stubs = PartialStubs("config", {"DescribeComplianceByConfigRule"}, fill)
    root = build(hooks=[stubs]).out
    assert stubs.answered == [("DescribeComplianceByConfigRule", "us-east-1")]  # eu-west-1 has no rule to ask about
    e = entry(root, "CC7-monitoring/config-rule-compliance-")
    assert e["state"] == "COLLECTED"
    [row] = rows(root / e["path"])
    assert row == {
        "region": "us-east-1",
        "config_rule": "s3-bucket-server-side-encryption-enabled",
        "source_identifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "compliance": "NON_COMPLIANT",
        "non_compliant_resources": "1",
        "count_capped": "false",
    }
    raw = json.loads((root / "CC7-monitoring/config-rules.json").read_text())["data"]
    assert raw["eu-west-1"]["compliance"]["answer"] == "the region has no Config rule"
