"""Start-up cost of the command line: `import soc2_checks` and `soc2-checks controls`.

The CLI must not import Checkov (about 1.7 s) or boto3 until a scan needs them, so that
`controls`, `exemptions validate` and `--help` answer at once. Prints medians of N runs, each
in a fresh interpreter.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    cases = {
        "python -c pass (interpreter floor)": [py, "-c", "pass"],
        "import soc2_checks": [py, "-c", "import soc2_checks"],
        "import soc2_checks.cli (all commands' parsers)": [py, "-c", "import soc2_checks.cli"],
        "soc2-checks controls": [py, "-m", "soc2_checks", "controls"],
        "soc2-checks exemptions validate examples/exemptions.yaml": [
            py,
            "-m",
            "soc2_checks",
            "exemptions",
            "validate",
            "examples/exemptions.yaml",
        ],
        "import checkov.main (for comparison)": [py, "-c", "import checkov.main"],
    }
    for name, argv in cases.items():
        timed(argv)  # warm the file cache
        runs = [timed(argv) for _ in range(args.runs)]
        print(
            f"{name:60s} median {statistics.median(runs) * 1000:7.0f} ms  (min {min(runs) * 1000:.0f}, n={args.runs})"
        )


if __name__ == "__main__":
    main()
