"""Joins across Terraform resources through Checkov's real graph: split S3 resources, a
configuration that points at another bucket, count and for_each, a module output, account-level
settings scoped to their root module and region, unresolved variables."""

from __future__ import annotations

import pytest

from soc2_checks.model import Source, Status

from .conftest import FIXTURES, run_iac

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(registry):
    scan = run_iac(FIXTURES / "terraform", registry, frameworks=(Source.TERRAFORM,))
    return {(r.check_id, r.resource.id): r for r in scan.results}


def outcome(results, check_id: str, resource: str) -> str:
    return str(results[(check_id, resource)].status)


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("aws_s3_bucket.split", "PASSED"),  # linked configuration resource
        ("aws_s3_bucket.neighbour", "PASSED"),
        ("aws_s3_bucket.lonely", "FAILED"),  # the neighbour's configuration is not its own
        ("aws_s3_bucket.named", "PASSED"),  # linked by literal bucket name
        ("aws_s3_bucket.counted[0]", "PASSED"),
        ("aws_s3_bucket.counted[1]", "PASSED"),
        ("aws_s3_bucket.switched_off", "FAILED"),  # its configuration has count = 0
        ("module.store.aws_s3_bucket.this", "PASSED"),  # configured through the module's output
        ("aws_s3_bucket.elsewhere", "PASSED"),
        ("aws_s3_bucket.chosen", "PASSED"),  # var.primary ? chosen : not_chosen, with var.primary true
        ("aws_s3_bucket.not_chosen", "FAILED"),  # the graph links the configuration to both
        ("aws_s3_bucket.pair[0]", "PASSED"),
        ("aws_s3_bucket.pair[1]", "FAILED"),  # its sibling's configuration is not its own
    ],
)
def test_bucket_encryption_through_linked_resources(results, resource, expected):
    assert outcome(results, "SOC2_AWS_11", resource) == expected


def test_a_rule_on_one_of_two_groups_is_judged_with_the_group_it_is_on(results):
    """``security_group_id = var.public ? aws_security_group.outside.id : aws_security_group.inside.id``
    with ``var.public`` false: the graph links the rule to both groups."""
    inside = results[("SOC2_AWS_15", "aws_security_group.inside")]
    assert inside.status == Status.FAILED and inside.message.startswith("Rule aws_security_group_rule.ssh:")
    assert outcome(results, "SOC2_AWS_15", "aws_security_group.outside") == "PASSED"
    assert ("SOC2_AWS_15", "aws_security_group_rule.ssh") not in results  # judged with its group


def test_a_rule_on_whichever_of_two_groups_is_created_is_judged_with_that_group(results):
    """terraform-aws-security-group: ``local.this_sg_id`` is the first of ``this[*]`` and
    ``this_name_prefix[*]``, and ``count`` creates one of them."""
    web = results[("SOC2_AWS_15", "aws_security_group.this[0]")]
    assert web.status == Status.FAILED and web.message.startswith("Rule aws_security_group_rule.web_rdp:")
    assert ("SOC2_AWS_15", "aws_security_group_rule.web_rdp") not in results


def test_a_policy_attached_to_one_of_two_users_fails_whichever_it_is(results):
    """``user = var.x ? aws_iam_user.a.name : aws_iam_user.b.name``: with a value, the user
    Checkov rendered carries the attachment; without one, the attachment itself fails, naming
    both, and neither user is judged on it."""
    carol = results[("SOC2_AWS_7", "aws_iam_user.carol")]
    assert carol.status == Status.FAILED and "aws_iam_user_policy_attachment.carol_or_dave" in carol.message
    assert outcome(results, "SOC2_AWS_7", "aws_iam_user.dave") == "PASSED"
    assert ("SOC2_AWS_7", "aws_iam_user_policy_attachment.carol_or_dave") not in results
    either = results[("SOC2_AWS_7", "aws_iam_user_policy_attachment.erin_or_frank")]
    assert either.status == Status.FAILED
    assert either.message.startswith("IAM user erin or frank has policies attached directly")
    assert outcome(results, "SOC2_AWS_7", "aws_iam_user.erin") == "PASSED"


def test_account_block_covers_its_root_module_only(results):
    assert outcome(results, "SOC2_AWS_12", "aws_s3_bucket.lonely") == "PASSED"
    elsewhere = results[("SOC2_AWS_12", "aws_s3_bucket.elsewhere")]
    assert elsewhere.status == Status.FAILED and "restrict_public_buckets" in elsewhere.message


def test_acl_resource_grant_to_everyone(results):
    shared = results[("SOC2_AWS_12", "aws_s3_bucket.shared")]
    assert shared.status == Status.FAILED and "AllUsers" in shared.message


def test_ebs_default_encryption_is_regional(results):
    assert outcome(results, "SOC2_AWS_16", "aws_ebs_volume.east") == "PASSED"
    assert outcome(results, "SOC2_AWS_16", "aws_ebs_volume.west") == "FAILED"


def test_iam_user_with_bindings_and_binding_to_an_outside_user(results):
    alice = results[("SOC2_AWS_7", "aws_iam_user.alice")]
    assert alice.status == Status.FAILED and "aws_iam_user_policy.alice" in alice.message
    assert ("SOC2_AWS_7", "aws_iam_user_policy.alice") not in results
    assert outcome(results, "SOC2_AWS_7", "aws_iam_user_policy_attachment.external") == "FAILED"


def test_policy_document_from_a_module_output(results):
    assert outcome(results, "SOC2_AWS_5", "aws_iam_policy.from_module_document") == "FAILED"


def test_recorder_without_status_is_stopped(results):
    assert "stopped" in results[("SOC2_AWS_18", "aws_config_configuration_recorder.unstarted")].message


@pytest.mark.parametrize(
    ("check_id", "resource"),
    [
        ("SOC2_AWS_11", "aws_s3_bucket.mystery"),  # a configuration whose target is a variable
        ("SOC2_AWS_11", "aws_s3_bucket.left"),  # var.left_bucket ? left : right, without a value
        ("SOC2_AWS_11", "aws_s3_bucket.right"),
        ("SOC2_AWS_5", "aws_iam_policy.variable_actions"),  # list variable Checkov renders as []
        ("SOC2_AWS_6", "aws_iam_policy.variable_actions"),
        ("SOC2_AWS_16", "aws_ebs_volume.maybe"),
        ("SOC2_AWS_15", "aws_security_group.dynamic"),  # dynamic blocks over a variable
    ],
)
def test_unresolved_values_are_failed_as_unconfirmed(results, check_id, resource):
    r = results[(check_id, resource)]
    assert r.status == Status.FAILED
    assert r.message.startswith("Cannot be confirmed")


def test_no_error_results(results):
    assert not [r for r in results.values() if r.status == Status.ERROR]
