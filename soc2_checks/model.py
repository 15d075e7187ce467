"""The result model shared by every scan kind, rule and writer.

Rules speak in :class:`Verdict`; the engine turns a verdict into a :class:`Result` by adding
the resource, the check's metadata and its criteria. Writers only ever see results.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypeVar


class Status(enum.StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    EXEMPTED = "EXEMPTED"
    ERROR = "ERROR"


class Severity(enum.StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class Source(enum.StrEnum):
    """Where a check's data can come from (the catalog's TF / CFN / LIVE / REC columns)."""

    TERRAFORM = "terraform"
    CLOUDFORMATION = "cloudformation"
    LIVE = "live"
    RECORDS = "records"


@dataclass(frozen=True)
class Unknown:
    """A value present in the source but not resolvable (an unresolved Terraform variable,
    a CloudFormation intrinsic). A rule that needs it can never PASS."""

    reason: str


@dataclass(frozen=True)
class Missing:
    """Data that could not be read at all (an API call denied, throttled, timed out).
    A rule that needs it reports ERROR naming the operation and the permission."""

    operation: str
    reason: str
    permission: str | None = None

    def describe(self) -> str:
        need = f" (needs {self.permission})" if self.permission else ""
        return f"{self.operation} failed: {self.reason}{need}"


T = TypeVar("T")


class UnresolvedValue(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


class MissingData(Exception):
    def __init__(self, missing: Missing) -> None:
        super().__init__(missing.describe())
        self.missing = missing


def require(value: T | Unknown | Missing) -> T:
    """Return a view field's value, or stop the rule.

    Rules call this on every field their decision depends on, so that an unresolved value
    becomes FAILED ("cannot be confirmed") and unread data becomes ERROR, in one place
    rather than in every rule.
    """
    if isinstance(value, Unknown):
        raise UnresolvedValue(value)
    if isinstance(value, Missing):
        raise MissingData(value)
    return value


def is_known(value: object) -> bool:
    return not isinstance(value, (Unknown, Missing))


@dataclass(frozen=True)
class Verdict:
    """What a rule decides about one view: PASSED, FAILED or ERROR, and why in one sentence."""

    status: Status
    message: str
    details: tuple[str, ...] = ()

    @classmethod
    def passed(cls, message: str, *details: str) -> Verdict:
        return cls(Status.PASSED, message, tuple(details))

    @classmethod
    def failed(cls, message: str, *details: str) -> Verdict:
        return cls(Status.FAILED, message, tuple(details))

    @classmethod
    def error(cls, message: str, *details: str) -> Verdict:
        return cls(Status.ERROR, message, tuple(details))


@dataclass(frozen=True)
class ResourceRef:
    """Where a result points: an IaC address with file and lines, or a live ARN with account
    and region. Fields that do not apply stay None."""

    id: str
    type: str | None = None
    name: str | None = None
    file: str | None = None
    line_range: tuple[int, int] | None = None
    account: str | None = None
    region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "file": self.file,
            "line_range": list(self.line_range) if self.line_range else None,
            "account": self.account,
            "region": self.region,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResourceRef:
        lr = data.get("line_range")
        return cls(
            id=data["id"],
            type=data.get("type"),
            name=data.get("name"),
            file=data.get("file"),
            line_range=(int(lr[0]), int(lr[1])) if lr else None,
            account=data.get("account"),
            region=data.get("region"),
        )


@dataclass(frozen=True)
class Subject:
    """A view of one resource, paired with where it came from. Adapters (Terraform,
    CloudFormation, live AWS, records) produce subjects; rules only ever see the view."""

    resource: ResourceRef
    view: object


@dataclass(frozen=True)
class ExemptionRef:
    id: str
    approved_by: str
    expires_on: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "approved_by": self.approved_by, "expires_on": self.expires_on}


@dataclass
class Result:
    check_id: str
    title: str
    severity: Severity
    status: Status
    criteria: list[str]
    resource: ResourceRef
    message: str
    details: list[str] = field(default_factory=list)
    exemption: ExemptionRef | None = None
    suppression: str | None = None  # inline suppression text found in the source, if any

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "title": self.title,
            "severity": str(self.severity),
            "status": str(self.status),
            "criteria": list(self.criteria),
            "resource": self.resource.to_dict(),
            "message": self.message,
            "details": list(self.details),
            "exemption": self.exemption.to_dict() if self.exemption else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        exc = data.get("exemption")
        return cls(
            check_id=data["check_id"],
            title=data["title"],
            severity=Severity(data["severity"]),
            status=Status(data["status"]),
            criteria=list(data.get("criteria") or []),
            resource=ResourceRef.from_dict(data["resource"]),
            message=data["message"],
            details=list(data.get("details") or []),
            exemption=ExemptionRef(**exc) if exc else None,
        )


STATUS_ORDER = (Status.PASSED, Status.FAILED, Status.EXEMPTED, Status.ERROR)
