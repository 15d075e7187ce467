"""IAM Identity Center: the instance, its identity-store users, and the account assignments a
user holds directly or through a group, across every permission set and account.

The organisation's instance lives in one region (its home region), and ``ListInstances``
answers only there, so every region in scope is asked (and the scan's home region). Users are
listed whole; assignments are read only for the users a caller asks about (the leavers'
candidates), through ``ListAccountAssignmentsForPrincipal``, which covers every account and
permission set in one paginated call per principal.

Identity Center keeps no last sign-in time in these APIs, so a user's use of access is not
read here. These reads need the management account or the delegated administrator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..calls import Api, CallFailed
from ..collect import Step, Task
from ..regions import Scope

NAME = "identity_center"


@dataclass(frozen=True)
class Instance:
    arn: str
    identity_store_id: str
    region: str
    owner_account: str | None = None


@dataclass(frozen=True)
class User:
    user_id: str
    user_name: str
    instance_arn: str
    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    emails: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every way the directory spells the person's name."""
        out = [self.display_name or ""]
        if self.given_name or self.family_name:
            out.append(f"{self.given_name or ''} {self.family_name or ''}")
        return tuple(n.strip() for n in out if n and n.strip())


@dataclass(frozen=True)
class Assignment:
    account_id: str
    permission_set_arn: str
    via: str  # "user" or "group <group id>"


Wanted = Callable[[User], bool]


def everyone(_: User) -> bool:
    return True


def instances_key(region: str) -> tuple:
    return (NAME, "instances", region)


def users_key(instance_arn: str) -> tuple:
    return (NAME, "users", instance_arn)


def assignments_key(instance_arn: str, user_id: str) -> tuple:
    return (NAME, "assignments", instance_arn, user_id)


def regions_to_ask(scope: Scope, regions: Iterable[str] | None = None) -> tuple[str, ...]:
    if regions:
        return tuple(dict.fromkeys(regions))
    return tuple(dict.fromkeys([scope.home_region, *scope.regions]))


def plan(scope: Scope, wanted: Wanted = everyone, regions: Iterable[str] | None = None) -> list[Task]:
    return [
        Task(NAME, r, lambda api, r=r: read_instances(api, r, wanted), f"identity center {r}")
        for r in regions_to_ask(scope, regions)
    ]


def read_instances(api: Api, region: str, wanted: Wanted = everyone) -> Step:
    try:
        listed = api.paginate("sso-admin", "ListInstances", region).get("Instances", [])
    except CallFailed as exc:
        return Step({instances_key(region): exc.missing})
    found = tuple(
        Instance(i["InstanceArn"], i["IdentityStoreId"], region, i.get("OwnerAccountId"))
        for i in listed
        if i.get("Status", "ACTIVE") == "ACTIVE"
    )
    then = [
        Task(NAME, region, lambda api, i=i: read_users(api, i, wanted), f"identity center users {region}")
        for i in found
    ]
    return Step({instances_key(region): found}, then)


def read_users(api: Api, instance: Instance, wanted: Wanted = everyone) -> Step:
    try:
        listed = api.paginate(
            "identitystore", "ListUsers", instance.region, IdentityStoreId=instance.identity_store_id
        ).get("Users", [])
    except CallFailed as exc:
        return Step({users_key(instance.arn): exc.missing})
    users = tuple(_user(u, instance) for u in listed)
    then = [
        Task(NAME, instance.region, lambda api, u=u: read_assignments(api, instance, u), f"assignments {u.user_name}")
        for u in users
        if wanted(u)
    ]
    return Step({users_key(instance.arn): users}, then)


def read_assignments(api: Api, instance: Instance, user: User) -> Step:
    """The user's own assignments and those of every group they belong to: access through a
    group is access all the same."""
    key = assignments_key(instance.arn, user.user_id)
    try:
        found = list(_for_principal(api, instance, user.user_id, "USER", "user"))
        memberships = api.paginate(
            "identitystore",
            "ListGroupMembershipsForMember",
            instance.region,
            IdentityStoreId=instance.identity_store_id,
            MemberId={"UserId": user.user_id},
        ).get("GroupMemberships", [])
        for m in memberships:
            found += _for_principal(api, instance, m["GroupId"], "GROUP", f"group {m['GroupId']}")
    except CallFailed as exc:
        return Step({key: exc.missing})
    return Step({key: tuple(found)})


def _for_principal(api: Api, instance: Instance, principal: str, kind: str, via: str) -> list[Assignment]:
    listed = api.paginate(
        "sso-admin",
        "ListAccountAssignmentsForPrincipal",
        instance.region,
        InstanceArn=instance.arn,
        PrincipalId=principal,
        PrincipalType=kind,
    ).get("AccountAssignments", [])
    return [Assignment(a["AccountId"], a["PermissionSetArn"], via) for a in listed]


def _user(raw: dict, instance: Instance) -> User:
    name = raw.get("Name") or {}
    emails = tuple(e["Value"] for e in raw.get("Emails") or [] if e.get("Value"))
    return User(
        user_id=raw["UserId"],
        user_name=raw.get("UserName") or raw["UserId"],
        instance_arn=instance.arn,
        display_name=raw.get("DisplayName"),
        given_name=name.get("GivenName"),
        family_name=name.get("FamilyName"),
        emails=emails,
    )


def distinct_assignments(assignments: Iterable[Assignment]) -> int:
    """Account and permission-set pairs: a user assigned directly and through a group to the
    same pair holds one assignment."""
    return len({(a.account_id, a.permission_set_arn) for a in assignments})
