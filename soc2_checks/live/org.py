"""``--org``: every active account of an AWS Organization, each scanned through a role assumed
from the caller's account, several accounts at a time.

An account that cannot be scanned (the role cannot be assumed, its identity cannot be read)
is ERROR results for that account, one per check; the other accounts are scanned as usual.
If the organization itself cannot be listed, nothing can be scanned and every check reports
ERROR against the caller's account: an empty result set would read as "all clear".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from ..engine import error_results
from ..errors import UsageError
from ..model import Missing, ResourceRef, Result, Status, Subject
from ..registry import Registry, RuleContext
from .calls import Api, CallFailed
from .collect import Progress
from .scan import LiveScan, live_checks, scan_account
from .services import ACCOUNT_TYPE
from .session import ConnectFailed, Connection
from .shard import Shard

DEFAULT_ROLE = "OrganizationAccountAccessRole"
"""The role AWS Organizations creates in every account it creates (and that invited accounts
are asked to create), trusted by the management account."""

ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
ROLE_PATH = re.compile(r"^(/[\w+=,.@-]+)*/$")
ACTIVE = "ACTIVE"
NOT_IN_ORG = "AWSOrganizationsNotInUseException"


@dataclass(frozen=True)
class Account:
    id: str
    name: str


@dataclass(frozen=True)
class Organization:
    id: str | None
    management_account: str | None
    accounts: tuple[Account, ...]
    """Active accounts only, sorted by ID."""


@dataclass
class OrgScan:
    results: list[Result]
    targets: list[str]
    warnings: list[str] = field(default_factory=list)
    organization: Organization | None = None
    scanned: list[str] = field(default_factory=list)
    """The account IDs this run was responsible for (the shard's accounts, or all of them)."""


def check_role_name(name: str) -> str:
    """``--org-role``: a role name, optionally with its path (``audit/soc2-scanner``)."""
    path, _, base = name.rpartition("/")
    path = f"/{path}/" if path else "/"
    if not ROLE_NAME.match(base) or not ROLE_PATH.match(path.replace("//", "/")):
        raise UsageError(f"--org-role {name!r}: not an IAM role name (letters, digits and +=,.@_- up to 64)")
    return name.strip("/")


def role_arn(partition: str, account: str, role: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role}"


def list_organization(api: Api) -> Organization:
    """The organization's active accounts (ListAccounts, every page). DescribeOrganization says
    whether there is an organization at all and adds its ID; if it is denied the scan goes on."""
    try:
        org = api.call("organizations", "DescribeOrganization")["Organization"]
    except CallFailed as exc:
        if exc.code == NOT_IN_ORG:
            raise
        org = {}
    listed = api.paginate("organizations", "ListAccounts").get("Accounts", [])
    accounts = {
        a["Id"]: Account(a["Id"], a.get("Name") or a["Id"])
        for a in listed
        # newer responses carry State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) next to Status
        if (a.get("State") or a.get("Status")) == ACTIVE
    }
    return Organization(
        id=org.get("Id"),
        management_account=org.get("MasterAccountId"),
        accounts=tuple(accounts[k] for k in sorted(accounts)),
    )


def scan_organization(
    root: Connection | Callable[[], Connection],
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    *,
    role: str = DEFAULT_ROLE,
    shard: Shard | None = None,
    regions: list[str] | None = None,
    all_regions: bool = False,
    workers: int = 8,
    account_workers: int = 4,
    progress: Progress | None = None,
    api_factory: Callable[[Connection], Api] = Api,
) -> OrgScan:
    """Scan the caller's organization (or one shard of it).

    The caller's own account (normally the management account) is scanned with the caller's
    credentials; every other account through ``role``, assumed from the caller's account."""
    checks = [c for c in live_checks(registry) if c.views]

    def whole_run_failed(missing: Missing, account: str | None) -> OrgScan:
        name = "organization (accounts not listed)"
        ref_id = f"{account}/organization" if account else "organization"
        if shard is not None:
            ref_id += f" shard {shard}"  # every shard reports its own failure, and shards still merge
        ref = ResourceRef(id=ref_id, type="AWS::Organizations::Organization", name=name, account=account)
        message = f"Data could not be read: {missing.describe()}; no account of the organization was scanned."
        results = error_results(checks, Subject(ref, None), message, criteria_for)
        return OrgScan(results, [f"aws://{account}"] if account else [], [])

    try:
        conn = root() if callable(root) else root
    except ConnectFailed as exc:
        return whole_run_failed(exc.missing, None)
    api = api_factory(conn)
    try:
        identity = api.call("sts", "GetCallerIdentity")
    except CallFailed as exc:
        return whole_run_failed(exc.missing, None)
    caller, partition = identity["Account"], identity["Arn"].split(":")[1]
    try:
        org = list_organization(api)
    except CallFailed as exc:
        missing = exc.missing
        if exc.code == NOT_IN_ORG:
            not_in_org = f"account {caller} is not in an AWS Organization; scan it without --org"
            missing = Missing(missing.operation, not_in_org)
        return whole_run_failed(missing, caller)

    listed = [a.id for a in org.accounts]
    chosen = shard.select(listed) if shard is not None else listed
    by_id = {a.id: a for a in org.accounts}
    warnings: list[str] = []
    if not listed:  # AWS always lists at least the caller's account; an empty list is not "all clear"
        empty = Missing("organizations:ListAccounts", "the organization lists no active account")
        return whole_run_failed(empty, caller)
    if not chosen and shard is not None:
        warnings.append(f"Shard {shard} holds none of the organization's {len(listed)} active accounts.")

    def scan_one(account_id: str) -> LiveScan:
        account = by_id[account_id]
        target = ResourceRef(id=account_id, type=ACCOUNT_TYPE, name=account.name, account=account_id)
        if account_id == caller:
            factory: Connection | Callable[[], Connection] = conn
        else:
            arn = role_arn(partition, account_id, role)

            def factory() -> Connection:
                return conn.assumed(arn)

        return scan_account(
            factory,
            registry,
            ctx,
            criteria_for,
            regions=regions,
            all_regions=all_regions,
            workers=workers,
            api_factory=api_factory,
            target=target,
        )

    results: list[Result] = []
    targets: list[str] = []
    said: dict[str, list[str]] = {}  # warning -> accounts that gave it
    done = errors = 0
    with ThreadPoolExecutor(max_workers=max(1, account_workers), thread_name_prefix="soc2-account") as pool:
        futures = {pool.submit(scan_one, a): a for a in chosen}
        try:
            for future in as_completed(futures):
                account_id = futures[future]
                done += 1
                try:
                    out = future.result()
                except UsageError:
                    raise  # the command line is wrong for every account (an unknown region)
                except Exception as exc:  # a defect must not drop an account silently
                    out = _account_crashed(checks, criteria_for, by_id[account_id], exc)
                results += out.results
                targets += out.targets or [f"aws://{account_id}"]
                for w in out.warnings:
                    said.setdefault(w, []).append(account_id)
                errors += sum(1 for r in out.results if r.status is Status.ERROR)
                if progress:
                    progress.update(done, len(chosen), errors, f"account {account_id} ({by_id[account_id].name})")
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            if progress:
                progress.close()
    for text, accounts in said.items():
        if len(accounts) == len(chosen) > 1 and not any(a in text for a in accounts):
            warnings.append(text)  # the same in every account (a check no collector serves): said once
        else:
            warnings += [_in_account(a, text) for a in sorted(accounts)]
    return OrgScan(results, sorted(set(targets)), warnings, org, chosen)


def _account_crashed(
    checks: list, criteria_for: Callable[[str], list[str]], account: Account, exc: Exception
) -> LiveScan:
    ref = ResourceRef(id=account.id, type=ACCOUNT_TYPE, name=account.name, account=account.id)
    message = f"Scanning account {account.id} failed: {type(exc).__name__}: {exc}."
    return LiveScan(error_results(checks, Subject(ref, None), message, criteria_for), None, [f"aws://{account.id}"])


def _in_account(account: str, warning: str) -> str:
    return warning if account in warning else f"Account {account}: {warning}"
