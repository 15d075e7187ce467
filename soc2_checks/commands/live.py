"""``soc2-checks live``: scan a live AWS account with the registered checks.

boto3 and botocore are imported only when the command runs, so ``--help`` stays instant."""

from __future__ import annotations

import argparse
import datetime as dt

from ..errors import UsageError
from .common import add_report_options, finish, parse_date, setup
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
    a = p.add_argument_group("account")
    a.add_argument("--profile", metavar="NAME", help="AWS shared-config profile (default: the credential chain)")
    a.add_argument("--role-arn", metavar="ARN", help="assume this role for the scan (refreshed for long scans)")
    a.add_argument("--external-id", metavar="ID", help="external ID the role's trust policy requires (with --role-arn)")
    where = a.add_mutually_exclusive_group()
    where.add_argument(
        "--regions", metavar="R1,R2", help="regions to scan (default: every region enabled for the account)"
    )
    where.add_argument(
        "--all-regions",
        action="store_true",
        help="every region of the partition; regions the account has not enabled are listed in a warning",
    )
    a.add_argument("--endpoint-url", metavar="URL", help="send every call here (a local emulator such as moto_server)")
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
        "--account-workers", type=_positive_int, default=4, metavar="N", help="accounts scanned at once (4)"
    )
    period = p.add_argument_group("audit period")
    period.add_argument("--period-start", type=parse_date, metavar="DATE", help="first day of the audit period")
    period.add_argument(
        "--period-end",
        type=parse_date,
        metavar="DATE",
        help="last day of the audit period; access-key age is counted to it (default: today, UTC)",
    )
    tune = p.add_argument_group("network")
    tune.add_argument("--retry-mode", choices=("standard", "adaptive"), default="standard", help="botocore retry mode")
    tune.add_argument(
        "--max-attempts", type=_positive_int, default=8, metavar="N", help="attempts per call, first included (8)"
    )
    tune.add_argument(
        "--timeout", type=_positive_float, default=30.0, metavar="SECONDS", help="read timeout per request (30)"
    )
    tune.add_argument("--workers", type=_positive_int, default=8, metavar="N", help="concurrent reads (8)")
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
    from ..live.session import Connection, ConnectOptions
    from ..live.shard import resolve_shard
    from ..registry import RuleContext
    from ..report import ScanReport

    if args.external_id and not args.role_arn:
        raise UsageError("--external-id needs --role-arn")
    if not args.org:
        for flag, value in (("--org-role", args.org_role), ("--shard", args.shard)):
            if value is not None:
                raise UsageError(f"{flag} needs --org")
    shard = resolve_shard(args.shard) if args.shard else None
    role = check_role_name(args.org_role) if args.org_role else DEFAULT_ROLE
    today = dt.datetime.now(dt.UTC).date()
    period_end = args.period_end or today
    if args.period_start and args.period_start > period_end:
        raise UsageError(f"--period-start {args.period_start} is after the period end {period_end}")
    regions = parse_regions(args.regions) if args.regions else None
    st = setup(args)
    records = records_from_args(args)
    if records is not None and args.org:
        raise UsageError(
            "--records joins leavers and findings with one account; with --org, run it against the account "
            "that holds IAM Identity Center (and each account's IAM users) separately"
        )
    previous = load_previous(args.compare_to, "live") if args.compare_to else None
    options = ConnectOptions(
        profile=args.profile,
        role_arn=args.role_arn,
        external_id=args.external_id,
        endpoint_url=args.endpoint_url,
        retry_mode=args.retry_mode,
        max_attempts=args.max_attempts,
        read_timeout=args.timeout,
        connect_timeout=min(5.0, args.timeout),
    )
    ctx = RuleContext(as_of=st.as_of, period_start=args.period_start, period_end=period_end)
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

            collectors = all_collectors() + live_join.collectors(records, args.period_start, period_end)
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
        period_end=period_end,
        warnings=scan.warnings,
        shard=shard_info,
    )
    if previous is not None:
        report.comparison = compare(previous.report, report, args.compare_to)
    return finish(report, st, args)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _shard_spec(text: str):
    from ..live.shard import parse_shard

    return parse_shard(text)
