"""Accounts built on moto for whole-scan tests: something of every kind the scanner reads, so
every operation it knows is exercised."""

from __future__ import annotations

import json

import boto3

from soc2_checks.live.local_endpoint import install_local_fixes

ACCOUNT = "123456789012"
SSE_S3 = {"SSEAlgorithm": "AES256"}
FULL_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def allow(actions: list[str]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def seed_everything(regions: tuple[str, ...] = ("us-east-1",)) -> None:
    home = regions[0]
    iam = boto3.client("iam", region_name=home)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-horse-9!")
    iam.create_access_key(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=allow(["s3:GetObject"]))
    iam.create_policy(PolicyName="writer", PolicyDocument=allow(["s3:PutObject"]))
    iam.update_account_password_policy(MinimumPasswordLength=14)

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="data-bucket")
    s3.put_bucket_encryption(
        Bucket="data-bucket",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": SSE_S3}]},
    )
    s3.put_public_access_block(Bucket="data-bucket", PublicAccessBlockConfiguration=FULL_BLOCK)
    s3.create_bucket(Bucket="trail-bucket")
    s3control = boto3.client("s3control", region_name="us-east-1")
    install_local_fixes(s3control)  # a no-op unless AWS_ENDPOINT_URL is a local emulator
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=FULL_BLOCK)
    trails = boto3.client("cloudtrail", region_name=home)
    trails.create_trail(Name="main", S3BucketName="trail-bucket", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    trails.start_logging(Name="main")

    for region in regions:
        boto3.client("guardduty", region_name=region).create_detector(Enable=True)
        kms = boto3.client("kms", region_name=region)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key)
        ec2 = boto3.client("ec2", region_name=region)
        group = ec2.create_security_group(GroupName="ssh", Description="ssh")["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=True)
        ec2.enable_ebs_encryption_by_default()
        boto3.client("rds", region_name=region).create_db_instance(
            DBInstanceIdentifier="db",
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="admin",
            MasterUserPassword="password123",
            StorageEncrypted=True,
        )
        config = boto3.client("config", region_name=region)
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        events = boto3.client("events", region_name=region)
        pattern = {
            "source": ["aws.cloudtrail"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]},
        }
        events.put_rule(Name="trail-changes", EventPattern=json.dumps(pattern), State="ENABLED")
        topic = boto3.client("sns", region_name=region).create_topic(Name="security")["TopicArn"]
        events.put_targets(Rule="trail-changes", Targets=[{"Id": "1", "Arn": topic}])
        logs = boto3.client("logs", region_name=region)
        logs.create_log_group(logGroupName="trail")
        logs.put_metric_filter(
            logGroupName="trail",
            filterName="stop-logging",
            filterPattern="{ $.eventName = StopLogging }",
            metricTransformations=[{"metricName": "StopLogging", "metricNamespace": "Security", "metricValue": "1"}],
        )
        boto3.client("cloudwatch", region_name=region).put_metric_alarm(
            AlarmName="stop-logging",
            MetricName="StopLogging",
            Namespace="Security",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
