"""CloudFormation adapters on resources as Checkov hands them (parameters with defaults already
substituted, other intrinsics left in place)."""

from __future__ import annotations

from soc2_checks.iac import cloudformation
from soc2_checks.model import Status

from .conftest import status, verdict


def parts(rtype: str, properties: dict, name: str = "R", parameters: frozenset[str] | None = frozenset()):
    resource = {"Type": rtype, "Properties": properties}
    return cloudformation.views_of(rtype, resource, cloudformation.CfnContext(name=name, parameters=parameters))


def test_bucket_without_encryption_or_block(registry):
    p = parts("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "acme-${Env}"}})
    assert status(registry, "SOC2_AWS_11", p) == Status.FAILED
    assert status(registry, "SOC2_AWS_12", p) == Status.FAILED


def test_conditional_algorithm_passes_when_every_branch_encrypts(registry):
    p = parts(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": {"Fn::If": ["IsProd", "aws:kms", "AES256"]}}}
                ]
            }
        },
    )
    assert status(registry, "SOC2_AWS_11", p) == Status.PASSED


def test_conditional_encryption_fails_naming_the_condition(registry):
    p = parts("AWS::RDS::DBCluster", {"StorageEncrypted": {"Fn::If": ["IsProd", False, True]}})
    v = verdict(registry, "SOC2_AWS_17", p)
    assert v.status == Status.FAILED
    assert v.message.startswith("When IsProd is true:") and "IsProd is false" not in v.message


def test_conditional_statement_in_a_policy(registry):
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    p = parts(
        "AWS::IAM::ManagedPolicy",
        {"PolicyDocument": {"Statement": [{"Fn::If": ["Break", statement, {"Ref": "AWS::NoValue"}]}]}},
    )
    v = verdict(registry, "SOC2_AWS_5", p)
    assert v.status == Status.FAILED and "When Break is true" in v.message


def test_parameter_without_default_never_passes(registry):
    p = parts("AWS::EC2::Volume", {"Encrypted": {"Ref": "Encrypt"}}, parameters=frozenset({"Encrypt"}))
    v = verdict(registry, "SOC2_AWS_16", p)
    assert v.status == Status.FAILED and "Encrypt" in v.message and v.message.startswith("Cannot be confirmed")


def test_canned_acl_names_are_translated(registry):
    p = parts("AWS::S3::Bucket", {"AccessControl": "PublicReadWrite"})
    v = verdict(registry, "SOC2_AWS_12", p)
    assert "public-read-write" in v.message


def test_all_traffic_ingress_resource_is_caught(registry):
    """Checkov's own checks miss the all-traffic (-1) rule in CloudFormation."""
    p = parts(
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, "IpProtocol": -1, "CidrIp": "0.0.0.0/0"},
    )
    assert status(registry, "SOC2_AWS_15", p) == Status.FAILED


def test_icmp_all_is_not_all_ports(registry):
    p = parts(
        "AWS::EC2::SecurityGroup",
        {"SecurityGroupIngress": [{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIp": "0.0.0.0/0"}]},
    )
    assert status(registry, "SOC2_AWS_15", p) == Status.PASSED


def test_instance_block_devices(registry):
    p = parts(
        "AWS::EC2::Instance",
        {
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}},
                {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"},
            ]
        },
    )
    assert status(registry, "SOC2_AWS_16", p) == Status.PASSED
    assert status(registry, "SOC2_AWS_16", parts("AWS::EC2::Instance", {"ImageId": "ami-1"})) == Status.FAILED


def test_user_inline_and_managed_policies(registry):
    p = parts(
        "AWS::IAM::User",
        {
            "UserName": "deploy",
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}],
        },
    )
    assert status(registry, "SOC2_AWS_7", p) == Status.FAILED
    assert status(registry, "SOC2_AWS_5", p) == Status.FAILED
    assert status(registry, "SOC2_AWS_7", parts("AWS::IAM::User", {"Groups": ["Finance"]})) == Status.PASSED


def test_policy_bound_to_users(registry):
    doc = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    to_user = parts("AWS::IAM::Policy", {"PolicyName": "p", "PolicyDocument": doc, "Users": [{"Ref": "Deploy"}]})
    assert status(registry, "SOC2_AWS_7", to_user) == Status.FAILED
    to_role = parts("AWS::IAM::Policy", {"PolicyName": "p", "PolicyDocument": doc, "Roles": ["app"]})
    assert status(registry, "SOC2_AWS_7", to_role) is None


def test_kms_trail_detector_recorder(registry):
    assert status(registry, "SOC2_AWS_14", parts("AWS::KMS::Key", {"KeySpec": "HMAC_256"})) is None
    assert status(registry, "SOC2_AWS_14", parts("AWS::KMS::Key", {})) == Status.FAILED
    trail = parts("AWS::CloudTrail::Trail", {"IsLogging": True, "IsMultiRegionTrail": True})
    assert status(registry, "SOC2_AWS_8", trail) == Status.PASSED
    assert status(registry, "SOC2_AWS_9", trail) == Status.FAILED
    assert status(registry, "SOC2_AWS_10", parts("AWS::GuardDuty::Detector", {"Enable": False})) == Status.FAILED
    recorder = parts("AWS::Config::ConfigurationRecorder", {"RecordingGroup": {"AllSupported": False}})
    assert status(registry, "SOC2_AWS_18", recorder) == Status.FAILED
    assert status(registry, "SOC2_AWS_18", parts("AWS::Config::ConfigurationRecorder", {})) == Status.PASSED
