"""The built-in checks, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

import importlib
from pathlib import Path

from .hookspecs import hookimpl
from .registry import CheckDef

RULE_MODULES = (
    "iam",
    "cloudtrail",
    "guardduty",
    "s3",
    "kms",
    "ec2",
    "rds",
    "config",
    "alerting",
    "records",
)


@hookimpl
def soc2_checks_register_checks() -> list[CheckDef]:
    checks: list[CheckDef] = []
    for name in RULE_MODULES:
        module = importlib.import_module(f"soc2_checks.rules.{name}")
        checks.extend(v for v in vars(module).values() if isinstance(v, CheckDef))
    return checks


@hookimpl
def soc2_checks_mapping_files() -> list[Path]:
    return []  # the built-in mapping is the base every other mapping file is merged onto
