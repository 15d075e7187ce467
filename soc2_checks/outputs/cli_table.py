"""``-o cli``: what a person reads in a terminal or a CI log, grouped by criterion.

PASSED results are counted, never listed: the reader's attention goes to what FAILED, what
could not be checked, and what was let through by an exemption (and on whose approval).
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from ..model import Result, Status
from ..report import ScanReport
from . import RenderOptions, writer
from ._facts import (
    WORST_FIRST,
    by_criterion_and_check,
    count_phrase,
    counts,
    criterion_title,
    exemption_text,
    location,
    overall_word,
    warning_lines,
)

MAX_TARGETS = 5
MAX_DETAILS = 3
"""Detail lines shown under a result; the JSON output keeps them all."""

_SGR = {
    "bold": "1",
    "dim": "2",
    Status.FAILED: "31;1",
    Status.ERROR: "35;1",
    Status.EXEMPTED: "36",
    Status.PASSED: "32",
    "warning": "33",
}


def use_color(options: RenderOptions, stream: TextIO | None = None) -> bool:
    """Colour only for a terminal. NO_COLOR (no-color.org) wins over everything the user did
    not pass explicitly; FORCE_COLOR turns colour on for CI logs that render ANSI."""
    if options.color is not None:
        return options.color
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force:
        return force.strip().lower() not in ("0", "false", "no", "off")
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: object) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m"


ORDER_IN_CHECK = (Status.FAILED, Status.ERROR, Status.EXEMPTED)


@writer("cli")
def render_cli(report: ScanReport, st: Any, options: RenderOptions) -> str:
    paint = _Paint(use_color(options))
    lines: list[str] = [_heading(report), ""]
    groups = by_criterion_and_check(report.results)
    if not groups:
        lines += ["No check produced a result: nothing in scope was found.", ""]

    width_id = max((len(cid) for checks in groups.values() for cid in checks), default=0)
    width_title = max((len(rs[0].title) for checks in groups.values() for rs in checks.values()), default=0)
    listed_under: dict[str, str] = {}
    for criterion, checks in groups.items():
        title = criterion_title(st, criterion)
        lines.append(f"{paint(criterion, 'bold')}  {title}".rstrip())
        for check_id, results in checks.items():
            c = counts(results)
            summary = _colored_counts(c, paint)
            severity = str(results[0].severity)
            row = f"  {check_id.ljust(width_id)}  {severity.ljust(8)}  {results[0].title.ljust(width_title)}"
            notable = [r for s in ORDER_IN_CHECK for r in results if r.status is s]
            if notable and check_id in listed_under:
                lines.append(f"{row}  {summary}  {paint(f'(listed under {listed_under[check_id]})', 'dim')}")
                continue
            lines.append(f"{row}  {summary}")
            if notable:
                listed_under[check_id] = criterion
            for r in notable:
                lines.extend(_result_lines(r, paint))
        lines.append("")

    if report.comparison is not None:
        lines += _comparison_lines(report.comparison, paint)

    warnings = warning_lines(report)
    if warnings:
        lines.append(paint("Warnings:", "warning"))
        for kind, text in warnings:
            lines.append(f"  {paint(kind, 'warning')}: {text}")
        lines.append("")

    total = counts(report.results)
    word = overall_word(report)
    style = {"FAILED": Status.FAILED, "INCOMPLETE": Status.ERROR}.get(word, Status.PASSED)
    n_checks = len({r.check_id for r in report.results})
    lines.append(
        f"{paint(word, style)}: {count_phrase(total)} "
        f"({len(report.results)} result{'s' if len(report.results) != 1 else ''} from "
        f"{n_checks} check{'s' if n_checks != 1 else ''})"
    )
    return "\n".join(lines) + "\n"


def _heading(report: ScanReport) -> str:
    shown = report.targets[:MAX_TARGETS]
    targets = ", ".join(shown) if shown else "(no targets)"
    if len(report.targets) > len(shown):
        targets += f" and {len(report.targets) - len(shown)} more"
    text = f"soc2-checks {report.kind} scan of {targets}"
    if report.period_start or report.period_end:
        start = report.period_start.isoformat() if report.period_start else "..."
        end = report.period_end.isoformat() if report.period_end else "..."
        text += f", audit period {start} to {end}"
    return text


def _colored_counts(c: dict[Status, int], paint: _Paint) -> str:
    parts = []
    for part, status in zip(count_phrase(c).split(", "), WORST_FIRST, strict=True):
        if c[status]:
            parts.append(paint(part, status) if status is not Status.PASSED else part)
    return ", ".join(parts)


def _result_lines(r: Result, paint: _Paint) -> list[str]:
    status = str(r.status)
    where = location(r.resource)
    head = f"    {paint(status.ljust(8), r.status)}  {r.resource.id}"
    if where and where != r.resource.id:
        head += f"  {paint(where, 'dim')}"
    indent = " " * 14
    out = [head]
    if r.status is Status.EXEMPTED and r.exemption is not None:
        out.append(f"{indent}exempted: {exemption_text(r.exemption)}")
    else:
        out.append(f"{indent}{_one_line(r.message)}")
        details = [d for d in r.details if _one_line(d) not in r.message]  # no line said twice
        shown = details[:MAX_DETAILS]
        out.extend(f"{indent}- {_one_line(d)}" for d in shown)
        if len(details) > len(shown):
            out.append(f"{indent}- ... {len(details) - len(shown)} more (see -o json)")
    return out


def _comparison_lines(comparison: dict, paint: _Paint) -> list[str]:
    from . import _changes

    out = [paint(_changes.headline(comparison), "bold")]
    for label, texts, more in _changes.listed(comparison):
        out += [f"  {label}: {_one_line(t)}" for t in texts]
        if more:
            out.append(f"  {label}: ... {more} more (see -o json)")
    return out + [""]


def _one_line(text: str) -> str:
    return " ".join(text.split())
