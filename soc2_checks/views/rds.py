from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class DbStorage:
    """An RDS instance or cluster. Cluster members are judged by their cluster."""

    identifier: str
    kind: str  # "instance" | "cluster"
    storage_encrypted: Maybe[bool | None]
    cluster_member: Maybe[bool] = False
