"""An exemption for a check the scan cannot run is not an "unused" exemption."""

from __future__ import annotations

import datetime as dt

from soc2_checks.exemptions import apply_register, load_register
from soc2_checks.model import ResourceRef, Severity, Status
from soc2_checks.model import Result as R
from soc2_checks.plugins import load

from .conftest import EXAMPLES


def test_live_only_entries_are_not_unused_in_a_pull_request_scan():
    registry = load(load_entry_points=False).registry
    register = load_register(EXAMPLES / "exemptions.yaml", registry, today=dt.date(2026, 11, 26))
    failed_rds = R(
        "SOC2_AWS_17",
        "RDS",
        Severity.HIGH,
        Status.FAILED,
        ["CC6.1"],
        ResourceRef("aws_db_instance.legacy_billing"),
        "x",
    )
    iac_scope = {c.id for c in registry if {"terraform", "cloudformation"} & {str(s) for s in c.sources}}
    _, outcome = apply_register([failed_rds], register, dt.date(2026, 11, 26), iac_scope)
    assert [u["entry"] for u in outcome.unused] == []  # EXC-002 (SOC2_AWS_1) and EXC-003 (SOC2_AWS_3) are live-only
    _, everything = apply_register([failed_rds], register, dt.date(2026, 11, 26))
    assert sorted(u["entry"] for u in everything.unused) == ["EXC-002", "EXC-003"]
