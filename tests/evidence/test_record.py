"""The recorder keeps what AWS answered: a listing's pages as one response, failures with the
permission they needed, and never anything but reads (no role credentials)."""

from __future__ import annotations

import contextlib

import boto3

from soc2_checks.evidence.record import CallRecorder

from ..live.faults import Inject


def client(service: str, recorder: CallRecorder, region: str = "us-east-1"):
    c = boto3.client(service, region_name=region)
    recorder(c)
    return c


def test_pages_of_one_listing_are_one_response(aws):
    rec = CallRecorder()
    logs = client("logs", rec)
    for i in range(5):
        logs.create_log_group(logGroupName=f"group-{i}")
    pages = logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 2})
    assert [len(p["logGroups"]) for p in pages] == [2, 2, 1]
    call = rec.find("logs", "DescribeLogGroups")
    assert call.pages == 3 and call.ok
    assert [g["logGroupName"] for g in call.response["logGroups"]] == [f"group-{i}" for i in range(5)]
    assert "nextToken" not in call.response and "ResponseMetadata" not in call.response


def test_a_listing_read_twice_is_kept_once(aws):
    rec = CallRecorder()
    kms = client("kms", rec)
    kms.create_key()
    kms.list_keys()
    kms.list_keys()
    [call] = rec.calls("kms", "ListKeys")
    assert len(call.response["Keys"]) == 1


def test_a_denied_call_is_kept_with_the_permission_it_needed(aws):
    rec = CallRecorder()
    sso = boto3.client("sso-admin", region_name="eu-west-1")
    rec(sso)
    Inject("deny", lambda service, op, n: True)(sso)
    with contextlib.suppress(Exception):
        sso.list_instances()
    call = rec.find("sso-admin", "ListInstances", "eu-west-1")
    assert not call.ok and call.code == "AccessDeniedException"
    assert call.error.permission == "sso:ListInstances"  # Identity Center's IAM prefix, not the API's


def test_an_absent_setting_keeps_its_error_code(aws):
    rec = CallRecorder()
    iam = client("iam", rec)
    with contextlib.suppress(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()
    call = rec.find("iam", "GetAccountPasswordPolicy")
    assert call.code == "NoSuchEntity" and call.error.permission is None


def test_only_reads_are_kept(aws):
    rec = CallRecorder()
    iam = client("iam", rec)
    iam.create_user(UserName="x")
    sts = client("sts", rec)
    iam_role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sts.assume_role(RoleArn=iam_role, RoleSessionName="scan")
    assert [c.operation for c in rec] == []  # CreateUser, CreateRole and the role's credentials are not kept
