"""SOC2_AWS_19: an alert for each of StopLogging, DeleteTrail and UpdateTrail."""

from __future__ import annotations

import json

import pytest

from soc2_checks.model import Status
from soc2_checks.views.alerting import EventRule, MetricFilterAlarm, TrailChangeAlerting

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR
ALL = ("StopLogging", "DeleteTrail", "UpdateTrail")
API_CALL = "AWS API Call via CloudTrail"
CIS = "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }"


def rule(pattern, has_target=True, enabled=True, name="trail-changes") -> EventRule:
    return EventRule(name, pattern, has_target, enabled)


def cloudtrail(detail=None, **extra) -> dict:
    pattern = {"source": ["aws.cloudtrail"], "detail-type": [API_CALL], **extra}
    if detail is not None:
        pattern["detail"] = detail
    return pattern


def alerting(rules=(), filters=()) -> TrailChangeAlerting:
    return TrailChangeAlerting(rules, filters)


@pytest.mark.parametrize(
    ("rules", "filters"),
    [
        pytest.param((rule(cloudtrail({"eventName": list(ALL)})),), (), id="event-names-listed"),
        pytest.param((rule(cloudtrail()),), (), id="no-event-name-filter"),
        pytest.param((rule({"source": ["aws.cloudtrail"]}),), (), id="source-only"),
        pytest.param(
            (rule(cloudtrail({"eventSource": ["cloudtrail.amazonaws.com"], "eventName": list(ALL)})),),
            (),
            id="event-source",
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": [{"prefix": "Stop"}, {"suffix": "Trail"}]})),), (), id="prefix-suffix"
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": [{"anything-but": ["CreateTrail", "StartLogging"]}]})),),
            (),
            id="anything-but-others",
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": [{"anything-but": {"prefix": "Describe"}}]})),), (), id="anything-but-prefix"
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": [{"equals-ignore-case": "stoplogging"}, {"wildcard": "*Trail"}]})),),
            (),
            id="ignore-case-wildcard",
        ),
        pytest.param((rule(cloudtrail({"errorCode": [{"exists": False}]})),), (), id="successful-calls-only"),
        pytest.param(
            (
                rule(
                    {
                        "source": ["aws.cloudtrail"],
                        "$or": [
                            {"detail": {"eventName": ["StopLogging"]}},
                            {"detail": {"eventName": [{"suffix": "Trail"}]}},
                        ],
                    }
                ),
            ),
            (),
            id="or",
        ),
        pytest.param((rule(json.dumps(cloudtrail({"eventName": list(ALL)}))),), (), id="pattern-as-json-text"),
        pytest.param((), (MetricFilterAlarm("cis-3.5", CIS, True),), id="cis-metric-filter"),
        pytest.param(
            (),
            (
                MetricFilterAlarm(
                    "f",
                    '{ $.eventSource = "cloudtrail.amazonaws.com" && ($.eventName = Stop* || $.eventName = *Trail) }',
                    True,
                ),
            ),
            id="metric-filter-and-wildcards",
        ),
        pytest.param(
            (), (MetricFilterAlarm("f", "?StopLogging ?DeleteTrail ?UpdateTrail", True),), id="metric-filter-terms"
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": ["StopLogging"]})),),
            (MetricFilterAlarm("f", "{ $.eventName = DeleteTrail || $.eventName = UpdateTrail }", True),),
            id="rule-and-filter-together",
        ),
        pytest.param(
            (rule(cloudtrail(), has_target=UNKNOWN), rule(cloudtrail(), name="other")),
            MISSING,
            id="covered-beside-unknown-and-unread",
        ),
    ],
)
def test_aws_19_passes_when_every_event_alerts(rules, filters):
    assert_verdict(
        "SOC2_AWS_19", alerting(rules, filters), P, "Every CloudTrail stop, delete and update call raises an alert"
    )


@pytest.mark.parametrize(
    ("rules", "filters", "uncovered"),
    [
        pytest.param((), (), "StopLogging, DeleteTrail, UpdateTrail", id="nothing"),
        pytest.param(
            (rule(cloudtrail(), has_target=False),), (), "StopLogging, DeleteTrail, UpdateTrail", id="no-target"
        ),
        pytest.param((rule(cloudtrail(), enabled=False),), (), "StopLogging, DeleteTrail, UpdateTrail", id="disabled"),
        pytest.param((rule(None),), (), "StopLogging, DeleteTrail, UpdateTrail", id="scheduled-rule"),
        pytest.param(
            (),
            (MetricFilterAlarm("f", CIS, False),),
            "StopLogging, DeleteTrail, UpdateTrail",
            id="filter-without-alarm",
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": ["StopLogging"]})),), (), "DeleteTrail, UpdateTrail: ", id="some-events"
        ),
        pytest.param(
            (rule(cloudtrail({"eventName": [{"anything-but": "DeleteTrail"}]})),),
            (),
            "DeleteTrail: no enabled",
            id="anything-but-excludes",
        ),
        pytest.param((rule({"source": ["aws.s3"]}),), (), "StopLogging, DeleteTrail, UpdateTrail", id="other-source"),
        pytest.param(
            (rule({"source": ["aws.cloudtrail"], "detail-type": ["AWS Console Sign In via CloudTrail"]}),),
            (),
            "StopLogging",
            id="other-detail-type",
        ),
        pytest.param(
            (rule(cloudtrail({"userIdentity": {"type": ["Root"]}})),), (), "StopLogging", id="only-some-callers"
        ),
        pytest.param(
            (rule(cloudtrail({"userIdentity": [{"exists": False}]})),),
            (),
            "StopLogging",
            id="exists-false-on-real-field",
        ),
        pytest.param((rule({"source": "aws.cloudtrail"}),), (), "StopLogging", id="scalar-pattern-value"),
        pytest.param(
            (),
            (MetricFilterAlarm("f", "{ $.eventName = StopLogging && $.userIdentity.type = Root }", True),),
            "StopLogging",
            id="filter-only-root",
        ),
        pytest.param(
            (),
            (MetricFilterAlarm("f", "{ $.eventName != StopLogging }", True),),
            "StopLogging: ",
            id="filter-not-equal",
        ),
        pytest.param(
            (), (MetricFilterAlarm("f", "", True),), "StopLogging, DeleteTrail, UpdateTrail", id="filter-empty"
        ),
        pytest.param((), (MetricFilterAlarm("f", "Logging", True),), "StopLogging", id="filter-partial-word"),
        pytest.param(
            (), (MetricFilterAlarm("f", "StopLogging -AssumedRole", True),), "StopLogging", id="filter-exclusion"
        ),
        pytest.param(
            (), (MetricFilterAlarm("f", "{ ($.eventName = StopLogging }", True),), "StopLogging", id="filter-malformed"
        ),
        pytest.param(
            (),
            (MetricFilterAlarm("f", "{ $.eventName = %Stop.*% || $.x NOT EXISTS }", True),),
            "StopLogging",
            id="filter-regex-and-keyword",
        ),
    ],
)
def test_aws_19_fails_naming_uncovered_events(rules, filters, uncovered):
    assert_verdict("SOC2_AWS_19", alerting(rules, filters), F, f"Nothing alerts on CloudTrail {uncovered}")


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(alerting(UNKNOWN, ()), F, "Cannot be confirmed", id="unknown-rules"),
        pytest.param(
            alerting((rule(cloudtrail({"eventName": [UNKNOWN]})),), ()),
            F,
            "Cannot be confirmed",
            id="unknown-in-pattern",
        ),
        pytest.param(
            alerting((), (MetricFilterAlarm("f", UNKNOWN, True),)), F, "Cannot be confirmed", id="unknown-filter"
        ),
        pytest.param(alerting((), MISSING), E, "GetThing failed", id="missing-filters"),
        pytest.param(
            alerting((rule(cloudtrail(), has_target=MISSING),), (MetricFilterAlarm("f", UNKNOWN, True),)),
            E,
            "GetThing failed",
            id="unread-before-unknown",
        ),
        pytest.param(alerting((rule("{not json"),), ()), E, "JSONDecodeError", id="malformed-pattern-text"),
    ],
)
def test_aws_19_unresolved_and_unread(view, status, fragment):
    assert_verdict("SOC2_AWS_19", view, status, fragment)
