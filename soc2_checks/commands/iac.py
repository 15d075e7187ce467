"""``soc2-checks iac``: scan Terraform and CloudFormation with the SOC 2 checks inside Checkov.

Checkov is imported only when the command runs (about two seconds), so ``--help`` stays instant."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ..errors import UsageError
from .common import add_report_options, finish, setup

FRAMEWORKS = ("terraform", "cloudformation")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "iac",
        help="scan Terraform and CloudFormation (Checkov in-process, SOC 2 checks only)",
        description="Run the SOC 2 checks inside Checkov on Terraform and CloudFormation folders, with the same "
        "rules the live scanner uses. Values that cannot be resolved (a variable without a default, an intrinsic "
        "function) never pass. Inline '#checkov:skip=SOC2_...' suppressions count only when they cite a valid "
        "entry of the exemption register.",
    )
    p.add_argument(
        "-d",
        "--directory",
        action="append",
        required=True,
        metavar="DIR",
        help="folder to scan (repeatable); result file paths are relative to it",
    )
    p.add_argument(
        "--framework",
        nargs="+",
        choices=FRAMEWORKS,
        default=list(FRAMEWORKS),
        metavar="NAME",
        help="frameworks to scan: terraform, cloudformation (default: both)",
    )
    p.add_argument(
        "--account-baseline",
        action="store_true",
        help="each folder defines an account baseline: also fail what must exist and does not (a multi-region "
        "trail, GuardDuty, AWS Config, trail-change alerting, password policy, account S3 public access block, "
        "EBS default encryption); these results name the folder as their resource",
    )
    p.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        help="Terraform variable file (.tfvars, .tfvars.json) applied to every root module scanned, as "
        "'checkov --var-file' and 'terraform plan -var-file' apply it (repeatable; later files win). "
        "terraform.tfvars and *.auto.tfvars in a root module are read without it",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes that scan Terraform root modules side by side (default: the number of CPUs this process "
        "may use; 1 scans everything in this process). Results do not depend on it",
    )
    add_report_options(p)
    p.set_defaults(func=run)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a number of processes (1 or more)")
    return value


def _check_var_file(path: str) -> None:
    """Checkov skips a variable file it cannot read, leaving every variable it sets without a
    value: a mistyped name or a syntax error must stop the scan instead."""
    if not Path(path).is_file():
        raise UsageError(f"--var-file {path}: no such file")
    from checkov.terraform.parser_utils import load_or_die_quietly

    errors: dict[str, Exception] = {}
    data = load_or_die_quietly(path, errors)
    if errors:
        reason = str(next(iter(errors.values()))).strip().splitlines() or ["cannot be read"]
        raise UsageError(f"--var-file {path}: {reason[0]}")
    if not isinstance(data, dict):
        raise UsageError(f"--var-file {path}: not a set of variable values")


def run(args: argparse.Namespace) -> int:
    from ..model import Source
    from ..registry import RuleContext
    from ..report import ScanReport

    for d in args.directory:
        if not Path(d).is_dir():
            raise UsageError(f"-d {d}: no such folder")
    for f in args.var_file:
        _check_var_file(f)
    st = setup(args)
    frameworks = [Source(f) for f in dict.fromkeys(args.framework)]
    ctx = RuleContext(as_of=st.as_of)
    started = dt.datetime.now(dt.UTC)

    from ..iac.lean_import import without_builtin_checks
    from ..iac.runner import scan

    with without_builtin_checks():  # only the SOC 2 checks run: Checkov's own ~1,300 are not loaded
        scans = scan(
            args.directory,
            frameworks,
            st.registry,
            ctx,
            st.mapping.criteria_for,
            args.account_baseline,
            args.jobs,
            var_files=args.var_file,
        )
    report = ScanReport(
        kind="iac",
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        targets=[s.directory for s in scans],
        results=[r for s in scans for r in s.results],
        warnings=[w for s in scans for w in s.warnings],
    )
    return finish(report, st, args)
