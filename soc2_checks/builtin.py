"""The built-in checks, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

import importlib
from pathlib import Path

from .hookspecs import hookimpl
from .model import Source
from .registry import CheckDef

_ANY = frozenset(str(s) for s in Source)

RULE_MODULES: dict[str, frozenset[str]] = {
    "iam": _ANY,
    "cloudtrail": _ANY,
    "guardduty": _ANY,
    "s3": _ANY,
    "kms": _ANY,
    "ec2": _ANY,
    "rds": _ANY,
    "config": _ANY,
    "alerting": _ANY,
    "records": frozenset({"records", "live"}),
}
"""Each module of rules, and the sources its checks can run on: the organisation's records are
never read in a Checkov run, which then does not import their views."""


@hookimpl
def soc2_checks_register_checks(sources: frozenset[str]) -> list[CheckDef]:
    checks: list[CheckDef] = []
    for name, module_sources in RULE_MODULES.items():
        if not module_sources & sources:
            continue
        module = importlib.import_module(f"soc2_checks.rules.{name}")
        checks.extend(v for v in vars(module).values() if isinstance(v, CheckDef))
    return checks


@hookimpl
def soc2_checks_mapping_files() -> list[Path]:
    return []  # the built-in mapping is the base every other mapping file is merged onto
