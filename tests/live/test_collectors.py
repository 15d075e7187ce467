"""Collectors over moto: each AWS situation reaches the registered rule as the right view,
every resource is read once, and the results carry account, region and ARN."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest

from soc2_checks.model import Status

from .conftest import policy_document

ACCOUNT = "123456789012"
TODAY = dt.datetime.now(dt.UTC).date()


def test_console_users_mfa_and_root(aws, scan):
    iam = boto3.client("iam")
    for name in ("no-mfa", "with-mfa", "api-only"):
        iam.create_user(UserName=name)
    for name in ("no-mfa", "with-mfa"):
        iam.create_login_profile(UserName=name, Password="Correct-horse-9!")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="with-mfa")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="with-mfa", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )

    s = scan()

    assert s.status("SOC2_AWS_1", "user/no-mfa") == Status.FAILED
    assert s.status("SOC2_AWS_1", "user/with-mfa") == Status.PASSED
    assert s.status("SOC2_AWS_1", "user/api-only") == Status.PASSED
    user = next(r for r in s.of("SOC2_AWS_1") if r.resource.name == "no-mfa")
    assert user.resource.id == f"arn:aws:iam::{ACCOUNT}:user/no-mfa"
    assert (user.resource.account, user.resource.type) == (ACCOUNT, "AWS::IAM::User")
    # moto reports no root MFA in GetAccountSummary
    assert s.status("SOC2_AWS_2") == Status.FAILED
    assert s.log.operations[("iam", "GetCredentialReport")] == 1


@pytest.mark.parametrize(("days_to_period_end", "expected"), [(30, Status.PASSED), (120, Status.FAILED)])
def test_access_key_age_is_counted_to_the_period_end(aws, scan, days_to_period_end, expected):
    iam = boto3.client("iam")
    iam.create_user(UserName="deployer")
    iam.create_access_key(UserName="deployer")

    s = scan(period_end=TODAY + dt.timedelta(days=days_to_period_end))

    [key] = s.of("SOC2_AWS_3")
    assert key.status == expected
    assert f"{days_to_period_end} days old on {TODAY + dt.timedelta(days=days_to_period_end)}" in key.message
    assert key.resource.id == f"arn:aws:iam::{ACCOUNT}:user/deployer#access_key_1"


def test_inactive_and_absent_key_slots_give_no_key_result(aws, scan):
    iam = boto3.client("iam")
    iam.create_user(UserName="old")
    key = iam.create_access_key(UserName="old")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="old", AccessKeyId=key, Status="Inactive")
    iam.create_user(UserName="nokeys")

    s = scan(period_end=TODAY + dt.timedelta(days=365))

    assert s.of("SOC2_AWS_3") == []


def test_password_policy_absent_then_strong(aws, scan):
    assert scan().status("SOC2_AWS_4") == Status.FAILED
    boto3.client("iam").update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=24,
        MaxPasswordAge=90,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=True,
    )
    s = scan()
    assert s.status("SOC2_AWS_4") == Status.PASSED
    assert s.of("SOC2_AWS_4")[0].resource.id == ACCOUNT


def test_identity_policies_and_attachments(aws, scan, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    iam = boto3.client("iam")
    admin = iam.create_policy(PolicyName="everything", PolicyDocument=policy_document(["*"]))["Policy"]["Arn"]
    reader = iam.create_policy(PolicyName="reader", PolicyDocument=policy_document(["s3:GetObject"]))["Policy"]["Arn"]
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    iam.attach_role_policy(RoleName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_group(GroupName="devs")
    iam.put_group_policy(GroupName="devs", PolicyName="s3-write", PolicyDocument=policy_document(["s3:PutObject"]))
    iam.attach_group_policy(GroupName="devs", PolicyArn=reader)
    iam.create_user(UserName="dev")
    iam.add_user_to_group(GroupName="devs", UserName="dev")
    iam.create_user(UserName="direct")
    iam.attach_user_policy(UserName="direct", PolicyArn=admin)

    s = scan()

    assert s.status("SOC2_AWS_5", "policy/everything") == Status.FAILED
    assert s.status("SOC2_AWS_5", "policy/reader") == Status.PASSED
    assert s.status("SOC2_AWS_5", "role/ops") == Status.FAILED  # AdministratorAccess attached
    assert s.status("SOC2_AWS_6", "group/devs#s3-write") == Status.FAILED  # s3:PutObject on "*"
    assert s.status("SOC2_AWS_6", "policy/reader") == Status.PASSED
    assert s.status("SOC2_AWS_7", "user/dev") == Status.PASSED  # through its group
    assert s.status("SOC2_AWS_7", "user/direct") == Status.FAILED
    # AWS-managed policy documents are not judged as identity policies of the account
    assert not [r for r in s.of("SOC2_AWS_6") if ":aws:policy/" in r.resource.id]
    assert s.log.operations[("iam", "GetAccountAuthorizationDetails")] == 1


def test_buckets_encryption_public_access_and_account_block(aws, scan):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="plain")
    s3.create_bucket(Bucket="locked")
    s3.put_bucket_encryption(
        Bucket="locked",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_public_access_block(
        Bucket="locked",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.create_bucket(Bucket="website", ACL="public-read")

    s = scan()

    assert s.status("SOC2_AWS_11", "plain") == Status.FAILED
    assert s.status("SOC2_AWS_11", "locked") == Status.PASSED
    assert s.status("SOC2_AWS_12", "locked") == Status.PASSED
    assert s.status("SOC2_AWS_12", "plain") == Status.FAILED
    website = next(r for r in s.of("SOC2_AWS_12") if r.resource.name == "website")
    assert website.status == Status.FAILED and "AllUsers" in website.message
    assert website.resource.id == "arn:aws:s3:::website"
    assert s.status("SOC2_AWS_13") == Status.FAILED
    for op in ("GetBucketEncryption", "GetPublicAccessBlock", "GetBucketAcl"):
        assert s.log.operations[("s3", op)] == 3  # each bucket read once


def test_account_public_access_block_covers_buckets(aws, scan):
    boto3.client("s3control").put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    boto3.client("s3").create_bucket(Bucket="covered")

    s = scan()

    assert s.status("SOC2_AWS_13") == Status.PASSED
    assert s.status("SOC2_AWS_12", "covered") == Status.PASSED


def _trail(region: str, name: str, **kwargs) -> str:
    s3 = boto3.client("s3", region_name=region)
    bucket = f"{name}-logs"
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    ct = boto3.client("cloudtrail", region_name=region)
    arn = ct.create_trail(Name=name, S3BucketName=bucket, **kwargs)["TrailARN"]
    ct.start_logging(Name=name)
    return arn


def test_trails_are_read_once_across_regions(aws, scan):
    org = _trail(
        "eu-west-1", "org", IsMultiRegionTrail=True, EnableLogFileValidation=True, IncludeGlobalServiceEvents=True
    )
    local = _trail("us-east-1", "local")

    s = scan(regions=("us-east-1", "eu-west-1"))

    assert s.status("SOC2_AWS_8", ACCOUNT) == Status.PASSED
    assert s.status("SOC2_AWS_9", org) == Status.PASSED
    assert s.status("SOC2_AWS_9", local) == Status.FAILED
    assert {r.resource.region for r in s.of("SOC2_AWS_9")} == {"eu-west-1", "us-east-1"}
    assert s.log.operations[("cloudtrail", "GetTrailStatus")] == 2


def test_trail_homed_outside_the_scope_still_counts(aws, scan):
    _trail("eu-west-1", "global", IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True)

    s = scan(regions=("us-east-1",))

    assert s.status("SOC2_AWS_8", ACCOUNT) == Status.PASSED


def test_no_trail_fails_the_account(aws, scan):
    assert scan().status("SOC2_AWS_8", ACCOUNT) == Status.FAILED


def test_guardduty_per_region(aws, scan):
    boto3.client("guardduty", region_name="us-east-1").create_detector(Enable=True)
    boto3.client("guardduty", region_name="eu-west-1").create_detector(Enable=False)

    s = scan(regions=("us-east-1", "eu-west-1", "eu-central-1"))

    assert s.status("SOC2_AWS_10", "/us-east-1") == Status.PASSED
    assert s.status("SOC2_AWS_10", "/eu-west-1") == Status.FAILED
    assert s.status("SOC2_AWS_10", "/eu-central-1") == Status.FAILED
    assert len(s.of("SOC2_AWS_10")) == 3  # one result per region in scope


def test_kms_rotation_only_where_it_applies(aws, scan):
    kms = boto3.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    static = kms.create_key()["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]

    s = scan()

    assert s.status("SOC2_AWS_14", rotating) == Status.PASSED
    assert s.status("SOC2_AWS_14", static) == Status.FAILED
    assert not [r for r in s.of("SOC2_AWS_14") if disabled in r.resource.id or signing in r.resource.id]
    assert s.log.operations[("kms", "DescribeKey")] == 4
    assert s.log.operations[("kms", "GetKeyRotationStatus")] == 2  # not asked of keys it does not apply to


def test_security_groups_volumes_and_ebs_default(aws, scan):
    ec2 = boto3.client("ec2")
    ssh = ec2.create_security_group(GroupName="ssh", Description="ssh")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=ssh,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 20, "ToPort": 30, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
    )
    office = ec2.create_security_group(GroupName="office", Description="rdp from the office")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=office,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    )
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]
    ec2.enable_ebs_encryption_by_default()

    s = scan()

    assert s.status("SOC2_AWS_15", ssh) == Status.FAILED
    assert s.status("SOC2_AWS_15", office) == Status.PASSED
    group = next(r for r in s.of("SOC2_AWS_15") if ssh in r.resource.id)
    assert group.resource.id == f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{ssh}"
    assert group.resource.region == "us-east-1"
    # the default applies to new volumes only: an existing unencrypted volume still fails
    assert s.status("SOC2_AWS_16", plain) == Status.FAILED
    assert s.status("SOC2_AWS_16", sealed) == Status.PASSED
    assert s.status("SOC2_AWS_16", f"{ACCOUNT}/us-east-1") == Status.PASSED


def test_rds_instances_and_clusters(aws, scan):
    rds = boto3.client("rds")
    common = {"DBInstanceClass": "db.t3.micro", "MasterUsername": "admin", "MasterUserPassword": "password123"}
    rds.create_db_instance(DBInstanceIdentifier="plain", Engine="postgres", AllocatedStorage=20, **common)
    rds.create_db_instance(
        DBInstanceIdentifier="sealed", Engine="postgres", AllocatedStorage=20, StorageEncrypted=True, **common
    )
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
        StorageEncrypted=True,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="aurora-1", Engine="aurora-postgresql", DBClusterIdentifier="aurora", **common
    )

    s = scan()

    assert s.status("SOC2_AWS_17", ":db:plain") == Status.FAILED
    assert s.status("SOC2_AWS_17", ":db:sealed") == Status.PASSED
    assert s.status("SOC2_AWS_17", ":cluster:aurora") == Status.PASSED
    assert not [r for r in s.of("SOC2_AWS_17") if r.resource.id.endswith(":db:aurora-1")]


def test_config_recorders_per_region(aws, scan):
    config = boto3.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    boto3.client("s3").create_bucket(Bucket="config-bucket")

    assert scan().status("SOC2_AWS_18", "/us-east-1") == Status.FAILED  # recorder exists but is stopped
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    assert scan().status("SOC2_AWS_18", "/us-east-1") == Status.PASSED


def test_trail_change_alerting_by_eventbridge_rule(aws, scan):
    events = boto3.client("events")
    pattern = {
        "source": ["aws.cloudtrail"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]},
    }
    events.put_rule(Name="trail-changes", EventPattern=json.dumps(pattern), State="ENABLED")
    assert scan().status("SOC2_AWS_19") == Status.FAILED  # a rule without a target alerts nobody
    topic = boto3.client("sns").create_topic(Name="security")["TopicArn"]
    events.put_targets(Rule="trail-changes", Targets=[{"Id": "1", "Arn": topic}])
    assert scan().status("SOC2_AWS_19") == Status.PASSED


def test_trail_change_alerting_by_metric_filter_and_alarm(aws, scan):
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="cloudtrail")
    logs.put_metric_filter(
        logGroupName="cloudtrail",
        filterName="trail-changes",
        filterPattern="{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }",
        metricTransformations=[{"metricName": "TrailChanges", "metricNamespace": "Security", "metricValue": "1"}],
    )
    assert scan().status("SOC2_AWS_19") == Status.FAILED  # no alarm on the metric
    boto3.client("cloudwatch").put_metric_alarm(
        AlarmName="trail-changes",
        MetricName="TrailChanges",
        Namespace="Security",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    assert scan().status("SOC2_AWS_19") == Status.PASSED


def test_every_live_check_reports_on_an_empty_account(aws, scan, registry):
    s = scan()
    live = {c.id for c in registry if "live" in {str(x) for x in c.sources} and not c.id.startswith("SOC2_OPS")}
    # per-resource checks have nothing to judge in an empty account; baseline checks always answer
    baseline = {c.id for c in registry if c.id in live and c.baseline} | {"SOC2_AWS_2", "SOC2_AWS_19"}
    assert baseline <= {r.check_id for r in s.results}
    assert s.errors() == []
    assert s.log.refused == []
