from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class ConfigRecorder:
    name: str
    all_supported: Maybe[bool]
    recording: Maybe[bool | None] = None  # None: the source cannot express it (CloudFormation)


@dataclass(frozen=True)
class RegionRecorders:
    region: str
    recorders: Maybe[tuple[ConfigRecorder, ...]]
