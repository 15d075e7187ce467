"""examples/iam/scanner-policy.json has one statement per use: the live scan, the records join
(``live --records``) and the evidence package. Each names what that use calls, read-only."""

from __future__ import annotations

import datetime as dt
import json

from soc2_checks.evidence import reads
from soc2_checks.live.guard import CallLog
from soc2_checks.live.permissions import permission_for
from soc2_checks.live.scan import scan_account
from soc2_checks.live.services import all_collectors
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.records import live_join
from soc2_checks.records.load import load_records
from soc2_checks.registry import RuleContext
from soc2_checks.rules.iam_actions import access_level

from ..conftest import EXAMPLES
from .accounts import seed_everything
from .test_read_only import POLICY, policy_actions

END = dt.date(2026, 3, 31)


def _operations(registry, extra) -> set[str]:
    log = CallLog()
    scan_account(
        lambda: Connection(ConnectOptions(max_attempts=2), log=log),
        registry,
        RuleContext(as_of=END, period_end=END),
        lambda c: [],
        regions=["us-east-1"],
        collectors=all_collectors() + extra,
    )
    assert log.refused == []
    return {permission_for(s, o) for s, o in log.operations}


def test_records_and_evidence_reads_are_in_their_statements(aws, registry):
    seed_everything(("us-east-1",))
    base = policy_actions()
    records = load_records(EXAMPLES / "records")
    joined = _operations(registry, live_join.collectors(records, dt.date(2025, 7, 1), END))
    assert joined - base <= policy_actions("Soc2ChecksRecordsJoin")
    evidence = _operations(registry, [reads.collector(None, None, read_findings=True, keep=lambda f, s: None)])
    assert evidence - base <= policy_actions("Soc2ChecksEvidencePackage")


def test_every_statement_is_read_only():
    for statement in json.loads(POLICY.read_text())["Statement"]:
        for action in statement["Action"]:
            service, _, name = action.partition(":")
            assert access_level(service, name) in {"Read", "List"}, action
