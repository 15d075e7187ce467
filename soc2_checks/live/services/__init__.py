"""One collector per AWS service: which reads to make (``plan``) and how the facts read
become views (``assemble``). Collectors decide nothing; the registered rules do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...model import Missing, ResourceRef, Subject
from ..collect import Facts, Task
from ..regions import Scope

ACCOUNT_TYPE = "AWS::::Account"
"""Resource type of account- and region-level results (AWS Config's name for the account)."""


@dataclass(frozen=True)
class Unscanned:
    """Resources that could not even be listed: every check over these views reports ERROR."""

    resource: ResourceRef
    views: tuple[type, ...]
    message: str


@dataclass
class Inventory:
    subjects: list[Subject] = field(default_factory=list)
    unscanned: list[Unscanned] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, resource: ResourceRef, view: object) -> None:
        self.subjects.append(Subject(resource, view))

    def cannot_list(self, resource: ResourceRef, views: tuple[type, ...], missing: Missing) -> None:
        self.unscanned.append(Unscanned(resource, views, f"Data could not be read: {missing.describe()}."))


@dataclass(frozen=True)
class Collector:
    name: str
    views: tuple[type, ...]
    """Every view type this collector builds (for ERROR results when it cannot run)."""
    plan: Callable[[Scope], list[Task]]
    assemble: Callable[[Facts, Scope], Inventory]
    regional: bool = True


def account_ref(scope: Scope, name: str, region: str | None = None, type_: str = ACCOUNT_TYPE) -> ResourceRef:
    """An account-level (or account-and-region-level) result's resource; ``type_`` names the
    resources an ERROR stands for when they could not be listed."""
    return ResourceRef(
        id=f"{scope.account}/{region}" if region else scope.account,
        type=type_,
        name=name,
        account=scope.account,
        region=region,
    )


def resource_ref(scope: Scope, arn: str, type_: str, name: str, region: str | None) -> ResourceRef:
    return ResourceRef(id=arn, type=type_, name=name, account=scope.account, region=region)


def arn(scope: Scope, service: str, region: str | None, resource: str) -> str:
    return f"arn:{scope.partition}:{service}:{region or ''}:{scope.account}:{resource}"


def all_collectors() -> list[Collector]:
    from . import alerting, cloudtrail, config, ec2, guardduty, iam, kms, rds, s3

    return [m.COLLECTOR for m in (iam, s3, cloudtrail, guardduty, kms, ec2, rds, config, alerting)]
