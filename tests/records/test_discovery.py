"""``--records DIR``: conventional names, files named on the command line, and what a missing
kind of record becomes."""

from __future__ import annotations

import shutil

import pytest

from soc2_checks.errors import InputError
from soc2_checks.model import Missing
from soc2_checks.records.load import CONVENTIONAL_NAMES, discover, load_records

from .conftest import RECORDS


def test_the_example_folder_holds_every_kind_under_its_conventional_name():
    found = discover(RECORDS)
    assert {k: [p.name for p in v] for k, v in found.items()} == {
        "hr_terminations": ["hr-terminations.csv"],
        "hr_employees": ["hr-employees.csv"],
        "hr_columns": ["hr-columns.yaml"],
        "tickets": ["tickets.csv", "tickets.json"],
        "access_reviews": ["access-reviews.yaml"],
        "incidents": ["incidents.yaml"],
        "vendors": ["vendors.csv"],
        "policies": ["policies"],
    }


def test_loading_the_example_folder():
    records = load_records(RECORDS)
    assert len(records.leavers) == 5 and len(records.employees) == 6
    assert [t.key for t in records.tickets] == ["SEC-412", "SEC-418", "SEC-430", "SEC-441", "IR-77"]
    assert len(records.access_reviews.reviews) == 3
    assert [r.id for r in records.incidents] == ["TT-2025-09", "INC-2026-002"]
    assert [v.vendor.name for v in records.vendors][:2] == ["Datadog", "Sentry"]
    assert [f.name for f in records.policies.files][0] == "acceptable-use-policy.md"
    assert records.files["tickets"] == ["tickets.csv", "tickets.json"]


def test_an_empty_folder_leaves_every_kind_missing_with_what_was_looked_for(tmp_path):
    records = load_records(tmp_path)
    for kind in ("leavers", "tickets", "access_reviews", "incidents", "vendors", "policies"):
        value = getattr(records, kind)
        assert isinstance(value, Missing), kind
    assert records.vendors.describe() == (
        f"reading the vendor inventory failed: none found in {tmp_path}; looked for "
        + ", ".join(CONVENTIONAL_NAMES["vendors"])
    )
    assert records.employees == []


def test_files_named_on_the_command_line_win(tmp_path):
    shutil.copytree(RECORDS, tmp_path / "r")
    other = tmp_path / "leavers-march.csv"
    other.write_text(
        "Employee ID,Worker,Email - Primary Work,Last Day of Work\nE7,Ana Lima,ana@example.com,03/13/2026\n"
    )
    tickets = tmp_path / "sec.csv"
    tickets.write_text("Issue key,Summary\nSEC-1,one\n")
    records = load_records(tmp_path / "r", hr_terminations=other, tickets=[tickets])
    assert [p.name for p in records.leavers] == ["Ana Lima"]  # read with the folder's hr-columns.yaml
    assert records.leavers[0].file == str(other)
    assert [t.key for t in records.tickets] == ["SEC-1"]


def test_two_candidates_for_one_list_are_ambiguous(tmp_path):
    (tmp_path / "hr-terminations.csv").write_text("Worker,Last Day\nA,2026-01-01\n")
    (tmp_path / "hr-terminations.yaml").write_text("leavers: []\n")
    with pytest.raises(InputError, match="both hr-terminations.csv and hr-terminations.yaml are present"):
        load_records(tmp_path)


def test_vendors_split_over_two_files_are_merged_but_not_duplicated(tmp_path):
    (tmp_path / "vendors.csv").write_text("Vendor,Customer Data Access,Health Data\nDatadog,yes,no\n")
    (tmp_path / "vendors.yaml").write_text(
        "vendors:\n  - {name: Slack, customer_data_access: true, health_data: false}\n"
    )
    assert [v.vendor.name for v in load_records(tmp_path).vendors] == ["Datadog", "Slack"]
    (tmp_path / "vendors.yaml").write_text("vendors:\n  - {name: datadog, customer_data_access: false}\n")
    with pytest.raises(InputError, match="vendor datadog is also in"):
        load_records(tmp_path)


def test_a_named_file_that_does_not_exist(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_records(tmp_path, tickets=[tmp_path / "nope.csv"])
