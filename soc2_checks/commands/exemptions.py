"""``soc2-checks exemptions validate|report``: check the register in CI, and print it for the
auditor with each entry's status and change history."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .common import atomic_write, parse_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "exemptions",
        help="validate or report the compensating-control exemption register",
        description="The exemption register records approved compensating controls: which checks and "
        "resources an exception covers, why, who approved it and until when.",
    )
    actions = p.add_subparsers(dest="exemptions_action", metavar="ACTION")
    actions.required = True

    v = actions.add_parser(
        "validate",
        help="check a register against its schema and rules (exit 0 valid, 2 invalid)",
        description="Validate a register: schema, known check IDs, approver differs from requester, "
        "expiry after approval, no approval in the future, unique entry IDs. Expired and soon-expiring "
        "entries are warnings, not errors.",
    )
    v.add_argument("file", metavar="FILE")
    v.add_argument(
        "--as-of", type=parse_date, metavar="DATE", help="date expiry is judged against (default: today, UTC)"
    )
    v.set_defaults(func=run_validate)

    r = actions.add_parser(
        "report",
        help="print the register as an auditor reads it, with status and git change history",
        description="Print every entry with its checks, resources, constraint, compensating controls "
        "(verified against a scan's JSON results when given), approval, dates, status and the git "
        "commits that changed it.",
    )
    r.add_argument("file", metavar="FILE")
    r.add_argument("-o", "--output", choices=("markdown", "csv"), default="markdown")
    r.add_argument(
        "--results",
        metavar="RESULTS.json",
        help="JSON results of a scan (-o json): shows which entries were used and whether each "
        "compensating control's checks passed",
    )
    r.add_argument(
        "--as-of", type=parse_date, metavar="DATE", help="date statuses are judged against (default: today, UTC)"
    )
    r.add_argument("--output-file", metavar="PATH", help="write the report here instead of stdout")
    r.set_defaults(func=run_report)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def run_validate(args: argparse.Namespace) -> int:
    from ..exemptions import load_register, validation_summary
    from ..plugins import load

    register = load_register(args.file, load().registry)
    summary, warnings = validation_summary(register, args.as_of or _today())
    for w in warnings:
        print(f"soc2-checks: warning: {args.file}: {w}", file=sys.stderr)
    print(f"{args.file}: {summary}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from ..exemptions import load_register
    from ..exemptions_history import register_history
    from ..exemptions_report import build_report, load_results, render_csv, render_markdown
    from ..plugins import load

    register = load_register(args.file, load().registry)
    results = load_results(args.results) if args.results else None
    history = register_history(args.file, [e.id for e in register])
    report = build_report(register, args.as_of or _today(), history, results, args.results)
    text = render_csv(report) if args.output == "csv" else render_markdown(report)
    if args.output_file:
        atomic_write(Path(args.output_file), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0
