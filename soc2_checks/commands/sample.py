"""``soc2-checks sample``: draw an audit sample from a population, reproducibly, the way the
auditor will (see :mod:`soc2_checks.records.sampling` for the algorithm)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from .aws_options import positive_int

FREQUENCIES = ("annual", "quarterly", "monthly", "weekly", "daily", "multiple-daily")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sample",
        help="draw a reproducible audit sample from a population CSV",
        description="Draw a sample from a population (one item per CSV row) as an auditor does, so a team can "
        "rehearse the auditor's test. The same population and seed give the same sample on any machine, whatever "
        "the order of the rows. Default sizes by control frequency: annual 1, quarterly 2, monthly 2, weekly 5, "
        "daily 25, multiple-daily 40; a size larger than the population takes the whole population.",
    )
    p.add_argument("population", metavar="POPULATION.csv", help="the population: a CSV with a header row")
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--size", type=positive_int, metavar="N", help="sample size")
    size.add_argument("--frequency", choices=FREQUENCIES, help="how often the control operates: sets the size")
    p.add_argument("--seed", required=True, metavar="S", help="the seed (record it with the sample)")
    p.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="COLUMN",
        help="column(s) that identify an item, for the canonical order (default: every column); repeatable",
    )
    p.add_argument("-o", "--output", choices=("csv", "json"), default="csv", help="output format (csv)")
    p.add_argument("--output-file", metavar="PATH", help="write the sample here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..records.sampling import FREQUENCY_SIZES, draw
    from .common import atomic_write, check_output_target

    if args.output_file:
        check_output_target(Path(args.output_file), 1)
    size = args.size or FREQUENCY_SIZES[args.frequency]
    sample = draw(args.population, size, args.seed, tuple(args.key))
    text = as_json(sample, args) if args.output == "json" else as_csv(sample)
    if args.output_file:
        atomic_write(Path(args.output_file), text)
    else:
        sys.stdout.write(text)
    if sample.requested > sample.population:
        print(
            f"soc2-checks sample: the population has {sample.population} rows, fewer than {sample.requested}: "
            "the sample is the whole population",
            file=sys.stderr,
        )
    return 0


def as_csv(sample) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(sample.table.header)
    for row in sample.rows:
        w.writerow(row.cells)
    return buf.getvalue()


def as_json(sample, args: argparse.Namespace) -> str:
    header = _unique_names(sample.table.header)
    doc = {
        "population": {
            "file": str(args.population),
            "sha256": sample.sha256,
            "rows": sample.population,
            "key": list(sample.key) or list(sample.table.header),
        },
        "frequency": args.frequency,
        "size": len(sample.rows),
        "requested": sample.requested,
        "seed": sample.seed,
        "method": "canonical order, then random.Random(seed).sample (soc2_checks.records.sampling)",
        "sample": [
            {"line": row.line, "values": dict(zip(header, _padded(row.cells, len(header)), strict=True))}
            for row in sample.rows
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _unique_names(header: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _padded(cells: tuple[str, ...], n: int) -> list[str]:
    return list(cells) + [""] * (n - len(cells))
