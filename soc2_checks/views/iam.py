"""IAM views: users' credentials, the root user, the password policy, identity policies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class IamUserLogin:
    """One IAM user's console sign-in facts (credential report row)."""

    user: str
    password_enabled: Maybe[bool]
    mfa_active: Maybe[bool]


@dataclass(frozen=True)
class AccessKey:
    """One access-key slot of one IAM user (credential report access_key_N_*)."""

    user: str
    slot: int  # 1 or 2
    active: Maybe[bool]
    last_rotated: Maybe[dt.datetime | None]  # None: AWS reports N/A


@dataclass(frozen=True)
class RootAccount:
    mfa_enabled: Maybe[bool]
    access_keys_present: Maybe[bool]


@dataclass(frozen=True)
class PasswordPolicy:
    """The account password policy; ``exists=False`` when the account has none."""

    exists: Maybe[bool]
    minimum_length: Maybe[int | None] = None
    reuse_prevention: Maybe[int | None] = None  # remembered passwords; None = not set
    max_age_days: Maybe[int | None] = None  # None or 0 = never expires
    require_uppercase: Maybe[bool] = False
    require_lowercase: Maybe[bool] = False
    require_numbers: Maybe[bool] = False
    require_symbols: Maybe[bool] = False


@dataclass(frozen=True)
class IdentityPolicy:
    """An identity-based policy document (managed, or inline on a user/group/role).

    ``document`` is the parsed JSON policy (Statement as list or dict). IaC adapters resolve
    ``jsonencode()``, heredocs and ``aws_iam_policy_document`` into this form; a document that
    cannot be resolved is an ``Unknown``.
    """

    name: str
    document: Maybe[dict]


@dataclass(frozen=True)
class PrincipalAttachments:
    """Managed policies attached to one user, group or role."""

    principal_kind: str  # "user" | "group" | "role"
    principal: str
    policy_arns: Maybe[tuple[str, ...]]


@dataclass(frozen=True)
class UserPolicies:
    """Policies bound directly to IAM users by one resource (or, live, of one user).

    ``users`` names the users the binding applies to; an empty tuple means the resource binds
    policies to groups or roles only."""

    users: Maybe[tuple[str, ...]]
    inline_policies: Maybe[tuple[str, ...]]
    managed_policies: Maybe[tuple[str, ...]]
