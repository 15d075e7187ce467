"""Where the SOC 2 checks' overhead inside a plain Checkov run goes.

``bench/iac_bench.py`` measures the overhead end to end (``checkov -d X --framework terraform``
with and without ``--external-checks-dir "$(soc2-checks checkov-dir)"``). This script splits it,
on the trees that script generates (``bench/out/tf-N``; run it first):

- **calls**: the SOC 2 checks loaded and called on every resource they cover, each returning
  "no result" at once: importing and registering them plus Checkov's own work per check call
  (matching the call against the run's filters, with its debug log records);
- **replay**: the same calls returning the very results the last full run gave, read from a
  file: what Checkov itself charges for these calls and records (matching, keeping them in its
  report, printing them), whoever decides them; the floor for any checks giving these results;
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
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# this folder: run as a script
from iac_bench import OUT, RESULTS, bench_env, soc2_checkov_dir, two_cores, write_results

SECTION = "## Overhead inside a plain Checkov run, by part"
VARIANTS = ("full", "calls", "replay")  # full first: it writes what replay reads


def child(mode: str, argv: list[str], replay_file: str | None = None) -> None:
    """Run Checkov in this process and print one JSON line of figures to stderr. A full run
    saves its results to ``replay_file``; a replay run returns them instead of deciding."""
    import gc
    import resource
    import time

    from checkov.main import Checkov

    figures: dict[str, float] = {
        "ours_s": 0.0,
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

        base = checks._shared_base()
        decide = base.run

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
        saved: dict[tuple, list[dict]] = {}
        if mode == "replay" and replay_file:
            with open(replay_file, "rb") as f:
                saved = pickle.load(f)

        def key(self, k) -> tuple:  # type: ignore[no-untyped-def]
            conf = k["entity_configuration"]
            return (self.id, k["scanned_file"], k["entity_name"], conf.get("__address__"), conf.get("__start_line__"))

        def replayed(self, *a, **k):  # type: ignore[no-untyped-def]
            figures["calls"] += 1
            found = saved.get(key(self, k))
            result = found.pop(0) if found else {"result": CheckResult.UNKNOWN, "evaluated_keys": []}
            figures["records"] += result["result"] != CheckResult.UNKNOWN
            self.details = result.pop("_details", [])
            return result

        def recorded(self, *a, **k):  # type: ignore[no-untyped-def]
            result = run(self, *a, **k)
            saved.setdefault(key(self, k), []).append({**result, "_details": list(self.details)})
            return result

        if mode == "replay":
            base.run = replayed
        elif replay_file:
            base.run = recorded
    with contextlib.suppress(SystemExit):
        Checkov(argv=argv).run()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_s"] = usage.ru_utime + usage.ru_stime
    if mode == "full" and replay_file:
        with open(replay_file, "wb") as f:
            pickle.dump(saved, f)
    sys.stdout.flush()
    sys.stderr.write("\n" + json.dumps(figures) + "\n")
    sys.stderr.flush()
    os._exit(0)


def checkov_args(tree: Path, variant: str, checkov_dir: str, output: str = "json") -> list[str]:
    """Checkov's Terraform checks on ``tree``, with the SOC 2 checks unless ``variant`` is
    "without"; ``output`` "cli" is Checkov's default output."""
    args = ["-d", str(tree), "--framework", "terraform", "--skip-download"]
    if output != "cli":
        args += ["-o", output]
    if variant != "without":
        args += ["--external-checks-dir", checkov_dir]
    return args


def child_figures(variant: str, returncode: int, stderr: str) -> dict:
    """The figures a child printed last on stderr; a failed child stops the benchmark."""
    lines = [line for line in stderr.splitlines() if line.startswith("{")]
    if returncode != 0 or not lines:
        raise SystemExit(f"{variant} run failed (exit {returncode}): {stderr[-2000:]}")
    return json.loads(lines[-1])


def run_pair(
    tree: Path, mode: str, cores: tuple[int, int], checkov_dir: str, replay: Path, env: dict[str, str]
) -> tuple[dict, dict]:
    runs = []
    with contextlib.ExitStack() as files:
        for variant, core in (("without", cores[0]), (mode, cores[1])):
            argv = checkov_args(tree, variant, checkov_dir)
            err = files.enter_context(tempfile.TemporaryFile("w+"))
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", variant, str(replay), "--", *argv],
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
            out.append(child_figures(f"{variant} run on {tree}", proc.returncode, err.read()))
    return out[0], out[1]


def measure(sizes: list[int], pairs: int) -> dict:
    env = bench_env()
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
                found[mode].append(run_pair(tree, mode, pinned, checkov_dir, OUT / f"replay-{size}.pickle", env))
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
    pairs = []
    spreads = []
    for size, found in report["sizes"].items():
        full, calls, replay = (median([w["cpu_s"] / wo["cpu_s"] - 1 for wo, w in found[m]]) for m in VARIANTS)
        base = median([wo["cpu_s"] for wo, _ in found["full"]])
        ours = median([w["ours_s"] for _, w in found["full"]])
        printing = median([w["print_s"] - wo["print_s"] for wo, w in found["full"]])
        n_calls = int(median([w["calls"] for _, w in found["full"]]))
        n_records = int(median([w["records"] for _, w in found["full"]]))
        rows.append(
            f"| {int(size):,} | {base:.2f} s | {full * 100:+.1f}% | {replay * 100:+.1f}% | {calls * 100:+.1f}% "
            f"| {(replay - calls) * 100:+.1f}% (output {printing / base * 100:+.1f}%) | {(full - replay) * 100:+.1f}% "
            f"({ours:.2f} s timed) | {n_calls:,} / {n_records:,} |"
        )
        pairs.append(min(len(v) for v in found.values()))
        spread = "; ".join(
            f"{m} {min(r) * 100:+.1f}% to {max(r) * 100:+.1f}%"
            for m in VARIANTS
            for r in [[w["cpu_s"] / wo["cpu_s"] - 1 for wo, w in found[m]]]
        )
        spreads.append(f"- {int(size):,} resources: {spread}")
    return f"""{SECTION}

`python bench/overhead_parts.py {" ".join(report["argv"])}` on {report["date"]} ({report["cores"]} cores, \
Python {report["python"]}, load average {report["load"]} at the start). Checkov's Terraform checks on the
trees of `bench/iac_bench.py`, run in-process as `checkov` runs them, each variant paired with a run
without the SOC 2 checks started at the same moment on the other core; medians of {min(pairs)} pairs per
size and variant (CPU time, interpreter teardown excluded). Variants:

- **full**: the SOC 2 checks as shipped;
- **replay**: the same check calls returning the very results of the last full run, read from a
  file. This is what Checkov itself charges for 19 more checks giving these results, whoever
  decides them: importing and registering them, matching each call against the run's filters
  (with its debug log records), and keeping and printing each record. It is the floor for any
  checks that give one result per resource, as Checkov's own checks do;
- **calls**: the same calls returning no result at once (the per-call part of that floor).

The SOC 2 checks' decisions (views, cross-resource index, rules, and the garbage collection their
objects cause) are full minus replay; their code is also timed directly inside the full run.

{HEADER}
{chr(10).join(rows)}

Single pairs, lowest to highest (this machine is shared; a median of a few pairs moves by a point
or two from one run of the script to the next):

{chr(10).join(spreads)}
"""


HEADER = (
    "| resources | Checkov's Terraform checks | full overhead | Checkov's charge for the calls and records "
    "(replay) | of it, import and calls | of it, records | the SOC 2 checks' decisions (full − replay) "
    "| SOC 2 check calls / records |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[sys.argv.index("--") + 1 :], sys.argv[3])
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
