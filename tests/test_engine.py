"""The engine is where every scan kind turns verdicts into results, identically."""

from __future__ import annotations

from soc2_checks.engine import evaluate
from soc2_checks.mapping import load_mapping
from soc2_checks.model import Missing, ResourceRef, Source, Status, Subject, Unknown
from soc2_checks.plugins import load
from soc2_checks.registry import RuleContext
from soc2_checks.views.cloudtrail import AccountTrails, Trail
from soc2_checks.views.s3 import Bucket, PublicAccessBlock

LOADED = load(load_entry_points=False)
MAPPING = load_mapping(LOADED.registry.ids())
ON = PublicAccessBlock(True, True, True, True)


def run(view, source=None):
    subject = Subject(ResourceRef("r"), view)
    results = evaluate([subject], LOADED.registry, RuleContext(), MAPPING.criteria_for, source=source)
    return {r.check_id: r for r in results}


def test_unknown_fails_missing_errors_and_criteria_are_attached():
    unresolved = run(Bucket("b", Unknown("var.sse is unresolved"), ON, None))
    assert unresolved["SOC2_AWS_11"].status is Status.FAILED
    assert "var.sse is unresolved" in unresolved["SOC2_AWS_11"].message
    assert unresolved["SOC2_AWS_11"].criteria == ["CC6.1", "CC6.7"]
    unread = run(
        Bucket("b", Missing("s3:GetBucketEncryption", "AccessDenied", "s3:GetEncryptionConfiguration"), ON, None)
    )
    assert unread["SOC2_AWS_11"].status is Status.ERROR
    assert "s3:GetEncryptionConfiguration" in unread["SOC2_AWS_11"].message


def test_a_rule_that_raises_is_an_error_result_not_a_dropped_one():
    broken = run(Bucket("b", ("AES256",), ON, None, canned_acl=None, grantee_uris=None))  # type: ignore[arg-type]
    assert broken["SOC2_AWS_12"].status is Status.ERROR
    assert "raised TypeError" in broken["SOC2_AWS_12"].message


def test_per_trail_judgement_is_iac_only_and_the_account_view_everywhere():
    single = Trail("audit", multi_region=False, log_file_validation=True)
    assert run(single, Source.TERRAFORM)["SOC2_AWS_8"].status is Status.FAILED
    live = run(single, Source.LIVE)
    assert "SOC2_AWS_8" not in live and live["SOC2_AWS_9"].status is Status.PASSED
    account = run(AccountTrails((single,)), Source.LIVE)
    assert account["SOC2_AWS_8"].status is Status.FAILED
