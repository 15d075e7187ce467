"""SOC2_AWS_17: encrypted storage; cluster members are judged by their cluster."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.rds import DbStorage

from .verdicts import MISSING, UNKNOWN, assert_verdict


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(
            DbStorage("db1", "instance", True), Status.PASSED, "RDS instance db1 has encrypted storage", id="encrypted"
        ),
        pytest.param(
            DbStorage("c1", "cluster", False), Status.FAILED, "RDS cluster c1 has unencrypted storage", id="unencrypted"
        ),
        pytest.param(DbStorage("db1", "instance", None), Status.FAILED, "unencrypted", id="unset"),
        pytest.param(DbStorage("db1", "instance", False, cluster_member=True), None, "", id="cluster-member"),
        pytest.param(DbStorage("db1", "instance", UNKNOWN), Status.FAILED, "Cannot be confirmed", id="unknown"),
        pytest.param(
            DbStorage("db1", "instance", True, cluster_member=MISSING), Status.ERROR, "GetThing failed", id="missing"
        ),
    ],
)
def test_aws_17_rds_storage_encrypted(view, status, fragment):
    assert_verdict("SOC2_AWS_17", view, status, *([fragment] if fragment else []))
