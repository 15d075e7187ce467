"""Credentials: profiles, the default chain, an assumed role with an external ID; and the
local-endpoint mapping for s3control."""

from __future__ import annotations

import json

import boto3
import pytest

from soc2_checks.errors import UsageError
from soc2_checks.live.local_endpoint import is_local_endpoint, strip_account_prefix
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.model import Status

from .accounts import ACCOUNT, allow, seed_everything

ROLE = f"arn:aws:iam::{ACCOUNT}:role/soc2-scanner"


def test_unknown_profile_is_bad_usage(aws):
    with pytest.raises(UsageError, match="--profile nope"):
        Connection(ConnectOptions(profile="nope"))


def test_no_credentials_is_bad_usage(aws, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UsageError, match="no AWS credentials"):
        Connection(ConnectOptions())


def role_for_scanning(external_id: str) -> dict:
    """A role trusting one user when it presents the external ID, and that user's key."""
    iam = boto3.client("iam")
    caller = iam.create_user(UserName="ci")["User"]["Arn"]
    iam.put_user_policy(UserName="ci", PolicyName="assume", PolicyDocument=allow(["sts:AssumeRole"]))
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": caller},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }
    iam.create_role(RoleName="soc2-scanner", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="soc2-scanner", PolicyName="read", PolicyDocument=allow(["s3:*", "sts:*"]))
    return iam.create_access_key(UserName="ci")["AccessKey"]


@pytest.fixture
def enforced(monkeypatch):
    from moto.core import enable_iam_authentication

    def as_caller(key: dict):
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        return enable_iam_authentication()

    return as_caller


def test_assumed_role_with_external_id(aws, scan, enforced):
    seed_everything()
    key = role_for_scanning("s3cret")
    with enforced(key):
        s = scan(options=ConnectOptions(role_arn=ROLE, external_id="s3cret", max_attempts=2))
    assert s.log.operations[("sts", "AssumeRole")] == 1
    assert s.status("SOC2_AWS_13") == Status.PASSED  # the role's reads worked


def test_a_role_that_cannot_be_assumed_makes_every_check_an_error(aws, scan, enforced):
    key = role_for_scanning("s3cret")
    with enforced(key):
        s = scan(options=ConnectOptions(role_arn=ROLE, external_id="wrong", max_attempts=2))
    assert s.results and {r.status for r in s.results} == {Status.ERROR}
    assert all("sts:AssumeRole of " + ROLE in r.message and "AccessDenied" in r.message for r in s.results)


def test_the_role_client_may_assume_but_not_write(aws):
    conn = Connection(ConnectOptions(role_arn=ROLE))
    from soc2_checks.live.guard import MutatingCallRefused

    with pytest.raises(MutatingCallRefused):
        conn.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="x")  # scanning clients never assume


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://localhost:4566", True),
        ("http://[::1]:5000", True),
        ("https://s3-control.us-east-1.amazonaws.com", False),
        ("http://10.0.0.5:5000", False),
        (None, False),
    ],
)
def test_is_local_endpoint(url, local):
    assert is_local_endpoint(url) is local


def test_strip_account_prefix_only_for_the_local_host():
    url = f"http://{ACCOUNT}.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    assert strip_account_prefix(url, "127.0.0.1") == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    real = f"https://{ACCOUNT}.s3-control.us-east-1.amazonaws.com/v20180820/configuration/publicAccessBlock"
    assert strip_account_prefix(real, "127.0.0.1") == real
