"""``soc2-checks controls``: every registered check with its criteria, sources and plugin."""

from __future__ import annotations

import argparse
import json
import sys

from ..mapping import load_mapping
from ..plugins import load
from ..registry import CheckDef


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "controls",
        help="list every registered check with its Trust Services Criteria",
        description="List every registered check (built-in and from plugins) with severity, "
        "criteria, the sources it runs on and the plugin that registered it.",
    )
    p.add_argument("-o", "--output", choices=("table", "json", "markdown"), default="table")
    p.add_argument("--mapping", metavar="FILE", action="append", default=[], help="extra mapping file (repeatable)")
    p.set_defaults(func=run)


SOURCE_LABELS = {"terraform": "TF", "cloudformation": "CFN", "live": "LIVE", "records": "REC"}


def _sources(c: CheckDef) -> str:
    return " ".join(SOURCE_LABELS[s.value] for s in sorted(c.sources, key=lambda s: list(SOURCE_LABELS).index(s.value)))


def run(args: argparse.Namespace) -> int:
    loaded = load()
    mapping = load_mapping(loaded.registry.ids(), loaded.mapping_files, args.mapping)
    rows = []
    for c in loaded.registry:
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "severity": str(c.severity),
                "criteria": mapping.criteria_for(c.id),
                "sources": _sources(c).split(),
                "baseline": c.baseline,
                "plugin": c.plugin,
                "remediation": c.remediation,
            }
        )
    if args.output == "json":
        json.dump({"checks": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.output == "markdown":
        sys.stdout.write(markdown_table(rows))
    else:
        sys.stdout.write(text_table(rows))
    return 0


def markdown_table(rows: list[dict]) -> str:
    out = ["| ID | Check | Severity | Criteria | Sources |", "|---|---|---|---|---|"]
    for r in rows:
        title = r["title"] + (" ⓑ" if r["baseline"] else "")
        out.append(f"| {r['id']} | {title} | {r['severity']} | {', '.join(r['criteria'])} | {' '.join(r['sources'])} |")
    return "\n".join(out) + "\n"


def text_table(rows: list[dict]) -> str:
    headers = ("ID", "SEVERITY", "CRITERIA", "SOURCES", "TITLE")
    table = [
        (
            r["id"],
            r["severity"],
            ",".join(r["criteria"]),
            " ".join(r["sources"]),
            r["title"] + ("" if r["plugin"] == "soc2_checks.builtin" else f"  [{r['plugin']}]"),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in table:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"\n{len(rows)} checks")
    return "\n".join(lines) + "\n"
