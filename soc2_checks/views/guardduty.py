from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class Detector:
    id: str
    enabled: Maybe[bool]


@dataclass(frozen=True)
class RegionDetectors:
    """The detectors of one region in scope (live) or of the scanned directory (IaC)."""

    region: str
    detectors: Maybe[tuple[Detector, ...]]
