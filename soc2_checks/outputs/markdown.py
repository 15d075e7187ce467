"""``-o markdown``: the pull-request comment.

A headline with the outcome, a table by criterion, then the failures (collapsed, grouped by
check with its remediation), the results that could not be checked, and what the exemption
register did. GitHub refuses comments over 65,536 characters, so the lists are cut to fit,
most important first, and each cut says how many entries it left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Result, Status
from ..report import ScanReport, sorted_results
from . import RenderOptions, writer
from ._facts import (
    by_criterion_and_check,
    check_info,
    count_phrase,
    counts,
    criterion_title,
    location,
    outcome_text,
    overall_word,
    worst,
)

GITHUB_COMMENT_LIMIT = 65_536
MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536
"""Room left for what bots wrap around the body (a marker comment, a footer)."""

OUTCOME_SECTIONS = (
    ("expiring_soon", "Exemptions expiring within 30 days", "Renew or remediate before they lapse.", "expiring"),
    ("expired", "Expired exemptions", "Their results stay FAILED.", "expired exemptions"),
    (
        "not_verified",
        "Exemptions not applied",
        "A compensating control they rely on did not pass; their results stay FAILED.",
        "exemptions not applied",
    ),
    (
        "invalid_suppressions",
        "Invalid inline suppressions",
        "A suppression counts only when it cites a valid register entry; these results stay FAILED.",
        "invalid suppressions",
    ),
    (
        "unused",
        "Unused exemptions",
        "They exempted nothing in this scan: retire them or correct their selectors.",
        "unused exemptions",
    ),
)

MAX_CELL = 400
MAX_TARGETS = 5

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def md_text(text: object, limit: int = MAX_CELL) -> str:
    """Plain text made safe for a table cell or a list item: one line, markup characters
    escaped (a resource name with ``|`` or a message with backticks must not break the
    table), and bounded in length."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_code(text: object, limit: int = MAX_CELL) -> str:
    """A code span that survives backticks and pipes in its content."""
    s = " ".join(str(text).split())
    if not s:
        return ""
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    runs = [len(m) for m in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s.replace('|', chr(92) + '|')}{pad}{fence}"


@dataclass
class _Section:
    """A block whose items may be cut: ``open`` and ``close`` always appear when the section
    has items; each item carries the sub-heading written once before the first item under it."""

    open: str
    close: str
    label: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (group heading, item text)

    def fixed_cost(self) -> int:
        return len(self.open) + len(self.close) + len(_more_line(10**9, self.label))


def _more_line(n: int, label: str) -> str:
    return f"\n_... and {n} more {label} (the full list is in `-o json`)._\n"


@writer("markdown")
def render_markdown(report: ScanReport, st: Any, options: RenderOptions) -> str:
    head = _headline(report) + _criterion_table(report, st)
    sections = [s for s in _sections(report, st) if s.items]
    budget = MAX_CHARS - len(head) - sum(s.fixed_cost() for s in sections)
    shares = _shares([_full_cost(s) for s in sections], budget)
    parts = [head]
    for s, share in zip(sections, shares, strict=True):
        parts.append(s.open + _fill(s, share) + s.close)
    return "".join(parts).rstrip("\n") + "\n"


def _full_cost(s: _Section) -> int:
    headings = {h for h, _ in s.items}
    return sum(len(t) for _, t in s.items) + sum(len(h) for h in headings)


def _shares(costs: list[int], budget: int) -> list[int]:
    """Split the budget so that short sections (a few exemptions, a warning) appear whole and
    only the long ones are cut: each section in turn, smallest first, gets what it needs or an
    equal part of what is left."""
    shares = [0] * len(costs)
    left = max(budget, 0)
    order = sorted(range(len(costs)), key=lambda i: costs[i])
    for n, i in enumerate(order):
        shares[i] = min(costs[i], left // (len(order) - n))
        left -= shares[i]
    return shares


def _fill(s: _Section, budget: int) -> str:
    out: list[str] = []
    group = None
    for i, (heading, text) in enumerate(s.items):
        cost = len(text) + (len(heading) if heading != group else 0)
        if cost > budget:
            out.append(_more_line(len(s.items) - i, s.label))
            break
        if heading != group:
            out.append(heading)
            group = heading
        out.append(text)
        budget -= cost
    return "".join(out)


def _headline(report: ScanReport) -> str:
    word = overall_word(report)
    c = counts(report.results)
    n_checks = len({r.check_id for r in report.results})
    phrase = count_phrase(c).split(", ")
    if c[Status.FAILED]:
        phrase[0] = f"**{phrase[0]}**"
    targets = [md_code(t, 120) for t in report.targets[:MAX_TARGETS]]
    if len(report.targets) > MAX_TARGETS:
        targets.append(f"{len(report.targets) - MAX_TARGETS} more")
    scope = f"{report.kind} scan of {', '.join(targets)}" if targets else f"{report.kind} scan"
    if report.period_start or report.period_end:
        start = report.period_start.isoformat() if report.period_start else "..."
        end = report.period_end.isoformat() if report.period_end else "..."
        scope += f", audit period {start} to {end}"
    return (
        f"### SOC 2 checks: {word}\n\n"
        f"{', '.join(phrase)} in {len(report.results)} results from {n_checks} checks ({scope}).\n\n"
    )


def _criterion_table(report: ScanReport, st: Any) -> str:
    groups = by_criterion_and_check(report.results)
    if not groups:
        return "No check produced a result: nothing in scope was found.\n\n"
    lines = [
        "| Criterion | Title | Status | Checks | Passed | Failed | Exempted | Error |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for criterion, checks in groups.items():
        results = [r for rs in checks.values() for r in rs]
        c = counts(results)
        status = worst(r.status for r in results)
        lines.append(
            f"| {md_text(criterion)} | {md_text(criterion_title(st, criterion))} | {status} | {len(checks)} | "
            f"{c[Status.PASSED]} | {c[Status.FAILED]} | {c[Status.EXEMPTED]} | {c[Status.ERROR]} |"
        )
    return "\n".join(lines) + "\n\n"


def _sections(report: ScanReport, st: Any) -> Iterable[_Section]:
    results = sorted_results(report.results)
    failed = [r for r in results if r.status is Status.FAILED]
    errors = [r for r in results if r.status is Status.ERROR]
    exempted = [r for r in results if r.status is Status.EXEMPTED]

    if report.comparison is not None:
        yield _comparison(report.comparison)
    yield _grouped(failed, st, f"{_n(len(failed), 'failed result')}", "failed results", remediation=True)
    yield _grouped(errors, st, f"{_n(len(errors), 'result')} could not be checked (ERROR)", "errors", remediation=False)
    if exempted:
        section = _Section(
            open=f"#### Exemptions applied ({len(exempted)})\n\n"
            "| Check | Resource | Location | Entry | Approved by | Expires |\n|---|---|---|---|---|---|\n",
            close="\n",
            label="exempted results",
        )
        for r in exempted:
            e = r.exemption
            section.items.append(
                (
                    "",
                    f"| {md_text(r.check_id)} | {md_code(r.resource.id)} | {md_code(_where(r))} | "
                    f"{md_text(e.id if e else '')} | {md_text(e.approved_by if e else '')} | "
                    f"{md_text(e.expires_on if e else '')} |\n",
                )
            )
        yield section
    for attr, heading, note, label in OUTCOME_SECTIONS:
        items = getattr(report.exemptions, attr, None) or []
        section = _Section(open=f"#### {heading} ({len(items)})\n\n{note}\n\n", close="\n", label=label)
        for item in items:
            text = outcome_text(item) if isinstance(item, Mapping) else str(item)
            section.items.append(("", f"- {md_text(text, 600)}\n"))
        yield section
    warnings = _Section(open=f"#### Warnings ({len(report.warnings)})\n\n", close="\n", label="warnings")
    warnings.items = [("", f"- {md_text(w, 600)}\n") for w in report.warnings]
    yield warnings


def _comparison(comparison: Mapping[str, Any]) -> _Section:
    """Always shown when asked for (a headline even when nothing changed), lists cut to fit."""
    from . import _changes

    section = _Section(open=f"#### {md_text(_changes.headline(comparison), 600)}\n", close="\n", label="changes")
    for label, texts, more in _changes.listed(comparison):
        heading = f"\n{label.capitalize()}:\n\n"
        section.items += [(heading, f"- {md_text(t, 600)}\n") for t in texts]
        if more:
            section.items.append((heading, f"- _... and {more} more (the full list is in `-o json`)._\n"))
    if not section.items:
        section.items = [("", "\nNo finding changed.\n")]
    return section


def _grouped(results: list[Result], st: Any, summary: str, label: str, *, remediation: bool) -> _Section:
    section = _Section(open=f"<details><summary>{summary}</summary>\n", close="\n</details>\n\n", label=label)
    by_check: dict[str, list[Result]] = {}
    for r in results:
        by_check.setdefault(r.check_id, []).append(r)
    for check_id, rs in by_check.items():
        info = check_info(st, rs[0])
        heading = f"\n**{md_text(check_id)}** {md_text(rs[0].title)} ({rs[0].severity})\n"
        if remediation and info.remediation:
            heading += f"Remediation: {md_text(info.remediation, 1000)}\n"
        heading += "\n| Resource | Location | Message |\n|---|---|---|\n"
        for r in rs:
            message = f"{r.message} ({'; '.join(r.details)})" if r.details else r.message
            section.items.append(
                (heading, f"| {md_code(r.resource.id)} | {md_code(_where(r))} | {md_text(message)} |\n")
            )
    return section


def _where(r: Result) -> str:
    where = location(r.resource)
    return "" if where == r.resource.id else where


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
