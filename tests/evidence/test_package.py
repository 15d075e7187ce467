"""The package an auditor receives: the guide's layout, every artifact present or recorded as
missing with its reason, hashes that match, owner-only permissions, and an atomic write."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat

import pytest

from soc2_checks.errors import UsageError
from soc2_checks.evidence import package
from soc2_checks.evidence.artifacts import State
from soc2_checks.live.session import ConnectOptions

from ..live.accounts import ACCOUNT, seed_everything
from ..live.faults import Inject, error_response
from .conftest import PERIOD_END, PERIOD_START, REGIONS, entry, manifest_of

FOLDERS = (
    "CC6-access-control",
    "CC6-encryption",
    "CC6-network",
    "CC7-monitoring",
    "CC7-incident-response",
    "CC9-vendor-management",
    "policies",
    "populations",
    "results",
    "exemptions",
)
AWS_ARTIFACTS = (
    "CC6-access-control/iam-credential-report-",
    "CC6-access-control/password-policy.json",
    "CC6-access-control/account-summary.json",
    "CC6-access-control/iam-policies.json",
    "CC6-access-control/identity-center-assignments.csv",
    "CC6-access-control/identity-center-permission-sets.json",
    "CC6-encryption/kms-key-list.json",
    "CC6-encryption/kms-rotation-status.json",
    "CC6-encryption/s3-encryption-config.json",
    "CC6-encryption/s3-public-access.json",
    "CC6-encryption/ebs-encryption-default.json",
    "CC6-encryption/ebs-volumes.json",
    "CC6-encryption/rds-encryption-status.json",
    "CC6-network/security-group-rules.json",
    "CC6-network/vpc-config.json",
    "CC7-monitoring/cloudtrail-trail-config.json",
    "CC7-monitoring/cloudtrail-trail-status.json",
    "CC7-monitoring/guardduty-detector-config.json",
    "CC7-monitoring/config-recorders.json",
    "CC7-monitoring/config-rules.json",
    "CC7-monitoring/config-rule-compliance-",
    "CC7-monitoring/cloudwatch-alarms-config.json",
    "CC7-monitoring/event-rules-and-metric-filters.json",
    "populations/accounts-in-scope.csv",
    "populations/aws-access-",
)
RECORDS_ARTIFACTS = (
    "CC6-access-control/access-reviews.yaml",
    "CC7-incident-response/incidents.yaml",
    "CC9-vendor-management/vendors.csv",
    "policies/access-control-policy.md",
    "policies/policy-version-history.csv",
    "populations/joiners-and-leavers-2025-07-01-to-2026-06-30.csv",
    "populations/incident-log-2025-07-01-to-2026-06-30.csv",
    "populations/access-reviews-2025-07-01-to-2026-06-30.csv",
    "populations/vendors-with-customer-data-access.csv",
)
OTHER = (
    "results/results.json",
    "results/compliance-matrix.csv",
    "results/report.html",
    "exemptions/exemptions.yaml",
    "exemptions/exemptions-report.md",
    "walkthrough-prep.md",
)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_package_tree_follows_the_guide_and_holds_every_artifact(aws, build):
    seed_everything(REGIONS)
    out = build()
    root = out.out
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(FOLDERS)
    doc = manifest_of(root)
    assert doc["account"] == ACCOUNT and doc["regions"] == list(REGIONS)
    assert doc["period"] == {"start": str(PERIOD_START), "end": str(PERIOD_END)}
    for prefix in AWS_ARTIFACTS + RECORDS_ARTIFACTS + OTHER:
        e = entry(root, prefix)
        assert e["state"] == "COLLECTED", e
        assert (root / e["path"]).is_file()
    # moto has no GuardDuty findings API: recorded as missing, with AWS's answer as the reason
    for prefix in ("CC7-monitoring/guardduty-high-findings.json", "populations/guardduty-high-findings-"):
        e = entry(root, prefix)
        assert e["state"] == "MISSING" and not (root / e["path"]).exists()
        assert "guardduty:ListFindings in us-east-1" in e["gaps"][0]
    assert not out.complete  # so the command exits 3, not 0

    report = root / "CC6-access-control" / [p for p in os.listdir(root / "CC6-access-control") if "report" in p][0]
    assert report.read_text().startswith("user,arn,user_creation_time,password_enabled")
    kms = json.loads((root / "CC6-encryption/kms-rotation-status.json").read_text())
    for region in REGIONS:  # the seeded key rotates; moto's key for the encrypted RDS instance does not
        assert {k["KeyRotationEnabled"] for k in kms["data"][region]} == {True, False}
    block = json.loads((root / "CC6-encryption/s3-public-access.json").read_text())["data"]
    assert block["account_public_access_block"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    assert block["buckets"]["trail-bucket"]["public_access_block"] == {
        "answer": "NoSuchPublicAccessBlockConfiguration: no public access block configuration"
    }
    trails = json.loads((root / "CC7-monitoring/cloudtrail-trail-config.json").read_text())["data"]
    [trail] = trails.values()  # one multi-region trail, listed once however many regions list it
    assert trail["IsMultiRegionTrail"] is True and isinstance(trail["EventSelectors"], list)  # read, not "not_read"
    groups = json.loads((root / "CC6-network/security-group-rules.json").read_text())["data"]
    assert all(any(g["GroupName"] == "ssh" for g in groups[r]["SecurityGroups"]) for r in REGIONS)
    results = json.loads((root / "results/results.json").read_text())
    assert results["scan"]["kind"] == "live" and results["summary"]["by_criterion"]
    assert {r["check_id"] for r in results["results"]} >= {"SOC2_AWS_1", "SOC2_OPS_1", "SOC2_OPS_4"}


def test_index_lists_every_file_with_its_hash_criteria_source_and_time(aws, build):
    seed_everything(REGIONS)
    root = build().out
    index = (root / "README.md").read_text()
    doc = manifest_of(root)
    assert doc["index"]["sha256"] == sha(root / "README.md")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| \[?`([^`]+)`.*$", index, re.M)}
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert set(files) - {"README.md", "manifest.json"} <= set(rows)
    for e in doc["artifacts"]:
        row = rows[e["path"]]
        if e["state"] == "MISSING":
            assert "**MISSING**" in row and e["gaps"][0][:40] in row
            continue
        assert e["sha256"] == sha(root / e["path"]) and e["sha256"] in row
        assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row), row
        assert all(f"`{s}`" in row for s in e["sources"])
    cred = entry(root, "CC6-access-control/iam-credential-report-")
    assert cred["criteria"] == ["CC6.1", "CC6.2", "CC6.3"]
    assert cred["sources"] == ["iam:GenerateCredentialReport", "iam:GetCredentialReport"]


def test_a_denied_service_is_missing_with_the_permission_and_a_denied_key_is_partial(aws, build):
    seed_everything(REGIONS)
    deny = Inject(
        "deny",
        lambda service, op, n: service == "guardduty" or (service == "ec2" and op == "DescribeVpcs"),
    )
    out = build(hooks=[deny])
    root = out.out
    detectors = entry(root, "CC7-monitoring/guardduty-detector-config.json")
    assert detectors["state"] == "MISSING" and not (root / detectors["path"]).exists()
    assert "AccessDeniedException" in detectors["gaps"][0] and "(needs guardduty:ListDetectors)" in detectors["gaps"][0]
    vpcs = entry(root, "CC6-network/vpc-config.json")
    assert vpcs["state"] == "MISSING" and "ec2:DescribeVpcs" in vpcs["gaps"][0]
    index = (root / "README.md").read_text()
    assert "`CC7-monitoring/guardduty-detector-config.json` | GuardDuty" in index and "**MISSING**" in index
    # the verdicts say the same: GuardDuty could not be read, which is an ERROR, never a PASS
    results = json.loads((root / "results/results.json").read_text())["results"]
    assert {r["status"] for r in results if r["check_id"] == "SOC2_AWS_10"} == {"ERROR"}
    # what was not denied is all there
    assert entry(root, "CC6-network/security-group-rules.json")["state"] == "COLLECTED"


def test_a_denied_listing_leaves_both_artifacts_that_need_it_missing(aws, build):
    seed_everything(REGIONS)
    root = build(hooks=[Inject("deny", lambda service, op, n: service == "kms" and op == "ListKeys")]).out
    for name in ("kms-key-list.json", "kms-rotation-status.json"):
        e = entry(root, f"CC6-encryption/{name}")
        assert e["state"] == "MISSING" and "(needs kms:ListKeys)" in e["gaps"][0]


class DenyIn:
    """AccessDenied for one operation in one region only, as an SCP limited to a region gives."""

    def __init__(self, service: str, operation: str, region: str) -> None:
        self.service, self.operation, self.region = service, operation, region

    def __call__(self, client) -> None:
        model = client.meta.service_model
        if model.service_name == self.service and client.meta.region_name == self.region:
            event = f"before-send.{model.service_id.hyphenize()}.{self.operation}"
            client.meta.events.register_first(event, lambda **_: error_response(model.protocol, "deny"))


def test_a_region_denied_among_others_is_partial_and_says_which(aws, build):
    seed_everything(REGIONS)
    root = build(hooks=[DenyIn("rds", "DescribeDBInstances", "eu-west-1")]).out
    e = entry(root, "CC6-encryption/rds-encryption-status.json")
    assert e["state"] == "PARTIAL" and "rds:DescribeDBInstances in eu-west-1" in e["gaps"][0]
    data = json.loads((root / e["path"]).read_text())["data"]
    assert "not_read" in data["eu-west-1"]["DBInstances"]
    assert data["us-east-1"]["DBInstances"]["DBInstances"][0]["StorageEncrypted"] is True
    assert "(**PARTIAL**)" in (root / "README.md").read_text()


def test_files_are_owner_only_whatever_the_umask(aws, build):
    seed_everything(REGIONS[:1])
    old = os.umask(0o022)
    try:
        root = build(regions=REGIONS[:1], records=False, exemptions=None).out
    finally:
        os.umask(old)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for p in root.rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p


def test_no_partial_folder_when_writing_fails(aws, build, monkeypatch, tmp_path):
    seed_everything(REGIONS[:1])
    real_fdopen = os.fdopen
    written = {"n": 0}

    def failing_fdopen(fd, *args, **kwargs):
        written["n"] += 1
        if written["n"] == 10:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(package.os, "fdopen", failing_fdopen)
    with pytest.raises(OSError, match="No space left"):
        build("broken", regions=REGIONS[:1])
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither the package nor its temporary folder


def test_an_existing_non_empty_folder_is_refused_and_left_alone(aws, build, tmp_path):
    target = tmp_path / "package"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty; evidence is never overwritten"):
        build("package")
    assert (target / "notes.txt").read_text() == "keep me" and len(list(target.iterdir())) == 1


def test_an_existing_empty_folder_receives_the_package(aws, build, tmp_path):
    seed_everything(REGIONS[:1])
    (tmp_path / "package").mkdir()
    out = build("package", regions=REGIONS[:1], records=False, exemptions=None)
    assert (out.out / "manifest.json").is_file()


def test_without_records_their_artifacts_are_missing_with_the_reason(aws, build):
    seed_everything(REGIONS[:1])
    root = build(regions=REGIONS[:1], records=False, exemptions=None).out
    for prefix in ("populations/joiners-and-leavers", "populations/incident-log", "policies/policy-version-history"):
        e = entry(root, prefix)
        assert e["state"] == "MISSING" and e["gaps"] == ["no --records folder was given"]
    e = entry(root, "exemptions/exemption-register")
    assert e["state"] == "MISSING" and e["gaps"] == ["no --exemptions register was given"]
    # and every folder of the layout exists even when empty, so the auditor sees the structure
    assert (root / "policies").is_dir() and (root / "CC9-vendor-management").is_dir()


def test_unique_paths_never_lets_two_artifacts_share_a_file():
    from soc2_checks.evidence.artifacts import Artifact

    a = Artifact("policies/x.md", "a", (), b"a", None)
    b = Artifact("policies/x.md", "b", (), b"b", None)
    out = package.unique_paths([a, b])
    assert [x.path for x in out] == ["policies/x.md", "policies/x-2.md"]
    assert out[0].state is State.COLLECTED


def test_an_account_that_cannot_be_reached_still_gives_an_honest_package(aws, build):
    """Nothing answers at the endpoint: every AWS artifact is missing and says why, the records
    are still packaged, and no AWS file is written empty."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = ConnectOptions(endpoint_url=f"http://127.0.0.1:{port}", max_attempts=1, connect_timeout=1, read_timeout=1)
    out = build(options=options, regions=REGIONS[:1])
    doc = manifest_of(out.out)
    assert doc["account"] is None
    aws_entries = [e for e in doc["artifacts"] if any(s.split(":")[0] in ("iam", "ec2", "kms") for s in e["sources"])]
    assert aws_entries and all(e["state"] == "MISSING" for e in aws_entries)
    assert all(f"127.0.0.1:{port}" in e["gaps"][0] for e in aws_entries), aws_entries[0]["gaps"]
    assert entry(out.out, "CC7-incident-response/incidents.yaml")["state"] == "COLLECTED"
