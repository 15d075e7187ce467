"""Which regions a scan covers: the account's enabled regions by default, the regions the
user names, or every region of the partition."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError
from ..model import Missing
from .calls import Api, CallFailed

REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ENABLED = frozenset({"opt-in-not-required", "opted-in"})


@dataclass(frozen=True)
class Scope:
    """What one account's scan covers."""

    account: str
    partition: str
    home_region: str
    regions: tuple[str, ...]
    """Regions in scope and enabled: the regional collectors run here."""
    not_enabled: dict[str, str] = field(default_factory=dict)
    """Regions named with --regions but not enabled for the account, with their opt-in status:
    the user asked for them, so every regional check says it could not check them."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Regions --all-regions covers that the account has not enabled: nothing can run there, so
    the scan lists them in a warning rather than reporting them as unchecked."""
    unlisted: Missing | None = None
    """Why the account's regions could not be listed (the scan then covers fewer regions)."""

    @property
    def primary_region(self) -> str:
        """The region where account-wide regional reads (shadow trails) are made once."""
        return self.regions[0] if self.regions and self.home_region not in self.regions else self.home_region


def parse_regions(text: str) -> list[str]:
    regions = [r.strip() for r in text.split(",") if r.strip()]
    bad = [r for r in regions if not REGION_NAME.match(r)]
    if bad or not regions:
        raise UsageError(f"--regions {text!r}: not a comma-separated list of region names (e.g. us-east-1,eu-west-1)")
    return list(dict.fromkeys(regions))


def resolve(api: Api, account: str, partition: str, requested: list[str] | None, all_regions: bool) -> Scope:
    """List the account's regions once (DescribeRegions) and decide the scope: by default the
    regions the account has enabled; with ``all_regions`` every region of the partition, the
    ones not enabled being named in a warning.

    When the regions cannot be listed, named regions are used as given, the default scope
    shrinks to the home region, and the scan says so."""
    home = api.conn.home_region
    try:
        listed = api.call("ec2", "DescribeRegions", home, AllRegions=True)["Regions"]
    except CallFailed as exc:
        regions = tuple(requested or [home])
        return Scope(account, partition, home, regions, unlisted=None if requested else exc.missing)
    # an emulator may list the regions of every partition; AWS lists only the account's own
    status = {
        r["RegionName"]: r.get("OptInStatus", "opt-in-not-required")
        for r in listed
        if api.conn.partition_of(r["RegionName"]) == partition
    }
    if requested:
        unknown = [r for r in requested if r not in status]
        if unknown:
            raise UsageError(f"--regions: unknown region(s) in partition {partition}: {', '.join(unknown)}")
        wanted = requested
    elif all_regions:
        wanted = sorted(status)
    else:
        wanted = sorted(r for r, s in status.items() if s in ENABLED)
    regions = tuple(r for r in wanted if status[r] in ENABLED)
    off = {r: status[r] for r in wanted if status[r] not in ENABLED}
    if requested:
        return Scope(account, partition, home, regions, not_enabled=off)
    return Scope(account, partition, home, regions, skipped=off)
