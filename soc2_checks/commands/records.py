"""``soc2-checks records``: the operating-effectiveness checks over the organisation's own
records (SOC2_OPS_3..6), with no AWS access.

SOC2_OPS_1 (leavers) and SOC2_OPS_2 (GuardDuty findings) join records with live AWS data; this
command reports them as ERROR pointing at ``soc2-checks live --records DIR``, so a records-only
run never reads as if they had passed."""

from __future__ import annotations

import argparse
import datetime as dt

from ..errors import UsageError
from .common import add_report_options, finish, parse_date, setup


def add_records_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    """The records options, shared with any command that joins records (``live``)."""
    g = p.add_argument_group("records")
    g.add_argument(
        "--records",
        metavar="DIR",
        required=required,
        help="folder of records found by conventional names: hr-terminations.csv, hr-employees.csv, hr-columns.yaml, "
        "tickets.csv/.json, access-reviews.yaml, incidents.yaml, vendors.csv/.yaml, policies/",
    )
    g.add_argument("--hr-terminations", metavar="FILE", help="HR termination list (CSV), instead of the folder's")
    g.add_argument(
        "--hr-employees",
        metavar="FILE",
        help="current staff list (CSV): an AWS identity that matches a leaver and a current employee is ambiguous",
    )
    g.add_argument(
        "--hr-columns",
        metavar="FILE",
        help="column mapping for the HR exports (YAML: columns.name/email/last_day/..., date_format)",
    )
    g.add_argument(
        "--tickets",
        metavar="FILE",
        action="append",
        help="ticket export (Jira CSV or JSON), instead of the folder's; repeatable",
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "records",
        help="check the organisation's records: incident response, access reviews, vendors, policies",
        description="Run the operating-effectiveness checks a Type II auditor samples over the organisation's own "
        "records: incident-response testing (SOC2_OPS_3), quarterly access reviews (SOC2_OPS_4), vendor reviews "
        "(SOC2_OPS_5) and policies under version control (SOC2_OPS_6). SOC2_OPS_1 and SOC2_OPS_2 need live AWS data "
        "and report ERROR here: run 'soc2-checks live --records DIR'. Invalid records exit 2 naming the file and row.",
    )
    add_records_options(p, required=True)
    period = p.add_argument_group("audit period")
    period.add_argument(
        "--period-start",
        type=parse_date,
        metavar="DATE",
        help="first day of the audit period (default: twelve months before the period end)",
    )
    period.add_argument(
        "--period-end", type=parse_date, metavar="DATE", help="last day of the audit period (default: today, UTC)"
    )
    add_report_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..records import scan
    from ..registry import RuleContext
    from ..report import ScanReport

    started = dt.datetime.now(dt.UTC)
    period_end = args.period_end or started.date()
    if args.period_start and args.period_start > period_end:
        raise UsageError(f"--period-start {args.period_start} is after the period end {period_end}")
    st = setup(args)
    records = records_from_args(args)
    ctx = RuleContext(as_of=st.as_of, period_start=args.period_start, period_end=period_end)
    done = scan.run(records, st.registry, ctx, st.mapping.criteria_for, live=False, folder=str(args.records))
    report = ScanReport(
        kind="records",
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        targets=[str(args.records)],
        results=done.results,
        period_start=done.ctx.period_start,
        period_end=period_end,
        warnings=done.warnings,
    )
    return finish(report, st, args)


def records_from_args(args: argparse.Namespace):
    """The records the options name (None when none do), validated: invalid records stop the
    command (exit 2) before anything is read or judged."""
    from ..records.load import load_records

    if not (args.records or args.hr_terminations or args.hr_employees or args.tickets):
        return None
    return load_records(
        args.records,
        hr_terminations=args.hr_terminations,
        hr_employees=args.hr_employees,
        hr_columns=args.hr_columns,
        tickets=args.tickets,
    )
