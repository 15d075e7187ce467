"""The SOC 2 checks' overhead inside a plain Checkov run, counted in instructions.

On a shared machine, CPU time moves by several percent from one run to the next, more than the
overhead being measured (see ``bench/overhead_parts.py``, whose single pairs range over twenty
points). The number of instructions a run executes does not: it is the same to a few parts in a
thousand from one run to the next, whatever else the machine is doing. This script runs each
variant of ``overhead_parts.py`` once under ``valgrind --tool=cachegrind --cache-sim=no`` (about
twenty times slower than a plain run; no cache simulation, only the instruction count) with
``PYTHONHASHSEED=0``, on the trees of ``bench/iac_bench.py``:

- **without**: ``checkov -d X --framework terraform --skip-download``, Checkov's Terraform checks;
- **full**: the same with ``--external-checks-dir "$(soc2-checks checkov-dir)"``;
- **replay**: the same calls returning the results the full run gives, read from a file
  (Checkov's own charge for the calls and records, whoever decides them);
- **calls**: the same calls returning no result (importing and registering the checks, and
  Checkov's work per call);

each with ``-o json`` (what ``overhead_parts.py`` and ``iac_bench.py`` use), and the first two
also with Checkov's default output (``cli``), the command the target names. The replay file is
written first by an unmeasured full run. Checkov parses with threads, so a count moves by up to
about 0.2% from one run to the next: ``--repeat N`` counts the default-output pair N times and
reports the medians. Instructions are not time (a cache miss costs more than an addition), but for the same
program on the same machine the two move together; ``bench/RESULTS.md`` gives both.

    python bench/overhead_instructions.py --sizes 500 2000 5000 --repeat 3 --write-results
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# this folder: run as a script
from iac_bench import OUT, bench_env, soc2_checkov_dir, write_results
from overhead_parts import checkov_args, child_figures

PARTS = Path(__file__).resolve().parent / "overhead_parts.py"
SECTION = "## Overhead inside a plain Checkov run, in instructions"
RUNS = (
    ("without", "json"),
    ("full", "json"),
    ("replay", "json"),
    ("calls", "json"),
    ("without", "cli"),
    ("full", "cli"),
)
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def record_replay(tree: Path, replay: Path, checkov_dir: str, env: dict[str, str]) -> None:
    """An unmeasured full run that saves its results for the replay variant."""
    _child("full", replay, checkov_args(tree, "full", checkov_dir), env)


def _child(
    variant: str, replay: Path | str, argv: list[str], env: dict[str, str], prefix: tuple[str, ...] = ()
) -> dict:
    proc = subprocess.run(
        [*prefix, sys.executable, str(PARTS), "--child", variant, str(replay), "--", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return child_figures(f"{variant} run", proc.returncode, proc.stderr)


def count(variant: str, output: str, tree: Path, replay: Path, checkov_dir: str, env: dict[str, str]) -> dict:
    """One run under cachegrind: its instruction count and the child's own figures."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "valgrind.log"
        prefix = (
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={Path(tmp) / 'cachegrind.out'}",
            f"--log-file={log}",
        )
        # the full run must not record (that would add to its count): it gets no replay file
        replay_arg = "" if variant == "full" else replay
        figures = _child(variant, replay_arg, checkov_args(tree, variant, checkov_dir, output), env, prefix)
        found = _REFS.search(log.read_text())
        if not found:
            raise SystemExit(f"valgrind printed no instruction count for the {variant} run on {tree}")
    figures["instructions"] = int(found.group(1).replace(",", ""))
    return figures


def runs_of(repeat: int) -> list[tuple[str, str, str]]:
    """(name, variant, output) of every count: the default-output pair ``repeat`` times."""
    out = [(f"{variant}/{output}", variant, output) for variant, output in RUNS]
    for i in range(2, repeat + 1):
        out += [(f"{variant}/cli#{i}", variant, "cli") for variant in ("without", "full")]
    return out


def counts(runs: dict, name: str) -> list[int]:
    """Every count of one variant and output: ``name`` and its repeats (``name#2``...)."""
    return [figures["instructions"] for key, figures in runs.items() if key.split("#")[0] == name]


def median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measure(sizes: list[int], jobs: int, repeat: int = 1) -> dict:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: this benchmark counts instructions with its cachegrind tool")
    env = {**bench_env(), "PYTHONHASHSEED": "0"}
    checkov_dir = soc2_checkov_dir()
    report: dict = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip(),
        "sizes": {},
    }
    for size in sizes:
        tree = OUT / f"tf-{size}"
        if not tree.is_dir():
            raise SystemExit(f"{tree} is missing: run `python bench/iac_bench.py --generate-only` first")
        replay = OUT / f"replay-{size}.pickle"
        record_replay(tree, replay, checkov_dir, env)
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            futures = {
                name: pool.submit(count, variant, output, tree, replay, checkov_dir, env)
                for name, variant, output in runs_of(repeat)
            }
            report["sizes"][size] = {name: f.result() for name, f in futures.items()}
        for name, figures in report["sizes"][size].items():
            print(f"  {size:>5} {name:14s} {figures['instructions']:>18,}", file=sys.stderr)
    return report


def summary(report: dict) -> str:
    rows = []
    for size, runs in report["sizes"].items():
        base = runs["without/json"]["instructions"]
        full, replay, calls = (runs[f"{v}/json"]["instructions"] / base - 1 for v in ("full", "replay", "calls"))
        without_cli, full_cli = counts(runs, "without/cli"), counts(runs, "full/cli")
        cli = median(full_cli) / median(without_cli) - 1
        if len(full_cli) > 1:  # every pairing of a count with and a count without
            spread = [f / w - 1 for f in full_cli for w in without_cli]
            cli_text = f"**{cli * 100:+.2f}%** ({min(spread) * 100:+.2f}% to {max(spread) * 100:+.2f}%)"
        else:
            cli_text = f"**{cli * 100:+.2f}%**"
        full_run = runs["full/json"]
        rows.append(
            f"| {int(size):,} | {base / 1e9:.2f} G | **{full * 100:+.2f}%** | {replay * 100:+.2f}% "
            f"| {calls * 100:+.2f}% | {(replay - calls) * 100:+.2f}% | {(full - replay) * 100:+.2f}% "
            f"| {median(without_cli) / 1e9:.2f} G | {cli_text} "
            f"| {full_run['calls']:,} / {full_run['records']:,} |"
        )
    repeat = max(len(counts(runs, "full/cli")) for runs in report["sizes"].values())
    repeats = (
        f"the default-output pair was counted {repeat} times per size: its figure is the median count with over "
        "the median count without, and the range pairs every count with every count without."
        if repeat > 1
        else "each variant was counted once."
    )
    invocations = report.get("invocations", [report["argv"]])
    commands = " and ".join(f"`python bench/overhead_instructions.py {' '.join(argv)}`" for argv in invocations)
    return f"""{SECTION}

{commands} on {report["date"]} ({report["cores"]} cores, \
Python {report["python"]}, {report["valgrind"]}). Each variant of `bench/overhead_parts.py` run once under
`valgrind --tool=cachegrind --cache-sim=no` with `PYTHONHASHSEED=0`, which counts the instructions
the whole process executes (start-up, import, parse, graph, checks, output). The count does not
depend on what else the machine runs, but it is not exact: Checkov parses with threads, so
repeated runs of the same command differ by up to about 0.2% of the count (0.16 billion
instructions at 5,000 resources, Checkov alone), which moves an overhead figure by up to about
0.2 points either way; {repeats} CPU time moves by several points. Overhead is the count with the
SOC 2 checks over the count without:

{HEADER}
{chr(10).join(rows)}
"""


HEADER = (
    "| resources | Checkov's Terraform checks, `-o json` | full overhead | replay (Checkov's charge for the calls "
    "and records) | of it, import and calls | of it, records | the SOC 2 checks' decisions (full − replay) "
    "| Checkov's Terraform checks, default output | full overhead, default output | SOC 2 check calls / records |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--jobs", type=int, default=2, help="runs under valgrind at once (counts do not depend on it)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="count the default-output pair this many times (the medians are reported)"
    )
    parser.add_argument("--write-results", action="store_true", help="update the section of bench/RESULTS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last run")
    parser.add_argument(
        "--add", action="store_true", help="keep the last run's other sizes (counts do not drift between runs)"
    )
    args = parser.parse_args()
    saved = OUT / "overhead_instructions.json"
    if args.report_only:
        report = json.loads(saved.read_text())
    else:
        report = measure(args.sizes, args.jobs, args.repeat)
        report["argv"] = sys.argv[1:]
        if args.add:
            earlier = json.loads(saved.read_text())
            report["sizes"] = {**earlier["sizes"], **report["sizes"]}
            report["invocations"] = [*earlier.get("invocations", [earlier["argv"]]), report["argv"]]
        saved.write_text(json.dumps(report, indent=2))
    text = summary(report)
    print(text)
    if args.write_results:
        write_results(text, SECTION)


if __name__ == "__main__":
    main()
