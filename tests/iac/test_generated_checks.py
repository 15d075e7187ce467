"""The Checkov checks generated from the registry never lose a finding: a rule that raises
reports ERROR (FAILED in plain Checkov, never UNKNOWN, which Checkov drops), a suppressed
check still decides, and severity is always set."""

from __future__ import annotations

import json

import pytest

from soc2_checks.hookspecs import hookimpl
from soc2_checks.iac import checks
from soc2_checks.iac.checks import VERDICT_KEY, _class_for, register
from soc2_checks.model import Severity, Source, Status
from soc2_checks.plugins import load
from soc2_checks.registry import Registry, check
from soc2_checks.views.s3 import Bucket

from .conftest import run_iac


@check(
    "TEST_BROKEN_1",
    title="A rule with a defect",
    severity="LOW",
    sources=("terraform", "cloudformation"),
    views=Bucket,
    remediation="Fix the rule.",
)
def broken_rule(b: Bucket, ctx) -> None:
    raise KeyError("oops")


class BrokenPlugin:
    @hookimpl
    def soc2_checks_register_checks(self):
        return [broken_rule]


def _tf_check(checkdef, resource_types=("aws_s3_bucket",)):
    return _class_for(Source.TERRAFORM)(checkdef, list(resource_types))


def test_a_raising_rule_is_reported_not_dropped(monkeypatch):
    from checkov.common.models.enums import CheckResult

    monkeypatch.setattr(checks, "_carry_verdicts", True)  # as soc2-checks iac registers them
    instance = _tf_check(broken_rule)
    conf = {"bucket": ["b"], "__address__": "aws_s3_bucket.b"}
    result = instance.run("/main.tf", conf, "b", "aws_s3_bucket", {})
    assert result["result"] == CheckResult.FAILED
    assert result[VERDICT_KEY]["status"] == "ERROR"
    assert "KeyError" in result[VERDICT_KEY]["message"]
    assert instance.details[0].startswith("ERROR")


def test_a_plain_checkov_run_gets_the_verdict_in_the_details_only():
    """Checkov prints each check result whole; the details already say what the verdict says."""
    from checkov.common.models.enums import CheckResult

    registry = load(load_entry_points=False).registry
    register(registry)  # what the external checks folder does
    instance = _tf_check(broken_rule)
    conf = {"bucket": ["b"], "__address__": "aws_s3_bucket.b"}
    result = instance.run("/main.tf", conf, "b", "aws_s3_bucket", {})
    assert result == {"result": CheckResult.FAILED, "evaluated_keys": []}
    assert instance.details[0] == "ERROR: the check could not decide; treated as FAILED."
    assert "KeyError" in instance.details[1]
    register(registry, verdicts=True)
    assert instance.run("/main.tf", conf, "b", "aws_s3_bucket", {})[VERDICT_KEY]["status"] == "ERROR"


def test_suppressed_checks_still_decide_and_severity_is_set():
    from checkov.common.models.enums import CheckResult

    registry = load(load_entry_points=False).registry
    instance = _tf_check(registry.get("SOC2_AWS_11"))
    assert instance.severity.name == "HIGH"
    conf = {"bucket": ["b"], "__address__": "aws_s3_bucket.b"}
    skip = {"id": "SOC2_AWS_11", "suppress_comment": "EXC-009 reason"}
    result = instance.run("/main.tf", conf, "b", "aws_s3_bucket", skip)
    assert result["result"] == CheckResult.SKIPPED
    assert result["suppress_comment"] == "EXC-009 reason"
    assert result[VERDICT_KEY]["status"] == "FAILED"  # no graph here: links cannot be confirmed


def test_count_zero_and_not_applicable_give_no_result():
    from checkov.common.models.enums import CheckResult

    registry = load(load_entry_points=False).registry
    instance = _tf_check(registry.get("SOC2_AWS_14"), ["aws_kms_key"])
    assert instance.run("/k.tf", {"count": [0], "__address__": "aws_kms_key.k"}, "k", "aws_kms_key", {})["result"] == (
        CheckResult.UNKNOWN
    )
    asym = {"customer_master_key_spec": ["RSA_2048"], "__address__": "aws_kms_key.k"}
    assert instance.run("/k.tf", asym, "k", "aws_kms_key", {})["result"] == CheckResult.UNKNOWN


def test_every_iac_check_is_generated_with_its_severity():
    registry = load(load_entry_points=False).registry
    ids = register(registry)
    assert set(ids[Source.TERRAFORM]) == {
        f"SOC2_AWS_{n}" for n in (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)
    }
    assert set(ids[Source.CLOUDFORMATION]) == {f"SOC2_AWS_{n}" for n in (5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18)}
    assert register(registry) == ids  # registering again (Checkov loads the folder per runner) is harmless
    assert registry.get("SOC2_AWS_15").severity == Severity.CRITICAL


@pytest.mark.slow
def test_a_raising_check_is_an_error_result_in_soc2_checks_iac(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    registry: Registry = load(load_entry_points=False, extra=(BrokenPlugin(),)).registry
    scan = run_iac(tmp_path, registry, frameworks=(Source.TERRAFORM,))
    broken = [r for r in scan.results if r.check_id == "TEST_BROKEN_1"]
    assert [(r.resource.id, r.status) for r in broken] == [("aws_s3_bucket.b", Status.ERROR)]


@pytest.mark.slow
def test_unparseable_files_are_errors_not_silence(tmp_path, registry):
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    (tmp_path / "chart.yaml").write_text("{{ .Values.x }}: [\n")  # not a template: ignored
    scan = run_iac(tmp_path, registry)
    errors = {(r.check_id, r.resource.id) for r in scan.results if r.status == Status.ERROR}
    assert ("SOC2_AWS_11", "broken.tf") in errors
    assert not [r for r in scan.results if r.resource.id == "chart.yaml"]


def test_a_plain_checkov_record_does_not_repeat_what_its_message_says():
    """A policy's message quotes each offending statement; Checkov prints the message and the
    details one under the other, so a detail the message holds is left out."""
    registry = load(load_entry_points=False).registry
    register(registry)
    instance = _class_for(Source.TERRAFORM)(registry.get("SOC2_AWS_6"), ["aws_iam_policy"])
    document = '{"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}'
    conf = {"name": ["ci"], "policy": [document], "__address__": "aws_iam_policy.ci"}
    instance.run("/main.tf", conf, "ci", "aws_iam_policy", {})
    assert instance.details == [
        "Policy ci allows non-read-only actions on every resource: statement 1 allows logs:PutLogEvents on "
        "Resource '*'."
    ]


def test_a_plain_checkov_record_explains_a_finding_not_a_pass():
    """Checkov prints a record's details under it; as with Checkov's own checks, they explain
    what failed. A suppressed record keeps them: the reviewer sees what was suppressed."""
    registry = load(load_entry_points=False).registry
    register(registry)
    instance = _class_for(Source.TERRAFORM)(registry.get("SOC2_AWS_6"), ["aws_iam_policy"])
    read_only = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    writes = '{"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}'

    def run(document: str, skip: dict[str, str]) -> tuple[str, list[str]]:
        conf = {"name": ["ci"], "policy": [document], "__address__": "aws_iam_policy.ci"}
        result = instance.run("/main.tf", conf, "ci", "aws_iam_policy", skip)
        return result["result"].name, instance.details

    assert run(read_only, {}) == ("PASSED", [])
    status, details = run(writes, {})
    assert status == "FAILED" and details and "s3:PutObject" in details[0]
    status, details = run(read_only, {"id": "SOC2_AWS_6", "suppress_comment": "EXC-001"})
    assert status == "SKIPPED" and details == ["Policy ci allows no action beyond Read and List on every resource."]


def test_views_built_for_a_freed_configuration_are_not_reused():
    """The views of one resource are kept for its next check. A configuration freed after its
    scan may leave its id to the next one, of another scan in the same process, with the same
    address: that one is judged on its own values."""
    registry = load(load_entry_points=False).registry
    register(registry)
    instance = _class_for(Source.TERRAFORM)(registry.get("SOC2_AWS_6"), ["aws_iam_policy"])

    def scan(action: str) -> str:  # its configuration is freed on return
        document = json.dumps({"Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
        conf = {"name": ["ci"], "policy": [document], "__address__": "aws_iam_policy.ci"}
        return instance.run("/main.tf", conf, "ci", "aws_iam_policy", {})["result"].name

    assert [scan(a) for a in ("s3:GetObject", "s3:PutObject", "s3:GetObject", "s3:PutObject")] == [
        "PASSED",
        "FAILED",
        "PASSED",
        "FAILED",
    ]
