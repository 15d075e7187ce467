"""``--compare-to PREVIOUS.json``: what a weekly run tells the team changed. A finding is only
"resolved" when this scan saw it fixed; one it could not look at is "not re-checked"."""

from __future__ import annotations

import datetime as dt
import json

import boto3

from soc2_checks.cli import main
from soc2_checks.live.compare import compare
from soc2_checks.model import ExemptionRef, Status
from soc2_checks.outputs import render
from soc2_checks.plugins import load
from soc2_checks.report import ScanReport
from soc2_checks.schemas import validate_data

from .test_merge import A1, A2, START, result, write

SG = "SOC2_AWS_15"


def report(results, targets, kind="live") -> ScanReport:
    return ScanReport(kind, START, START + dt.timedelta(minutes=5), targets, results, period_end=dt.date(2026, 11, 23))


def keyed(comparison, category):
    return [(i["check_id"], i["resource_id"], i["before"], i["now"]) for i in comparison[category]]


def sg(account, name, status, region="us-east-1", **kw):
    arn = f"arn:aws:ec2:{region}:{account}:security-group/{name}"
    return result(account, SG, status, id=arn, region=region, **kw)


def test_each_finding_lands_in_one_category():
    exc = ExemptionRef("EXC-001", "Dana (CISO)", "2027-01-31")
    before = report(
        [
            sg(A1, "still", Status.FAILED),
            sg(A1, "fixed", Status.FAILED),
            sg(A1, "deleted", Status.FAILED),
            sg(A1, "exempted-now", Status.FAILED),
            sg(A1, "unreadable-now", Status.FAILED),
            sg(A1, "lapsed", Status.EXEMPTED, exemption=exc),
            sg(A1, "was-error", Status.ERROR, message="Data could not be read."),
            sg(A2, "other-account", Status.FAILED),
            sg(A1, "other-region", Status.FAILED, region="eu-west-1"),
            sg(A1, "passing", Status.PASSED),
        ],
        [f"aws://{A1}/us-east-1", f"aws://{A1}/eu-west-1", f"aws://{A2}/us-east-1"],
    )
    now = report(
        [
            sg(A1, "still", Status.FAILED),
            sg(A1, "fixed", Status.PASSED),
            sg(A1, "exempted-now", Status.EXEMPTED, exemption=exc),
            sg(A1, "unreadable-now", Status.ERROR, message="Data could not be read: ec2:DescribeSecurityGroups."),
            sg(A1, "lapsed", Status.FAILED),
            sg(A1, "was-error", Status.FAILED),
            sg(A1, "brand-new", Status.FAILED),
            sg(A1, "passing", Status.PASSED),
        ],
        [f"aws://{A1}/us-east-1"],  # this week: one account, one region
    )

    c = compare(before, now, "last-week.json")

    arn = f"arn:aws:ec2:us-east-1:{A1}:security-group/"
    assert keyed(c, "new") == [
        (SG, arn + "brand-new", None, "FAILED"),
        (SG, arn + "lapsed", "EXEMPTED", "FAILED"),
        (SG, arn + "was-error", "ERROR", "FAILED"),
    ]
    assert keyed(c, "resolved") == [(SG, arn + "deleted", "FAILED", None), (SG, arn + "fixed", "FAILED", "PASSED")]
    assert keyed(c, "still_failing") == [(SG, arn + "still", "FAILED", "FAILED")]
    assert keyed(c, "exempted") == [(SG, arn + "exempted-now", "FAILED", "EXEMPTED")]
    reasons = {i["resource_id"].rsplit("/", 1)[-1]: i["reason"] for i in c["not_rechecked"]}
    assert reasons == {
        "unreadable-now": "could not be checked in this scan: Data could not be read: ec2:DescribeSecurityGroups.",
        "other-account": f"account {A2} was not in this scan",
        "other-region": f"region eu-west-1 of account {A1} was not in this scan",
    }
    assert c["counts"] == {"new": 3, "resolved": 2, "still_failing": 1, "exempted": 1, "not_rechecked": 3}
    assert c["previous"] == {
        "file": "last-week.json",
        "kind": "live",
        "finished_at": "2026-11-23T02:05:00Z",
        "targets": before.targets,
    }


def test_a_gone_resource_is_not_resolved_when_its_listing_failed():
    before = report([sg(A1, "open", Status.FAILED)], [f"aws://{A1}/us-east-1"])
    listing_failed = result(A1, SG, Status.ERROR, id=f"{A1}/us-east-1", region="us-east-1",
                            message="Data could not be read: ec2:DescribeSecurityGroups in us-east-1 failed.")  # fmt: skip
    now = report([listing_failed], [f"aws://{A1}/us-east-1"])
    c = compare(before, now, "prev.json")
    assert c["counts"]["resolved"] == 0
    [item] = c["not_rechecked"]
    assert item["now"] is None and "could not read its data" in item["reason"]


def test_a_bucket_outside_the_scanned_regions_is_still_rechecked():
    """S3 buckets are listed account-wide, so a bucket's region need not be a scanned region."""
    bucket = "arn:aws:s3:::logs"
    before = report(
        [result(A1, "SOC2_AWS_11", Status.FAILED, id=bucket, region="ap-south-1"),
         result(A1, "SOC2_AWS_11", Status.FAILED, id="arn:aws:s3:::gone", region="ap-south-1")],
        [f"aws://{A1}/us-east-1"],
    )  # fmt: skip
    now = report([result(A1, "SOC2_AWS_11", Status.PASSED, id=bucket, region="ap-south-1")], [f"aws://{A1}/us-east-1"])
    c = compare(before, now, "prev.json")
    assert keyed(c, "resolved") == [
        ("SOC2_AWS_11", "arn:aws:s3:::gone", "FAILED", None),
        ("SOC2_AWS_11", bucket, "FAILED", "PASSED"),
    ]


def test_the_comparison_is_in_the_json_contract_and_the_summaries():
    st = load(load_entry_points=False)
    st.mapping = None
    before = report([sg(A1, "fixed", Status.FAILED)], [f"aws://{A1}/us-east-1"])
    now = report([sg(A1, "fixed", Status.PASSED), sg(A1, "opened", Status.FAILED)], [f"aws://{A1}/us-east-1"])
    now.comparison = compare(before, now, "prev.json")

    data = json.loads(render("json", now, st))
    assert validate_data(data, "results.schema.json") == []
    assert data["comparison"]["counts"]["new"] == 1
    del data["comparison"]["counts"]
    assert validate_data(data, "results.schema.json")  # the schema holds the key to its shape

    text = render("cli", now, st, color=False)
    assert "Since the previous scan (2026-11-23T02:05:00Z, prev.json): 1 new, 1 resolved, 0 still failing" in text
    assert f"  new: {SG} arn:aws:ec2:us-east-1:{A1}:security-group/opened ({A1}/us-east-1)" in text
    assert "  resolved: " in text
    md = render("markdown", now, st)
    assert "#### Since the previous scan" in md and "New:" in md and "security-group/opened" in md

    now.comparison = None
    assert "comparison" not in json.loads(render("json", now, st))  # optional: absent unless asked for


def test_live_compare_to_reports_what_changed_since_last_week(aws, tmp_path, capsys):
    s3, iam = boto3.client("s3"), boto3.client("iam")
    s3.create_bucket(Bucket="to-fix")
    last_week = tmp_path / "last-week.json"
    common = ["live", "--regions", "us-east-1", "--soft-fail"]
    assert main([*common, "-o", "json", "--output-file", str(last_week)]) == 0

    s3.put_bucket_encryption(
        Bucket="to-fix",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    iam.create_user(UserName="new-admin")
    iam.create_login_profile(UserName="new-admin", Password="Correct-horse-9!")

    assert (
        main(
            [*common, "--compare-to", str(last_week), "-o", "json", "-o", "cli", "--output-file", str(tmp_path / "now")]
        )
        == 0
    )
    data = json.loads((tmp_path / "now" / "results.json").read_text())
    c = data["comparison"]
    assert [(i["check_id"], i["resource_id"]) for i in c["resolved"]] == [("SOC2_AWS_11", "arn:aws:s3:::to-fix")]
    assert ("SOC2_AWS_1", "arn:aws:iam::123456789012:user/new-admin") in [
        (i["check_id"], i["resource_id"]) for i in c["new"]
    ]
    assert c["counts"]["still_failing"] > 0 and c["counts"]["not_rechecked"] == 0
    assert "Since the previous scan" in (tmp_path / "now" / "results.txt").read_text()


def test_an_unusable_previous_file_fails_before_scanning(aws, tmp_path, capsys):
    missing = tmp_path / "nope.json"
    assert main(["live", "--compare-to", str(missing)]) == 2
    assert f"{missing}: file not found" in capsys.readouterr().err
    iac = write(tmp_path / "iac.json", [result(A1)], kind="iac")
    assert main(["live", "--compare-to", str(iac)]) == 2
    assert "it holds a iac scan; this is a live scan" in capsys.readouterr().err
