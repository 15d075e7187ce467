"""``soc2-checks evidence``: the auditor's evidence package, and ``evidence verify`` to prove
it unchanged since collection.

boto3 and botocore are imported only when the command runs, so ``--help`` stays instant."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..errors import UsageError
from .common import parse_date, setup
from .live import _positive_float, _positive_int
from .records import add_records_options

EPILOG = """\
exit codes (evidence): 0 the package was written and every artifact collected; 3 the package was
written but some artifacts are partial or missing (named in its README.md); 2 bad usage or invalid
input: nothing was collected or written. Checks that FAILED do not change the exit code: the
package is the evidence, findings included (see results/).

exit codes (evidence verify): 0 every file matches the manifest; 1 a file was changed, added or
removed after collection (each named on stdout); 2 the folder is not an evidence package."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evidence",
        help="write the auditor's evidence package (read-only), or verify one",
        description="Collect the SOC 2 evidence package of an AWS account into a new folder: raw artifacts in the "
        "audit-readiness guide's layout (CC6-access-control/, CC6-encryption/, CC6-network/, CC7-monitoring/, "
        "CC7-incident-response/, CC9-vendor-management/, policies/), the auditor's populations as CSV, the scan "
        "results by criterion, the exemption register and walkthrough-prep.md, indexed in README.md with the "
        "criteria, source, collection time and SHA-256 of every file. Every region in scope is read; an artifact "
        "that could not be collected is listed as MISSING with the reason. The folder is written atomically and "
        "readable by its owner only; an existing non-empty folder is never overwritten. "
        "'soc2-checks evidence verify DIR' checks a package later.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", metavar="DIR", help="the package folder to create (must not exist, or be empty)")
    a = p.add_argument_group("account")
    a.add_argument("--profile", metavar="NAME", help="AWS shared-config profile (default: the credential chain)")
    a.add_argument("--role-arn", metavar="ARN", help="assume this role for the collection")
    a.add_argument("--external-id", metavar="ID", help="external ID the role's trust policy requires (with --role-arn)")
    where = a.add_mutually_exclusive_group()
    where.add_argument("--regions", metavar="R1,R2", help="regions to collect (default: every enabled region)")
    where.add_argument("--all-regions", action="store_true", help="every region of the partition")
    a.add_argument("--endpoint-url", metavar="URL", help="send every call here (a local emulator such as moto_server)")
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
    add_records_options(p, required=False)
    g = p.add_argument_group("results")
    g.add_argument("--exemptions", metavar="FILE", help="compensating-control register: applied, copied and reported")
    g.add_argument("--mapping", metavar="FILE", action="append", default=[], help="extra mapping file (repeatable)")
    g.add_argument("--as-of", type=parse_date, metavar="DATE", help="date exemptions are judged against (today)")
    tune = p.add_argument_group("network")
    tune.add_argument("--max-attempts", type=_positive_int, default=8, metavar="N", help="attempts per call (8)")
    tune.add_argument("--timeout", type=_positive_float, default=30.0, metavar="SECONDS", help="read timeout (30)")
    tune.add_argument("--workers", type=_positive_int, default=8, metavar="N", help="concurrent reads (8)")
    p.set_defaults(func=run)

    actions = p.add_subparsers(dest="evidence_action", metavar="ACTION")
    v = actions.add_parser(
        "verify",
        help="check that a package is exactly as collected",
        description="Compare every file of an evidence package with its manifest.json: a file whose SHA-256 "
        "differs was changed, a file not in the manifest was added, a listed file that is gone was removed. "
        "With --manifest-sha256 (printed when the package was written), the manifest itself is checked too.",
        epilog=EPILOG.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("dir", metavar="DIR", help="the package folder")
    v.add_argument("--manifest-sha256", metavar="HASH", help="the manifest's SHA-256 recorded at collection time")
    v.set_defaults(func=run_verify)


def run(args: argparse.Namespace) -> int:
    from ..evidence.build import Request, make
    from ..live.collect import Progress
    from ..live.regions import parse_regions
    from ..live.session import ConnectOptions
    from ..records.adapters import default_period_start

    if not args.out:
        raise UsageError("evidence: --out DIR is required (or use 'soc2-checks evidence verify DIR')")
    if args.external_id and not args.role_arn:
        raise UsageError("--external-id needs --role-arn")
    period_end = args.period_end or dt.datetime.now(dt.UTC).date()
    period_start = args.period_start or default_period_start(period_end)
    if period_start > period_end:
        raise UsageError(f"--period-start {period_start} is after the period end {period_end}")
    regions = parse_regions(args.regions) if args.regions else None
    out = Path(args.out)
    from ..evidence.package import check_target

    check_target(out)
    st = setup(args)
    records = _records(args)
    options = ConnectOptions(
        profile=args.profile,
        role_arn=args.role_arn,
        external_id=args.external_id,
        endpoint_url=args.endpoint_url,
        max_attempts=args.max_attempts,
        read_timeout=args.timeout,
        connect_timeout=min(5.0, args.timeout),
    )
    request = Request(
        out=out,
        options=options,
        period_start=period_start,
        period_end=period_end,
        regions=regions,
        all_regions=args.all_regions,
        records=records,
        exemptions_file=args.exemptions,
        workers=args.workers,
        progress=Progress(),
    )
    outcome = make(request, st)
    _print_outcome(outcome, args.period_start is None, period_start, period_end)
    return 0 if outcome.complete else 3


def _records(args: argparse.Namespace):
    if not (args.records or args.hr_terminations or args.tickets):
        return None
    from ..records.load import load_records

    return load_records(
        args.records,
        hr_terminations=args.hr_terminations,
        hr_employees=args.hr_employees,
        hr_columns=args.hr_columns,
        tickets=args.tickets,
    )


def _print_outcome(outcome, default_start: bool, start: dt.date, end: dt.date) -> None:
    from ..evidence.artifacts import State
    from ..evidence.index import summary

    counts = summary(outcome.artifacts)
    out = sys.stdout
    out.write(f"soc2-checks evidence: wrote {outcome.out}/ (period {start} to {end})\n")
    if default_start:
        out.write("  no --period-start: the period is the twelve months ending on the period end\n")
    out.write(
        f"  {len(outcome.artifacts)} artifacts: {counts[State.COLLECTED]} collected, {counts[State.PARTIAL]} partial, "
        f"{counts[State.MISSING]} missing (index: {outcome.out}/README.md)\n"
    )
    for a in outcome.artifacts:
        if a.state is not State.COLLECTED:
            out.write(f"  {a.state.lower()}: {a.path}: {a.gaps[0] if a.gaps else ''}\n")
    for w in outcome.warnings:
        out.write(f"  warning: {w}\n")
    out.write(
        f"  manifest SHA-256: {outcome.manifest_sha256}\n"
        "  keep this hash apart from the package; check it later with:\n"
        f"  soc2-checks evidence verify {outcome.out} --manifest-sha256 {outcome.manifest_sha256}\n"
    )
    out.flush()


def run_verify(args: argparse.Namespace) -> int:
    from ..evidence.verify import EXIT_INTACT, EXIT_TAMPERED, verify

    v = verify(Path(args.dir), args.manifest_sha256)
    for line in v.lines():
        print(line)
    for loose in v.loose:
        print(f"soc2-checks: warning: readable by others than the owner: {loose}", file=sys.stderr)
    if not v.intact:
        print(f"soc2-checks evidence verify: {args.dir}: NOT as collected ({len(v.lines())} difference(s))")
        return EXIT_TAMPERED
    print(
        f"soc2-checks evidence verify: {args.dir}: intact, {v.checked} files match the manifest "
        f"(manifest SHA-256 {v.manifest_sha256})"
    )
    return EXIT_INTACT
