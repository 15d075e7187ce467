"""``--org`` and ``--shard`` over moto's Organizations: every active account is scanned (the
caller's own with its credentials, the others through the organization role), one account's
failure is ERROR for that account only, and shards split the accounts without gap or overlap.

moto's AssumeRole succeeds for any role name, existing or not, and its credentials act in the
role's account; a refused AssumeRole (AWS: the role is missing or does not trust the caller)
is injected as the AccessDenied AWS answers."""

from __future__ import annotations

import json
import random

import boto3
import pytest

from soc2_checks.cli import main
from soc2_checks.live.calls import Api
from soc2_checks.live.guard import CallLog
from soc2_checks.live.org import DEFAULT_ROLE, scan_organization
from soc2_checks.live.scan import live_checks
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.live.shard import INDEX_VARIABLES, Shard, ShardSpec, parse_shard, resolve_shard, shard_of
from soc2_checks.model import Status
from soc2_checks.registry import RuleContext

from .accounts import ACCOUNT
from .conftest import PERIOD_END
from .faults import error_response


def make_org(n_members: int, closed: int = 0) -> list[str]:
    """An organization managed from the default moto account, with ``n_members`` active member
    accounts (and ``closed`` suspended ones); returns the active member IDs."""
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [
        org.create_account(AccountName=f"member-{i}", Email=f"m{i}@example.com")["CreateAccountStatus"]["AccountId"]
        for i in range(n_members + closed)
    ]
    for account in ids[n_members:]:
        org.close_account(AccountId=account)
    return ids[:n_members]


def member_session(account: str) -> boto3.Session:
    sts = boto3.client("sts")
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{DEFAULT_ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.Session(
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
        region_name="us-east-1",
    )


def deny_assume_role_into(account: str):
    """A client hook: AssumeRole of any role in ``account`` is refused, as AWS refuses a role
    that does not exist or does not trust the caller."""

    def hook(client) -> None:
        if client.meta.service_model.service_name != "sts":
            return

        def refuse(request, **_):
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
            if "Action=AssumeRole" in body and f"%3A{account}%3Arole" in body:
                return error_response("query", "deny")
            return None

        client.meta.events.register_first("before-send.sts.AssumeRole", refuse)

    return hook


def org_scan(registry, hooks=(), log=None, **kwargs):
    log = log or CallLog()
    opts = ConnectOptions(max_attempts=2, connect_timeout=2, read_timeout=5)
    return scan_organization(
        lambda: Connection(opts, hooks=hooks, log=log),
        registry,
        RuleContext(as_of=PERIOD_END, period_end=PERIOD_END),
        lambda check_id: [],
        regions=["us-east-1"],
        api_factory=lambda conn: Api(conn, sleep=lambda s: None),
        **kwargs,
    )


def test_every_active_account_is_scanned_the_callers_own_without_a_role(aws, registry):
    members = make_org(2, closed=1)
    member_session(members[0]).client("iam").create_user(UserName="in-member")
    log = CallLog()

    out = org_scan(registry, log=log)

    assert sorted(out.scanned) == sorted([ACCOUNT, *members])  # the suspended account is not
    assert {r.resource.account for r in out.results} == {ACCOUNT, *members}
    assert out.targets == sorted(f"aws://{a}/us-east-1" for a in [ACCOUNT, *members])
    # the member's own data was read in the member account, through the role
    [user] = [r for r in out.results if r.check_id == "SOC2_AWS_1" and r.resource.name == "in-member"]
    assert user.resource.account == members[0]
    assert user.resource.id == f"arn:aws:iam::{members[0]}:user/in-member"
    assert log.operations[("sts", "AssumeRole")] == 2  # members only; the management account uses the caller
    assert not [r for r in out.results if r.status is Status.ERROR]
    # checks that no collector serves are said once for the organization, not once per account
    assert all(not w.startswith("Account ") for w in out.warnings), out.warnings


def test_an_account_whose_role_cannot_be_assumed_is_errors_for_that_account_only(aws, registry):
    members = make_org(2)
    denied, fine = members

    out = org_scan(registry, hooks=[deny_assume_role_into(denied)], role="Auditor")

    errors = [r for r in out.results if r.resource.account == denied]
    checks_with_live_data = {c.id for c in live_checks(registry) if c.views}
    assert {r.check_id for r in errors} == checks_with_live_data  # one ERROR per check
    assert len(errors) == len(checks_with_live_data)
    for r in errors:
        assert r.status is Status.ERROR
        assert r.resource.id == denied and r.resource.name == "member-0"
        assert f"sts:AssumeRole of arn:aws:iam::{denied}:role/Auditor failed: AccessDenied" in r.message
    scanned_fine = [r for r in out.results if r.resource.account == fine]
    assert any(r.status is Status.PASSED for r in scanned_fine)
    assert not [r for r in scanned_fine if r.status is Status.ERROR]
    assert f"aws://{denied}" in out.targets


def test_an_organization_that_cannot_be_listed_is_errors_not_an_empty_pass(aws, registry, capsys):
    # no organization at all: AWSOrganizationsNotInUseException
    out = org_scan(registry)
    assert out.results and {r.status for r in out.results} == {Status.ERROR}
    assert all("not in an AWS Organization" in r.message for r in out.results)
    assert out.results[0].resource.account == ACCOUNT

    assert main(["live", "--org", "--regions", "us-east-1", "-o", "json"]) == 3


def test_a_shard_scans_its_accounts_only_and_says_which(aws, registry):
    members = make_org(3)
    everyone = sorted([ACCOUNT, *members])
    seen: list[str] = []
    for k in range(3):
        out = org_scan(registry, shard=Shard(k, 3))
        assert out.scanned == Shard(k, 3).select(everyone)
        assert {r.resource.account for r in out.results} == set(out.scanned)
        seen += out.scanned
    assert sorted(seen) == everyone


def test_accounts_split_into_disjoint_shards_that_survive_a_changing_list():
    rng = random.Random(7)
    accounts = [f"{rng.randrange(10**12):012d}" for _ in range(300)]
    for n in (1, 2, 3, 7):
        shards = [Shard(k, n).select(accounts) for k in range(n)]
        assert sorted(a for s in shards for a in s) == sorted(accounts)
        assert all(s == sorted(s) for s in shards)
        if n > 1:
            # balanced enough: every shard holds a fair part of the accounts
            assert min(len(s) for s in shards) > len(accounts) / n * 0.6
    # an account created between two jobs' listings moves no other account to another shard
    before = {a: shard_of(a, 4) for a in accounts}
    grown = [*accounts[:150], "000000000001", *accounts[150:]]
    assert all(shard_of(a, 4) == before[a] for a in grown if a in before)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0/4", ShardSpec(0, 4, "0/4")),
        ("3/4", ShardSpec(3, 4, "3/4")),
        ("4", ShardSpec(None, 4, "4")),
        ("auto/4", ShardSpec(None, 4, "auto/4")),
        ("0/1", ShardSpec(0, 1, "0/1")),
    ],
)
def test_shard_syntax(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["4/4", "1/0", "0", "-1/4", "a/4", "1/4/2", "", "1.5/4", "0/100000"])
def test_bad_shard_is_refused(text):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        parse_shard(text)


def test_the_index_comes_from_the_job_engine():
    spec = parse_shard("auto/4")
    assert resolve_shard(spec, {"JOB_COMPLETION_INDEX": "2"}) == Shard(2, 4, "JOB_COMPLETION_INDEX")
    assert resolve_shard(spec, {"AWS_BATCH_JOB_ARRAY_INDEX": "3"}) == Shard(3, 4, "AWS_BATCH_JOB_ARRAY_INDEX")
    assert resolve_shard(parse_shard("1/4"), {"JOB_COMPLETION_INDEX": "2"}) == Shard(1, 4)  # explicit K wins
    assert INDEX_VARIABLES == ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--shard", "0/2"], {}, "--shard needs --org"),
        (["--org-role", "Auditor"], {}, "--org-role needs --org"),
        (["--org", "--org-role", "bad role!"], {}, "not an IAM role name"),
        (["--org", "--shard", "auto/4"], {}, "neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set"),
        (["--org", "--shard", "4"], {"JOB_COMPLETION_INDEX": "4"}, "must be below 4"),
        (["--org", "--shard", "4"], {"AWS_BATCH_JOB_ARRAY_INDEX": "x"}, "is not a whole number"),
    ],
)
def test_bad_org_usage_exits_2_before_any_call(aws, capsys, monkeypatch, argv, env, message):
    for name in INDEX_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(["live", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_bad_shard_syntax_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["live", "--org", "--shard", "4/4"])
    assert exc.value.code == 2
    assert "K is 0-based" in capsys.readouterr().err


def test_an_org_scan_needs_exactly_the_scanner_and_org_policies(aws, registry):
    from soc2_checks.live.permissions import permission_for

    from ..conftest import EXAMPLES
    from .accounts import seed_everything
    from .test_read_only import policy_actions

    seed_everything()
    make_org(1)
    log = CallLog()
    org_scan(registry, log=log)
    org_policy = json.loads((EXAMPLES / "scale-out" / "org-scanner-policy.json").read_text())
    org_actions = {a for s in org_policy["Statement"] for a in s["Action"]}
    [assume] = [s for s in org_policy["Statement"] if s["Action"] == ["sts:AssumeRole"]]
    assert assume["Resource"] == f"arn:aws:iam::*:role/{DEFAULT_ROLE}"
    assert log.refused == []
    assert {permission_for(service, op) for service, op in log.operations} == policy_actions() | org_actions
