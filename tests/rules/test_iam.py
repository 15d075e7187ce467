"""SOC2_AWS_1..7: the IAM rules, each FAILED clause, the passing and not-applicable cases."""

from __future__ import annotations

import datetime as dt

import pytest

from soc2_checks.model import Status
from soc2_checks.registry import RuleContext
from soc2_checks.views.iam import (
    AccessKey,
    IamUserLogin,
    IdentityPolicy,
    PasswordPolicy,
    PrincipalAttachments,
    RootAccount,
    UserPolicies,
)

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR
UNCONFIRMED = "Cannot be confirmed: var.flag is not set"
UNREAD = "GetThing failed: AccessDenied (needs thing:GetThing)"


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(IamUserLogin("ann", True, True), P, "ann has a console password and an MFA device", id="mfa"),
        pytest.param(IamUserLogin("bob", True, False), F, "bob has a console password and no MFA", id="no-mfa"),
        pytest.param(IamUserLogin("ci", False, False), P, "ci has no console password", id="no-password"),
        pytest.param(IamUserLogin("ci", False, MISSING), P, "no console password", id="no-password-mfa-unread"),
        pytest.param(IamUserLogin("x", UNKNOWN, False), F, UNCONFIRMED, id="unknown"),
        pytest.param(IamUserLogin("x", True, MISSING), E, UNREAD, id="missing"),
    ],
)
def test_aws_1_console_users_have_mfa(view, status, fragment):
    assert_verdict("SOC2_AWS_1", view, status, fragment)


@pytest.mark.parametrize(
    ("view", "status", "fragments"),
    [
        pytest.param(RootAccount(True, False), P, ["has MFA and no access keys"], id="locked-down"),
        pytest.param(RootAccount(False, False), F, ["root user has no MFA."], id="no-mfa"),
        pytest.param(RootAccount(True, True), F, ["root user has access keys."], id="keys"),
        pytest.param(RootAccount(False, True), F, ["has no MFA and has access keys"], id="both"),
        pytest.param(RootAccount(UNKNOWN, False), F, [UNCONFIRMED], id="unknown"),
        pytest.param(RootAccount(True, MISSING), E, [UNREAD], id="missing"),
    ],
)
def test_aws_2_root_user(view, status, fragments):
    assert_verdict("SOC2_AWS_2", view, status, *fragments)


END = dt.date(2026, 3, 31)


def rotated(days_before_end: int) -> dt.datetime:
    return dt.datetime.combine(END - dt.timedelta(days=days_before_end), dt.time(9, 30), tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("key", "ctx", "status", "fragment"),
    [
        pytest.param(AccessKey("ann", 1, True, rotated(90)), RuleContext(period_end=END), P, "90 days old", id="90"),
        pytest.param(
            AccessKey("ann", 2, True, rotated(91)),
            RuleContext(period_end=END),
            F,
            "2 of IAM user ann is 91 days old on 2026-03-31 (limit 90",
            id="91",
        ),
        pytest.param(
            AccessKey("ann", 1, True, rotated(91)),
            RuleContext(as_of=END + dt.timedelta(days=200), period_end=END),
            F,
            "91 days old on 2026-03-31",
            id="period-end-before-as-of",
        ),
        pytest.param(
            AccessKey("ann", 1, True, rotated(91)), RuleContext(as_of=END), F, "91 days old", id="as-of-fallback"
        ),
        pytest.param(
            AccessKey("ann", 1, True, rotated(31)),
            RuleContext(period_end=END, settings={"access_key_max_age_days": 30}),
            F,
            "(limit 30 days)",
            id="threshold-setting",
        ),
        pytest.param(
            AccessKey("ann", 1, True, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
            RuleContext(period_end=dt.date(2026, 6, 1)),
            F,
            "91 days old",  # 2026-03-01 23:30 -05:00 is 2026-03-02 UTC
            id="timezone-aware-utc",
        ),
        pytest.param(
            AccessKey("ann", 1, True, None), RuleContext(period_end=END), F, "no rotation date", id="never-rotated"
        ),
        pytest.param(
            AccessKey("ann", 1, True, rotated(10)), RuleContext(), E, "no period end or as-of date", id="no-date"
        ),
        pytest.param(AccessKey("ann", 1, True, UNKNOWN), RuleContext(period_end=END), F, UNCONFIRMED, id="unknown"),
        pytest.param(AccessKey("ann", 1, MISSING, rotated(1)), RuleContext(period_end=END), E, UNREAD, id="missing"),
    ],
)
def test_aws_3_access_key_age_to_period_end(key, ctx, status, fragment):
    assert_verdict("SOC2_AWS_3", key, status, fragment, ctx=ctx)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(AccessKey("ann", 1, False, rotated(400)), id="inactive"),
        pytest.param(AccessKey("ann", 2, False, None), id="empty-slot"),
    ],
)
def test_aws_3_inactive_keys_and_empty_slots_have_no_result(key):
    assert_verdict("SOC2_AWS_3", key, None, ctx=RuleContext(period_end=END))


STRONG = PasswordPolicy(True, 14, 24, 90, True, True, True, True)


def weak(**changes) -> PasswordPolicy:
    return PasswordPolicy(**{**STRONG.__dict__, **changes})


@pytest.mark.parametrize(
    ("policy", "ctx", "status", "fragments"),
    [
        pytest.param(STRONG, RuleContext(), P, ["meets every threshold"], id="strong"),
        pytest.param(PasswordPolicy(False), RuleContext(), F, ["no IAM password policy"], id="no-policy"),
        pytest.param(weak(minimum_length=13), RuleContext(), F, ["minimum length 13 (needs 14)"], id="short"),
        pytest.param(weak(minimum_length=None), RuleContext(), F, ["no minimum length"], id="length-unset"),
        pytest.param(weak(reuse_prevention=5), RuleContext(), F, ["reuse prevention 5 (needs 24)"], id="reuse"),
        pytest.param(weak(reuse_prevention=None), RuleContext(), F, ["no password reuse prevention"], id="reuse-unset"),
        pytest.param(weak(max_age_days=91), RuleContext(), F, ["maximum age 91 days (needs 90 or less)"], id="age"),
        pytest.param(weak(max_age_days=None), RuleContext(), F, ["passwords never expire"], id="never-expire"),
        pytest.param(weak(max_age_days=0), RuleContext(), F, ["passwords never expire"], id="age-zero"),
        pytest.param(weak(require_uppercase=False), RuleContext(), F, ["uppercase letter not required"], id="upper"),
        pytest.param(weak(require_lowercase=False), RuleContext(), F, ["lowercase letter not required"], id="lower"),
        pytest.param(weak(require_numbers=False), RuleContext(), F, ["number not required"], id="number"),
        pytest.param(weak(require_symbols=False), RuleContext(), F, ["symbol not required"], id="symbol"),
        pytest.param(
            PasswordPolicy(True),
            RuleContext(),
            F,
            [
                "no minimum length; no password reuse prevention; passwords never expire; uppercase",
                "symbol not required",
            ],
            id="every-weakness-listed",
        ),
        pytest.param(
            weak(minimum_length=10, reuse_prevention=5, max_age_days=180),
            RuleContext(
                settings={"password_min_length": 10, "password_reuse_prevention": 5, "password_max_age_days": 180}
            ),
            P,
            [],
            id="thresholds-setting",
        ),
        pytest.param(
            STRONG,
            RuleContext(settings={"password_min_length": 16}),
            F,
            ["minimum length 14 (needs 16)"],
            id="stricter-setting",
        ),
        pytest.param(weak(require_symbols=UNKNOWN), RuleContext(), F, [UNCONFIRMED], id="unknown"),
        pytest.param(
            weak(require_symbols=UNKNOWN, minimum_length=8),
            RuleContext(),
            F,
            ["minimum length 8"],
            id="weak-beats-unknown",
        ),
        pytest.param(PasswordPolicy(MISSING), RuleContext(), E, [UNREAD], id="missing"),
        pytest.param(weak(max_age_days=MISSING), RuleContext(), E, [UNREAD], id="missing-setting"),
    ],
)
def test_aws_4_password_policy(policy, ctx, status, fragments):
    assert_verdict("SOC2_AWS_4", policy, status, *fragments, ctx=ctx)


def doc(*statements, as_list: bool = True) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements) if as_list else statements[0]}


def allow(action=None, resource="*", **extra) -> dict:
    stmt = {"Effect": "Allow", **extra}
    if action is not None:
        stmt["Action"] = action
    if resource is not None:
        stmt["Resource"] = resource
    return stmt


@pytest.mark.parametrize(
    ("document", "status", "fragment"),
    [
        pytest.param(doc(allow("*"), as_list=False), F, "statement 1 allows Action '*'", id="star-statement-dict"),
        pytest.param(
            doc(allow("s3:GetObject"), allow("*:*", Sid="Admin")),
            F,
            "statement 'Admin' allows Action '*:*'",
            id="star-star",
        ),
        pytest.param(doc(allow(["s3:GetObject", "*"])), F, "allows Action '*'", id="star-in-list"),
        pytest.param(doc(allow(NotAction="iam:*")), F, "every action except those in NotAction", id="not-action"),
        pytest.param(doc(allow("iam:*")), P, "does not grant every action", id="service-wildcard"),
        pytest.param(doc({"Effect": "Deny", "Action": "*", "Resource": "*"}), P, "does not grant", id="deny"),
        pytest.param(
            doc({"Effect": "allow", "Action": "*", "Resource": "*"}), P, "does not grant", id="effect-case-sensitive"
        ),
        pytest.param({"Version": "2012-10-17"}, P, "does not grant", id="no-statement"),
        pytest.param(doc(UNKNOWN, allow("*")), F, "statement 2 allows Action '*'", id="admin-beside-unknown"),
        pytest.param(doc(allow(["s3:GetObject", UNKNOWN])), F, UNCONFIRMED, id="unknown-action"),
        pytest.param(UNKNOWN, F, UNCONFIRMED, id="unknown-document"),
        pytest.param(MISSING, E, UNREAD, id="missing-document"),
        pytest.param({"Statement": "Allow everything"}, E, "neither an object nor a list", id="malformed"),
    ],
)
def test_aws_5_identity_policy_grants_every_action(document, status, fragment):
    assert_verdict("SOC2_AWS_5", IdentityPolicy("ops", document), status, fragment)


@pytest.mark.parametrize(
    ("attachments", "status", "fragment"),
    [
        pytest.param(
            PrincipalAttachments("role", "deploy", ("arn:aws:iam::aws:policy/AdministratorAccess",)),
            F,
            "IAM role deploy has the AWS-managed AdministratorAccess policy attached",
            id="admin",
        ),
        pytest.param(
            PrincipalAttachments("group", "ops", ("arn:aws-us-gov:iam::aws:policy/AdministratorAccess",)),
            F,
            "AdministratorAccess",
            id="other-partition",
        ),
        pytest.param(
            PrincipalAttachments(
                "user",
                "ann",
                ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/AdministratorAccess"),
            ),
            P,
            "IAM user ann does not have",
            id="customer-policy-with-the-same-name",
        ),
        pytest.param(PrincipalAttachments("role", "r", ()), P, "does not have", id="none"),
        pytest.param(PrincipalAttachments("role", "r", UNKNOWN), F, UNCONFIRMED, id="unknown"),
        pytest.param(PrincipalAttachments("role", "r", MISSING), E, UNREAD, id="missing"),
    ],
)
def test_aws_5_administrator_access_attached(attachments, status, fragment):
    assert_verdict("SOC2_AWS_5", attachments, status, fragment)


@pytest.mark.parametrize(
    ("document", "status", "fragments"),
    [
        pytest.param(doc(allow("s3:*")), F, ["statement 1 allows s3:", "more on Resource '*'"], id="service-wildcard"),
        pytest.param(
            doc(allow("s3:Put*", resource=["arn:aws:s3:::a", "*"])), F, ["s3:Put", "on Resource '*'"], id="star-in-list"
        ),
        pytest.param(
            doc(allow("s3:PutObject", resource=None, NotResource="arn:aws:s3:::a/*")),
            F,
            ["s3:PutObject on NotResource"],
            id="not-resource",
        ),
        pytest.param(
            doc(allow(NotAction="s3:*")), F, ["every action except those in NotAction on Resource '*'"], id="not-action"
        ),
        pytest.param(doc(allow("*")), F, ["every action ('*')"], id="every-action"),
        pytest.param(
            doc(allow("iam:AttachRolePolicy")), F, ["iam:AttachRolePolicy on Resource '*'"], id="permissions-management"
        ),
        pytest.param(doc(allow("ec2:CreateTags")), F, ["ec2:CreateTags"], id="tagging"),
        pytest.param(
            doc(allow(["ec2:Describe*", "s3:Get*", "S3:listallmybuckets"])),
            P,
            ["no action beyond Read and List"],
            id="read-list-only",
        ),
        pytest.param(
            doc(allow("acme:DoThing")), F, ["acme:DoThing (unknown to the IAM action database"], id="unknown-service"
        ),
        pytest.param(doc(allow("s3:Frobnicate")), F, ["s3:Frobnicate (unknown"], id="unknown-action"),
        pytest.param(doc(allow("s3:Frob*")), F, ["s3:Frob* (unknown"], id="wildcard-matching-nothing"),
        pytest.param(doc(allow("s3:PutObject", resource="arn:aws:s3:::data/*")), P, [], id="scoped-resource"),
        pytest.param(doc(allow("s3:PutObject", resource="arn:aws:s3:::*")), P, [], id="arn-wildcard-is-not-star"),
        pytest.param(doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), P, [], id="deny"),
        pytest.param(doc(allow("s3:PutObject", resource=UNKNOWN)), F, [UNCONFIRMED], id="unknown-resource"),
        pytest.param(
            doc(allow("ec2:DescribeInstances"), allow("s3:DeleteBucket", resource=UNKNOWN)),
            F,
            [UNCONFIRMED],
            id="unknown-statement",
        ),
        pytest.param(MISSING, E, [UNREAD], id="missing"),
    ],
)
def test_aws_6_non_read_only_actions_on_every_resource(document, status, fragments):
    assert_verdict("SOC2_AWS_6", IdentityPolicy("app", document), status, *fragments)


def test_aws_6_names_the_first_few_offending_actions_and_counts_the_rest():
    verdict = assert_verdict("SOC2_AWS_6", IdentityPolicy("app", doc(allow(["ec2:*"]))), F)
    named = verdict.message.split("allows ", 2)[2].split(" and ")[0].split(", ")
    assert len(named) == 5 and all(a.startswith("ec2:") for a in named)
    assert " more on Resource '*'" in verdict.message


@pytest.mark.parametrize(
    ("binding", "status", "fragment"),
    [
        pytest.param(
            UserPolicies(("ann",), ("inline-s3",), ()),
            F,
            "IAM user ann has policies attached directly: inline policy inline-s3",
            id="inline",
        ),
        pytest.param(
            UserPolicies(("ann", "bob"), (), ("arn:aws:iam::aws:policy/ReadOnlyAccess",)),
            F,
            "IAM users ann, bob have policies attached directly: managed policy arn:aws:iam::aws:policy/ReadOnlyAccess",
            id="managed-several-users",
        ),
        pytest.param(
            UserPolicies(("ann",), (), ()), P, "IAM user ann has no policy attached directly", id="live-user-clean"
        ),
        pytest.param(UserPolicies((), ("p",), ("arn",)), P, "groups or roles only", id="no-users"),
        pytest.param(UserPolicies((), MISSING, MISSING), P, "groups or roles only", id="no-users-policies-unread"),
        pytest.param(UserPolicies(UNKNOWN, ("p",), ()), F, UNCONFIRMED, id="unknown-users"),
        pytest.param(UserPolicies(("ann",), MISSING, ()), E, UNREAD, id="missing"),
    ],
)
def test_aws_7_policies_bound_to_users(binding, status, fragment):
    assert_verdict("SOC2_AWS_7", binding, status, fragment)
