"""``-o html``: one self-contained page for the engineering manager and the auditor.

The page answers, top to bottom: did the scan pass, when was the evidence collected and of
what; how each Trust Services Criterion stands (a criteria x status matrix of counts); what
FAILED and how to fix it; what could not be checked; which exemptions let a failure through,
approved by whom and until when; and what is wrong with the register itself.

It is a single file that loads nothing: the stylesheet is inline and pinned by its hash in a
Content-Security-Policy that forbids every other source, there is no script, and every piece
of text from a scan (resource names, messages, register entries) is HTML-escaped, so a hostile
resource name shows as text and the page can be mailed or archived with the evidence.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import __version__
from ..model import Result, Status
from ..report import ScanReport, check_sort_key, sorted_results
from . import RenderOptions, writer
from ._facts import (
    WORST_FIRST,
    by_criterion_and_check,
    check_info,
    count_phrase,
    counts,
    criterion_title,
    iso_utc,
    location,
    outcome_text,
    overall_word,
    worst,
)
from ._html_style import CSS

CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = f"default-src 'none'; style-src '{CSS_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'"

OUTCOME_SECTIONS = (
    ("expiring_soon", "Exemptions expiring within 30 days", "Renew or remediate them before they lapse."),
    ("expired", "Expired exemptions", "Their results are FAILED again."),
    (
        "not_verified",
        "Exemptions not applied",
        "A compensating control they rely on did not pass, so their results stay FAILED.",
    ),
    (
        "invalid_suppressions",
        "Invalid inline suppressions",
        "An inline suppression counts only when it cites a valid register entry; these results stay FAILED.",
    ),
    ("unused", "Unused exemptions", "They exempted nothing in this scan: retire them or correct their selectors."),
)

STATUS_WORD = {
    Status.PASSED: "Passed",
    Status.FAILED: "Failed",
    Status.EXEMPTED: "Exempted",
    Status.ERROR: "Error",
}
OUTCOME_NOTE = {
    "FAILED": "At least one check FAILED.",
    "INCOMPLETE": "Nothing FAILED, but some results could not be checked: the scan is incomplete.",
    "PASSED": "Every result PASSED or is covered by an approved exemption.",
}
MATRIX_COLUMNS = (Status.PASSED, Status.FAILED, Status.EXEMPTED, Status.ERROR)


def e(value: object) -> str:
    """Text made safe for element content and double-quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def anchor(prefix: str, key: str) -> str:
    return prefix + "-" + re.sub(r"[^A-Za-z0-9_.-]", "_", key)


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _time(t: dt.datetime) -> str:
    utc = t.astimezone(dt.UTC)
    return f'<time datetime="{e(iso_utc(t))}">{e(utc.strftime("%Y-%m-%d %H:%M:%S UTC"))}</time>'


def _badge(status: Status | str, text: str | None = None) -> str:
    s = str(status)
    return f'<span class="badge {e(s)}">{e(text or s)}</span>'


def _severity(sev: object) -> str:
    return f'<span class="sev {e(sev)}">{e(sev)}</span>'


def _where(r: Result) -> str:
    where = location(r.resource)
    return "" if where == r.resource.id else where


def _as_of(report: ScanReport, st: Any) -> dt.date:
    as_of = getattr(st, "as_of", None)
    return as_of if isinstance(as_of, dt.date) else report.finished_at.astimezone(dt.UTC).date()


@writer("html")
def render_html(report: ScanReport, st: Any, options: RenderOptions) -> str:
    word = overall_word(report)
    results = sorted_results(report.results)
    parts = [
        _head(report, word),
        "<body>\n",
        _header(report, st, word),
        _nav(report, results),
        "<main>\n",
        _summary(report, results),
        _matrix(results, st),
        _failed(results, st),
        _errors(results),
        _exemptions(report, results, st),
        _register_outcome(report),
        _warnings(report),
        _checks(results, st),
        "</main>\n",
        _footer(report),
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def _scope(report: ScanReport) -> str:
    return f"{report.kind} scan of {', '.join(report.targets)}" if report.targets else f"{report.kind} scan"


def _head(report: ScanReport, word: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="soc2-checks {e(__version__)}">\n'
        f"<title>SOC 2 checks: {e(word)} ({e(_scope(report))})</title>\n"
        f"<style>{CSS}</style>\n</head>\n"
    )


def _header(report: ScanReport, st: Any, word: str) -> str:
    duration = int((report.finished_at - report.started_at).total_seconds())
    rows = [
        ("Scan", e(report.kind)),
        ("Targets", " ".join(f"<code>{e(t)}</code>" for t in report.targets) or "<em>none</em>"),
        (
            "Collected",
            f'{_time(report.finished_at)} <span class="muted">(scan started {_time(report.started_at)}, '
            f"took {e(_duration(duration))})</span>",
        ),
    ]
    if report.period_start or report.period_end:
        start = report.period_start.isoformat() if report.period_start else "..."
        end = report.period_end.isoformat() if report.period_end else "..."
        rows.append(("Audit period", f"{e(start)} to {e(end)}"))
    rows.append(("Exemptions judged as of", e(_as_of(report, st).isoformat())))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        '<header class="top">\n<p class="brand">SOC 2 checks report</p>\n'
        f'<h1><span class="badge big {e(word)}" data-outcome="{e(word)}">{e(word)}</span> {e(_scope(report))}</h1>\n'
        f'<p class="lead">{e(OUTCOME_NOTE[word])}</p>\n'
        f'<dl class="meta" id="scan">{dl}</dl>\n</header>\n'
    )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, s = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {s} s"
    hours, m = divmod(minutes, 60)
    return f"{hours} h {m} min"


def _nav(report: ScanReport, results: list[Result]) -> str:
    c = counts(results)
    links = [("criteria", "Criteria")]
    if c[Status.FAILED]:
        links.append(("failed", f"Failed ({c[Status.FAILED]})"))
    if c[Status.ERROR]:
        links.append(("errors", f"Not checked ({c[Status.ERROR]})"))
    if c[Status.EXEMPTED]:
        links.append(("exemptions", f"Exemptions ({c[Status.EXEMPTED]})"))
    if _outcome_count(report):
        links.append(("register", f"Register findings ({_outcome_count(report)})"))
    if report.warnings:
        links.append(("warnings", f"Warnings ({len(report.warnings)})"))
    links.append(("checks", "All checks"))
    return "<nav>" + "".join(f'<a href="#{k}">{e(v)}</a>' for k, v in links) + "</nav>\n"


def _outcome_count(report: ScanReport) -> int:
    return sum(len(getattr(report.exemptions, attr, None) or []) for attr, _, _ in OUTCOME_SECTIONS)


def _summary(report: ScanReport, results: list[Result]) -> str:
    c = counts(results)
    tiles = "".join(
        f'<div class="tile {e(s)}{" zero" if not c[s] else ""}" data-total="{e(s)}">'
        f'<span class="n">{c[s]}</span><span class="label">{e(STATUS_WORD[s].lower())}</span></div>'
        for s in WORST_FIRST
    )
    n_checks = len({r.check_id for r in results})
    out = (
        '<section id="summary">\n'
        f'<div class="tiles">{tiles}</div>\n'
        f'<p class="muted">{e(_n(len(results), "result"))} from {e(_n(n_checks, "check"))}.</p>\n'
    )
    if c[Status.ERROR]:
        out += (
            '<p class="banner ERROR" role="alert"><strong>'
            f"{e(_n(c[Status.ERROR], 'result'))} could not be checked.</strong> "
            "Data was missing or a check could not run, so these results prove nothing either way; "
            'see <a href="#errors">Could not be checked</a>.</p>\n'
        )
    if report.warnings:
        out += (
            f'<p class="banner warning"><strong>{e(_n(len(report.warnings), "warning"))}</strong> about the scan '
            'itself; see <a href="#warnings">Warnings</a>.</p>\n'
        )
    return out + "</section>\n"


def _matrix(results: list[Result], st: Any) -> str:
    groups = by_criterion_and_check(results)
    out = ['<section id="criteria">\n<h2>Trust Services Criteria</h2>\n']
    if not groups:
        out.append('<p class="empty">No check produced a result: nothing in scope was found.</p>\n</section>\n')
        return "".join(out)
    out.append(
        '<p class="muted">Results by criterion and status. A result that supports two criteria is counted '
        "under each; the last row counts every result once.</p>\n"
    )
    head = "".join(f'<th class="num" data-status="{e(s)}">{e(STATUS_WORD[s])}</th>' for s in MATRIX_COLUMNS)
    out.append(
        '<table id="matrix" class="matrix">\n<thead><tr><th>Criterion</th><th>Title</th><th>Status</th>'
        f'<th class="num">Checks</th>{head}</tr></thead>\n<tbody>\n'
    )
    for criterion, checks in groups.items():
        rs = [r for group in checks.values() for r in group]
        out.append(_matrix_row(criterion, criterion_title(st, criterion), rs, checks))
    out.append("</tbody>\n<tfoot>\n")
    out.append(_matrix_row("", "All results", results, {r.check_id: [] for r in results}, total=True))
    out.append("</tfoot>\n</table>\n</section>\n")
    return "".join(out)


def _matrix_row(criterion: str, title: str, rs: list[Result], checks: Mapping[str, Any], *, total: bool = False) -> str:
    c = counts(rs)
    status = worst(r.status for r in rs)
    cells = "".join(
        f'<td class="num {e(s)}{" zero" if not c[s] else ""}" data-status="{e(s)}">{c[s]}</td>' for s in MATRIX_COLUMNS
    )
    check_links = ", ".join(f'<a href="#{e(anchor("check", cid))}">{e(cid)}</a>' for cid in checks)
    if total:
        return (
            f'<tr class="total" data-criterion="*"><th colspan="2">{e(title)}</th><td>{_badge(status)}</td>'
            f'<td class="num">{len(checks)}</td>{cells}</tr>\n'
        )
    return (
        f'<tr data-criterion="{e(criterion)}"><th class="crit">{e(criterion)}</th>'
        f'<td>{e(title)}<div class="checks">{check_links}</div></td><td>{_badge(status)}</td>'
        f'<td class="num">{len(checks)}</td>{cells}</tr>\n'
    )


def _by_check(results: Iterable[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.check_id, []).append(r)
    return dict(sorted(out.items(), key=lambda kv: check_sort_key(kv[0])))


def _criteria_chips(criteria: Iterable[str]) -> str:
    chips = "".join(f'<span class="chip">{e(c)}</span>' for c in criteria)
    return chips or '<span class="chip unmapped">not mapped</span>'


def _message(r: Result) -> str:
    text = e(r.message)
    if r.details:
        text += '<ul class="details">' + "".join(f"<li>{e(d)}</li>" for d in r.details) + "</ul>"
    return text


def _failed(results: list[Result], st: Any) -> str:
    failed = _by_check(r for r in results if r.status is Status.FAILED)
    if not failed:
        return ""
    n = sum(len(v) for v in failed.values())
    out = [
        '<section id="failed">\n'
        f'<h2>Failed checks <span class="count">{e(_n(n, "result"))} from {e(_n(len(failed), "check"))}</span></h2>\n'
    ]
    for check_id, rs in failed.items():
        info = check_info(st, rs[0])
        out.append(
            f'<details open class="check FAILED" id="{e(anchor("failed", check_id))}" data-check="{e(check_id)}">'
            f'<summary><span class="cid">{e(check_id)}</span> {e(info.title or rs[0].title)} '
            f"{_severity(rs[0].severity)} {_criteria_chips(rs[0].criteria)} "
            f'<span class="count">{e(_n(len(rs), "resource"))}</span></summary>\n'
        )
        if info.remediation:
            out.append(f'<p class="remediation"><strong>Remediation.</strong> {e(info.remediation)}</p>\n')
        out.append("<table><thead><tr><th>Resource</th><th>Location</th><th>Why it failed</th></tr></thead><tbody>\n")
        for r in rs:
            out.append(
                f'<tr data-status="FAILED"><td class="res"><code>{e(r.resource.id)}</code></td>'
                f'<td class="loc"><code>{e(_where(r))}</code></td><td>{_message(r)}</td></tr>\n'
            )
        out.append("</tbody></table>\n</details>\n")
    out.append("</section>\n")
    return "".join(out)


def _errors(results: list[Result]) -> str:
    errors = [r for r in results if r.status is Status.ERROR]
    if not errors:
        return ""
    out = [
        '<section id="errors">\n'
        f'<h2>Could not be checked <span class="count">{e(_n(len(errors), "result"))}</span></h2>\n'
        '<p class="note ERROR">These are holes in the evidence, not passes: grant the missing permission or fix '
        "the input and scan again.</p>\n"
        "<table><thead><tr><th>Check</th><th>Resource</th><th>Location</th><th>What went wrong</th></tr></thead>"
        "<tbody>\n"
    ]
    for r in errors:
        out.append(
            f'<tr data-status="ERROR"><td><span class="cid">{e(r.check_id)}</span> {e(r.title)}</td>'
            f'<td class="res"><code>{e(r.resource.id)}</code></td>'
            f'<td class="loc"><code>{e(_where(r))}</code></td><td>{_message(r)}</td></tr>\n'
        )
    out.append("</tbody></table>\n</section>\n")
    return "".join(out)


# --------------------------------------------------------------------------- exemptions


def _exemptions(report: ScanReport, results: list[Result], st: Any) -> str:
    exempted = [r for r in results if r.status is Status.EXEMPTED]
    if not exempted:
        return ""
    by_entry: dict[str, list[Result]] = {}
    for r in exempted:
        by_entry.setdefault(r.exemption.id if r.exemption else "", []).append(r)
    register = getattr(st, "register", None)
    as_of = _as_of(report, st)
    soon = {str(i.get("entry")) for i in report.exemptions.expiring_soon if isinstance(i, Mapping)}
    out = [
        '<section id="exemptions">\n'
        f'<h2>Exemptions applied <span class="count">{e(_n(len(exempted), "result"))} under '
        f"{'1 entry' if len(by_entry) == 1 else f'{len(by_entry)} entries'}</span></h2>\n"
        '<p class="muted">Failed results accepted through the exemption register: each entry records the '
        "constraint, the compensating controls, who approved it and until when.</p>\n"
    ]
    for entry_id, rs in sorted(by_entry.items()):
        entry = register.get(entry_id) if register is not None and entry_id else None
        out.append(_entry_card(entry_id, entry, rs, as_of, expiring=entry_id in soon))
    out.append("</section>\n")
    return "".join(out)


def _expiry(expires_on: str, as_of: dt.date, *, expiring: bool) -> str:
    try:
        left = (dt.date.fromisoformat(expires_on) - as_of).days
    except ValueError:
        return e(expires_on)
    cls = "expiring" if expiring else "muted"
    return f'{e(expires_on)} <span class="{cls}">({e(_n(left, "day"))} left)</span>'


def _entry_card(entry_id: str, entry: Any, rs: list[Result], as_of: dt.date, *, expiring: bool) -> str:
    ref = rs[0].exemption
    approver = str(entry.approved_by) if entry is not None else (ref.approved_by if ref else "")
    expires_on = entry.expires_on.isoformat() if entry is not None else (ref.expires_on if ref else "")
    title = f" {e(entry.title)}" if entry is not None and entry.title else ""
    approved = f'<span data-field="approved_by">{e(approver)}</span>'
    if entry is not None:
        approved += f" on {e(entry.approved_on.isoformat())}"
    facts = [("Approved by", approved)]
    facts.append(("Expires", f'<span data-field="expires_on">{_expiry(expires_on, as_of, expiring=expiring)}</span>'))
    if entry is not None:
        facts.append(("Requested by", e(entry.requested_by)))
        facts.append(("Ticket", e(entry.ticket)))
        if entry.risk_level or entry.risk_description:
            risk = e(entry.risk_level or "")
            if entry.risk_description:
                risk += (": " if risk else "") + e(entry.risk_description)
            facts.append(("Risk", risk))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    out = [
        f'<article class="entry" id="{e(anchor("entry", entry_id))}" data-entry="{e(entry_id)}">\n'
        f'<h3><span class="cid">{e(entry_id or "(no entry)")}</span>{title} {_badge(Status.EXEMPTED, "approved")}'
        + (' <span class="badge warn">expiring soon</span>' if expiring else "")
        + "</h3>\n"
        f'<dl class="facts">{dl}</dl>\n'
    ]
    if entry is not None:
        out.append(f"<p><strong>Constraint.</strong> {e(entry.constraint)}</p>\n")
        if entry.compensating_controls:
            out.append('<p><strong>Compensating controls.</strong></p>\n<ol class="controls">\n')
            for control in entry.compensating_controls:
                out.append(f"<li>{e(control.description)}")
                if control.verified_by:
                    checks = ", ".join(e(c) for c in control.verified_by)
                    out.append(f'<div class="verified">Verified: {checks} PASSED on the exempted resources.</div>')
                else:
                    out.append('<div class="muted">Not verified by a check.</div>')
                if control.evidence:
                    out.append(f'<div class="evidence">Evidence: {e(control.evidence)}</div>')
                out.append("</li>\n")
            out.append("</ol>\n")
    else:
        out.append(
            '<p class="muted">The register was not given to this report: only the entry, approver and '
            "expiry the results carry are shown.</p>\n"
        )
    out.append("<table><thead><tr><th>Check</th><th>Resource</th><th>Location</th></tr></thead><tbody>\n")
    for r in rs:
        out.append(
            f'<tr data-status="EXEMPTED"><td><span class="cid">{e(r.check_id)}</span> {e(r.title)}</td>'
            f'<td class="res"><code>{e(r.resource.id)}</code></td>'
            f'<td class="loc"><code>{e(_where(r))}</code></td></tr>\n'
        )
    out.append("</tbody></table>\n</article>\n")
    return "".join(out)


def _register_outcome(report: ScanReport) -> str:
    blocks = []
    for attr, heading, note in OUTCOME_SECTIONS:
        items = getattr(report.exemptions, attr, None) or []
        if not items:
            continue
        lis = "".join(f"<li>{e(outcome_text(i) if isinstance(i, Mapping) else i)}</li>" for i in items)
        blocks.append(
            f'<div class="outcome {e(attr)}" data-outcome="{e(attr)}"><h3>{e(heading)} '
            f'<span class="count">{len(items)}</span></h3><p class="muted">{e(note)}</p><ul>{lis}</ul></div>\n'
        )
    if not blocks:
        return ""
    return (
        '<section id="register">\n<h2>Exemption register findings</h2>\n'
        '<p class="muted">What an auditor will ask about the register itself.</p>\n' + "".join(blocks) + "</section>\n"
    )


def _warnings(report: ScanReport) -> str:
    if not report.warnings:
        return ""
    lis = "".join(f"<li>{e(w)}</li>" for w in report.warnings)
    return f'<section id="warnings">\n<h2>Warnings</h2>\n<ul class="warnings">{lis}</ul>\n</section>\n'


def _checks(results: list[Result], st: Any) -> str:
    by_check = _by_check(results)
    if not by_check:
        return ""
    head = "".join(f'<th class="num">{e(STATUS_WORD[s])}</th>' for s in MATRIX_COLUMNS)
    out = [
        '<section id="checks">\n<h2>All checks</h2>\n'
        "<table><thead><tr><th>Check</th><th>Title</th><th>Severity</th><th>Criteria</th><th>Status</th>"
        f"{head}</tr></thead><tbody>\n"
    ]
    for check_id, rs in by_check.items():
        info = check_info(st, rs[0])
        c = counts(rs)
        cells = "".join(
            f'<td class="num {e(s)}{" zero" if not c[s] else ""}" data-status="{e(s)}">{c[s]}</td>'
            for s in MATRIX_COLUMNS
        )
        out.append(
            f'<tr id="{e(anchor("check", check_id))}" data-check="{e(check_id)}"><td class="cid">{e(check_id)}</td>'
            f"<td>{e(info.title or rs[0].title)}</td><td>{_severity(rs[0].severity)}</td>"
            f"<td>{_criteria_chips(rs[0].criteria)}</td><td>{_badge(worst(r.status for r in rs))}</td>{cells}</tr>\n"
        )
    out.append("</tbody></table>\n</section>\n")
    return "".join(out)


def _footer(report: ScanReport) -> str:
    return (
        f"<footer>Generated by soc2-checks {e(__version__)} from a {e(report.kind)} scan finished "
        f"{_time(report.finished_at)}: {e(count_phrase(counts(report.results)))}. This page is self-contained: "
        "it loads no script, style, font or image from anywhere.</footer>\n"
    )
