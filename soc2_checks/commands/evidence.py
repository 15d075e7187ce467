"""``soc2-checks evidence``: the auditor's evidence package, and ``evidence verify`` to prove
it unchanged since collection.

boto3 and botocore are imported only when the command runs, so ``--help`` stays instant."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..errors import UsageError
from .aws_options import add_account_options, add_network_options, add_period_options, connect_options, period_end
from .common import parse_date, setup
from .records import add_records_options, records_from_args

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
    add_account_options(p, "collection")
    add_period_options(p, "default: twelve months before the period end")
    add_records_options(p, required=False)
    g = p.add_argument_group("results")
    g.add_argument("--exemptions", metavar="FILE", help="compensating-control register: applied, copied and reported")
    g.add_argument("--mapping", metavar="FILE", action="append", default=[], help="extra mapping file (repeatable)")
    g.add_argument("--as-of", type=parse_date, metavar="DATE", help="date exemptions are judged against (today)")
    add_network_options(p)
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
    from ..records.adapters import default_period_start

    if not args.out:
        raise UsageError("evidence: --out DIR is required (or use 'soc2-checks evidence verify DIR')")
    options = connect_options(args)
    end = period_end(args)
    start = args.period_start or default_period_start(end)
    regions = parse_regions(args.regions) if args.regions else None
    out = Path(args.out)
    from ..evidence.package import check_target

    check_target(out)
    st = setup(args)
    records = records_from_args(args)
    request = Request(
        out=out,
        options=options,
        period_start=start,
        period_end=end,
        regions=regions,
        all_regions=args.all_regions,
        records=records,
        exemptions_file=args.exemptions,
        workers=args.workers,
        progress=Progress(),
    )
    outcome = make(request, st)
    _print_outcome(outcome, args.period_start is None, start, end)
    return 0 if outcome.complete else 3


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
