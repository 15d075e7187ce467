"""The AWS account, audit-period and network options shared by ``live`` and ``evidence``, so
that both commands read an account the same way and document it in the same words."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from ..errors import UsageError
from .common import parse_date


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def add_account_options(p: argparse.ArgumentParser, what: str) -> None:
    a = p.add_argument_group("account")
    a.add_argument("--profile", metavar="NAME", help="AWS shared-config profile (default: the credential chain)")
    a.add_argument("--role-arn", metavar="ARN", help=f"assume this role for the {what} (refreshed when it runs long)")
    a.add_argument("--external-id", metavar="ID", help="external ID the role's trust policy requires (with --role-arn)")
    where = a.add_mutually_exclusive_group()
    where.add_argument(
        "--regions", metavar="R1,R2", help=f"regions to {what} (default: every region the account enabled)"
    )
    where.add_argument(
        "--all-regions",
        action="store_true",
        help="every region of the partition; regions the account has not enabled are listed in a warning",
    )
    a.add_argument("--endpoint-url", metavar="URL", help="send every call here (a local emulator such as moto_server)")


def add_period_options(p: argparse.ArgumentParser, start_default: str) -> None:
    period = p.add_argument_group("audit period")
    period.add_argument(
        "--period-start", type=parse_date, metavar="DATE", help=f"first day of the audit period ({start_default})"
    )
    period.add_argument(
        "--period-end",
        type=parse_date,
        metavar="DATE",
        help="last day of the audit period; access-key age is counted to it (default: today, UTC)",
    )


def add_network_options(p: argparse.ArgumentParser) -> None:
    tune = p.add_argument_group("network")
    tune.add_argument("--retry-mode", choices=("standard", "adaptive"), default="standard", help="botocore retry mode")
    tune.add_argument(
        "--max-attempts", type=positive_int, default=8, metavar="N", help="attempts per call, first included (8)"
    )
    tune.add_argument(
        "--timeout", type=positive_float, default=30.0, metavar="SECONDS", help="read timeout per request (30)"
    )
    tune.add_argument("--workers", type=positive_int, default=8, metavar="N", help="concurrent reads (8)")


def period_end(args: argparse.Namespace) -> dt.date:
    end = args.period_end or dt.datetime.now(dt.UTC).date()
    if args.period_start and args.period_start > end:
        raise UsageError(f"--period-start {args.period_start} is after the period end {end}")
    return end


def connect_options(args: argparse.Namespace) -> Any:
    """The connection settings the options name (botocore is imported only here, at scan time)."""
    from ..live.session import ConnectOptions

    if args.external_id and not args.role_arn:
        raise UsageError("--external-id needs --role-arn")
    return ConnectOptions(
        profile=args.profile,
        role_arn=args.role_arn,
        external_id=args.external_id,
        endpoint_url=args.endpoint_url,
        retry_mode=args.retry_mode,
        max_attempts=args.max_attempts,
        read_timeout=args.timeout,
        connect_timeout=min(5.0, args.timeout),
    )
