"""SOC2_AWS_8 (per trail and per account) and SOC2_AWS_9."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.cloudtrail import AccountTrails, Trail

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR
UNCONFIRMED = "Cannot be confirmed"
UNREAD = "GetThing failed"

GOOD = Trail("org", multi_region=True, log_file_validation=True, include_global_service_events=True, logging=True)


def trail(name: str = "t", **changes) -> Trail:
    return Trail(**{**GOOD.__dict__, "name": name, **changes})


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(trail("main"), P, "Trail main is multi-region", id="multi-region"),
        pytest.param(trail("eu", multi_region=False), F, "Trail eu records only its home region", id="single-region"),
        pytest.param(trail(multi_region=UNKNOWN), F, UNCONFIRMED, id="unknown"),
        pytest.param(trail(multi_region=MISSING), E, UNREAD, id="missing"),
    ],
)
def test_aws_8_each_trail_is_multi_region(view, status, fragment):
    assert_verdict("SOC2_AWS_8", view, status, fragment)


@pytest.mark.parametrize(
    ("trails", "status", "fragments"),
    [
        pytest.param(
            (trail("a", multi_region=False), trail("org")), P, ["Trail org is multi-region, logging"], id="one-good"
        ),
        pytest.param((trail("iac", logging=None),), P, ["Trail iac"], id="logging-unstated"),
        pytest.param((), F, ["No CloudTrail trail exists"], id="no-trail"),
        pytest.param((trail("a", multi_region=False),), F, ["a: not multi-region"], id="single-region"),
        pytest.param((trail("b", logging=False),), F, ["b: not logging"], id="stopped"),
        pytest.param(
            (trail("c", include_global_service_events=False),), F, ["c: no global service events"], id="no-global"
        ),
        pytest.param(
            (trail("a", multi_region=False), trail("b", logging=False, include_global_service_events=False)),
            F,
            ["(a: not multi-region; b: not logging, no global service events)"],
            id="each-reason",
        ),
        pytest.param((trail("x", logging=MISSING), trail("org")), P, ["Trail org"], id="good-beside-unread"),
        pytest.param(
            (trail("x", logging=MISSING), trail("y", logging=UNKNOWN)), E, [UNREAD], id="unread-before-unknown"
        ),
        pytest.param((trail("y", logging=UNKNOWN), trail("z", multi_region=False)), F, [UNCONFIRMED], id="unknown"),
        pytest.param(UNKNOWN, F, [UNCONFIRMED], id="unknown-trails"),
        pytest.param(MISSING, E, [UNREAD], id="missing-trails"),
    ],
)
def test_aws_8_account_has_a_multi_region_logging_trail(trails, status, fragments):
    assert_verdict("SOC2_AWS_8", AccountTrails(trails), status, *fragments)


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(trail("main"), P, "Trail main validates its log files", id="validated"),
        pytest.param(trail("main", log_file_validation=False), F, "Trail main does not validate", id="not-validated"),
        pytest.param(trail(log_file_validation=UNKNOWN), F, UNCONFIRMED, id="unknown"),
        pytest.param(trail(log_file_validation=MISSING), E, UNREAD, id="missing"),
    ],
)
def test_aws_9_trails_validate_log_files(view, status, fragment):
    assert_verdict("SOC2_AWS_9", view, status, fragment)
