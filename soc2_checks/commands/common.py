"""What every scanning command shares: loading plugins, the mapping and the register, and
finishing a scan (exemptions, outputs, exit code) the same way for IaC, live and records."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from ..mapping import Mapping, load_mapping
from ..model import Source
from ..plugins import Loaded, load
from ..report import ScanReport

OUTPUT_FORMATS = ("cli", "json", "sarif", "junitxml", "csv", "markdown", "html", "oscal")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def add_report_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("results")
    g.add_argument(
        "--exemptions",
        metavar="FILE",
        help="compensating-control register (YAML) applied to the results; see 'soc2-checks exemptions validate'",
    )
    g.add_argument(
        "--mapping",
        metavar="FILE",
        action="append",
        default=[],
        help="extra mapping file adding criteria or replacing a check's criteria (repeatable)",
    )
    g.add_argument(
        "--as-of",
        type=parse_date,
        metavar="DATE",
        help="date exemptions are judged against (default: today, UTC)",
    )
    g.add_argument(
        "-o",
        "--output",
        action="append",
        choices=OUTPUT_FORMATS,
        metavar="FORMAT",
        help=f"output format, repeatable: {', '.join(OUTPUT_FORMATS)} (default: cli)",
    )
    g.add_argument(
        "--output-file",
        metavar="PATH",
        help="write the output here instead of stdout; with several -o, a folder receiving results.<ext> per format",
    )
    g.add_argument(
        "--soft-fail",
        action="store_true",
        help="exit 0 even when checks FAILED (1) or could not run (3); bad input still exits 2",
    )


@dataclass
class Setup:
    loaded: Loaded
    mapping: Mapping
    register: object | None  # exemptions.Register
    as_of: dt.date

    @property
    def registry(self):
        return self.loaded.registry


def setup(args: argparse.Namespace) -> Setup:
    """Load everything a scan needs and validate all user input before any scanning starts,
    so that a typo in the register fails in a second, not after a 20-minute scan."""
    from ..outputs import check_formats

    check_formats(getattr(args, "output", None) or ["cli"])
    if getattr(args, "output_file", None):
        check_output_target(Path(args.output_file), len(getattr(args, "output", None) or ["cli"]))
    loaded = load()
    mapping = load_mapping(loaded.registry.ids(), loaded.mapping_files, getattr(args, "mapping", []) or [])
    as_of = getattr(args, "as_of", None) or dt.datetime.now(dt.UTC).date()
    register = None
    if getattr(args, "exemptions", None):
        from ..exemptions import load_register

        register = load_register(args.exemptions, loaded.registry)
    return Setup(loaded=loaded, mapping=mapping, register=register, as_of=as_of)


def finish(report: ScanReport, st: Setup, args: argparse.Namespace) -> int:
    """Apply the register, write every requested output atomically, return the exit code."""
    from ..exemptions import apply_register

    report.results, report.exemptions = apply_register(
        report.results, st.register, st.as_of, checks_in_scope(report, st)
    )
    return emit(report, st, args)


def emit(report: ScanReport, st: Setup, args: argparse.Namespace) -> int:
    """Write every requested output of a finished report and return its exit code."""
    from ..outputs import render

    formats = args.output or ["cli"]
    color = False if args.output_file else None  # never colour codes in a file
    rendered = [(fmt, render(fmt, report, st, color=color)) for fmt in formats]
    if args.output_file:
        write_outputs(Path(args.output_file), rendered)
    else:
        for _fmt, text in rendered:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    code = report.exit_code()
    return 0 if args.soft_fail and code in (1, 3) else code


SCAN_SOURCES = {
    "iac": {Source.TERRAFORM, Source.CLOUDFORMATION},
    "live": {Source.LIVE},
    "records": {Source.RECORDS},
}


def checks_in_scope(report: ScanReport, st: Setup) -> set[str]:
    """Checks this kind of scan can run, plus any that produced a result."""
    sources = SCAN_SOURCES.get(report.kind, set())
    return {c.id for c in st.registry if c.sources & sources} | {r.check_id for r in report.results}


EXTENSIONS = {
    "cli": "txt",
    "json": "json",
    "sarif": "sarif",
    "junitxml": "xml",
    "csv": "csv",
    "markdown": "md",
    "html": "html",
    "oscal": "oscal.json",
}


def check_output_target(target: Path, n_formats: int) -> None:
    if n_formats == 1:
        if target.is_dir():
            raise UsageError(f"--output-file {target}: is a folder; name a file")
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(f"--output-file {target}: folder {parent} does not exist")
    elif target.exists() and not target.is_dir():
        raise UsageError(f"--output-file {target}: several -o formats need a folder, and this is a file")


def write_outputs(target: Path, rendered: list[tuple[str, str]]) -> None:
    if len(rendered) == 1:
        atomic_write(target, rendered[0][1])
        return
    if target.exists() and not target.is_dir():
        raise UsageError(f"--output-file {target}: several -o formats need a folder, and this is a file")
    target.mkdir(parents=True, exist_ok=True)
    for fmt, text in rendered:
        atomic_write(target / f"results.{EXTENSIONS[fmt]}", text)


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a reader (or a crash) never sees
    half a report. A path that is not a regular file (``/dev/null``, ``/dev/stdout``, a named
    pipe) is written to directly: renaming over it would replace the device or the pipe with
    a file. A symbolic link is followed, so the link stays and its target gets the report."""
    if path.is_dir():
        raise UsageError(f"--output-file {path}: is a folder; name a file")
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output-file {path}: folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["InputError", "UsageError", "add_report_options", "setup", "finish", "parse_date", "atomic_write"]
