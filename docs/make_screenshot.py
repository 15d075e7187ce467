"""Render the README's picture of the HTML report: ``python docs/make_screenshot.py``.

The report is a live scan of one account in two regions, written the way the live scanner
words its results, judged by the example exemption register (``examples/exemptions.yaml``)
with the real check catalog and criteria mapping. Headless Chromium renders it to
``docs/report.png``; ``--html PATH`` keeps the page too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from soc2_checks.commands.common import setup  # noqa: E402
from soc2_checks.exemptions import apply_register  # noqa: E402
from soc2_checks.model import ResourceRef, Result, Status  # noqa: E402
from soc2_checks.outputs import render  # noqa: E402
from soc2_checks.report import ScanReport  # noqa: E402

ACCOUNT = "123456789012"
AS_OF = dt.date(2026, 11, 26)
STARTED = dt.datetime(2026, 11, 26, 6, 0, 3, tzinfo=dt.UTC)
P, F, E = Status.PASSED, Status.FAILED, Status.ERROR


def _user(name: str, part: str = "") -> ResourceRef:
    arn = f"arn:aws:iam::{ACCOUNT}:user/{name}" + (f"#{part}" if part else "")
    return ResourceRef(arn, type="AWS::IAM::User", name=name, account=ACCOUNT)


def _account(region: str | None = None) -> ResourceRef:
    return ResourceRef(
        f"{ACCOUNT}/{region}" if region else ACCOUNT, type="AWS::::Account", account=ACCOUNT, region=region
    )


def _arn(service: str, region: str, resource: str, type_: str) -> ResourceRef:
    arn = f"arn:aws:{service}:{region}:{'' if service == 's3' else ACCOUNT}:{resource}"
    return ResourceRef(
        arn, type=type_, name=resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1], account=ACCOUNT, region=region
    )


RAW = [
    ("SOC2_AWS_1", P, _user("alice.nguyen"), "IAM user alice.nguyen has a console password and an MFA device."),
    ("SOC2_AWS_1", P, _user("ben.kaplan"), "IAM user ben.kaplan has a console password and an MFA device."),
    ("SOC2_AWS_1", F, _user("ci-deploy"), "IAM user ci-deploy has a console password and no MFA device."),
    ("SOC2_AWS_1", F, _user("r.castillo"), "IAM user r.castillo has a console password and no MFA device."),
    ("SOC2_AWS_2", P, _account(), "The root user has MFA and no access keys."),
    (
        "SOC2_AWS_3",
        P,
        _user("ci-deploy", "access_key_1"),
        "Access key 1 of ci-deploy is 21 days old on 2026-11-26 (limit 90 days).",
    ),
    (
        "SOC2_AWS_3",
        F,
        _user("vendor-ledgerly-export", "access_key_1"),
        "Access key 1 of vendor-ledgerly-export is 311 days old on 2026-11-26 (limit 90 days).",
    ),
    (
        "SOC2_AWS_3",
        F,
        _user("data-pipeline", "access_key_1"),
        "Access key 1 of data-pipeline is 212 days old on 2026-11-26 (limit 90 days).",
    ),
    (
        "SOC2_AWS_4",
        F,
        _account(),
        "The account password policy is weak: minimum length 8 (needs 14); passwords can be reused.",
    ),
    (
        "SOC2_AWS_5",
        P,
        _arn("iam", "", "policy/platform-admin-boundary", "AWS::IAM::Policy"),
        "Policy platform-admin-boundary grants no action on every resource.",
    ),
    ("SOC2_AWS_8", P, _account(), "Trail org-trail records every region and is logging."),
    ("SOC2_AWS_9", P, _account(), "Trail org-trail validates its log files."),
    ("SOC2_AWS_10", P, _account("us-east-1"), "GuardDuty detector 8cb4f1 is enabled in us-east-1."),
    (
        "SOC2_AWS_10",
        E,
        _account("eu-west-1"),
        "Data could not be read: ListDetectors failed: AccessDenied (needs guardduty:ListDetectors).",
    ),
    (
        "SOC2_AWS_11",
        P,
        _arn("s3", "us-east-1", "acme-audit-logs", "AWS::S3::Bucket"),
        "Bucket acme-audit-logs encrypts new objects with aws:kms by default.",
    ),
    (
        "SOC2_AWS_11",
        P,
        _arn("s3", "eu-west-1", "acme-eu-customer-data", "AWS::S3::Bucket"),
        "Bucket acme-eu-customer-data encrypts new objects with aws:kms by default.",
    ),
    (
        "SOC2_AWS_12",
        F,
        _arn("s3", "us-east-1", "acme-marketing-assets", "AWS::S3::Bucket"),
        "Bucket acme-marketing-assets does not block public access: BlockPublicPolicy and "
        "RestrictPublicBuckets are off, and its policy allows s3:GetObject to Principal *.",
    ),
    (
        "SOC2_AWS_12",
        P,
        _arn("s3", "us-east-1", "acme-audit-logs", "AWS::S3::Bucket"),
        "Bucket acme-audit-logs blocks public access.",
    ),
    ("SOC2_AWS_13", P, _account(), "The account-level S3 public access block is fully on."),
    (
        "SOC2_AWS_14",
        F,
        _arn("kms", "eu-west-1", "key/5f0c2a9e-77d1-4c1e-9b0e-2b8f5a7c1d34", "AWS::KMS::Key"),
        "Customer-managed key 5f0c2a9e-77d1-4c1e-9b0e-2b8f5a7c1d34 does not rotate automatically.",
    ),
    (
        "SOC2_AWS_15",
        F,
        _arn("ec2", "us-east-1", "security-group/sg-0a1b2c3d4e5f67890", "AWS::EC2::SecurityGroup"),
        "Security group sg-0a1b2c3d4e5f67890 allows ingress to SSH (22) from 0.0.0.0/0.",
    ),
    (
        "SOC2_AWS_15",
        P,
        _arn("ec2", "eu-west-1", "security-group/sg-0f9e8d7c6b5a43210", "AWS::EC2::SecurityGroup"),
        "Security group sg-0f9e8d7c6b5a43210 opens neither SSH, RDP nor all ports to the internet.",
    ),
    (
        "SOC2_AWS_17",
        F,
        _arn("rds", "us-east-1", "db:legacy-billing", "AWS::RDS::DBInstance"),
        "RDS instance legacy-billing has unencrypted storage.",
    ),
    (
        "SOC2_AWS_17",
        P,
        _arn("rds", "eu-west-1", "db:customers-eu", "AWS::RDS::DBInstance"),
        "RDS instance customers-eu has encrypted storage.",
    ),
    ("SOC2_AWS_18", P, _account("us-east-1"), "AWS Config records all resource types in us-east-1."),
    ("SOC2_AWS_18", P, _account("eu-west-1"), "AWS Config records all resource types in eu-west-1."),
    (
        "SOC2_AWS_19",
        P,
        _account("us-east-1"),
        "An EventBridge rule alerts on StopLogging, DeleteTrail and UpdateTrail.",
    ),
]


def build_report(st) -> ScanReport:
    results = []
    for check_id, status, ref, message in RAW:
        check = st.registry.get(check_id)
        results.append(
            Result(
                check_id=check_id,
                title=check.title,
                severity=check.severity,
                status=status,
                criteria=st.mapping.criteria_for(check_id),
                resource=ref,
                message=message,
            )
        )
    report = ScanReport(
        kind="live",
        started_at=STARTED,
        finished_at=STARTED + dt.timedelta(seconds=4.8),
        targets=[ACCOUNT],
        results=results,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    report.results, report.exemptions = apply_register(report.results, st.register, st.as_of)
    return report


def screenshot(page: Path, png: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={size}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    p.add_argument("--html", type=Path, help="also keep the rendered page here")
    p.add_argument("--window-size", default="1280,1900")
    args = p.parse_args(argv)
    st = setup(
        argparse.Namespace(
            output=["html"],
            output_file=None,
            mapping=[],
            as_of=AS_OF,
            exemptions=str(ROOT / "examples/exemptions.yaml"),
        )
    )
    text = render("html", build_report(st), st, color=False)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(text, encoding="utf-8")
        screenshot(page, args.out, args.window_size)
    if args.html:
        args.html.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
