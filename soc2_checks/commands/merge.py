"""``soc2-checks merge``: one report from the JSON results of several scans, typically the
shards of ``live --org --shard K/N`` run as a job array."""

from __future__ import annotations

import argparse

from .common import OUTPUT_FORMATS, emit, setup


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help="combine the JSON results of several scans (shards) into one report",
        description="Combine '-o json' results (each validated against mappings/schemas/results.schema.json) into one "
        "report, in any output format: the summary is recomputed, exemption outcomes are combined (an entry is "
        "unused only if it was unused in every file). Files of different scan kinds or audit periods, the same "
        "shard twice, shards of different runs, overlapping accounts and missing shards are refused (exit 2).",
    )
    p.add_argument("files", nargs="+", metavar="RESULTS.json", help="'-o json' output of a scan or of one shard")
    p.add_argument(
        "--partial",
        action="store_true",
        help="merge even when shards are missing; the report names them in a warning",
    )
    p.add_argument(
        "--compare-to",
        metavar="PREVIOUS.json",
        help="report what is new, resolved and still failing since this earlier result (e.g. last week's merge)",
    )
    p.add_argument(
        "-o",
        "--output",
        action="append",
        choices=OUTPUT_FORMATS,
        metavar="FORMAT",
        help=f"output format, repeatable: {', '.join(OUTPUT_FORMATS)} (default: cli)",
    )
    p.add_argument(
        "--output-file",
        metavar="PATH",
        help="write the output here instead of stdout; with several -o, a folder receiving results.<ext> per format",
    )
    p.add_argument(
        "--soft-fail",
        action="store_true",
        help="exit 0 even when the merged results hold FAILED (1) or ERROR (3); bad input still exits 2",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..live.compare import compare, load_previous
    from ..live.merge import load_all, merge

    st = setup(args)
    merged = merge(load_all(args.files), partial=args.partial).report
    if args.compare_to:
        previous = load_previous(args.compare_to, merged.kind)
        merged.comparison = compare(previous.report, merged, args.compare_to)
    return emit(merged, st, args)
