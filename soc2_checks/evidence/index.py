"""The package's README.md: the auditor's index of every artifact, with the criteria it
supports, where it came from, when it was collected and its SHA-256, and what is missing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .. import __version__
from ..report import criterion_sort_key
from . import layout
from .artifacts import Artifact, State, iso


@dataclass
class PackageInfo:
    created_at: dt.datetime
    account: str | None
    regions: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    targets: list[str] = field(default_factory=list)
    alias: str | None = None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def criteria_of(a: Artifact, criteria_for: Callable[[str], list[str]]) -> list[str]:
    found = {c for check in a.checks for c in criteria_for(check)} | set(a.criteria)
    return sorted(found, key=criterion_sort_key)


def summary(artifacts: Iterable[Artifact]) -> dict[State, int]:
    out = dict.fromkeys(State, 0)
    for a in artifacts:
        out[a.state] += 1
    return out


def _md(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_index(info: PackageInfo, artifacts: list[Artifact], criteria_for: Callable[[str], list[str]]) -> str:
    counts = summary(artifacts)
    who = info.account or "unknown account"
    if info.alias:
        who += f" ({info.alias})"
    lines = [
        f"# SOC 2 evidence package: AWS account {who}",
        "",
        f"Collected by soc2-checks {__version__} on {iso(info.created_at)} for the audit period "
        f"{info.period_start} to {info.period_end}.",
        f"Regions collected: {', '.join(info.regions) or 'none'}.",
        "",
        f"**{counts[State.COLLECTED]} artifacts collected, {counts[State.PARTIAL]} partial, "
        f"{counts[State.MISSING]} missing.** A partial artifact names inside it what could not be read; a missing "
        "one was not written, and the reason is below. Nothing is left out silently.",
        "",
        "## Integrity",
        "",
        f"Every file is listed below and in `{layout.MANIFEST}` with its SHA-256; the manifest also holds this "
        "index's hash. Run `soc2-checks evidence verify <this folder>` to confirm that no file was changed, added "
        "or removed since collection. The manifest's own SHA-256 was printed when the package was written: keep it "
        "apart from the package (in the ticket or e-mail that sends it) and pass it with `--manifest-sha256` to "
        "prove the manifest unchanged as well.",
        "",
        "## Folders",
        "",
        "| folder | what it holds |",
        "|---|---|",
        *[f"| `{name}/` | {_md(what)} |" for name, what in layout.FOLDERS.items()],
        f"| `{layout.WALKTHROUGH}` | answers to the auditor's walkthrough questions, with their evidence |",
        "",
        "## Artifacts",
        "",
        "| artifact | what it is | criteria | source | collected at (UTC) | SHA-256 |",
        "|---|---|---|---|---|---|",
    ]
    for a in sorted(artifacts, key=lambda a: a.path):
        criteria = ", ".join(criteria_of(a, criteria_for)) or "-"
        sources = ", ".join(f"`{s}`" for s in a.sources)
        what = a.title + (f" ({a.note})" if a.note else "")
        if a.content is None:
            digest = f"**MISSING**: {a.gaps[0] if a.gaps else 'not collected'}"
        else:
            digest = f"`{sha256(a.content)}`" + (" (**PARTIAL**)" if a.gaps else "")
        name = f"`{a.path}`" if a.content is None else f"[`{a.path}`]({a.path})"
        lines.append(
            f"| {name} | {_md(what)} | {criteria} | {sources} | {iso(a.collected_at) or '-'} | {_md(digest)} |"
        )
    gaps = [a for a in artifacts if a.gaps]
    lines += ["", "## Missing or partial", ""]
    if not gaps:
        lines.append("Every artifact was collected in full.")
    for a in sorted(gaps, key=lambda a: a.path):
        lines.append(f"- `{a.path}` ({a.state.lower()}):")
        lines += [f"  - {_md(g)}" for g in a.gaps]
    lines += ["", "## Not in this package", ""]
    lines += [f"- {item}" for item in layout.NOT_COLLECTED]
    return "\n".join(lines) + "\n"
