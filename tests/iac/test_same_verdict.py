"""One situation written in Terraform and in CloudFormation gets the same verdict: both
adapters build the same view and one rule decides."""

from __future__ import annotations

import pytest

from soc2_checks.iac import cloudformation, terraform
from soc2_checks.iac.tf_graph import TfBlock, TfIndex

from .conftest import status


def tf(rtype: str, conf: dict, *linked: tuple[str, dict]):
    target = TfBlock(address=f"{rtype}.x", type=rtype, conf=conf, root="/r")
    others = [TfBlock(address=f"{t}.x", type=t, conf=c, root="/r") for t, c in linked]
    index = TfIndex([target, *others])
    return terraform.views_of(rtype, conf, terraform.TfContext(target.address, index, target))


def cfn(rtype: str, properties: dict):
    return cloudformation.views_of(rtype, {"Type": rtype, "Properties": properties}, cloudformation.CfnContext("X"))


LINK = {"bucket": ["aws_s3_bucket.x.id"]}
SSE_TF = {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": ["AES256"]}]}]}
SSE_CFN = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
BLOCK_TF = {
    k: [True] for k in ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")
}
BLOCK_CFN = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
ADMIN = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
WRITE_ALL = {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "*"}]}

SITUATIONS = [
    pytest.param(
        "SOC2_AWS_11",
        tf("aws_s3_bucket", {"bucket": ["b"]}),
        cfn("AWS::S3::Bucket", {"BucketName": "b"}),
        "FAILED",
        id="bucket-without-encryption",
    ),
    pytest.param(
        "SOC2_AWS_11",
        tf(
            "aws_s3_bucket",
            {"bucket": ["b"]},
            ("aws_s3_bucket_server_side_encryption_configuration", {**LINK, **SSE_TF}),
        ),
        cfn("AWS::S3::Bucket", {"BucketName": "b", "BucketEncryption": SSE_CFN}),
        "PASSED",
        id="bucket-encrypted",
    ),
    pytest.param(
        "SOC2_AWS_12",
        tf("aws_s3_bucket", {"bucket": ["b"]}, ("aws_s3_bucket_public_access_block", {**LINK, **BLOCK_TF})),
        cfn("AWS::S3::Bucket", {"BucketName": "b", "PublicAccessBlockConfiguration": BLOCK_CFN}),
        "PASSED",
        id="bucket-blocked",
    ),
    pytest.param(
        "SOC2_AWS_12",
        tf("aws_s3_bucket", {"bucket": ["b"]}, ("aws_s3_bucket_acl", {**LINK, "acl": ["public-read"]})),
        cfn("AWS::S3::Bucket", {"BucketName": "b", "AccessControl": "PublicRead"}),
        "FAILED",
        id="bucket-public-acl",
    ),
    pytest.param(
        "SOC2_AWS_15",
        tf(
            "aws_security_group",
            {"ingress": [{"protocol": ["-1"], "from_port": [0], "to_port": [0], "cidr_blocks": [["0.0.0.0/0"]]}]},
        ),
        cfn("AWS::EC2::SecurityGroup", {"SecurityGroupIngress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}),
        "FAILED",
        id="sg-all-traffic",
    ),
    pytest.param(
        "SOC2_AWS_15",
        tf(
            "aws_security_group",
            {"ingress": [{"protocol": ["tcp"], "from_port": [22], "to_port": [22], "cidr_blocks": [["10.0.0.0/8"]]}]},
        ),
        cfn(
            "AWS::EC2::SecurityGroup",
            {"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}]},
        ),
        "PASSED",
        id="sg-private-ssh",
    ),
    pytest.param(
        "SOC2_AWS_16",
        tf("aws_ebs_volume", {"size": [10]}),
        cfn("AWS::EC2::Volume", {"Size": 10}),
        "FAILED",
        id="volume",
    ),
    pytest.param(
        "SOC2_AWS_17",
        tf("aws_db_instance", {"storage_encrypted": [True]}),
        cfn("AWS::RDS::DBInstance", {"StorageEncrypted": True}),
        "PASSED",
        id="rds",
    ),
    pytest.param("SOC2_AWS_14", tf("aws_kms_key", {}), cfn("AWS::KMS::Key", {}), "FAILED", id="kms-rotation"),
    pytest.param(
        "SOC2_AWS_8",
        tf("aws_cloudtrail", {"is_multi_region_trail": [True]}),
        cfn("AWS::CloudTrail::Trail", {"IsMultiRegionTrail": True, "IsLogging": True}),
        "PASSED",
        id="trail",
    ),
    pytest.param(
        "SOC2_AWS_10",
        tf("aws_guardduty_detector", {"enable": [False]}),
        cfn("AWS::GuardDuty::Detector", {"Enable": False}),
        "FAILED",
        id="detector",
    ),
    pytest.param(
        "SOC2_AWS_5",
        tf("aws_iam_policy", {"policy": [ADMIN]}),
        cfn("AWS::IAM::ManagedPolicy", {"PolicyDocument": ADMIN}),
        "FAILED",
        id="admin-policy",
    ),
    pytest.param(
        "SOC2_AWS_6",
        tf("aws_iam_policy", {"policy": [WRITE_ALL]}),
        cfn("AWS::IAM::ManagedPolicy", {"PolicyDocument": WRITE_ALL}),
        "FAILED",
        id="write-everywhere",
    ),
    pytest.param(
        "SOC2_AWS_7",
        tf(
            "aws_iam_user",
            {"name": ["u"]},
            ("aws_iam_user_policy", {"user": ["aws_iam_user.x.name"], "name": ["p"], "policy": [WRITE_ALL]}),
        ),
        cfn("AWS::IAM::User", {"UserName": "u", "Policies": [{"PolicyName": "p", "PolicyDocument": WRITE_ALL}]}),
        "FAILED",
        id="user-inline-policy",
    ),
]


@pytest.mark.parametrize(("check_id", "tf_parts", "cfn_parts", "expected"), SITUATIONS)
def test_terraform_and_cloudformation_agree(registry, check_id, tf_parts, cfn_parts, expected):
    assert str(status(registry, check_id, tf_parts)) == expected
    assert str(status(registry, check_id, cfn_parts)) == expected
