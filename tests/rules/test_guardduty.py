"""SOC2_AWS_10: per detector and per region."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.guardduty import Detector, RegionDetectors

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(Detector("d1", True), P, "detector d1 is enabled", id="enabled"),
        pytest.param(Detector("d1", False), F, "detector d1 is disabled", id="disabled"),
        pytest.param(Detector("d1", UNKNOWN), F, "Cannot be confirmed", id="unknown"),
        pytest.param(Detector("d1", MISSING), E, "GetThing failed", id="missing"),
        pytest.param(
            RegionDetectors("eu-west-1", (Detector("a", False), Detector("b", True))),
            P,
            "eu-west-1 has an enabled GuardDuty detector (b)",
            id="region-enabled",
        ),
        pytest.param(
            RegionDetectors("eu-west-1", ()), F, "Region eu-west-1 has no GuardDuty detector", id="region-none"
        ),
        pytest.param(
            RegionDetectors("us-east-2", (Detector("a", False),)),
            F,
            "us-east-2 has GuardDuty detectors but none is enabled",
            id="region-disabled",
        ),
        pytest.param(
            RegionDetectors("r", (Detector("a", MISSING), Detector("b", True))), P, "(b)", id="enabled-beside-unread"
        ),
        pytest.param(
            RegionDetectors("r", (Detector("a", UNKNOWN), Detector("b", False))),
            F,
            "Cannot be confirmed",
            id="region-unknown",
        ),
        pytest.param(RegionDetectors("r", MISSING), E, "GetThing failed", id="region-missing"),
    ],
)
def test_aws_10_guardduty_enabled(view, status, fragment):
    assert_verdict("SOC2_AWS_10", view, status, fragment)
