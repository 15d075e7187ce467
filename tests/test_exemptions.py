"""The compensating-control exemption register: what it may exempt, what it never touches, what
invalid input looks like, and the auditor's report of it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from soc2_checks.cli import main
from soc2_checks.errors import InputError
from soc2_checks.exemptions import (
    CompensatingControl,
    Entry,
    Person,
    Register,
    Selector,
    apply_register,
    load_register,
)
from soc2_checks.model import ExemptionRef, ResourceRef, Result, Severity, Status
from soc2_checks.report import ScanReport
from soc2_checks.schemas import validate_data

from .conftest import EXAMPLES

TODAY = dt.date(2026, 11, 26)
CATALOG = {f"SOC2_AWS_{i}" for i in range(1, 20)} | {f"SOC2_OPS_{i}" for i in range(1, 7)}


# --------------------------------------------------------------------------- helpers


def res(
    check: str,
    rid: str,
    status: Status = Status.FAILED,
    *,
    account: str | None = None,
    region: str | None = None,
    suppression: str | None = None,
    message: str = "",
) -> Result:
    return Result(
        check_id=check,
        title=f"title of {check}",
        severity=Severity.HIGH,
        status=status,
        criteria=["CC6.1"],
        resource=ResourceRef(id=rid, account=account, region=region),
        message=message or f"{check} says {status} for {rid}.",
        suppression=suppression,
    )


def entry(
    id: str = "EXC-001",
    checks: tuple[str, ...] = ("SOC2_AWS_17",),
    resources: tuple[Selector, ...] = (Selector("aws_db_instance.legacy_billing"),),
    controls: tuple[CompensatingControl, ...] = (CompensatingControl("Network isolation"),),
    approved_on: dt.date = dt.date(2026, 3, 16),
    expires_on: dt.date = dt.date(2027, 6, 30),
) -> Entry:
    return Entry(
        id=id,
        checks=checks,
        resources=resources,
        constraint="Encryption needs downtime",
        compensating_controls=controls,
        requested_by=Person("Priya Raman", "Billing Platform Lead"),
        approved_by=Person("Marcus Oyelaran", "CISO"),
        approved_on=approved_on,
        expires_on=expires_on,
        ticket="RISK-1",
        risk_level="medium",
    )


def scan_report(results: list[Result]) -> ScanReport:
    t = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    return ScanReport(kind="iac", started_at=t, finished_at=t, targets=["infra"], results=results)


def reg(*entries: Entry) -> Register:
    return Register(path=Path("register.yaml"), entries=entries)


# --------------------------------------------------------------------------- applying


def test_failed_result_covered_by_a_valid_entry_is_exempted_with_approver_and_expiry():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", message="DB legacy-billing has unencrypted storage.")
    out, outcome = apply_register([r], reg(entry()), TODAY)
    assert out[0].status is Status.EXEMPTED
    assert out[0].exemption == ExemptionRef("EXC-001", "Marcus Oyelaran (CISO)", "2027-06-30")
    assert out[0].message.startswith("DB legacy-billing has unencrypted storage.")
    assert "EXC-001" in out[0].message
    assert outcome.applied == [
        {
            "entry": "EXC-001",
            "check_id": "SOC2_AWS_17",
            "resource_id": "aws_db_instance.legacy_billing",
            "account": None,
            "region": None,
            "approved_by": "Marcus Oyelaran (CISO)",
            "expires_on": "2027-06-30",
            "via": "register",
        }
    ]
    assert r.status is Status.FAILED, "the input result is not modified"


@pytest.mark.parametrize("as_of", [dt.date(2027, 6, 30), dt.date(2027, 9, 1)])
def test_expired_entry_leaves_the_result_failed_and_says_since_when(as_of):
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing")
    out, outcome = apply_register([r], reg(entry(id="EXC-004")), as_of)
    assert out[0].status is Status.FAILED and out[0].exemption is None
    assert "exemption EXC-004 expired on 2027-06-30" in out[0].message
    assert [(i["entry"], i["resource_id"], i["since"]) for i in outcome.expired] == [
        ("EXC-004", "aws_db_instance.legacy_billing", "2027-06-30")
    ]
    assert outcome.applied == []


def test_entry_expiring_within_30_days_is_a_warning_and_still_applies():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing")
    soon = entry(expires_on=TODAY + dt.timedelta(days=30))
    out, outcome = apply_register([r], reg(soon), TODAY)
    assert out[0].status is Status.EXEMPTED
    assert [(i["entry"], i["days_left"]) for i in outcome.expiring_soon] == [("EXC-001", 30)]
    _, later = apply_register([r], reg(entry(expires_on=TODAY + dt.timedelta(days=31))), TODAY)
    assert later.expiring_soon == []


def test_entry_is_not_in_force_before_its_approval_date():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing")
    out, _ = apply_register([r], reg(entry()), dt.date(2026, 1, 1))
    assert out[0].status is Status.FAILED
    assert "not in force before its approval on 2026-03-16" in out[0].message


VERIFIED = CompensatingControl("Keys rotated every 30 days", verified_by=("SOC2_AWS_3",))
CI_USER = "arn:aws:iam::123456789012:user/ci-deploy"
CI_ENTRY = entry(checks=("SOC2_AWS_1",), resources=(Selector("arn:aws:iam::*:user/ci-deploy"),), controls=(VERIFIED,))


def test_compensating_control_whose_check_failed_keeps_the_result_failed():
    results = [
        res("SOC2_AWS_1", CI_USER, account="123456789012"),
        res("SOC2_AWS_3", CI_USER, Status.FAILED, account="123456789012"),
    ]
    out, outcome = apply_register(results, reg(CI_ENTRY), TODAY)
    assert out[0].status is Status.FAILED
    assert "compensating control 'Keys rotated every 30 days' failed: SOC2_AWS_3 is FAILED" in out[0].message
    assert [(i["entry"], i["verified_by"], i["control"]) for i in outcome.not_verified] == [
        ("EXC-001", "SOC2_AWS_3", "Keys rotated every 30 days")
    ]


def test_compensating_control_without_a_result_could_not_be_verified():
    out, outcome = apply_register([res("SOC2_AWS_1", CI_USER, account="123456789012")], reg(CI_ENTRY), TODAY)
    assert out[0].status is Status.FAILED
    assert "could not be verified: no SOC2_AWS_3 result for this resource" in out[0].message
    assert len(outcome.not_verified) == 1


def test_compensating_control_verified_on_another_resource_does_not_count():
    results = [
        res("SOC2_AWS_1", CI_USER, account="123456789012"),
        res("SOC2_AWS_3", "arn:aws:iam::123456789012:user/someone-else", Status.PASSED, account="123456789012"),
    ]
    out, _ = apply_register(results, reg(CI_ENTRY), TODAY)
    assert out[0].status is Status.FAILED


def test_compensating_control_that_passed_on_the_same_resource_lets_the_exemption_apply():
    results = [
        res("SOC2_AWS_1", CI_USER, account="123456789012"),
        res("SOC2_AWS_3", CI_USER, Status.PASSED, account="123456789012"),
    ]
    out, outcome = apply_register(results, reg(CI_ENTRY), TODAY)
    assert out[0].status is Status.EXEMPTED
    assert outcome.not_verified == []


def test_verifier_on_the_parts_of_a_resource_must_pass_on_every_part():
    """Live access-key results are parts of their user: ``<user ARN>#access_key_N``."""
    user = res("SOC2_AWS_1", CI_USER, account="123456789012")

    def key(slot: int, status: Status) -> Result:
        return res("SOC2_AWS_3", f"{CI_USER}#access_key_{slot}", status, account="123456789012")

    ok, _ = apply_register([user, key(1, Status.PASSED), key(2, Status.PASSED)], reg(CI_ENTRY), TODAY)
    assert ok[0].status is Status.EXEMPTED
    bad, _ = apply_register([user, key(1, Status.PASSED), key(2, Status.FAILED)], reg(CI_ENTRY), TODAY)
    assert bad[0].status is Status.FAILED
    assert f"SOC2_AWS_3 is FAILED for {CI_USER}#access_key_2" in bad[0].message
    other_user = res("SOC2_AWS_3", "arn:aws:iam::123456789012:user/ci-deploy-old#access_key_1", Status.PASSED)
    nope, _ = apply_register([user, other_user], reg(CI_ENTRY), TODAY)
    assert "no SOC2_AWS_3 result for this resource" in nope[0].message


def test_account_level_verifier_counts_in_the_same_account_and_region_only():
    trail = CompensatingControl("CloudTrail logging", verified_by=("SOC2_AWS_10",))
    e = entry(resources=(Selector("arn:aws:rds:*:*:db:legacy-billing"),), controls=(trail,))
    db = "arn:aws:rds:us-east-1:123456789012:db:legacy-billing"
    failing_db = res("SOC2_AWS_17", db, account="123456789012", region="us-east-1")

    def detector(account: str, region: str, status: Status) -> Result:
        return res("SOC2_AWS_10", f"{account}/{region}", status, account=account, region=region)

    ok, _ = apply_register(
        [
            failing_db,
            detector("123456789012", "us-east-1", Status.PASSED),
            detector("123456789012", "eu-west-1", Status.FAILED),
        ],
        reg(e),
        TODAY,
    )
    assert ok[0].status is Status.EXEMPTED, "only the DB's own region matters for a regional check"
    other_account, _ = apply_register([failing_db, detector("999999999999", "us-east-1", Status.PASSED)], reg(e), TODAY)
    assert other_account[0].status is Status.FAILED
    assert "no SOC2_AWS_10 result" in other_account[0].message
    failed_here, _ = apply_register([failing_db, detector("123456789012", "us-east-1", Status.FAILED)], reg(e), TODAY)
    assert "SOC2_AWS_10 is FAILED for account 123456789012 in us-east-1" in failed_here[0].message


def test_global_resource_needs_a_regional_verifier_to_pass_in_every_region():
    e = entry(
        checks=("SOC2_AWS_1",), resources=(Selector(CI_USER),), controls=(CompensatingControl("GD", ("SOC2_AWS_10",)),)
    )
    user = res("SOC2_AWS_1", CI_USER, account="123456789012")
    regions = [
        res("SOC2_AWS_10", "123456789012/us-east-1", Status.PASSED, account="123456789012", region="us-east-1"),
        res("SOC2_AWS_10", "123456789012/eu-west-1", Status.ERROR, account="123456789012", region="eu-west-1"),
    ]
    out, _ = apply_register([user, *regions], reg(e), TODAY)
    assert out[0].status is Status.FAILED
    assert "SOC2_AWS_10 is ERROR for account 123456789012 in eu-west-1" in out[0].message


@pytest.mark.parametrize("status", [Status.PASSED, Status.ERROR])
def test_passed_and_error_results_are_never_changed(status):
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", status)
    out, outcome = apply_register([r], reg(entry()), TODAY)
    assert out[0] == r
    assert outcome.applied == []


def test_entry_that_matched_nothing_is_unused():
    r = res("SOC2_AWS_17", "aws_db_instance.other")
    _, outcome = apply_register([r], reg(entry()), TODAY)
    assert [(i["entry"], i["reason"]) for i in outcome.unused] == [
        ("EXC-001", "no result matched its checks and resources")
    ]


def test_entry_that_matched_only_passed_results_is_unused_as_stale():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", Status.PASSED)
    _, outcome = apply_register([r], reg(entry()), TODAY)
    assert len(outcome.unused) == 1 and "can be retired" in outcome.unused[0]["reason"]
    _, used = apply_register([res("SOC2_AWS_17", "aws_db_instance.legacy_billing")], reg(entry()), TODAY)
    assert used.unused == []


def test_results_order_is_kept_and_other_results_untouched():
    results = [
        res("SOC2_AWS_11", "aws_s3_bucket.b"),
        res("SOC2_AWS_17", "aws_db_instance.legacy_billing"),
        res("SOC2_AWS_17", "aws_db_instance.other"),
        res("SOC2_AWS_12", "aws_s3_bucket.b", Status.PASSED),
    ]
    out, _ = apply_register(results, reg(entry()), TODAY)
    assert [(r.check_id, r.resource.id) for r in out] == [(r.check_id, r.resource.id) for r in results]
    assert [r.status for r in out] == [Status.FAILED, Status.EXEMPTED, Status.FAILED, Status.PASSED]
    assert out[0] == results[0] and out[2] == results[2]


def test_no_register_changes_nothing_but_still_judges_suppressions():
    plain = res("SOC2_AWS_17", "aws_db_instance.legacy_billing")
    skipped = res("SOC2_AWS_11", "aws_s3_bucket.b", suppression="EXC-001 approved")
    out, outcome = apply_register([plain, skipped], None, TODAY)
    assert out[0] == plain and out[1].status is Status.FAILED
    assert "no exemption register was given" in outcome.invalid_suppressions[0]["reason"]


# --------------------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("selector", "ref", "matches"),
    [
        (Selector("aws_instance.web[0]"), ResourceRef("aws_instance.web[0]"), True),
        (Selector("aws_instance.web[0]"), ResourceRef("aws_instance.web0"), True),  # fnmatch class, documented
        (Selector("module.billing.*"), ResourceRef("module.billing.aws_db_instance.main"), True),
        (Selector("arn:aws:iam::*:user/ci-deploy"), ResourceRef("arn:aws:iam::1:user/ci-deploy-2"), False),
        (Selector("ARN:aws:iam::*:user/ci-deploy"), ResourceRef("arn:aws:iam::1:user/ci-deploy"), False),
        (Selector("*", account="123456789012"), ResourceRef("x", account="123456789012"), True),
        (Selector("*", account="123456789012"), ResourceRef("aws_s3_bucket.b"), False),
        (Selector("*", region="eu-*"), ResourceRef("x", region="eu-west-1"), True),
        (Selector("*", region="eu-*"), ResourceRef("x", region="us-east-1"), False),
        (Selector("arn:aws:iam::*:user/vendor"), ResourceRef("arn:aws:iam::1:user/vendor#access_key_2"), True),
        (Selector("arn:aws:iam::*:user/vendor"), ResourceRef("arn:aws:iam::1:user/vendor-2#access_key_2"), False),
    ],
)
def test_selectors_match_exact_ids_globs_account_and_region(selector, ref, matches):
    assert selector.matches(ref) is matches


# --------------------------------------------------------------------------- inline suppressions


def test_suppression_citing_a_valid_entry_exempts_the_result():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", suppression="EXC-001: legacy billing DB, see RISK-1")
    out, outcome = apply_register([r], reg(entry()), TODAY)
    assert out[0].status is Status.EXEMPTED and out[0].exemption.id == "EXC-001"
    assert outcome.applied[0]["via"] == "inline suppression"
    assert outcome.invalid_suppressions == []


@pytest.mark.parametrize(
    ("suppression", "reason"),
    [
        ("approved by the CISO", "cites no exemption register entry"),
        ("EXC-009 legacy", "EXC-009 is not in the exemption register"),
        ("EXC-002 legacy", "EXC-002 does not cover check SOC2_AWS_17"),
        ("EXC-003 legacy", "EXC-003 does not cover resource aws_db_instance.legacy_billing"),
        ("EXC-004 legacy", "exemption EXC-004 expired on 2026-01-31"),
        ("EXC-0011 is not EXC-001", "EXC-0011 is not in the exemption register"),
    ],
)
def test_suppression_without_a_valid_cited_entry_stays_failed_and_is_listed(suppression, reason):
    register = reg(
        entry(id="EXC-002", checks=("SOC2_AWS_11",)),
        entry(id="EXC-003", resources=(Selector("aws_db_instance.other"),)),
        entry(id="EXC-004", approved_on=dt.date(2025, 2, 1), expires_on=dt.date(2026, 1, 31)),
    )
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", suppression=suppression)
    out, outcome = apply_register([r], register, TODAY)
    assert out[0].status is Status.FAILED and out[0].exemption is None
    assert reason in out[0].message
    [item] = outcome.invalid_suppressions
    assert reason in item["reason"] and item["suppression"] == suppression and item["check_id"] == "SOC2_AWS_17"


def test_suppression_is_refused_even_when_a_register_entry_covers_the_result_and_says_which():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", suppression="approved by Marcus")
    out, outcome = apply_register([r], reg(entry()), TODAY)
    assert out[0].status is Status.FAILED
    assert "Register entry EXC-001 covers this result: cite it in the skip reason." in out[0].message
    assert len(outcome.invalid_suppressions) == 1


def test_suppression_on_a_passed_result_is_harmless():
    r = res("SOC2_AWS_17", "aws_db_instance.legacy_billing", Status.PASSED, suppression="because")
    out, outcome = apply_register([r], reg(entry()), TODAY)
    assert out[0] == r and outcome.invalid_suppressions == []


def test_suppression_citing_an_entry_whose_control_failed_is_not_verified():
    results = [
        res("SOC2_AWS_1", CI_USER, account="123456789012", suppression="EXC-001"),
        res("SOC2_AWS_3", CI_USER, Status.FAILED, account="123456789012"),
    ]
    out, outcome = apply_register(results, reg(CI_ENTRY), TODAY)
    assert out[0].status is Status.FAILED
    assert len(outcome.not_verified) == 1 and outcome.invalid_suppressions == []


# --------------------------------------------------------------------------- loading

VALID = """\
version: 1
exemptions:
  - id: EXC-001
    checks: [SOC2_AWS_11]
    resources:
      - aws_s3_bucket.legacy_logs
      - id: "arn:aws:s3:::legacy-logs"
        account: "123456789012"
    constraint: The legacy log shipper cannot write to encrypted buckets.
    compensating_controls:
      - description: Public access is fully blocked on the bucket.
        verified_by: [SOC2_AWS_12]
    risk: {level: low}
    requested_by: {name: Priya Raman, role: Platform Lead}
    approved_by: {name: Marcus Oyelaran, role: CISO}
    approved_on: 2026-03-16
    expires_on: 2027-06-30
    ticket: SEC-1
  - id: EXC-002
    checks: [SOC2_AWS_13]
    resources: ["*"]
    constraint: Account shared with a public website bucket.
    compensating_controls:
      - description: Bucket-level public access blocks on every other bucket.
    risk: {description: A new bucket could be public for a while.}
    requested_by: {name: Tomás Lindqvist, role: DevOps Manager}
    approved_by: {name: Hannah Okafor, role: VP Engineering}
    approved_on: 2026-08-04
    expires_on: 2026-12-10
    ticket: SEC-2
"""


def write(tmp_path: Path, text: str, name: str = "register.yaml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_valid_register_loads_with_selectors_and_people(tmp_path):
    f = write(tmp_path, VALID)
    register = load_register(f, CATALOG, today=TODAY)
    assert [e.id for e in register] == ["EXC-001", "EXC-002"]
    e1 = register.get("EXC-001")
    assert e1.resources == (
        Selector("aws_s3_bucket.legacy_logs"),
        Selector("arn:aws:s3:::legacy-logs", account="123456789012"),
    )
    assert e1.compensating_controls[0].verified_by == ("SOC2_AWS_12",)
    assert e1.approved_on == dt.date(2026, 3, 16) and e1.line == 3
    assert str(register.get("EXC-002").approved_by) == "Hannah Okafor (VP Engineering)"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "approved_by: {name: Marcus Oyelaran, role: CISO}",
            "approved_by: {name: priya  raman, role: CTO}",
            ":15: exemptions[0].approved_by: approver priya raman is also the requester",
        ),
        (
            "expires_on: 2027-06-30",
            "expires_on: 2026-03-01",
            ":17: exemptions[0].expires_on: expiry date 2026-03-01 is not after",
        ),
        (
            "approved_on: 2026-03-16",
            "approved_on: 2026-12-01",
            ":16: exemptions[0].approved_on: approval date 2026-12-01 is in the future",
        ),
        (
            "checks: [SOC2_AWS_11]",
            "checks: [SOC2_AWS_11, SOC2_AWS_99]",
            ":4: exemptions[0].checks[1]: unknown check SOC2_AWS_99",
        ),
        (
            "  - id: EXC-002",
            "  - id: EXC-001",
            ":19: exemptions[1].id: duplicate entry ID EXC-001 (first used on line 3)",
        ),
        (
            "verified_by: [SOC2_AWS_12]",
            "verified_by: [SOC2_AWS_42]",
            ":12: exemptions[0].compensating_controls[0].verified_by[0]: unknown check SOC2_AWS_42",
        ),
        (
            "verified_by: [SOC2_AWS_12]",
            "verified_by: [SOC2_AWS_11]",
            ":12: exemptions[0].compensating_controls[0].verified_by[0]: SOC2_AWS_11 is a check this entry exempts",
        ),
        (
            'account: "123456789012"',
            "account: 123456789012",
            ":8: exemptions[0].resources[1].account: account 123456789012 must be quoted",
        ),
        ('resources: ["*"]', "resources: []", ":21: exemptions[1].resources: [] should be non-empty"),
    ],
)
def test_semantically_invalid_register_names_file_line_and_field(tmp_path, old, new, where):
    assert old in VALID
    f = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(InputError) as exc:
        load_register(f, CATALOG, today=TODAY)
    assert str(exc.value).startswith(f"{f}{where}"), str(exc.value)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    ticket: SEC-1\n", "", ":3: exemptions[0]: 'ticket' is a required property"),
        (
            "checks: [SOC2_AWS_11]",
            "checks: SOC2_AWS_11",
            ":4: exemptions[0].checks: 'SOC2_AWS_11' is not of type 'array'",
        ),
        (
            "expires_on: 2027-06-30",
            "expires_on: 2027-06-31",
            ":17: exemptions[0].expires_on: '2027-06-31' is not a valid date",
        ),
        (
            "    ticket: SEC-1\n",
            "    ticket: SEC-1\n    approver_note: fine\n",
            ":3: exemptions[0]: unknown field(s) ('approver_note' was unexpected)",
        ),
        ("  - id: EXC-001", "  - id: EX-1", ":3: exemptions[0].id: 'EX-1' does not match"),
    ],
)
def test_schema_violations_exit_2_through_the_cli_with_one_line(tmp_path, capsys, old, new, where):
    assert old in VALID
    f = write(tmp_path, VALID.replace(old, new, 1))
    assert main(["exemptions", "validate", str(f)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith(f"soc2-checks: error: {f}{where}"), err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nexcemptions: []\n", ":1: unknown field(s) ('excemptions' was unexpected)"),
        ("version: 1\n", ":1: 'exemptions' is a required property"),
        ("version: 2\nexemptions: []\n", ":1: version: 1 was expected"),
    ],
)
def test_register_without_an_exemptions_list_is_invalid(tmp_path, capsys, text, message):
    f = write(tmp_path, text)
    assert main(["exemptions", "validate", str(f)]) == 2
    assert capsys.readouterr().err.strip() == f"soc2-checks: error: {f}{message}"


# --------------------------------------------------------------------------- validate command


def test_validate_prints_a_summary_and_warns_about_expired_and_expiring_entries(tmp_path, capsys):
    f = write(tmp_path, VALID)
    assert main(["exemptions", "validate", str(f), "--as-of", "2026-11-26"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{f}: 2 entries valid; 1 expiring within 30 days; 0 expired\n"
    assert "EXC-002 expires on 2026-12-10 (14 days left)" in captured.err
    assert main(["exemptions", "validate", str(f), "--as-of", "2026-12-10"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{f}: 2 entries valid; 0 expiring within 30 days; 1 expired\n"
    assert "EXC-002 expired on 2026-12-10" in captured.err


def test_the_example_register_is_valid(capsys):
    path = EXAMPLES / "exemptions.yaml"
    assert main(["exemptions", "validate", str(path), "--as-of", "2026-11-26"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("3 entries valid; 0 expiring within 30 days; 0 expired")
    register = load_register(path, CATALOG, today=TODAY)
    for e in register:
        assert e.days_left(TODAY) >= 182, f"{e.id} must stay valid for six months"
    ids = {e.id: e for e in register}
    assert ids["EXC-001"].covers(res("SOC2_AWS_17", "aws_db_instance.legacy_billing"))
    assert ids["EXC-002"].covers(res("SOC2_AWS_1", CI_USER))
    assert ids["EXC-003"].covers(
        res("SOC2_AWS_3", "arn:aws:iam::123456789012:user/vendor-ledgerly-export#access_key_1")
    )
    rds = res("SOC2_AWS_17", "arn:aws:rds:us-east-1:123456789012:db:legacy-billing", region="us-east-1")
    assert ids["EXC-001"].covers(rds)
    assert not ids["EXC-001"].covers(replace(rds, resource=replace(rds.resource, region="eu-west-1")))


# --------------------------------------------------------------------------- report command


def git(cwd: Path, *args: str, author: str = "Priya Raman") -> None:
    subprocess.run(
        [
            "git",
            "-c",
            f"user.name={author}",
            "-c",
            "user.email=dev@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=30,
    )


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A register in a git repository with two commits by two people: the second extends
    EXC-002's expiry."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    root = tmp_path / "infra"
    root.mkdir()
    git(root, "init", "-q")
    f = write(root, VALID, "exemptions.yaml")
    git(root, "add", "exemptions.yaml")
    git(root, "commit", "-q", "-m", "Add exemption register")
    f.write_text(VALID.replace("expires_on: 2026-12-10", "expires_on: 2027-02-28"))
    git(root, "commit", "-q", "-am", "Extend EXC-002 to February", author="Marcus Oyelaran")
    return f


def test_report_markdown_shows_entries_statuses_and_git_history(repo, capsys):
    assert main(["exemptions", "report", str(repo), "--as-of", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert (
        "| EXC-001 | SOC2_AWS_11 | active (216 days left) | Marcus Oyelaran (CISO) | 2026-03-16 | 2027-06-30 | SEC-1 |"
        in out
    )
    assert "| EXC-002 | SOC2_AWS_13 | active (94 days left)" in out
    assert "Last changed: " in out and "by Marcus Oyelaran" in out
    exc1, exc2 = out.split("## EXC-001")[1].split("## EXC-002")
    assert "Add exemption register" in exc1 and "Extend EXC-002" not in exc1
    assert "Extend EXC-002 to February" in exc2 and "Add exemption register" in exc2
    assert "**Constraint:** The legacy log shipper cannot write to encrypted buckets." in exc1
    assert "SOC2_AWS_12: not checked (no scan results given)" in exc1
    assert "manual: no check verifies it" in exc2


def test_report_csv_has_one_row_per_entry_with_history(repo, capsys):
    assert main(["exemptions", "report", str(repo), "-o", "csv", "--as-of", "2027-03-01"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == ["EXC-001", "EXC-002"]
    assert rows[0]["status"] == "active" and rows[1]["status"] == "expired"
    assert rows[1]["approved_by"] == "Hannah Okafor (VP Engineering)" and rows[1]["expires_on"] == "2027-02-28"
    assert rows[1]["last_changed_by"] == "Marcus Oyelaran"
    assert "Extend EXC-002 to February" in rows[1]["change_history"]
    assert rows[0]["last_changed_by"] == "Priya Raman"


def test_report_flags_uncommitted_changes_and_entries_and_writes_a_file(repo, tmp_path, capsys):
    added = VALID.split("  - id: EXC-002")[1].replace("SOC2_AWS_13", "SOC2_AWS_12")
    repo.write_text(repo.read_text() + "  - id: EXC-003" + added)
    out = tmp_path / "register.md"
    assert main(["exemptions", "report", str(repo), "--as-of", "2026-11-26", "--output-file", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert "the register has uncommitted changes" in text
    assert "**Change history:** not in the last commit (added since, not yet committed)" in text.split("## EXC-003")[1]


def test_report_of_a_register_outside_git_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    f = write(tmp_path, VALID)
    assert main(["exemptions", "report", str(f), "--as-of", "2026-11-26"]) == 0
    assert "not in a git repository" in capsys.readouterr().out


def test_report_with_results_shows_verification_and_unused_entries(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    f = write(tmp_path, VALID)
    results = [
        res("SOC2_AWS_11", "aws_s3_bucket.legacy_logs"),
        res("SOC2_AWS_12", "aws_s3_bucket.legacy_logs", Status.FAILED),
    ]
    rfile = tmp_path / "results.json"
    rfile.write_text(json.dumps(scan_report(results).to_dict()))
    assert main(["exemptions", "report", str(f), "-o", "csv", "--results", str(rfile), "--as-of", "2026-11-26"]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["EXC-001"]["results_matched"] == "1" and rows["EXC-001"]["results_exempted"] == "0"
    assert rows["EXC-001"]["controls_verification"].startswith("NOT verified by SOC2_AWS_12 on 1 of 1")
    assert rows["EXC-002"]["status"] == "unused"


def test_report_rejects_a_results_file_that_is_not_results(tmp_path, capsys):
    f = write(tmp_path, VALID)
    data = scan_report([res("SOC2_AWS_11", "aws_s3_bucket.legacy_logs")]).to_dict()
    del data["results"][0]["status"]
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps(data))
    assert main(["exemptions", "report", str(f), "--results", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"soc2-checks: error: {bad}: results[0]: 'status' is a required property"), err
    assert "\n" not in err


def test_applied_register_outcome_fits_the_json_results_contract():
    register = reg(
        entry(),
        entry(
            id="EXC-002", checks=("SOC2_AWS_1",), resources=(Selector("*"),), expires_on=TODAY + dt.timedelta(days=3)
        ),
        entry(id="EXC-003", checks=("SOC2_AWS_11",), approved_on=dt.date(2025, 1, 1), expires_on=dt.date(2026, 1, 1)),
        replace(CI_ENTRY, id="EXC-004", checks=("SOC2_AWS_2",)),
    )
    results = [
        res("SOC2_AWS_17", "aws_db_instance.legacy_billing"),
        res("SOC2_AWS_11", "aws_db_instance.legacy_billing"),
        res("SOC2_AWS_2", CI_USER, account="123456789012"),
        res("SOC2_AWS_12", "aws_s3_bucket.b", suppression="skip it"),
    ]
    report = scan_report(results)
    report.results, report.exemptions = apply_register(results, register, TODAY)
    outcome = report.exemptions
    assert outcome.applied and outcome.expired and outcome.not_verified and outcome.invalid_suppressions
    assert outcome.unused and outcome.expiring_soon
    assert validate_data(report.to_dict(), "results.schema.json") == []


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    f = write(tmp_path, VALID.replace("ticket: SEC-1", "ticket: '=HYPERLINK(\"http://x\")'"))
    assert main(["exemptions", "report", str(f), "-o", "csv", "--as-of", "2026-11-26"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["ticket"].startswith("'=")
