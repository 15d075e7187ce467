"""``soc2-checks live``: scan a live AWS account with the registered checks.

boto3 and botocore are imported only when the command runs, so ``--help`` stays instant."""

from __future__ import annotations

import argparse
import datetime as dt

from ..errors import UsageError
from .aws_options import (
    add_account_options,
    add_network_options,
    add_period_options,
    connect_options,
    period_end,
    positive_int,
)
from .common import add_report_options, finish, setup
from .records import add_records_options, records_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "live",
        help="scan a live AWS account (read-only)",
        description="Read an AWS account with boto3 and run every check that has a LIVE source. The scanner calls "
        "only Describe*, Get*, List* and GenerateCredentialReport (refused in code otherwise); "
        "examples/iam/scanner-policy.json is the IAM policy it needs. Data that cannot be read is an ERROR "
        "naming the operation and the permission, never a PASS.",
    )
    add_account_options(p, "scan")
    org = p.add_argument_group("organization")
    org.add_argument(
        "--org",
        action="store_true",
        help="scan every active account of the caller's AWS Organization: the caller's own account with its "
        "credentials, every other account through --org-role",
    )
    org.add_argument(
        "--org-role",
        metavar="NAME",
        help="role assumed in each member account (default: OrganizationAccountAccessRole)",
    )
    org.add_argument(
        "--shard",
        type=_shard_spec,
        metavar="K/N",
        help="with --org, scan only shard K of N (K is 0-based: 0/4 ... 3/4); accounts go to shards by a stable "
        "hash of their ID. '--shard N' or 'auto/N' takes K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) "
        "or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job); combine the shards with 'soc2-checks merge'",
    )
    org.add_argument(
        "--account-workers", type=positive_int, default=4, metavar="N", help="accounts scanned at once (4)"
    )
    add_period_options(p, "default: none; the records are judged over the twelve months to the period end")
    add_network_options(p)
    add_records_options(p, required=False)
    add_report_options(p)
    p.add_argument(
        "--compare-to",
        metavar="PREVIOUS.json",
        help="an earlier '-o json' result: report what is new, resolved and still failing since then",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..live.collect import Progress
    from ..live.compare import compare, load_previous
    from ..live.org import DEFAULT_ROLE, check_role_name, scan_organization
    from ..live.regions import parse_regions
    from ..live.scan import scan_account
    from ..live.session import Connection
    from ..live.shard import resolve_shard
    from ..registry import RuleContext
    from ..report import ScanReport

    options = connect_options(args)
    if not args.org:
        for flag, value in (("--org-role", args.org_role), ("--shard", args.shard)):
            if value is not None:
                raise UsageError(f"{flag} needs --org")
    shard = resolve_shard(args.shard) if args.shard else None
    role = check_role_name(args.org_role) if args.org_role else DEFAULT_ROLE
    end = period_end(args)
    regions = parse_regions(args.regions) if args.regions else None
    st = setup(args)
    records = records_from_args(args)
    if records is not None and args.org:
        raise UsageError(
            "--records joins leavers and findings with one account; with --org, run it against the account "
            "that holds IAM Identity Center (and each account's IAM users) separately"
        )
    previous = load_previous(args.compare_to, "live") if args.compare_to else None
    ctx = RuleContext(as_of=st.as_of, period_start=args.period_start, period_end=end)
    started = dt.datetime.now(dt.UTC)
    common = dict(regions=regions, all_regions=args.all_regions, workers=args.workers, progress=Progress())
    shard_info = None
    if args.org:
        scan = scan_organization(
            lambda: Connection(options),
            st.registry,
            ctx,
            st.mapping.criteria_for,
            role=role,
            shard=shard,
            account_workers=args.account_workers,
            **common,
        )
        if shard is not None:
            org_id = scan.organization.id if scan.organization else None
            shard_info = {"index": shard.index, "count": shard.count, "accounts": scan.scanned, "organization": org_id}
    else:
        collectors = None
        if records is not None:
            from ..live.services import all_collectors
            from ..records import live_join

            collectors = all_collectors() + live_join.collectors(records, args.period_start, end)
        scan = scan_account(
            lambda: Connection(options), st.registry, ctx, st.mapping.criteria_for, collectors=collectors, **common
        )
    if records is not None:
        from ..records import scan as records_scan

        done = records_scan.run(records, st.registry, ctx, st.mapping.criteria_for, live=True)
        scan.results += done.results
        scan.warnings += done.warnings
    report = ScanReport(
        kind="live",
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        targets=scan.targets,
        results=scan.results,
        period_start=args.period_start,
        period_end=end,
        warnings=scan.warnings,
        shard=shard_info,
    )
    if previous is not None:
        report.comparison = compare(previous.report, report, args.compare_to)
    return finish(report, st, args)


def _shard_spec(text: str):
    from ..live.shard import parse_shard

    return parse_shard(text)
