"""Policy documents in every form Terraform and CloudFormation write them, judged by the rules."""

from __future__ import annotations

import pytest

from soc2_checks.iac.parts import Part
from soc2_checks.iac.policy_documents import cfn_document, tf_data_document, tf_document
from soc2_checks.iac.tf_graph import TfBlock, TfIndex
from soc2_checks.model import Status, Unknown
from soc2_checks.views.iam import IdentityPolicy

from .conftest import status, verdict


def _policy(document) -> list[Part]:
    return [Part(IdentityPolicy(name="p", document=document))]


def test_jsonencode_dict_with_a_wildcard_fails(registry):
    doc = tf_document(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}, "p"
    )
    assert status(registry, "SOC2_AWS_5", _policy(doc)) == Status.FAILED


def test_heredoc_json_is_parsed(registry):
    text = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
    doc = tf_document(text, "p")
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


def test_resource_references_are_arns_not_wildcards(registry):
    doc = tf_document(
        {
            "Statement": [
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "${aws_s3_bucket.data.arn}/*"},
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "aws_s3_bucket.data.arn"},
            ]
        },
        "p",
    )
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


def test_a_variable_resource_could_be_a_wildcard(registry):
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "var.arn"}]}, "p")
    v = verdict(registry, "SOC2_AWS_6", _policy(doc))
    assert v.status == Status.FAILED
    assert v.message.startswith("Cannot be confirmed") and "var.arn" in v.message


def test_a_definite_grant_fails_next_to_an_unresolved_statement(registry):
    doc = tf_document(
        {
            "Statement": [
                {"Effect": "Allow", "Action": "local.actions", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
            ]
        },
        "p",
    )
    v = verdict(registry, "SOC2_AWS_5", _policy(doc))
    assert v.status == Status.FAILED and "statement 2" in v.message


def test_unresolvable_policy_text_is_unknown():
    assert isinstance(tf_document('file("policy.json")', "p"), Unknown)
    assert isinstance(tf_document('{"Statement": ${jsonencode(var.statements)}}', "p"), Unknown)
    assert isinstance(tf_document("data.aws_iam_policy_document.x.json", "p"), Unknown)  # no graph to follow


def test_a_list_written_out_as_one_string_is_not_an_arn(registry):
    """Checkov renders ``resources = [var.destination]`` inside a condition as the string
    ``"[*]"``; no ARN or action is written in brackets."""
    block = TfBlock(
        address="aws_iam_policy_document.logs",
        type="aws_iam_policy_document",
        kind="data",
        conf={"statement": [{"actions": [["logs:PutLogEvents"]], "resources": ["[*]"]}]},
    )
    v = verdict(registry, "SOC2_AWS_6", _policy(tf_data_document(block, None)))
    assert v.status == Status.FAILED
    assert v.message == (
        "Cannot be confirmed: data.aws_iam_policy_document.logs statement 1 resources is '[*]', "
        "a list Checkov wrote out as text, which cannot be resolved."
    )


def test_policy_document_data_source_becomes_json(registry):
    block = TfBlock(
        address="aws_iam_policy_document.ops",
        type="aws_iam_policy_document",
        kind="data",
        conf={
            "statement": [
                {"sid": ["Read"], "actions": [["ec2:Describe*"]], "resources": [["*"]]},
                {"effect": ["Deny"], "actions": [["*"]], "resources": [["*"]]},
                {"not_actions": [["iam:*"]], "resources": [["*"]]},
            ]
        },
    )
    doc = tf_data_document(block, None)
    assert doc["Statement"][0] == {"Sid": "Read", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": ["*"]}
    assert doc["Statement"][1]["Effect"] == "Deny"
    v = verdict(registry, "SOC2_AWS_5", _policy(doc))
    assert v.status == Status.FAILED and "NotAction" in v.message


def test_cloudformation_document_with_intrinsics(registry):
    doc = cfn_document(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${Bucket.Arn}/*"}},
                {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "Topic"}},
                {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*", "__startline__": 3},
            ],
        },
        "Policy",
        parameters=frozenset({"Env"}),
    )
    assert "__startline__" not in doc["Statement"][2]
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


def test_cloudformation_parameter_without_default_is_unknown(registry):
    doc = cfn_document(
        {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Ref": "TargetArn"}}]},
        "Policy",
        parameters=frozenset({"TargetArn"}),
    )
    v = verdict(registry, "SOC2_AWS_6", _policy(doc))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")


def test_cloudformation_policy_as_json_string(registry):
    doc = cfn_document('{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}', "P", frozenset())
    assert status(registry, "SOC2_AWS_5", _policy(doc)) == Status.FAILED


def test_a_resource_that_is_one_expression_with_nested_interpolations_could_be_a_wildcard(registry):
    """terraform-aws-vpc's flow-log policy: ``resources = local.create_log_group ?
    formatlist(...) : [var.log_destination]``, which Checkov renders with the variable's
    interpolation nested inside; it is one expression, not an ARN pattern around one."""
    resource = "${local.create ? formatlist(\"%s:*\",aws_cloudwatch_log_group.this[*].arn) : ['${var.destination}']}"
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": resource}]}, "p")
    v = verdict(registry, "SOC2_AWS_6", _policy(doc))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")
    arn_pattern = "arn:aws:logs:*:*:log-group:${var.name}:*"  # text around an interpolation is never "*"
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": arn_pattern}]}, "p")
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


@pytest.mark.parametrize(
    "resource",
    [
        "*${var.suffix}",  # "*" when the suffix is empty
        "${var.prefix}*",
        # Checkov's partial rendering of ``[for v in ["%v"] : format(v, var.arn)]``: an expression, not an ARN
        "flatten([for _ , v in ['%v'] : format(v,${var.arn})])",
    ],
)
def test_text_around_an_interpolation_is_a_pattern_only_when_it_cannot_be_a_wildcard(registry, resource):
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": resource}]}, "p")
    v = verdict(registry, "SOC2_AWS_6", _policy(doc))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")


def test_text_around_arns_is_a_pattern_even_when_it_is_only_a_wildcard(registry):
    resource = "${aws_s3_bucket.logs.arn}*"  # an ARN is never empty
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": resource}]}, "p")
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


@pytest.mark.parametrize(
    "resource",
    [
        "${try(aws_sqs_queue.this[0].arn,None)}",
        "${try(aws_sqs_queue.this[0].arn, null)}",
        "${try(aws_sqs_queue.a[0].arn, aws_sqs_queue.b[0].arn)}",
    ],
)
def test_try_of_arns_or_null_is_never_a_wildcard(registry, resource):
    """terraform-aws-eks's Karpenter policy: the queue's ARN where the queue exists, or null."""
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "sqs:DeleteMessage", "Resource": resource}]}, "p")
    assert status(registry, "SOC2_AWS_6", _policy(doc)) == Status.PASSED


@pytest.mark.parametrize(
    "resource",
    ["${try(aws_sqs_queue.this[0].arn, var.queues)}", "${try(aws_sqs_queue.this[0].arn, '*')}", "${try(null)}"],
)
def test_try_with_an_alternative_that_may_be_a_wildcard_cannot_be_confirmed(registry, resource):
    doc = tf_document({"Statement": [{"Effect": "Allow", "Action": "sqs:DeleteMessage", "Resource": resource}]}, "p")
    v = verdict(registry, "SOC2_AWS_6", _policy(doc))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")


WRITTEN = """\
data "aws_iam_policy_document" "this" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = coalescelist(var.buckets, ["*"])
  }
}
"""
READ = {"actions": [["s3:GetObject"]], "resources": [["arn:aws:s3:::reports/*"]]}
WRITE = {"actions": [["s3:DeleteObject", "s3:PutObject"]], "resources": ["coalescelist(var.buckets,['*'])"]}  # sorted


def _written_document(tmp_path, statements):
    (tmp_path / "main.tf").write_text(WRITTEN)
    conf = {"__start_line__": 1, "__end_line__": 10, "statement": statements}
    block = TfBlock("aws_iam_policy_document.this", "aws_iam_policy_document", conf, str(tmp_path / "main.tf"), "/r")
    block.kind = "data"
    index = TfIndex([block])
    index._variables = {"/r\0buckets": {"default": []}}
    block.settle_with(index)
    return tf_data_document(block, index)


def test_a_statement_checkov_left_as_text_is_read_from_its_source(tmp_path, registry):
    v = verdict(registry, "SOC2_AWS_6", _policy(_written_document(tmp_path, [READ, WRITE])))
    assert v.status == Status.FAILED and v.message.endswith("on Resource '*'.")
    assert "Cannot be confirmed" not in v.message


def test_a_written_statement_is_read_only_where_it_is_the_one_rendered(tmp_path, registry):
    """Were the rendered statements in another order than the written ones, the second
    statement's expression must not be read from the first one's source (whose resource is
    one bucket's objects): the actions written as literals tell them apart."""
    v = verdict(registry, "SOC2_AWS_6", _policy(_written_document(tmp_path, [WRITE, READ])))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed: ")
    assert "statement 1 resources is \"coalescelist(var.buckets,['*'])\"" in v.message
