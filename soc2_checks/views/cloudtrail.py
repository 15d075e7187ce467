from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class Trail:
    name: str
    multi_region: Maybe[bool]
    log_file_validation: Maybe[bool]
    include_global_service_events: Maybe[bool] = True
    logging: Maybe[bool | None] = None  # None: the source cannot say (CloudFormation default is on)


@dataclass(frozen=True)
class AccountTrails:
    """Every trail of the account (live) or of the scanned directory (IaC baseline)."""

    trails: Maybe[tuple[Trail, ...]]
