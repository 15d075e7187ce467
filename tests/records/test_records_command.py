"""``soc2-checks records`` end to end on the example records: the statuses a team sees for
SOC2_OPS_3..6 before fieldwork, and SOC2_OPS_1/2 reported as needing live data."""

from __future__ import annotations

import json
import shutil

import pytest

from soc2_checks.schemas import validate_data

from .conftest import PERIOD, RECORDS, commit

EXPECTED = [
    ("SOC2_OPS_1", "records/hr-terminations.csv", "ERROR"),
    ("SOC2_OPS_2", "records/tickets.csv", "ERROR"),
    ("SOC2_OPS_3", "records/incidents.yaml", "FAILED"),
    ("SOC2_OPS_4", "access-review:2025-Q3", "PASSED"),
    ("SOC2_OPS_4", "access-review:2025-Q4", "PASSED"),
    ("SOC2_OPS_4", "access-review:2026-Q1", "FAILED"),
    ("SOC2_OPS_5", "vendor:CareSync", "FAILED"),
    ("SOC2_OPS_5", "vendor:Datadog", "PASSED"),
    ("SOC2_OPS_5", "vendor:Postmark", "PASSED"),
    ("SOC2_OPS_5", "vendor:Sentry", "FAILED"),
    ("SOC2_OPS_5", "vendor:Slack", "PASSED"),
    ("SOC2_OPS_6", "policy:policies/acceptable-use-policy.md", "FAILED"),
    ("SOC2_OPS_6", "policy:policies/access-control-policy.md", "PASSED"),
    ("SOC2_OPS_6", "policy:policies/incident-response-plan.md", "PASSED"),
    ("SOC2_OPS_6", "policy:policies/information-security-policy.md", "PASSED"),
    ("SOC2_OPS_6", "policy:policies/vendor-management-policy.md", "PASSED"),
]


def scan_json(run_cli, folder, *extra):
    code, out, err = run_cli("records", "--records", folder, *PERIOD, "-o", "json", *extra)
    return code, json.loads(out), err


def by_resource(doc, check_id):
    return {r["resource"]["id"]: r for r in doc["results"] if r["check_id"] == check_id}


def test_examples_give_the_expected_status_for_every_record(run_cli, records_repo):
    code, doc, _ = scan_json(run_cli, records_repo)
    assert code == 1
    assert [(r["check_id"], r["resource"]["id"], r["status"]) for r in doc["results"]] == EXPECTED
    assert validate_data(doc, "results.schema.json") == []
    assert doc["scan"]["kind"] == "records"
    assert doc["scan"]["period"] == {"start": "2025-07-01", "end": "2026-03-31"}


def test_results_say_why_and_point_at_the_record(run_cli, records_repo):
    _, doc, _ = scan_json(run_cli, records_repo)
    ops3 = by_resource(doc, "SOC2_OPS_3")["records/incidents.yaml"]
    assert "'Add secret scanning as a pre-commit hook to every repository' of INC-2026-002" in ops3["message"]
    assert ops3["criteria"] == ["CC7.4", "CC7.5"]
    q1 = by_resource(doc, "SOC2_OPS_4")["access-review:2026-Q1"]
    assert q1["message"] == "The access review(s) for 2026-Q1 (AR-2026-Q1) do not record what was changed."
    assert q1["resource"]["file"] == "access-reviews.yaml"
    assert q1["resource"]["line_range"] == [32, 37]
    sentry = by_resource(doc, "SOC2_OPS_5")["vendor:Sentry"]
    assert "last security review 2024-11-02 is more than 12 months before 2026-04-10" in sentry["message"]
    assert sentry["resource"]["file"] == "vendors.csv" and sentry["resource"]["line_range"] == [3, 3]
    assert "without a signed BAA" in by_resource(doc, "SOC2_OPS_5")["vendor:CareSync"]["message"]
    policies = by_resource(doc, "SOC2_OPS_6")
    changed = policies["policy:policies/access-control-policy.md"]
    assert "1 commit in the period 2025-07-01 to 2026-03-31, last changed on 2025-10-03" in changed["message"]
    assert changed["details"][0].startswith("2025-10-03 ") and changed["details"][0].endswith(
        "Marco Bianchi: Access policy: where reviews live"
    )
    unchanged = policies["policy:policies/vendor-management-policy.md"]
    assert "0 commits in the period" in unchanged["message"]
    assert "not under version control" in policies["policy:policies/acceptable-use-policy.md"]["message"]
    live = by_resource(doc, "SOC2_OPS_1")["records/hr-terminations.csv"]
    assert live["message"] == f"SOC2_OPS_1 needs live AWS data: run soc2-checks live --records {records_repo}."


def test_all_records_in_order_exit_3_for_the_live_checks_only(run_cli, records_repo):
    """Fix every records finding: what is left is the ERROR of the checks that need AWS."""
    text = (records_repo / "incidents.yaml").read_text().replace("        closed: null", "        closed: 2026-03-14")
    (records_repo / "incidents.yaml").write_text(text)
    reviews = (records_repo / "access-reviews.yaml").read_text() + "    changes: none\n"
    (records_repo / "access-reviews.yaml").write_text(reviews)
    vendors = (records_repo / "vendors.csv").read_text()
    vendors = vendors.replace("2024-11-02", "2025-11-02").replace("2024-01-10,,", "2024-01-10,2026-03-02,")
    (records_repo / "vendors.csv").write_text(vendors)
    commit(records_repo, ["."], "Close the gaps", "2026-03-20T09:00:00+00:00")
    code, doc, _ = scan_json(run_cli, records_repo)
    assert {r["status"] for r in doc["results"] if r["check_id"] not in ("SOC2_OPS_1", "SOC2_OPS_2")} == {"PASSED"}
    assert code == 3
    assert run_cli("records", "--records", records_repo, *PERIOD, "--soft-fail")[0] == 0


def test_period_starting_mid_quarter_asks_for_that_whole_quarter(run_cli, records_repo):
    _, doc, _ = scan_json(run_cli, records_repo, "--period-start", "2025-08-15")
    quarters = by_resource(doc, "SOC2_OPS_4")
    assert sorted(quarters) == ["access-review:2025-Q3", "access-review:2025-Q4", "access-review:2026-Q1"]
    assert quarters["access-review:2025-Q3"]["status"] == "PASSED"  # reviewed on 2025-09-26, inside the period


def test_no_period_start_judges_twelve_months_and_says_so(run_cli, records_repo):
    code, doc, _ = scan_json(run_cli, records_repo, "--period-start", "2025-04-01")
    assert "access-review:2025-Q2" in by_resource(doc, "SOC2_OPS_4")
    code, out, _ = run_cli(
        "records", "--records", records_repo, "--period-end", "2026-03-31", "--as-of", "2026-04-10", "-o", "json"
    )
    doc = json.loads(out)
    assert doc["scan"]["period"]["start"] == "2025-04-01"
    assert any("No --period-start" in w for w in doc["warnings"])


def test_missing_records_are_errors_naming_what_was_looked_for(run_cli, tmp_path):
    (tmp_path / "vendors.csv").write_text(
        "Vendor,Customer Data Access,Health Data,Last Security Review,SOC 2 Status,DPA Signed\n"
        "Datadog,yes,no,2026-01-10,Type 2,yes\n"
    )
    code, doc, _ = scan_json(run_cli, tmp_path)
    statuses = {(r["check_id"], r["status"]) for r in doc["results"]}
    assert statuses == {
        ("SOC2_OPS_1", "ERROR"),
        ("SOC2_OPS_2", "ERROR"),
        ("SOC2_OPS_3", "ERROR"),
        ("SOC2_OPS_4", "ERROR"),
        ("SOC2_OPS_5", "PASSED"),
        ("SOC2_OPS_6", "ERROR"),
    }
    ops3 = by_resource(doc, "SOC2_OPS_3")["records/incidents"]
    assert "reading the incident-response records failed: none found in" in ops3["message"]
    assert "incidents.yaml" in ops3["message"]
    assert code == 3


def test_exemption_turns_a_vendor_failure_into_exempted(run_cli, records_repo, tmp_path):
    register = tmp_path / "exemptions.yaml"
    register.write_text(
        """version: 1
exemptions:
  - id: EXC-031
    checks: [SOC2_OPS_5]
    resources: ["vendor:CareSync"]
    constraint: The clinic pilot runs on synthetic data until the BAA is countersigned.
    compensating_controls:
      - description: CareSync receives only synthetic records; the production feed is disabled.
    risk: {level: medium}
    requested_by: {name: Olga Petrova, role: Director of Analytics}
    approved_by: {name: Dana Whitfield, role: CTO}
    approved_on: 2026-03-01
    expires_on: 2026-06-30
    ticket: SEC-436
"""
    )
    _, doc, _ = scan_json(run_cli, records_repo, "--exemptions", register)
    caresync = by_resource(doc, "SOC2_OPS_5")["vendor:CareSync"]
    assert caresync["status"] == "EXEMPTED" and caresync["exemption"]["id"] == "EXC-031"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "vendors.csv",
            "Vendor,Customer Data Access,Health Data\nDatadog,maybe,no\n",
            "vendors.csv:2: column 'Customer Data Access': 'maybe' is not yes or no",
        ),
        (
            "hr-terminations.csv",
            "Employee ID,Worker,Email - Primary Work,Last Day of Work\nE1,Ana Lima,ana@example.com,13/40/2026\n",
            "hr-terminations.csv:2: column 'Last Day of Work': '13/40/2026' is not a date (expected YYYY-MM-DD or %m/%d/%Y)",
        ),
        (
            "access-reviews.yaml",
            "reviews:\n  - id: AR-1\n    date: 2026-13-01\n",
            "access-reviews.yaml:3: reviews[0].date: '2026-13-01' is not a valid date",
        ),
    ],
)
def test_invalid_records_exit_2_with_one_line_naming_file_and_place(run_cli, tmp_path, name, content, expected):
    shutil.copytree(RECORDS, tmp_path / "r")
    (tmp_path / "r" / name).write_text(content)
    code, out, err = run_cli("records", "--records", tmp_path / "r", *PERIOD, "-o", "json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert expected in err


def test_period_start_after_end_is_bad_usage(run_cli):
    code, _, err = run_cli(
        "records", "--records", RECORDS, "--period-start", "2026-04-01", "--period-end", "2026-03-31"
    )
    assert code == 2 and "--period-start 2026-04-01 is after the period end 2026-03-31" in err


def test_records_folder_must_exist(run_cli, tmp_path):
    code, _, err = run_cli("records", "--records", tmp_path / "nope", *PERIOD)
    assert code == 2 and "is not a folder" in err


@pytest.mark.parametrize(
    ("reviewed", "status"),
    [("2025-04-10", "PASSED"), ("2025-04-09", "FAILED")],
    ids=["exactly-12-months-ago", "a-day-more"],
)
def test_a_vendor_reviewed_exactly_twelve_months_ago_is_still_in_time(run_cli, tmp_path, reviewed, status):
    (tmp_path / "vendors.csv").write_text(
        "Vendor,Customer Data Access,Health Data,Last Security Review,SOC 2 Status,DPA Signed\n"
        f"Datadog,yes,no,{reviewed},Type 2,yes\n"
    )
    _, doc, _ = scan_json(run_cli, tmp_path)  # as of 2026-04-10
    assert by_resource(doc, "SOC2_OPS_5")["vendor:Datadog"]["status"] == status


def test_the_example_population_can_be_sampled(run_cli):
    code, out, _ = run_cli(
        "sample", RECORDS / "hr-terminations.csv", "--size", "2", "--seed", "2026", "--key", "Employee ID"
    )
    assert code == 0 and len(out.strip().splitlines()) == 3
