"""The ``soc2-checks`` command line: parsing, and the one place errors become exit codes.

Exit codes (the contract CI depends on): 0 nothing FAILED or ERROR; 1 something FAILED;
3 nothing FAILED but something could not be checked (ERROR); 2 bad usage or invalid input,
reported as one line naming the file and the place, with nothing written.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys

from . import __version__
from .commands import COMMANDS
from .errors import InputError, UsageError

DESCRIPTION = """\
SOC 2 policy-as-code for AWS. One catalog of checks (SOC2_AWS_1..19, SOC2_OPS_1..6) runs
inside Checkov on Terraform/CloudFormation, against live AWS accounts, and over the
organisation's own records; every result carries its Trust Services Criteria, and an
exemption register records approved compensating controls."""

EPILOG = """\
exit codes: 0 all passed (or exempted); 1 a check FAILED; 3 nothing failed but something could
not be checked (ERROR); 2 bad usage or invalid input. --soft-fail turns 1 and 3 into 0."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="soc2-checks",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"soc2-checks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"soc2_checks.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"soc2_checks.commands.{name}":
                continue  # a command not shipped in this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        return _fail(str(exc))
    except UsageError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("soc2-checks: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from .registry import RegistryError

        if isinstance(exc, RegistryError):
            return _fail(str(exc))
        raise


def entry() -> None:
    """The ``soc2-checks`` console script. Once the command has returned and its output is
    flushed, the process ends without tearing the interpreter down: freeing a Terraform scan's
    objects one by one (Checkov's graph holds millions) takes over a second, longer than the
    checks themselves (mypy's ``--fast-exit`` does the same)."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)


def _fail(message: str) -> int:
    print(f"soc2-checks: error: {' '.join(message.split())}", file=sys.stderr)
    return 2
