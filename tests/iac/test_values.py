"""Reading Checkov's values: list wrapping, expression text, CloudFormation intrinsics."""

from __future__ import annotations

import pytest

from soc2_checks.iac import cfn_values
from soc2_checks.iac.values import ABSENT, display, is_expression, raw, tf_blocks, tf_bool, tf_int, tf_list, tf_str
from soc2_checks.model import Unknown


@pytest.mark.parametrize(
    "text",
    [
        "var.encrypted",
        "${var.encrypted}",
        "local.algorithm",
        "aws_kms_key.main.arn",
        'aws_s3_bucket.logs["a"].id',
        "module.store.bucket_id",
        "data.aws_iam_policy_document.admin.json",
        "each.value.port",
        'lookup(var.m, "x")',
        "acme-${var.env}",
        "var.enabled ? true : false",
        # partly rendered by Checkov: a map followed by an index, an iterator of a dynamic block
        "{'ssh': [22, 22, 'tcp']}[\"var.ingress_rules[count.index]\"][2]",
        "rule.value",
        "grant.value.uri",
    ],
)
def test_expression_text_is_recognised(text):
    assert is_expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "aws:kms",
        "AES256",
        "0.0.0.0/0",
        "acme.example.com",
        "arn:aws:s3:::acme",
        "-1",
        "s3:*",
        "arn:aws:s3:::b/data.csv",
    ],
)
def test_plain_values_are_not_expressions(text):
    assert not is_expression(text)


def test_a_rendered_collection_is_never_a_decision_value():
    assert isinstance(tf_str({"protocol": ["{'_': ['', '', '']}"]}, "protocol", None), Unknown)
    assert tf_str({"protocol": ["tcp"]}, "protocol", None) == "tcp"


def test_list_wrapping_is_removed_and_absence_is_distinct():
    conf = {"encrypted": [True], "cidr_blocks": [["0.0.0.0/0", "::/0"]], "count": [2]}
    assert raw(conf, "encrypted") is True
    assert raw(conf, "cidr_blocks") == ["0.0.0.0/0", "::/0"]
    assert raw(conf, "missing") is ABSENT
    assert tf_list(conf, "cidr_blocks") == ["0.0.0.0/0", "::/0"]


def test_decision_values_from_expressions_are_unknown():
    conf = {"encrypted": ["var.encrypted"], "port": ["var.port"], "algo": ["local.algo"], "cidrs": ["var.cidrs"]}
    assert isinstance(tf_bool(conf, "encrypted", False), Unknown)
    assert isinstance(tf_int(conf, "port", None), Unknown)
    assert isinstance(tf_str(conf, "algo", None), Unknown)
    assert isinstance(tf_list(conf, "cidrs"), Unknown)
    assert "var.encrypted" in tf_bool(conf, "encrypted", False).reason


def test_terraform_string_booleans_and_defaults():
    assert tf_bool({"e": ["true"]}, "e", False) is True
    assert tf_bool({"e": ["FALSE"]}, "e", True) is False
    assert tf_bool({}, "e", "default") == "default"
    assert tf_int({"p": ["22"]}, "p", None) == 22


def test_blocks_written_as_attribute_lists_and_unresolved_blocks():
    assert tf_blocks({"ingress": [[{"from_port": [22]}, {"from_port": [443]}]]}, "ingress") == [
        {"from_port": [22]},
        {"from_port": [443]},
    ]
    assert isinstance(tf_blocks({"ingress": ["${var.rules}"]}, "ingress"), Unknown)


# -- CloudFormation -------------------------------------------------------------------------


def test_every_condition_combination_is_a_version_and_novalue_removes():
    resource = {
        "Properties": {
            "Encrypted": {"Fn::If": ["IsProd", True, False]},
            "Tags": [{"Fn::If": ["HasOwner", {"Key": "owner"}, {"Ref": "AWS::NoValue"}]}],
        }
    }
    versions = cfn_values.variants(resource)
    assert [label for label, _ in versions] == [
        "when IsProd is true and HasOwner is true",
        "when IsProd is true and HasOwner is false",
        "when IsProd is false and HasOwner is true",
        "when IsProd is false and HasOwner is false",
    ]
    assert versions[1][1]["Properties"] == {"Encrypted": True, "Tags": []}
    assert versions[2][1]["Properties"]["Encrypted"] is False


def test_resource_without_conditions_has_one_unlabelled_version():
    assert cfn_values.variants({"Properties": {"A": 1}}) == [("", {"Properties": {"A": 1}})]


def test_intrinsics_are_unknown_as_decisions():
    assert isinstance(cfn_values.cfn_bool({"Ref": "Encrypt"}, "Vol.Encrypted"), Unknown)
    assert isinstance(cfn_values.cfn_str({"Fn::ImportValue": "x"}, "X"), Unknown)
    assert cfn_values.cfn_bool("true", "X") is True
    assert cfn_values.cfn_bool(None, "X", default=False) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Fn::GetAtt": ["Bucket", "Arn"]}, "${Bucket.Arn}"),
        ({"Fn::GetAtt": "Bucket.Arn"}, "${Bucket.Arn}"),
        ({"Fn::Sub": "${Bucket.Arn}/*"}, "${Bucket.Arn}/*"),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"},
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ),
        ({"Ref": "Topic"}, "${Topic}"),
        ({"Ref": "AWS::AccountId"}, "${AWS::AccountId}"),
        ({"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/*"]]}, "${B.Arn}/*"),
    ],
)
def test_identifiers_keep_resource_references(value, expected):
    assert cfn_values.identifier(value, "Resource", parameters=frozenset({"Param"})) == expected


@pytest.mark.parametrize(
    "value",
    [{"Ref": "Param"}, {"Fn::Sub": "${Param}"}, {"Fn::ImportValue": "shared-arn"}, {"Fn::Select": [0, ["*"]]}],
)
def test_identifiers_that_could_be_a_wildcard_are_unknown(value):
    assert isinstance(cfn_values.identifier(value, "Resource", parameters=frozenset({"Param"})), Unknown)


def test_a_ref_is_unknown_when_the_template_cannot_say_what_it_names():
    assert isinstance(cfn_values.identifier({"Ref": "Topic"}, "Resource", parameters=None), Unknown)


def test_template_parameters_are_read_from_the_resources_file(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Parameters:\n  Arn:\n    Type: String\nResources:\n  A:\n    Type: AWS::SNS::Topic\n")
    assert cfn_values.template_parameters({"Properties": {"__file__": str(template)}}) == frozenset({"Arn"})
    assert cfn_values.template_parameters({"Properties": {}}) is None


def test_display_names_a_resource_by_its_address_when_the_name_is_a_condition():
    assert display("var.bucket", "aws_s3_bucket.b") == "var.bucket"
    assert display("${var.bucket}", "aws_s3_bucket.b") == "var.bucket"
    assert display("logs-${random_pet.this.id}", "aws_s3_bucket.b") == "logs-${random_pet.this.id}"
    assert display("var.use_name_prefix ? None : local.name", "module.sg.aws_security_group.this[0]") == (
        "module.sg.aws_security_group.this[0]"
    )
    assert display('format("simple-%s", data.aws_region.current.region)', "aws_s3_bucket.b") == "aws_s3_bucket.b"
