"""The raw AWS artifacts, built from the responses the collection received.

Each artifact keeps AWS's own response structures (per region where the service is regional)
with a short header naming the account, the API operations and the collection time. A call
that failed is kept in the artifact as ``{"not_read": reason}`` where its data would be, and
the artifact is PARTIAL; when nothing at all could be read it is MISSING and not written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..live.collect import Facts
from ..live.regions import Scope
from ..live.services import guardduty_findings, identity_center
from ..live.services import iam as iam_service
from ..model import Missing
from ..records.live_join import REPORT_KEY
from . import layout
from .artifacts import Artifact, iso, missing, reasons, to_csv, to_json
from .record import Call, CallRecorder

NOT_READ = "not read in this collection"


@dataclass
class Collection:
    """Everything one account's collection produced."""

    recorder: CallRecorder
    scope: Scope | None
    facts: Facts = field(default_factory=dict)
    unreachable: str | None = None
    """Why the account could not be read at all (the role could not be assumed...)."""
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def day(self) -> str:
        return self.started_at.date().isoformat()

    def not_read(self, service: str, operation: str, region: str | None = None) -> Missing:
        """Why a call has no recorded response: the collector's own account of it when it
        has one (an endpoint given up on is never called again), else the scan's."""
        where = f"{service}:{operation}" + (f" in {region}" if region else "")
        for value in self.facts.values():
            if isinstance(value, Missing) and value.operation == where:
                return value
        return Missing(where, self.unreachable or NOT_READ)

    def failure(self, call: Call | None, service: str, operation: str, region: str | None = None) -> Missing | None:
        if call is None:
            return self.not_read(service, operation, region)
        return call.error

    def regional(self, service: str, operation: str, **params: Any) -> Regional:
        """One call per region in scope."""
        out = Regional()
        for region in self.regions:
            call = self.recorder.find(service, operation, region, **params)
            out.add(region, call, self.failure(call, service, operation, region))
        return out

    def follow_up(self, service: str, operation: str, listing: Regional, key: str, answer: dict) -> Regional:
        """A per-region call made only when a listing found something (the live collectors do
        not ask for the status of no recorder): where the listing was empty, ``answer`` says so."""
        out = Regional()
        for region in self.regions:
            call = self.recorder.find(service, operation, region)
            listed = listing.data[region]
            if call is None and "not_read" not in listed and not listed.get(key):
                out.data[region] = answer
                continue
            out.add(region, call, self.failure(call, service, operation, region))
        return out

    def iam_users(self) -> list[dict] | None:
        """The credential report's user rows as the IAM collector parsed them (root aside), or
        None when the report was not read."""
        report = self.facts.get(REPORT_KEY)
        return [r for r in report if r.get("user") != iam_service.ROOT_ROW] if isinstance(report, list) else None

    @property
    def regions(self) -> tuple[str, ...]:
        return self.scope.regions if self.scope else ()

    @property
    def account(self) -> str | None:
        return self.scope.account if self.scope else None


@dataclass
class Regional:
    data: dict[str, Any] = field(default_factory=dict)
    gaps: list[Missing] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def add(self, region: str, call: Call | None, failed: Missing | None) -> None:
        if call is not None and call.ok:
            self.data[region] = call.response
            self.calls.append(call)
        else:
            assert failed is not None
            self.data[region] = {"not_read": failed.describe()}
            self.gaps.append(failed)


def latest(calls: Iterable[Call | None]) -> dt.datetime | None:
    times = [c.at for c in calls if c is not None and c.at is not None]
    return max(times) if times else None


def document(c: Collection, title: str, sources: Iterable[str], data: Any, **extra: Any) -> dict[str, Any]:
    return {
        "artifact": title,
        "account": c.account,
        "regions_in_scope": list(c.regions),
        "sources": list(sources),
        **extra,
        "data": data,
    }


def json_artifact(
    c: Collection,
    path: str,
    title: str,
    sources: tuple[str, ...],
    checks: tuple[str, ...],
    data: Any,
    used: list[Call],
    gaps: list[Missing],
    **kw: Any,
) -> Artifact:
    """Written when at least one call answered; MISSING when none did."""
    if not used:
        reason = "; ".join(reasons(gaps)) or c.unreachable or NOT_READ
        return missing(path, title, sources, reason, checks=checks, **kw)
    body = to_json(document(c, title, sources, data, collected_at=iso(latest(used))))
    return Artifact(path, title, sources, body, latest(used), checks, gaps=reasons(gaps), **kw)


def single(c: Collection, service: str, operation: str, **params: Any) -> tuple[Call | None, Missing | None]:
    call = c.recorder.find(service, operation, **params)
    return call, None if call is not None and call.ok else c.failure(call, service, operation)


# -- CC6 access control ---------------------------------------------------------------------


def credential_report(c: Collection) -> Artifact:
    path = f"{layout.ACCESS}/iam-credential-report-{c.day}.csv"
    title = "IAM credential report: every IAM user's password, MFA and access keys"
    sources = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
    checks = ("SOC2_AWS_1", "SOC2_AWS_3", "SOC2_OPS_1")
    call, failed = single(c, "iam", "GetCredentialReport")
    if failed:
        return missing(path, title, sources, failed.describe(), checks=checks)
    assert call is not None and call.response is not None
    content = call.response["Content"]
    content = content if isinstance(content, bytes) else content.encode("utf-8")
    generated = call.response.get("GeneratedTime")
    _, gen_failed = single(c, "iam", "GenerateCredentialReport")
    gaps = ()
    if gen_failed:
        gaps = (
            f"the report could not be regenerated ({gen_failed.describe()}); it is the one AWS generated at "
            f"{iso(generated)}",
        )
    note = f"generated by AWS at {iso(generated)}" if generated else ""
    return Artifact(path, title, sources, content, call.at, checks, gaps=gaps, note=note)


def one_call(c: Collection, path: str, title: str, checks: tuple[str, ...], call: Call | None, source: str) -> Artifact:
    """An account-wide artifact that is one call's response."""
    service, _, operation = source.partition(":")
    ok = call is not None and call.ok
    failed = [] if ok else [c.failure(call, service, operation)]
    return json_artifact(c, path, title, (source,), checks, call.response if ok else None, [call] if ok else [], failed)


def password_policy(c: Collection) -> Artifact:
    path = f"{layout.ACCESS}/password-policy.json"
    title = "IAM account password policy"
    source = "iam:GetAccountPasswordPolicy"
    call = c.recorder.find("iam", "GetAccountPasswordPolicy")
    if call is not None and call.code == "NoSuchEntity":
        data = {"PasswordPolicy": None, "answer": "NoSuchEntity: the account has no password policy"}
        body = to_json(document(c, title, (source,), data, collected_at=iso(call.at)))
        return Artifact(
            path, title, (source,), body, call.at, ("SOC2_AWS_4",), note="the account has no password policy"
        )
    return one_call(c, path, title, ("SOC2_AWS_4",), call, source)


def account_summary(c: Collection) -> Artifact:
    title = "IAM account summary: root MFA and root access keys, user and policy counts"
    call = c.recorder.find("iam", "GetAccountSummary")
    return one_call(c, f"{layout.ACCESS}/account-summary.json", title, ("SOC2_AWS_2",), call, "iam:GetAccountSummary")


def iam_policies(c: Collection) -> Artifact:
    title = "IAM users, groups and roles with their inline and attached policies; customer-managed policy documents"
    calls = c.recorder.calls("iam", "GetAccountAuthorizationDetails")  # whatever filter the scan asked with
    checks = ("SOC2_AWS_5", "SOC2_AWS_6", "SOC2_AWS_7")
    call = calls[0] if calls else None
    return one_call(c, f"{layout.ACCESS}/iam-policies.json", title, checks, call, "iam:GetAccountAuthorizationDetails")


# -- IAM Identity Center ----------------------------------------------------------------------

IC_SOURCES = (
    "sso-admin:ListInstances",
    "sso-admin:ListPermissionSets",
    "sso-admin:DescribePermissionSet",
    "sso-admin:ListManagedPoliciesInPermissionSet",
    "sso-admin:ListAccountsForProvisionedPermissionSet",
    "sso-admin:ListAccountAssignments",
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
)


@dataclass
class IdentityCenter:
    """Identity Center as read: instances, permission sets with their assignments, and the
    directory's users and groups to name the principals."""

    instances: list[dict] = field(default_factory=list)
    regions_asked: list[str] = field(default_factory=list)
    permission_sets: dict[str, dict] = field(default_factory=dict)  # arn -> description + policies
    assignments: list[dict] = field(default_factory=list)
    users: dict[str, dict] = field(default_factory=dict)  # user id -> user
    groups: dict[str, dict] = field(default_factory=dict)  # group id -> group
    members: dict[str, list[str]] = field(default_factory=dict)  # group id -> user ids
    gaps: list[Missing] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def principal_name(self, kind: str, principal: str) -> str:
        if kind == "USER":
            u = self.users.get(principal)
            return (u.get("UserName") or principal) if u else principal
        g = self.groups.get(principal)
        return (g.get("DisplayName") or principal) if g else principal

    def users_of(self, kind: str, principal: str) -> list[str]:
        """The user names an assignment reaches: its user, or every member of its group."""
        if kind == "USER":
            return [self.principal_name("USER", principal)]
        return sorted(self.principal_name("USER", u) for u in self.members.get(principal, []))


def identity_center_state(c: Collection) -> IdentityCenter:
    ic = IdentityCenter()
    if c.scope is None:
        ic.gaps.append(Missing("sso-admin:ListInstances", c.unreachable or NOT_READ))
        return ic

    def read(source: str, region: str, key: str, **params: Any) -> Any:
        """The list ``key`` of a recorded response; a failed or absent call is a gap."""
        service, _, operation = source.partition(":")
        call = c.recorder.find(service, operation, region, **params)
        if call is not None and call.ok:
            ic.calls.append(call)
            return call.response.get(key) or []
        ic.gaps.append(c.failure(call, service, operation, region) or Missing(source, NOT_READ))
        return []

    for region in identity_center.regions_to_ask(c.scope):
        ic.regions_asked.append(region)
        for inst in read("sso-admin:ListInstances", region, "Instances"):
            if inst.get("Status", "ACTIVE") != "ACTIVE":
                continue
            ic.instances.append({**inst, "Region": region})
            store = {"IdentityStoreId": inst["IdentityStoreId"]}
            ic.users.update({u["UserId"]: u for u in read("identitystore:ListUsers", region, "Users", **store)})
            for g in read("identitystore:ListGroups", region, "Groups", **store):
                ic.groups[g["GroupId"]] = g
                found = read(
                    "identitystore:ListGroupMemberships", region, "GroupMemberships", GroupId=g["GroupId"], **store
                )
                ic.members[g["GroupId"]] = [
                    m["MemberId"]["UserId"] for m in found if m.get("MemberId", {}).get("UserId")
                ]
            arn = inst["InstanceArn"]
            for ps in read("sso-admin:ListPermissionSets", region, "PermissionSets", InstanceArn=arn):
                ident = {"InstanceArn": arn, "PermissionSetArn": ps}
                described = read("sso-admin:DescribePermissionSet", region, "PermissionSet", **ident)
                policies = read(
                    "sso-admin:ListManagedPoliciesInPermissionSet", region, "AttachedManagedPolicies", **ident
                )
                accounts = read("sso-admin:ListAccountsForProvisionedPermissionSet", region, "AccountIds", **ident)
                ic.permission_sets[ps] = {
                    **(described or {"PermissionSetArn": ps}),
                    "InstanceArn": arn,
                    "Region": region,
                    "AttachedManagedPolicies": policies,
                    "ProvisionedToAccounts": accounts,
                }
                for account in dict.fromkeys([*accounts, c.account]):  # always the scanned account, as read
                    for a in read(
                        "sso-admin:ListAccountAssignments", region, "AccountAssignments", AccountId=account, **ident
                    ):
                        ic.assignments.append({**a, "InstanceArn": arn, "Region": region})
    return ic


def identity_center_assignments(c: Collection, ic: IdentityCenter) -> Artifact:
    path = f"{layout.ACCESS}/identity-center-assignments.csv"
    title = "IAM Identity Center account assignments: who holds which permission set in which account"
    checks = ("SOC2_OPS_1",)
    criteria = ("CC6.2", "CC6.3")
    if not ic.calls:
        return missing(
            path, title, IC_SOURCES, "; ".join(reasons(ic.gaps)) or NOT_READ, checks=checks, criteria=criteria
        )
    rows = []
    for a in sorted(ic.assignments, key=lambda a: (a["AccountId"], a["PermissionSetArn"], a["PrincipalId"])):
        ps = ic.permission_sets.get(a["PermissionSetArn"], {})
        kind, principal = a["PrincipalType"], a["PrincipalId"]
        rows.append(
            (
                a["AccountId"],
                ps.get("Name") or a["PermissionSetArn"],
                a["PermissionSetArn"],
                kind,
                ic.principal_name(kind, principal),
                principal,
                ic.users_of(kind, principal),
                a["Region"],
            )
        )
    header = (
        "account_id",
        "permission_set",
        "permission_set_arn",
        "principal_type",
        "principal_name",
        "principal_id",
        "users",
        "instance_region",
    )
    note = ""
    if not ic.instances:
        note = f"no Identity Center instance was found in {', '.join(ic.regions_asked)}"
    elif not rows:
        note = "the instance holds no account assignment"
    return Artifact(
        path, title, IC_SOURCES, to_csv(header, rows), latest(ic.calls), checks, criteria, reasons(ic.gaps), note
    )


def identity_center_permission_sets(c: Collection, ic: IdentityCenter) -> Artifact:
    path = f"{layout.ACCESS}/identity-center-permission-sets.json"
    title = "IAM Identity Center instances and permission sets: what each grants, and where it is provisioned"
    if not ic.calls:
        return missing(path, title, IC_SOURCES[:5], "; ".join(reasons(ic.gaps)) or NOT_READ, criteria=("CC6.3",))
    data = {"instances": ic.instances, "permission_sets": list(ic.permission_sets.values())}
    body = to_json(document(c, title, IC_SOURCES[:5], data, collected_at=iso(latest(ic.calls))))
    return Artifact(path, title, IC_SOURCES[:5], body, latest(ic.calls), criteria=("CC6.3",), gaps=reasons(ic.gaps))


# -- CC6 encryption ---------------------------------------------------------------------------


def kms_keys(c: Collection) -> list[Artifact]:
    listing = c.regional("kms", "ListKeys")
    keys: dict[str, Any] = {}
    rotation: dict[str, Any] = {}
    gaps = list(listing.gaps)
    used = list(listing.calls)
    for region, listed in listing.data.items():
        if "not_read" in listed:
            keys[region] = rotation[region] = listed
            continue
        keys[region], rotation[region] = [], []
        for k in listed.get("Keys", []):
            described = c.recorder.find("kms", "DescribeKey", region, KeyId=k["KeyId"])
            if described is None or not described.ok:
                why = c.failure(described, "kms", "DescribeKey", region)
                if described is not None and described.code == "NotFoundException":
                    continue  # deleted after the listing
                gaps.append(why)
                keys[region].append({"KeyId": k["KeyId"], "not_read": why.describe()})
                rotation[region].append({"KeyId": k["KeyId"], "not_read": why.describe()})
                continue
            used.append(described)
            meta = described.response["KeyMetadata"]
            keys[region].append(meta)
            rotation[region].append(_rotation(c, region, meta, gaps, used))
    sources = ("kms:ListKeys", "kms:DescribeKey")
    checks = ("SOC2_AWS_14",)
    return [
        json_artifact(
            c,
            f"{layout.ENCRYPTION}/kms-key-list.json",
            "KMS keys of every region in scope with their metadata (manager, spec, state, origin)",
            sources,
            checks,
            keys,
            used,
            gaps,
        ),
        json_artifact(
            c,
            f"{layout.ENCRYPTION}/kms-rotation-status.json",
            "KMS automatic key rotation per key (read for enabled customer-managed symmetric keys)",
            (*sources, "kms:GetKeyRotationStatus"),
            checks,
            rotation,
            used,
            gaps,
        ),
    ]


def _rotation(c: Collection, region: str, meta: dict, gaps: list, used: list) -> dict:
    entry = {k: meta.get(k) for k in ("KeyId", "Arn", "KeyManager", "KeySpec", "KeyState", "Origin")}
    call = c.recorder.find("kms", "GetKeyRotationStatus", region, KeyId=meta["KeyId"])
    if call is not None and call.ok:
        used.append(call)
        return {**entry, **call.response}
    if call is not None:
        gaps.append(call.error)
        return {**entry, "not_read": call.error.describe()}
    if meta.get("KeyManager") != "CUSTOMER":
        why = "not applicable: AWS rotates AWS-managed keys itself"
    elif meta.get("KeyState") != "Enabled":
        why = f"not applicable: the key is {meta.get('KeyState')}"
    elif (meta.get("KeySpec") or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        why = "not applicable: automatic rotation is for symmetric keys only"
    elif meta.get("Origin", "AWS_KMS") != "AWS_KMS":
        why = "rotation unavailable: imported or custom-key-store key material cannot rotate automatically"
    else:
        missing_call = c.not_read("kms", "GetKeyRotationStatus", region)
        gaps.append(missing_call)
        return {**entry, "not_read": missing_call.describe()}
    return {**entry, "KeyRotationEnabled": None, "rotation": why}


S3_ABSENT = {
    "ServerSideEncryptionConfigurationNotFoundError": "no default encryption configuration",
    "NoSuchPublicAccessBlockConfiguration": "no public access block configuration",
}
"""Error codes that answer the question (the setting does not exist) rather than fail it."""


def s3_buckets(c: Collection) -> list[Artifact]:
    enc_path, enc_title = f"{layout.ENCRYPTION}/s3-encryption-config.json", "S3 default encryption of every bucket"
    pab_path = f"{layout.ENCRYPTION}/s3-public-access.json"
    pab_title = "S3 public access: the account-level block, and every bucket's block and ACL grants"
    enc_sources = ("s3:ListBuckets", "s3:GetBucketEncryption")
    pab_sources = ("s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetPublicAccessBlock", "s3:GetBucketAcl")
    enc_checks, pab_checks = ("SOC2_AWS_11",), ("SOC2_AWS_12", "SOC2_AWS_13")

    account_used: list[Call] = []
    pab_gaps: list[Missing] = []
    account_call = c.recorder.find("s3control", "GetPublicAccessBlock", AccountId=c.account)
    account = _answer(c, account_call, "s3control", "GetPublicAccessBlock", None, account_used, pab_gaps)

    listed, failed = single(c, "s3", "ListBuckets")
    if failed:
        data = {"account_public_access_block": account, "buckets": {"not_read": failed.describe()}}
        return [
            missing(enc_path, enc_title, enc_sources, failed.describe(), checks=enc_checks),
            json_artifact(c, pab_path, pab_title, pab_sources, pab_checks, data, account_used, [failed, *pab_gaps]),
        ]
    assert listed is not None and listed.response is not None
    by_op = {
        op: {call.params.get("Bucket"): call for call in c.recorder.calls("s3", op)}
        for op in ("GetBucketEncryption", "GetPublicAccessBlock", "GetBucketAcl")
    }
    enc_data: dict[str, Any] = {}
    pab_data: dict[str, Any] = {}
    enc_used, pab_used = [listed], [listed, *account_used]
    enc_gaps: list[Missing] = []
    for b in listed.response.get("Buckets", []):
        name = b["Name"]
        calls = {op: found.get(name) for op, found in by_op.items()}
        if any(x is not None and x.code == "NoSuchBucket" for x in calls.values()):
            continue  # deleted after the listing
        region = b.get("BucketRegion") or next((x.region for x in calls.values() if x is not None), None)
        enc = _answer(c, calls["GetBucketEncryption"], "s3", "GetBucketEncryption", region, enc_used, enc_gaps)
        block = _answer(c, calls["GetPublicAccessBlock"], "s3", "GetPublicAccessBlock", region, pab_used, pab_gaps)
        acl = _answer(c, calls["GetBucketAcl"], "s3", "GetBucketAcl", region, pab_used, pab_gaps)
        enc_data[name] = {"region": region, **enc}
        pab_data[name] = {"region": region, "public_access_block": block, "acl": acl}
    note = "the account has no S3 bucket" if not listed.response.get("Buckets") else ""
    pab = {"account_public_access_block": account, "buckets": pab_data}
    return [
        json_artifact(c, enc_path, enc_title, enc_sources, enc_checks, enc_data, enc_used, enc_gaps, note=note),
        json_artifact(c, pab_path, pab_title, pab_sources, pab_checks, pab, pab_used, pab_gaps, note=note),
    ]


def _answer(
    c: Collection, call: Call | None, service: str, operation: str, region: str | None, used: list, gaps: list
) -> dict:
    """A response, an answer that the setting does not exist, or why it was not read."""
    if call is not None and call.ok:
        used.append(call)
        return call.response or {}
    if call is not None and call.code in S3_ABSENT:
        used.append(call)
        return {"answer": f"{call.code}: {S3_ABSENT[call.code]}"}
    why = c.failure(call, service, operation, region) or Missing(f"{service}:{operation}", NOT_READ)
    gaps.append(why)
    return {"not_read": why.describe()}


def ebs(c: Collection) -> list[Artifact]:
    default = c.regional("ec2", "GetEbsEncryptionByDefault")
    volumes = c.regional("ec2", "DescribeVolumes")
    return [
        json_artifact(
            c,
            f"{layout.ENCRYPTION}/ebs-encryption-default.json",
            "EBS encryption by default, per region",
            ("ec2:GetEbsEncryptionByDefault",),
            ("SOC2_AWS_16",),
            default.data,
            default.calls,
            default.gaps,
        ),
        json_artifact(
            c,
            f"{layout.ENCRYPTION}/ebs-volumes.json",
            "EBS volumes with their encryption, per region",
            ("ec2:DescribeVolumes",),
            ("SOC2_AWS_16",),
            volumes.data,
            volumes.calls,
            volumes.gaps,
        ),
    ]


def rds(c: Collection) -> Artifact:
    instances = c.regional("rds", "DescribeDBInstances")
    clusters = c.regional("rds", "DescribeDBClusters")
    data = {r: {"DBInstances": instances.data[r], "DBClusters": clusters.data[r]} for r in c.regions}
    return json_artifact(
        c,
        f"{layout.ENCRYPTION}/rds-encryption-status.json",
        "RDS instances and clusters with their storage encryption, per region",
        ("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
        ("SOC2_AWS_17",),
        data,
        instances.calls + clusters.calls,
        instances.gaps + clusters.gaps,
    )


# -- CC6 network ------------------------------------------------------------------------------


def network(c: Collection) -> list[Artifact]:
    groups = c.regional("ec2", "DescribeSecurityGroups")
    vpcs = c.regional("ec2", "DescribeVpcs")
    return [
        json_artifact(
            c,
            f"{layout.NETWORK}/security-group-rules.json",
            "Security groups with their ingress and egress rules, per region",
            ("ec2:DescribeSecurityGroups",),
            ("SOC2_AWS_15",),
            groups.data,
            groups.calls,
            groups.gaps,
        ),
        json_artifact(
            c,
            f"{layout.NETWORK}/vpc-config.json",
            "VPCs per region",
            ("ec2:DescribeVpcs",),
            (),
            vpcs.data,
            vpcs.calls,
            vpcs.gaps,
            criteria=("CC6.6",),
        ),
    ]


# -- CC7 monitoring ---------------------------------------------------------------------------


def trails(c: Collection) -> list[Artifact]:
    """Every trail once (a multi-region trail is listed in every region), keyed by its ARN,
    with its event selectors and its logging status."""
    found: dict[str, dict] = {}
    status: dict[str, Any] = {}
    gaps: list[Missing] = []
    used: list[Call] = []
    primary = c.scope.primary_region if c.scope else None
    for region in c.regions:
        call = c.recorder.find("cloudtrail", "DescribeTrails", region, includeShadowTrails=region == primary)
        if call is None or not call.ok:
            gaps.append(c.failure(call, "cloudtrail", "DescribeTrails", region))
            found[f"(trails of {region})"] = {"not_read": gaps[-1].describe()}
            continue
        used.append(call)
        for t in call.response.get("trailList", []):
            found.setdefault(t["TrailARN"], dict(t))
    sel_gaps: list[Missing] = []
    for arn, t in found.items():
        if "not_read" in t:
            continue
        sel = next(
            (x for x in c.recorder.calls("cloudtrail", "GetEventSelectors") if x.params.get("TrailName") == arn), None
        )
        if sel is not None and sel.ok:
            used.append(sel)
            t["EventSelectors"] = sel.response.get("EventSelectors")
            t["AdvancedEventSelectors"] = sel.response.get("AdvancedEventSelectors")
        else:
            why = c.failure(sel, "cloudtrail", "GetEventSelectors", t.get("HomeRegion"))
            sel_gaps.append(why)
            t["EventSelectors"] = {"not_read": why.describe()}
        st = next((x for x in c.recorder.calls("cloudtrail", "GetTrailStatus") if x.params.get("Name") == arn), None)
        if st is not None and st.ok:
            used.append(st)
            status[arn] = st.response
        else:
            why = c.failure(st, "cloudtrail", "GetTrailStatus", t.get("HomeRegion"))
            gaps.append(why)
            status[arn] = {"not_read": why.describe()}
    note = "the account has no CloudTrail trail" if used and not status else ""
    checks = ("SOC2_AWS_8", "SOC2_AWS_9")
    return [
        json_artifact(
            c,
            f"{layout.MONITORING}/cloudtrail-trail-config.json",
            "CloudTrail trails (multi-region, log file validation, global events) with their event selectors",
            ("cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors"),
            checks,
            found,
            used,
            gaps + sel_gaps,
            note=note,
        ),
        json_artifact(
            c,
            f"{layout.MONITORING}/cloudtrail-trail-status.json",
            "CloudTrail logging status of every trail (IsLogging, latest delivery)",
            ("cloudtrail:GetTrailStatus",),
            ("SOC2_AWS_8",),
            status,
            used,
            gaps,
            note=note,
        ),
    ]


def guardduty_detectors(c: Collection) -> Artifact:
    listing = c.regional("guardduty", "ListDetectors")
    data: dict[str, Any] = {}
    gaps, used = list(listing.gaps), list(listing.calls)
    for region, listed in listing.data.items():
        if "not_read" in listed:
            data[region] = listed
            continue
        data[region] = []
        for detector in listed.get("DetectorIds", []):
            call = c.recorder.find("guardduty", "GetDetector", region, DetectorId=detector)
            if call is not None and call.ok:
                used.append(call)
                data[region].append({"DetectorId": detector, **call.response})
            else:
                why = c.failure(call, "guardduty", "GetDetector", region)
                gaps.append(why)
                data[region].append({"DetectorId": detector, "not_read": why.describe()})
    none = [r for r, d in data.items() if d == []]
    note = f"no detector in {', '.join(none)}" if none else ""
    return json_artifact(
        c,
        f"{layout.MONITORING}/guardduty-detector-config.json",
        "GuardDuty detectors of every region in scope with their configuration",
        ("guardduty:ListDetectors", "guardduty:GetDetector"),
        ("SOC2_AWS_10",),
        data,
        used,
        gaps,
        note=note,
    )


Findings = dict[str, "tuple[guardduty_findings.Finding, ...] | Missing"]


def high_findings(c: Collection) -> Findings:
    """Per region in scope, the period's findings of severity 7 or more, or why they could not
    be read."""
    if not c.regions:
        return {"(no region)": Missing("guardduty:ListFindings", c.unreachable or "no enabled region is in scope")}
    out: Findings = {}
    for region in c.regions:
        value = c.facts.get(guardduty_findings.key(region))
        out[region] = c.not_read("guardduty", "ListFindings", region) if value is None else value
    return out


def findings_raw(c: Collection, findings: Findings) -> Artifact:
    path = f"{layout.MONITORING}/guardduty-high-findings.json"
    title = "GuardDuty findings of severity 7 or more in the audit period, archived ones included, as AWS returns them"
    sources = ("guardduty:ListDetectors", "guardduty:ListFindings", "guardduty:GetFindings")
    checks = ("SOC2_OPS_2",)
    gaps = [v for v in findings.values() if isinstance(v, Missing)]
    if len(gaps) == len(findings):
        return missing(path, title, sources, "; ".join(reasons(gaps)), checks=checks)
    raw: dict[str, Any] = {}
    used = [x for x in c.recorder.calls("guardduty", "ListFindings") if x.ok]
    for region, value in findings.items():
        if isinstance(value, Missing):
            raw[region] = {"not_read": value.describe()}
            continue
        wanted = {f.id for f in value}
        raw[region] = []
        for call in c.recorder.calls("guardduty", "GetFindings"):
            if call.ok and call.region == region:
                used.append(call)
                raw[region] += [f for f in call.response.get("Findings", []) if f["Id"] in wanted]
    count = sum(len(v) for v in findings.values() if not isinstance(v, Missing))
    note = "" if count else "no finding of severity 7 or more in the period"
    at = latest(used) or c.started_at
    body = to_json(document(c, title, sources, raw, collected_at=iso(at)))
    return Artifact(path, title, sources, body, at, checks, gaps=reasons(gaps), note=note)


def config(c: Collection) -> list[Artifact]:
    recorders = c.regional("config", "DescribeConfigurationRecorders")
    statuses = c.follow_up(
        "config",
        "DescribeConfigurationRecorderStatus",
        recorders,
        "ConfigurationRecorders",
        {"answer": "the region has no configuration recorder"},
    )
    rec_data = {r: {"recorders": recorders.data[r], "status": statuses.data[r]} for r in c.regions}
    rules = c.regional("config", "DescribeConfigRules")
    compliance = c.follow_up(
        "config",
        "DescribeComplianceByConfigRule",
        rules,
        "ConfigRules",
        {"ComplianceByConfigRules": [], "answer": "the region has no Config rule"},
    )
    rows = []
    for region in c.regions:
        by_name = {r["ConfigRuleName"]: r for r in rules.data[region].get("ConfigRules", [])}
        for item in compliance.data[region].get("ComplianceByConfigRules", []):
            rule = by_name.get(item.get("ConfigRuleName"), {})
            comp = item.get("Compliance", {})
            count = comp.get("ComplianceContributorCount") or {}
            rows.append(
                (
                    region,
                    item.get("ConfigRuleName"),
                    (rule.get("Source") or {}).get("SourceIdentifier"),
                    comp.get("ComplianceType"),
                    count.get("CappedCount"),
                    count.get("CapExceeded"),
                )
            )
    sources = ("config:DescribeConfigRules", "config:DescribeComplianceByConfigRule")
    gaps = rules.gaps + compliance.gaps
    csv_path = f"{layout.MONITORING}/config-rule-compliance-{c.day}.csv"
    csv_title = "AWS Config rule compliance per region, as Config last evaluated it"
    used = rules.calls + compliance.calls
    if used:
        header = ("region", "config_rule", "source_identifier", "compliance", "non_compliant_resources", "count_capped")
        note = "" if rows else "no Config rule in the regions read"
        csv_artifact = Artifact(
            csv_path,
            csv_title,
            sources,
            to_csv(header, rows),
            latest(used),
            ("SOC2_AWS_18",),
            ("CC7.1", "CC4.1"),
            reasons(gaps),
            note,
        )
    else:
        csv_artifact = missing(
            csv_path,
            csv_title,
            sources,
            "; ".join(reasons(gaps)) or NOT_READ,
            checks=("SOC2_AWS_18",),
            criteria=("CC7.1", "CC4.1"),
        )
    return [
        json_artifact(
            c,
            f"{layout.MONITORING}/config-recorders.json",
            "AWS Config recorders and whether each is recording, per region",
            ("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"),
            ("SOC2_AWS_18",),
            rec_data,
            recorders.calls + statuses.calls,
            recorders.gaps + statuses.gaps,
        ),
        json_artifact(
            c,
            f"{layout.MONITORING}/config-rules.json",
            "AWS Config rules and their compliance, per region, as AWS returns them",
            sources,
            ("SOC2_AWS_18",),
            {r: {"rules": rules.data[r], "compliance": compliance.data[r]} for r in c.regions},
            used,
            gaps,
            criteria=("CC7.1", "CC4.1"),
        ),
        csv_artifact,
    ]


def alerting(c: Collection) -> list[Artifact]:
    alarms = c.regional("cloudwatch", "DescribeAlarms")
    rules = c.regional("events", "ListRules")
    filters = c.regional("logs", "DescribeMetricFilters")
    gaps, used = rules.gaps + filters.gaps, rules.calls + filters.calls
    data: dict[str, Any] = {}
    for region in c.regions:
        listed = rules.data[region]
        region_rules = listed
        if "not_read" not in listed:
            region_rules = []
            for rule in listed.get("Rules", []):
                call = c.recorder.find("events", "ListTargetsByRule", region, Rule=rule["Name"])
                if call is not None and call.ok:
                    used.append(call)
                    region_rules.append({**rule, "Targets": call.response.get("Targets", [])})
                elif rule.get("EventPattern"):
                    why = c.failure(call, "events", "ListTargetsByRule", region)
                    gaps.append(why)
                    region_rules.append({**rule, "Targets": {"not_read": why.describe()}})
                else:
                    region_rules.append(rule)  # scheduled rules cannot react to a call: targets not read
        data[region] = {"eventbridge_rules": region_rules, "metric_filters": filters.data[region]}
    return [
        json_artifact(
            c,
            f"{layout.MONITORING}/cloudwatch-alarms-config.json",
            "CloudWatch alarms per region",
            ("cloudwatch:DescribeAlarms",),
            ("SOC2_AWS_19",),
            alarms.data,
            alarms.calls,
            alarms.gaps,
        ),
        json_artifact(
            c,
            f"{layout.MONITORING}/event-rules-and-metric-filters.json",
            "EventBridge rules with their targets and CloudWatch Logs metric filters, per region: what can alert "
            "on a stopped, deleted or changed trail, and where GuardDuty findings go",
            ("events:ListRules", "events:ListTargetsByRule", "logs:DescribeMetricFilters"),
            ("SOC2_AWS_19",),
            data,
            used,
            gaps,
        ),
    ]


# -- populations ----------------------------------------------------------------------------


def accounts_in_scope(c: Collection) -> Artifact:
    path = f"{layout.POPULATIONS}/accounts-in-scope.csv"
    title = "AWS accounts in scope, with the regions collected"
    sources = ("sts:GetCallerIdentity", "ec2:DescribeRegions", "iam:ListAccountAliases")
    if c.scope is None:
        return missing(path, title, sources, c.unreachable or NOT_READ, criteria=("CC6.1",))
    alias_call, alias_failed = single(c, "iam", "ListAccountAliases")
    aliases = alias_call.response.get("AccountAliases", []) if alias_call and alias_call.ok else []
    s = c.scope
    row = (
        s.account,
        "; ".join(aliases) if not alias_failed else f"not read: {alias_failed.describe()}",
        s.partition,
        list(s.regions),
        [f"{r} ({st})" for r, st in sorted({**s.not_enabled, **s.skipped}.items())],
    )
    header = ("account_id", "alias", "partition", "regions_collected", "regions_not_enabled")
    calls = [x for x in (c.recorder.find("sts", "GetCallerIdentity"), alias_call) if x is not None]
    gaps = reasons([alias_failed] if alias_failed else [])
    if s.unlisted:
        gaps += (
            f"the account's regions could not be listed ({s.unlisted.describe()}); only {', '.join(s.regions)} "
            "was collected",
        )
    return Artifact(path, title, sources, to_csv(header, [row]), latest(calls), criteria=("CC6.1",), gaps=gaps)


def aws_access(c: Collection, ic: IdentityCenter, period_end: dt.date) -> Artifact:
    """Everyone with AWS access: IAM users from the credential report (with their console
    password, MFA and active keys) and Identity Center users with at least one assignment."""
    path = f"{layout.POPULATIONS}/aws-access-{c.day}.csv"
    title = f"Everyone with AWS access when collected (period end {period_end}): IAM users and Identity Center users"
    sources = ("iam:GetCredentialReport", *IC_SOURCES)
    checks = ("SOC2_OPS_1", "SOC2_AWS_1")
    call, failed = single(c, "iam", "GetCredentialReport")
    users = c.iam_users()
    rows = []
    gaps: list[Missing | str] = []
    if users is None:
        gaps.append(failed or Missing("iam:GetCredentialReport", "the report was read but not parsed"))
    else:
        for r in users:
            keys = sum(1 for n in (1, 2) if r.get(f"access_key_{n}_active") == "true")
            access = r.get("password_enabled") == "true" or keys > 0
            rows.append(
                (
                    "iam_user",
                    r["user"],
                    r["arn"],
                    access,
                    r.get("password_enabled"),
                    r.get("mfa_active"),
                    keys,
                    "",
                    r.get("user_creation_time"),
                    _last_used(r),
                )
            )
    if ic.calls:
        by_user: dict[str, list[str]] = {}
        for a in ic.assignments:
            ps = ic.permission_sets.get(a["PermissionSetArn"], {}).get("Name") or a["PermissionSetArn"]
            via = "" if a["PrincipalType"] == "USER" else f" via group {ic.principal_name('GROUP', a['PrincipalId'])}"
            for user in ic.users_of(a["PrincipalType"], a["PrincipalId"]):
                by_user.setdefault(user, []).append(f"{a['AccountId']}:{ps}{via}")
        for uid, u in sorted(ic.users.items(), key=lambda kv: kv[1].get("UserName", "")):
            name = u.get("UserName") or uid
            held = sorted(set(by_user.get(name, [])))
            emails = [e["Value"] for e in u.get("Emails", []) if e.get("Value")]
            rows.append(("identity_center_user", name, "; ".join(emails), bool(held), "", "", "", held, "", ""))
    gaps += ic.gaps
    header = (
        "kind",
        "name",
        "arn_or_email",
        "has_access",
        "password_enabled",
        "mfa_active",
        "active_access_keys",
        "identity_center_assignments",
        "created",
        "last_used",
    )
    if users is None and not ic.calls:
        return missing(path, title, sources, "; ".join(reasons(gaps)), checks=checks)
    used = [x for x in [call] if x is not None and x.ok] + ic.calls
    return Artifact(path, title, sources, to_csv(header, rows), latest(used), checks, gaps=reasons(gaps))


def _last_used(row: dict) -> str:
    used = [
        row.get(k, "") for k in ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")
    ]
    used = [u for u in used if u and u[0].isdigit()]
    return max(used) if used else ""


def build(c: Collection, period_end: dt.date) -> tuple[list[Artifact], IdentityCenter]:
    ic = identity_center_state(c)
    out = [
        credential_report(c),
        password_policy(c),
        account_summary(c),
        iam_policies(c),
        identity_center_assignments(c, ic),
        identity_center_permission_sets(c, ic),
        *kms_keys(c),
        *s3_buckets(c),
        *ebs(c),
        rds(c),
        *network(c),
        *trails(c),
        guardduty_detectors(c),
        *config(c),
        *alerting(c),
        accounts_in_scope(c),
        aws_access(c, ic, period_end),
    ]
    return out, ic
