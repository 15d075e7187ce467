"""Identity Center: who holds which permission set in which account, users reached through a
group named, in the assignments export, the access population and the walkthrough answer."""

from __future__ import annotations

import csv
import io

import boto3

from ..live.accounts import ACCOUNT, seed_everything
from .conftest import entry


def grant_through_a_group() -> None:
    """moto gives every region an Identity Center instance; us-east-1's is the organisation's."""
    sso = boto3.client("sso-admin", region_name="us-east-1")
    instance = sso.list_instances()["Instances"][0]
    store = boto3.client("identitystore", region_name="us-east-1")
    ids = {}
    for name in ("priya.raman", "sven.olsen"):
        ids[name] = store.create_user(
            IdentityStoreId=instance["IdentityStoreId"],
            UserName=name,
            DisplayName=name.replace(".", " ").title(),
            Name={"GivenName": name.split(".")[0], "FamilyName": name.split(".")[1]},
            Emails=[{"Value": f"{name}@northwind.example", "Primary": True}],
        )["UserId"]
    group = store.create_group(IdentityStoreId=instance["IdentityStoreId"], DisplayName="platform-engineers")["GroupId"]
    store.create_group_membership(
        IdentityStoreId=instance["IdentityStoreId"], GroupId=group, MemberId={"UserId": ids["priya.raman"]}
    )
    ps = sso.create_permission_set(InstanceArn=instance["InstanceArn"], Name="PlatformAdmin", SessionDuration="PT4H")[
        "PermissionSet"
    ]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(
        InstanceArn=instance["InstanceArn"],
        PermissionSetArn=ps,
        ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
    )
    sso.create_account_assignment(
        InstanceArn=instance["InstanceArn"],
        TargetId=ACCOUNT,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps,
        PrincipalType="GROUP",
        PrincipalId=group,
    )


def test_assignments_name_the_permission_set_the_group_and_its_members(aws, build):
    seed_everything(("us-east-1",))
    grant_through_a_group()
    root = build(regions=("us-east-1",), records=False, exemptions=None).out

    e = entry(root, "CC6-access-control/identity-center-assignments.csv")
    assert e["state"] == "COLLECTED"
    [row] = list(csv.DictReader(io.StringIO((root / e["path"]).read_text())))
    assert (row["account_id"], row["permission_set"], row["principal_type"]) == (ACCOUNT, "PlatformAdmin", "GROUP")
    assert row["principal_name"] == "platform-engineers" and row["users"] == "priya.raman"

    people = list(csv.DictReader(io.StringIO((root / entry(root, "populations/aws-access-")["path"]).read_text())))
    by_name = {p["name"]: p for p in people}
    assert by_name["priya.raman"]["has_access"] == "true"
    assert (
        by_name["priya.raman"]["identity_center_assignments"] == f"{ACCOUNT}:PlatformAdmin via group platform-engineers"
    )
    assert by_name["sven.olsen"]["has_access"] == "false"  # in the directory, but assigned nothing
    assert by_name["alice"]["kind"] == "iam_user" and by_name["alice"]["has_access"] == "true"

    prep = (root / "walkthrough-prep.md").read_text()
    answer = prep.split("how a new engineer gets access")[1].split("###")[0]
    assert "permission set **PlatformAdmin** (AdministratorAccess; session PT4H) to group platform-engineers" in answer
    assert "1 member(s): priya.raman" in answer
    assert "1 with a console password" in answer and "outside Identity Center" in answer
