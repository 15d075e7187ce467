"""``--shard K/N``: which accounts of an organization one job of a job array scans.

K is 0-based (0 to N-1), the way Kubernetes Indexed Jobs (``JOB_COMPLETION_INDEX``) and AWS
Batch array jobs (``AWS_BATCH_JOB_ARRAY_INDEX``) number their jobs, so the index a job engine
hands out is used as it is. ``--shard N`` or ``--shard auto/N`` reads it from those variables.

An account belongs to shard ``sha256(account ID) mod N``. The jobs of one array start minutes
apart and each lists the organization itself; with a stable hash an account's shard depends on
its own ID only, so an account created or closed between two listings cannot shift every other
account into a neighbouring shard (scanned twice, or by nobody), as a round-robin over the
sorted list would. The price is shards of slightly uneven size.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import UsageError

INDEX_VARIABLES = ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")
"""Where job engines put a job's 0-based index: Kubernetes Indexed Job, AWS Batch array job."""

MAX_SHARDS = 10_000
_SPEC = re.compile(r"^(?:(?P<index>\d+|auto)/)?(?P<count>\d+)$")


@dataclass(frozen=True)
class ShardSpec:
    """What the user wrote: ``index`` None means "ask the job engine"."""

    index: int | None
    count: int
    text: str


@dataclass(frozen=True)
class Shard:
    index: int
    count: int
    source: str = "--shard"
    """Where the index came from (an environment variable name, or --shard)."""

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, account_id: str) -> bool:
        return shard_of(account_id, self.count) == self.index

    def select(self, account_ids: Iterable[str]) -> list[str]:
        return sorted(a for a in set(account_ids) if self.holds(a))


def parse_shard(text: str) -> ShardSpec:
    """The ``--shard`` argument: ``K/N``, ``auto/N`` or ``N``."""
    import argparse

    m = _SPEC.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not K/N, auto/N or N (K is 0-based: --shard 0/4 ... --shard 3/4)"
        )
    count = int(m["count"])
    if not 1 <= count <= MAX_SHARDS:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of shards must be between 1 and {MAX_SHARDS}")
    index = m["index"]
    if index is None or index == "auto":
        return ShardSpec(None, count, text)
    if int(index) >= count:
        raise argparse.ArgumentTypeError(f"{text!r}: K is 0-based and must be below N (0 to {count - 1})")
    return ShardSpec(int(index), count, text)


def resolve_shard(spec: ShardSpec, environ: Mapping[str, str] | None = None) -> Shard:
    """The shard to scan; the index comes from the job engine when the user left it out."""
    if spec.index is not None:
        return Shard(spec.index, spec.count)
    env = os.environ if environ is None else environ
    for name in INDEX_VARIABLES:
        raw = env.get(name)
        if raw is None or not raw.strip():
            continue
        if not raw.strip().isdigit():
            raise UsageError(f"--shard {spec.text}: {name}={raw!r} is not a whole number")
        index = int(raw)
        if index >= spec.count:
            raise UsageError(
                f"--shard {spec.text}: {name}={index}, but the index is 0-based and must be below {spec.count}; "
                "the job array and --shard must have the same size"
            )
        return Shard(index, spec.count, name)
    raise UsageError(
        f"--shard {spec.text}: no shard index given and neither {' nor '.join(INDEX_VARIABLES)} is set; "
        f"write --shard K/{spec.count} with K from 0 to {spec.count - 1}"
    )


def shard_of(account_id: str, count: int) -> int:
    digest = hashlib.sha256(account_id.encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") % count
