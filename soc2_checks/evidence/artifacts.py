"""What the package holds: artifacts, each collected, partial (written, with the gaps named
inside it and in the index) or missing (not written; the index says why)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import enum
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Missing


class State(enum.StrEnum):
    COLLECTED = "COLLECTED"
    PARTIAL = "PARTIAL"
    MISSING = "MISSING"


@dataclass(frozen=True)
class Artifact:
    path: str
    """Relative to the package root, with ``/`` separators."""
    title: str
    sources: tuple[str, ...]
    """API operations (``iam:GetCredentialReport``) or record files (``records/incidents.yaml``)."""
    content: bytes | None
    collected_at: dt.datetime | None
    checks: tuple[str, ...] = ()
    """The checks this artifact is evidence for; its criteria follow from the mapping."""
    criteria: tuple[str, ...] = ()
    """Criteria it supports beyond its checks' (artifacts no check reads, such as VPCs)."""
    gaps: tuple[str, ...] = ()
    """What could not be read: with content the artifact is PARTIAL, without it MISSING."""
    note: str = ""
    """A fact the index should show beside the file (for example: no trail exists)."""

    @property
    def state(self) -> State:
        if self.content is None:
            return State.MISSING
        return State.PARTIAL if self.gaps else State.COLLECTED


def missing(path: str, title: str, sources: Iterable[str], reason: str, **kw: Any) -> Artifact:
    return Artifact(path, title, tuple(sources), None, None, gaps=(reason,), **kw)


def reasons(found: Iterable[Missing | str]) -> tuple[str, ...]:
    """Distinct gap descriptions in their first-seen order."""
    return tuple(dict.fromkeys(m.describe() if isinstance(m, Missing) else m for m in found))


def iso(t: dt.datetime | dt.date | None) -> str | None:
    if t is None:
        return None
    if isinstance(t, dt.datetime):
        t = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
        return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return t.isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return iso(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Missing):
        return {"not_read": value.describe()}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(doc: Any) -> bytes:
    """Stable JSON: the same account collected twice gives the same bytes but for times."""
    return (json.dumps(doc, indent=2, ensure_ascii=False, default=_plain) + "\n").encode("utf-8")


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO(newline="")
    out = csv.writer(buf, dialect="excel", lineterminator="\r\n")
    out.writerow(header)
    for row in rows:
        out.writerow(["" if v is None else _cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return iso(value) or ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)
