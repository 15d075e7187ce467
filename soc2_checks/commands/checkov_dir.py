"""``soc2-checks checkov-dir``: the folder to give ``checkov --external-checks-dir``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "checkov-dir",
        help="print the folder for 'checkov --external-checks-dir'",
        description="Print the folder holding the SOC 2 checks for plain Checkov runs: "
        "checkov -d DIR --external-checks-dir \"$(soc2-checks checkov-dir)\" --check 'SOC2_*'. "
        "Checks from installed soc2-checks plugins are included.",
    )
    p.set_defaults(func=run)


def checkov_dir() -> Path:
    from .. import checkov_checks

    return Path(checkov_checks.__file__).resolve().parent


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(f"{checkov_dir()}\n")
    return 0
