"""The shipped examples: a bad and a fixed version of one stack per framework, run through
Checkov in-process as account baselines. The exact findings are the contract."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from soc2_checks.iac import cloudformation, terraform
from soc2_checks.model import Source, Status

from .conftest import EXAMPLES, findings, run_iac

pytestmark = pytest.mark.slow

TF_BAD = EXAMPLES / "terraform" / "bad"
TF_GOOD = EXAMPLES / "terraform" / "good"
CFN_BAD = EXAMPLES / "cloudformation" / "bad"
CFN_GOOD = EXAMPLES / "cloudformation" / "good"


@pytest.fixture(scope="module")
def tf_bad(registry):
    return run_iac(TF_BAD, registry, baseline=True)


@pytest.fixture(scope="module")
def tf_good(registry):
    return run_iac(TF_GOOD, registry, baseline=True)


@pytest.fixture(scope="module")
def cfn_bad(registry):
    return run_iac(CFN_BAD, registry, baseline=True)


@pytest.fixture(scope="module")
def cfn_good(registry):
    return run_iac(CFN_GOOD, registry, baseline=True)


def _iac_checks(registry, source: Source) -> set[str]:
    """Every check that can produce a result from this framework (per resource or baseline)."""
    module = terraform if source == Source.TERRAFORM else cloudformation
    return {c.id for c in registry if source in c.sources and (module.resource_types_for(c.views) or c.baseline)}


def test_terraform_bad_findings(tf_bad):
    d = str(TF_BAD)
    assert findings(tf_bad) == {
        ("SOC2_AWS_4", "aws_iam_account_password_policy.account", "FAILED"),
        ("SOC2_AWS_5", "aws_iam_group_policy.finance_readonly", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_policy.ci_deploy", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_policy.ops_admin", "FAILED"),
        ("SOC2_AWS_5", "aws_iam_role_policy_attachment.ops_administrator", "FAILED"),
        ("SOC2_AWS_5", "aws_iam_user_policy_attachment.ci_deploy", "PASSED"),
        ("SOC2_AWS_6", "aws_iam_group_policy.finance_readonly", "PASSED"),
        ("SOC2_AWS_6", "aws_iam_policy.ci_deploy", "FAILED"),
        ("SOC2_AWS_6", "aws_iam_policy.ops_admin", "FAILED"),
        ("SOC2_AWS_7", "aws_iam_user.ci_deploy", "FAILED"),
        ("SOC2_AWS_8", "aws_cloudtrail.main", "FAILED"),
        ("SOC2_AWS_8", d, "FAILED"),
        ("SOC2_AWS_9", "aws_cloudtrail.main", "FAILED"),
        ("SOC2_AWS_10", "aws_guardduty_detector.main", "FAILED"),
        ("SOC2_AWS_10", d, "FAILED"),
        ("SOC2_AWS_11", "aws_s3_bucket.customer_uploads", "FAILED"),
        ("SOC2_AWS_11", "aws_s3_bucket.invoice_archive", "PASSED"),
        ("SOC2_AWS_11", "aws_s3_bucket.invoices", "FAILED"),
        ("SOC2_AWS_12", "aws_s3_bucket.customer_uploads", "FAILED"),
        ("SOC2_AWS_12", "aws_s3_bucket.invoice_archive", "FAILED"),
        ("SOC2_AWS_12", "aws_s3_bucket.invoices", "FAILED"),
        ("SOC2_AWS_13", "aws_s3_account_public_access_block.account", "FAILED"),
        ("SOC2_AWS_14", "aws_kms_key.billing", "FAILED"),
        ("SOC2_AWS_15", "aws_security_group.bastion", "FAILED"),
        ("SOC2_AWS_15", "aws_security_group.windows_jump", "FAILED"),  # its aws_security_group_rule
        ("SOC2_AWS_15", "aws_security_group.workers", "FAILED"),  # its aws_vpc_security_group_ingress_rule
        ("SOC2_AWS_16", "aws_ebs_volume.ledger", "FAILED"),
        ("SOC2_AWS_16", "aws_ebs_volume.scratch", "FAILED"),
        ("SOC2_AWS_16", "aws_instance.worker", "FAILED"),
        ("SOC2_AWS_16", d, "FAILED"),
        ("SOC2_AWS_17", "aws_db_instance.legacy_billing", "FAILED"),
        ("SOC2_AWS_17", "aws_rds_cluster.reporting", "FAILED"),
        ("SOC2_AWS_18", "aws_config_configuration_recorder.main", "FAILED"),
        ("SOC2_AWS_18", d, "FAILED"),
        ("SOC2_AWS_19", d, "FAILED"),
    }


def test_terraform_good_findings(tf_good):
    d = str(TF_GOOD)
    assert findings(tf_good) == {
        ("SOC2_AWS_4", "aws_iam_account_password_policy.account", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_group_policy.finance_readonly", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_policy.ops", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_role.ci_deploy", "PASSED"),
        ("SOC2_AWS_5", "aws_iam_role_policy_attachment.ops", "PASSED"),
        ("SOC2_AWS_6", "aws_iam_group_policy.finance_readonly", "PASSED"),
        ("SOC2_AWS_6", "aws_iam_policy.ops", "PASSED"),
        ("SOC2_AWS_6", "aws_iam_role.ci_deploy", "PASSED"),
        ("SOC2_AWS_7", "aws_iam_user.alice", "PASSED"),
        ("SOC2_AWS_8", "aws_cloudtrail.main", "PASSED"),
        ("SOC2_AWS_8", d, "PASSED"),
        ("SOC2_AWS_9", "aws_cloudtrail.main", "PASSED"),
        ("SOC2_AWS_10", "aws_guardduty_detector.main", "PASSED"),
        ("SOC2_AWS_10", d, "PASSED"),
        ("SOC2_AWS_11", "aws_s3_bucket.customer_uploads", "PASSED"),
        ("SOC2_AWS_11", 'aws_s3_bucket.documents["invoice-archive"]', "PASSED"),
        ("SOC2_AWS_11", 'aws_s3_bucket.documents["invoices"]', "PASSED"),
        ("SOC2_AWS_12", "aws_s3_bucket.customer_uploads", "PASSED"),
        ("SOC2_AWS_12", 'aws_s3_bucket.documents["invoice-archive"]', "PASSED"),
        ("SOC2_AWS_12", 'aws_s3_bucket.documents["invoices"]', "PASSED"),
        ("SOC2_AWS_13", "aws_s3_account_public_access_block.account", "PASSED"),
        ("SOC2_AWS_14", "aws_kms_key.billing", "PASSED"),
        ("SOC2_AWS_15", "aws_security_group.bastion", "PASSED"),
        ("SOC2_AWS_15", "aws_security_group.windows_jump", "PASSED"),
        ("SOC2_AWS_15", "aws_security_group.workers", "PASSED"),
        ("SOC2_AWS_16", "aws_ebs_encryption_by_default.on", "PASSED"),
        ("SOC2_AWS_16", "aws_ebs_volume.ledger", "PASSED"),
        ("SOC2_AWS_16", "aws_ebs_volume.scratch", "PASSED"),
        ("SOC2_AWS_16", "aws_instance.worker", "PASSED"),
        ("SOC2_AWS_17", "aws_db_instance.billing", "PASSED"),
        ("SOC2_AWS_17", "aws_rds_cluster.reporting", "PASSED"),
        ("SOC2_AWS_18", "aws_config_configuration_recorder.main", "PASSED"),
        ("SOC2_AWS_18", d, "PASSED"),
        ("SOC2_AWS_19", d, "PASSED"),
    }


def test_cloudformation_bad_findings(cfn_bad):
    d = str(CFN_BAD)
    assert findings(cfn_bad) == {
        ("SOC2_AWS_5", "AWS::IAM::ManagedPolicy.OpsAdminPolicy", "FAILED"),
        ("SOC2_AWS_5", "AWS::IAM::Role.OpsRole", "FAILED"),
        ("SOC2_AWS_5", "AWS::IAM::User.CiDeployUser", "PASSED"),
        ("SOC2_AWS_6", "AWS::IAM::ManagedPolicy.OpsAdminPolicy", "FAILED"),
        ("SOC2_AWS_6", "AWS::IAM::User.CiDeployUser", "FAILED"),
        ("SOC2_AWS_7", "AWS::IAM::User.CiDeployUser", "FAILED"),
        ("SOC2_AWS_8", "AWS::CloudTrail::Trail.Trail", "FAILED"),
        ("SOC2_AWS_8", d, "FAILED"),
        ("SOC2_AWS_9", "AWS::CloudTrail::Trail.Trail", "FAILED"),
        ("SOC2_AWS_10", "AWS::GuardDuty::Detector.Detector", "FAILED"),
        ("SOC2_AWS_10", d, "FAILED"),
        ("SOC2_AWS_11", "AWS::S3::Bucket.CustomerUploadsBucket", "FAILED"),
        ("SOC2_AWS_11", "AWS::S3::Bucket.InvoicesBucket", "PASSED"),
        ("SOC2_AWS_12", "AWS::S3::Bucket.CustomerUploadsBucket", "FAILED"),
        ("SOC2_AWS_12", "AWS::S3::Bucket.InvoicesBucket", "FAILED"),
        ("SOC2_AWS_14", "AWS::KMS::Key.BillingKey", "FAILED"),
        ("SOC2_AWS_15", "AWS::EC2::SecurityGroup.BastionSecurityGroup", "FAILED"),
        ("SOC2_AWS_15", "AWS::EC2::SecurityGroup.WorkersSecurityGroup", "FAILED"),  # its SecurityGroupIngress
        ("SOC2_AWS_16", "AWS::EC2::Instance.Worker", "FAILED"),
        ("SOC2_AWS_16", "AWS::EC2::Volume.ScratchVolume", "FAILED"),
        ("SOC2_AWS_17", "AWS::RDS::DBCluster.ReportingCluster", "FAILED"),
        ("SOC2_AWS_17", "AWS::RDS::DBInstance.LegacyBillingDb", "FAILED"),
        ("SOC2_AWS_18", "AWS::Config::ConfigurationRecorder.ConfigRecorder", "FAILED"),
        ("SOC2_AWS_18", d, "FAILED"),
        ("SOC2_AWS_19", d, "FAILED"),
    }


def test_cloudformation_good_findings(cfn_good):
    d = str(CFN_GOOD)
    assert findings(cfn_good) == {
        ("SOC2_AWS_5", "AWS::IAM::Group.FinanceGroup", "PASSED"),
        ("SOC2_AWS_5", "AWS::IAM::ManagedPolicy.OpsPolicy", "PASSED"),
        ("SOC2_AWS_5", "AWS::IAM::Role.CiDeployRole", "PASSED"),
        ("SOC2_AWS_5", "AWS::IAM::Role.OpsRole", "PASSED"),
        ("SOC2_AWS_6", "AWS::IAM::Group.FinanceGroup", "PASSED"),
        ("SOC2_AWS_6", "AWS::IAM::ManagedPolicy.OpsPolicy", "PASSED"),
        ("SOC2_AWS_6", "AWS::IAM::Role.CiDeployRole", "PASSED"),
        ("SOC2_AWS_7", "AWS::IAM::User.Alice", "PASSED"),
        ("SOC2_AWS_8", "AWS::CloudTrail::Trail.Trail", "PASSED"),
        ("SOC2_AWS_8", d, "PASSED"),
        ("SOC2_AWS_9", "AWS::CloudTrail::Trail.Trail", "PASSED"),
        ("SOC2_AWS_10", "AWS::GuardDuty::Detector.Detector", "PASSED"),
        ("SOC2_AWS_10", d, "PASSED"),
        ("SOC2_AWS_11", "AWS::S3::Bucket.CustomerUploadsBucket", "PASSED"),
        ("SOC2_AWS_11", "AWS::S3::Bucket.InvoicesBucket", "PASSED"),
        ("SOC2_AWS_12", "AWS::S3::Bucket.CustomerUploadsBucket", "PASSED"),
        ("SOC2_AWS_12", "AWS::S3::Bucket.InvoicesBucket", "PASSED"),
        ("SOC2_AWS_14", "AWS::KMS::Key.BillingKey", "PASSED"),
        ("SOC2_AWS_15", "AWS::EC2::SecurityGroup.BastionSecurityGroup", "PASSED"),
        ("SOC2_AWS_15", "AWS::EC2::SecurityGroup.WorkersSecurityGroup", "PASSED"),
        ("SOC2_AWS_16", "AWS::EC2::Instance.Worker", "PASSED"),
        ("SOC2_AWS_16", "AWS::EC2::Volume.ScratchVolume", "PASSED"),
        ("SOC2_AWS_17", "AWS::RDS::DBCluster.ReportingCluster", "PASSED"),
        ("SOC2_AWS_17", "AWS::RDS::DBInstance.BillingDb", "PASSED"),
        ("SOC2_AWS_18", "AWS::Config::ConfigurationRecorder.ConfigRecorder", "PASSED"),
        ("SOC2_AWS_18", d, "PASSED"),
        ("SOC2_AWS_19", d, "PASSED"),
    }


@pytest.mark.parametrize(("bad", "source"), [("tf_bad", Source.TERRAFORM), ("cfn_bad", Source.CLOUDFORMATION)])
def test_bad_examples_fail_every_check_of_their_framework(request, registry, bad, source):
    failed = {r.check_id for r in request.getfixturevalue(bad).results if r.status == Status.FAILED}
    assert _iac_checks(registry, source) <= failed


def test_unresolvable_values_fail_as_unconfirmed_never_error(tf_bad, cfn_bad):
    results = {(r.check_id, r.resource.id): r for r in tf_bad.results + cfn_bad.results}
    assert results[("SOC2_AWS_16", "aws_ebs_volume.ledger")].message.startswith("Cannot be confirmed")
    assert results[("SOC2_AWS_16", "AWS::EC2::Volume.ScratchVolume")].message.startswith("Cannot be confirmed")
    assert not [r for r in tf_bad.results + cfn_bad.results if r.status == Status.ERROR]


def test_results_point_at_files_relative_to_the_scanned_folder(tf_bad, cfn_bad):
    results = {(r.check_id, r.resource.id): r for r in tf_bad.results + cfn_bad.results}
    db = results[("SOC2_AWS_17", "aws_db_instance.legacy_billing")].resource
    assert (db.type, db.name, db.file) == ("aws_db_instance", "legacy_billing", "rds.tf")
    assert db.line_range == (1, 9)
    trail = results[("SOC2_AWS_9", "AWS::CloudTrail::Trail.Trail")].resource
    assert (trail.type, trail.name, trail.file) == ("AWS::CloudTrail::Trail", "Trail", "billing.yaml")
    baseline = results[("SOC2_AWS_19", str(TF_BAD))].resource
    assert baseline.file is None


def test_inline_suppressions_keep_the_real_status(tf_bad, cfn_bad):
    tf = next(r for r in tf_bad.results if r.resource.id == "aws_db_instance.legacy_billing")
    cfn = next(r for r in cfn_bad.results if r.resource.id == "AWS::RDS::DBInstance.LegacyBillingDb")
    for r in (tf, cfn):
        assert r.status == Status.FAILED
        assert r.suppression.startswith("EXC-001 encryption needs a snapshot restore")
    assert all(r.suppression is None for r in tf_bad.results if r is not tf)


def test_register_entry_cited_by_the_suppression_exempts_it(registry, tf_bad, cfn_bad):
    from soc2_checks.exemptions import apply_register, load_register

    register = load_register(EXAMPLES / "exemptions.yaml", registry, today=dt.date(2026, 11, 1))
    results, outcome = apply_register(tf_bad.results + cfn_bad.results, register, dt.date(2026, 11, 1))
    exempted = {(r.check_id, r.resource.id) for r in results if r.status == Status.EXEMPTED}
    assert exempted == {
        ("SOC2_AWS_17", "aws_db_instance.legacy_billing"),
        ("SOC2_AWS_17", "AWS::RDS::DBInstance.LegacyBillingDb"),
    }
    assert not outcome.invalid_suppressions


def test_command_line_exit_codes_and_json(tmp_path):
    from soc2_checks.cli import main

    out = tmp_path / "bad.json"
    assert main(["iac", "-d", str(TF_BAD), "-d", str(CFN_BAD), "-o", "json", "--output-file", str(out)]) == 1
    data = json.loads(out.read_text())
    assert data["scan"]["kind"] == "iac" and data["scan"]["targets"] == [str(TF_BAD), str(CFN_BAD)]
    assert {r["resource"]["file"] for r in data["results"]} >= {"rds.tf", "billing.yaml"}
    assert data["results"][0]["criteria"]  # the mapping is attached
    # without --account-baseline there is no "must exist" result
    assert not [r for r in data["results"] if r["resource"]["id"] in (str(TF_BAD), str(CFN_BAD))]
    good = tmp_path / "good.json"
    argv = ["iac", "-d", str(TF_GOOD), "--framework", "terraform", "--account-baseline", "-o", "json"]
    assert main([*argv, "--output-file", str(good)]) == 0


def test_missing_folder_is_bad_usage(capsys):
    from soc2_checks.cli import main

    assert main(["iac", "-d", "no/such/folder"]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_a_group_judged_with_its_rules_says_each_finding_once(tf_bad):
    """A standalone rule is a labelled part of its group's result: the message names the rule,
    and the details do not repeat what the message says."""
    (found,) = [
        r for r in tf_bad.results if (r.check_id, r.resource.id) == ("SOC2_AWS_15", "aws_security_group.workers")
    ]
    assert found.message == (
        "Rule aws_vpc_security_group_ingress_rule.workers_all: Security group workers allows ingress to all ports "
        "(all protocols) from 0.0.0.0/0."
    )
    assert found.details == []
