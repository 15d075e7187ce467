"""IAM (global, read once): the credential report, the root user, the password policy, and
every identity policy with its attachments from one paginated GetAccountAuthorizationDetails."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import urllib.parse
from typing import Any

from ...model import Missing, Unknown
from ...views.iam import (
    AccessKey,
    IamUserLogin,
    IdentityPolicy,
    PasswordPolicy,
    PrincipalAttachments,
    RootAccount,
    UserPolicies,
)
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import ACCOUNT_TYPE, Collector, Inventory, account_ref, resource_ref

ROOT_ROW = "<root_account>"
REPORT_WAIT = (0.2, 0.5, 1, 2, 4, 8, 8, 8, 8, 8, 8, 8)
"""Seconds between GenerateCredentialReport polls (about a minute in all)."""
GAAD_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]
"""AWS-managed policies are judged by their attachment, not their (AWS-maintained) documents."""


def plan(scope: Scope) -> list[Task]:
    return [
        Task("iam", None, credential_report, "iam credential report"),
        Task("iam", None, account_summary, "iam account summary"),
        Task("iam", None, password_policy, "iam password policy"),
        Task("iam", None, authorization_details, "iam policies"),
    ]


def credential_report(api: Api) -> Step:
    """Generate the report and poll until AWS says it is complete, then read it. If it cannot
    be generated, a report generated earlier is still read, and the scan says how old it is."""
    regenerate_failed: Missing | None = None
    try:
        for wait in REPORT_WAIT:
            if api.call("iam", "GenerateCredentialReport")["State"] == "COMPLETE":
                break
            api.sleep(wait)
        else:
            regenerate_failed = Missing(
                "iam:GenerateCredentialReport", f"the report was not complete after {sum(REPORT_WAIT):g}s"
            )
    except CallFailed as exc:
        regenerate_failed = exc.missing
    try:
        report = api.call("iam", "GetCredentialReport")
    except CallFailed as exc:
        return Step({("iam", "report"): regenerate_failed or exc.missing})
    text = report["Content"].decode("utf-8") if isinstance(report["Content"], bytes) else report["Content"]
    facts: Facts = {("iam", "report"): list(csv.DictReader(io.StringIO(text)))}
    if regenerate_failed:
        facts[("iam", "report-stale")] = (
            f"The credential report could not be regenerated ({regenerate_failed.describe()}); "
            f"the report generated at {report.get('GeneratedTime')} was used."
        )
    return Step(facts)


def account_summary(api: Api) -> Step:
    try:
        return Step({("iam", "summary"): api.call("iam", "GetAccountSummary")["SummaryMap"]})
    except CallFailed as exc:
        return Step({("iam", "summary"): exc.missing})


def password_policy(api: Api) -> Step:
    try:
        found = api.call("iam", "GetAccountPasswordPolicy", absent=("NoSuchEntity",))
    except CallFailed as exc:
        return Step({("iam", "password"): exc.missing})
    return Step({("iam", "password"): found["PasswordPolicy"] if found else None})


def authorization_details(api: Api) -> Step:
    try:
        return Step({("iam", "gaad"): api.paginate("iam", "GetAccountAuthorizationDetails", Filter=GAAD_FILTER)})
    except CallFailed as exc:
        return Step({("iam", "gaad"): exc.missing})


# --- assembly -------------------------------------------------------------------------------


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    if ("iam", "report-stale") in facts:
        inv.warnings.append(facts[("iam", "report-stale")])
    report = facts[("iam", "report")]
    _users_and_keys(inv, scope, report)
    _root(inv, scope, facts[("iam", "summary")], report)
    _password_policy(inv, scope, facts[("iam", "password")])
    _policies(inv, scope, facts[("iam", "gaad")])
    return inv


def _users_and_keys(inv: Inventory, scope: Scope, report: list[dict] | Missing) -> None:
    if isinstance(report, Missing):
        inv.cannot_list(account_ref(scope, "IAM users (credential report)"), (IamUserLogin, AccessKey), report)
        return
    for row in report:
        if row.get("user") == ROOT_ROW:
            continue
        user, arn = row["user"], row["arn"]
        ref = resource_ref(scope, arn, "AWS::IAM::User", user, None)
        inv.add(ref, IamUserLogin(user, _flag(row, "password_enabled"), _flag(row, "mfa_active")))
        for slot in (1, 2):
            active = _flag(row, f"access_key_{slot}_active")
            rotated = _timestamp(row, f"access_key_{slot}_last_rotated")
            if active is False and rotated is None:
                continue  # the slot holds no key
            key_ref = resource_ref(scope, f"{arn}#access_key_{slot}", "AWS::IAM::AccessKey", f"{user} key {slot}", None)
            inv.add(key_ref, AccessKey(user, slot, active, rotated))


def _root(inv: Inventory, scope: Scope, summary: dict | Missing, report: list[dict] | Missing) -> None:
    """GetAccountSummary is the catalog's source; the credential report's ``<root_account>``
    row, when AWS includes it, corroborates it. Where both speak, MFA counts only if both
    say so and keys count if either says so."""
    row = next((r for r in report if r.get("user") == ROOT_ROW), None) if isinstance(report, list) else None
    if isinstance(summary, dict):
        mfa: Any = summary.get("AccountMFAEnabled") == 1 and (row is None or _flag(row, "mfa_active") is not False)
        keys: Any = summary.get("AccountAccessKeysPresent") == 1 or (
            row is not None and True in [_flag(row, f"access_key_{n}_active") for n in (1, 2)]
        )
    elif row is not None:
        mfa = _flag(row, "mfa_active")
        key_flags = [_flag(row, f"access_key_{n}_active") for n in (1, 2)]
        keys = True if True in key_flags else next((f for f in key_flags if f is not False), False)
    else:
        mfa = keys = summary
    ref = resource_ref(scope, f"arn:{scope.partition}:iam::{scope.account}:root", ACCOUNT_TYPE, "root user", None)
    inv.add(ref, RootAccount(mfa_enabled=mfa, access_keys_present=keys))


def _password_policy(inv: Inventory, scope: Scope, found: dict | None | Missing) -> None:
    ref = account_ref(scope, "account password policy")
    if isinstance(found, Missing):
        inv.add(ref, PasswordPolicy(exists=found))
        return
    if found is None:
        inv.add(ref, PasswordPolicy(exists=False))
        return
    inv.add(
        ref,
        PasswordPolicy(
            exists=True,
            minimum_length=found.get("MinimumPasswordLength"),
            reuse_prevention=found.get("PasswordReusePrevention"),
            max_age_days=found.get("MaxPasswordAge"),
            require_uppercase=bool(found.get("RequireUppercaseCharacters")),
            require_lowercase=bool(found.get("RequireLowercaseCharacters")),
            require_numbers=bool(found.get("RequireNumbers")),
            require_symbols=bool(found.get("RequireSymbols")),
        ),
    )


PRINCIPALS = (
    ("user", "UserDetailList", "UserName", "UserPolicyList", "AWS::IAM::User", "AWS::IAM::UserPolicy"),
    ("group", "GroupDetailList", "GroupName", "GroupPolicyList", "AWS::IAM::Group", "AWS::IAM::GroupPolicy"),
    ("role", "RoleDetailList", "RoleName", "RolePolicyList", "AWS::IAM::Role", "AWS::IAM::RolePolicy"),
)


def _policies(inv: Inventory, scope: Scope, details: dict | Missing) -> None:
    if isinstance(details, Missing):
        views = (IdentityPolicy, PrincipalAttachments, UserPolicies)
        inv.cannot_list(account_ref(scope, "IAM policies and attachments"), views, details)
        return
    for policy in details.get("Policies", []):
        version = next((v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), None)
        document = _document(version.get("Document")) if version else Unknown("no default policy version listed")
        name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]
        ref = resource_ref(scope, policy["Arn"], "AWS::IAM::ManagedPolicy", name, None)
        inv.add(ref, IdentityPolicy(name, document))
    for kind, list_key, name_key, inline_key, type_, inline_type in PRINCIPALS:
        for p in details.get(list_key, []):
            name, principal_arn = p[name_key], p["Arn"]
            inline = p.get(inline_key, [])
            for pol in inline:
                ref = resource_ref(scope, f"{principal_arn}#{pol['PolicyName']}", inline_type, pol["PolicyName"], None)
                inv.add(ref, IdentityPolicy(f"{name}/{pol['PolicyName']}", _document(pol.get("PolicyDocument"))))
            attached = tuple(a["PolicyArn"] for a in p.get("AttachedManagedPolicies", []))
            ref = resource_ref(scope, principal_arn, type_, name, None)
            inv.add(ref, PrincipalAttachments(kind, name, attached))
            if kind == "user":
                inv.add(ref, UserPolicies((name,), tuple(pol["PolicyName"] for pol in inline), attached))


def _document(raw: Any) -> dict | Unknown:
    """botocore decodes IAM policy documents; a URL-encoded JSON string is decoded here in
    case a response arrives undecoded."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            return json.loads(urllib.parse.unquote(raw))
        except ValueError:
            return Unknown("the policy document is not valid JSON")
    return Unknown("the policy document is missing from the response")


def _flag(row: dict, column: str) -> bool | Unknown:
    value = (row.get(column) or "").strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    return Unknown(f"credential report column {column} is {value or 'empty'!r} for {row.get('user')}")


def _timestamp(row: dict, column: str) -> dt.datetime | None | Unknown:
    value = (row.get(column) or "").strip()
    if value in ("N/A", "no_information", "not_supported", ""):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return Unknown(f"credential report column {column} is {value!r} for {row.get('user')}")


COLLECTOR = Collector(
    name="iam",
    views=(IamUserLogin, AccessKey, RootAccount, PasswordPolicy, IdentityPolicy, PrincipalAttachments, UserPolicies),
    plan=plan,
    assemble=assemble,
    regional=False,
)
