"""SOC2_AWS_18: per recorder and per region."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.config import ConfigRecorder, RegionRecorders

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(
            ConfigRecorder("default", True, True),
            P,
            "recorder default records all resource types and is recording",
            id="recording",
        ),
        pytest.param(
            ConfigRecorder("cfn", True, None), P, "recorder cfn records all resource types.", id="recording-unstated"
        ),
        pytest.param(
            ConfigRecorder("r", False, True), F, "recorder r does not record all resource types", id="partial"
        ),
        pytest.param(ConfigRecorder("r", True, False), F, "recorder r is stopped", id="stopped"),
        pytest.param(
            ConfigRecorder("r", False, False), F, "does not record all resource types and is stopped", id="both"
        ),
        pytest.param(ConfigRecorder("r", UNKNOWN, True), F, "Cannot be confirmed", id="unknown"),
        pytest.param(ConfigRecorder("r", True, MISSING), E, "GetThing failed", id="missing"),
    ],
)
def test_aws_18_recorder_records_everything(view, status, fragment):
    assert_verdict("SOC2_AWS_18", view, status, fragment)


@pytest.mark.parametrize(
    ("recorders", "status", "fragment"),
    [
        pytest.param(
            (ConfigRecorder("a", False, True), ConfigRecorder("b", True, True)),
            P,
            "Region eu-west-1 has AWS Config recorder b",
            id="one-good",
        ),
        pytest.param((ConfigRecorder("cfn", True, None),), P, "recorder cfn", id="recording-unstated"),
        pytest.param((), F, "Region eu-west-1 has no AWS Config recorder.", id="none"),
        pytest.param((ConfigRecorder("a", False, True),), F, "(a does not record all resource types)", id="partial"),
        pytest.param((ConfigRecorder("a", True, False),), F, "(a is stopped)", id="stopped"),
        pytest.param(
            (ConfigRecorder("a", MISSING, True), ConfigRecorder("b", True, True)),
            P,
            "recorder b",
            id="good-beside-unread",
        ),
        pytest.param((ConfigRecorder("a", True, UNKNOWN),), F, "Cannot be confirmed", id="unknown"),
        pytest.param(MISSING, E, "GetThing failed", id="missing"),
    ],
)
def test_aws_18_region_has_a_recording_recorder(recorders, status, fragment):
    assert_verdict("SOC2_AWS_18", RegionRecorders("eu-west-1", recorders), status, fragment)
