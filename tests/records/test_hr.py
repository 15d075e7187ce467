"""The HR termination list and staff list: Workday's export as it comes, a column mapping for
any other HR system, and the errors a user gets for a broken export."""

from __future__ import annotations

import datetime as dt

import pytest

from soc2_checks.errors import InputError
from soc2_checks.records.hr import DEFAULT_MAPPING, load_columns, load_employees, load_leavers

from .conftest import RECORDS


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_workday_export_with_the_example_mapping():
    mapping = load_columns(RECORDS / "hr-columns.yaml")
    leavers = load_leavers(RECORDS / "hr-terminations.csv", mapping, shown="hr-terminations.csv")
    assert [(p.name, p.email, p.last_day) for p in leavers][:2] == [
        ("Aisha Khan", "aisha.khan@northwind.example", dt.date(2025, 9, 30)),
        ("Tom Becker", "tom.becker@northwind.example", dt.date(2025, 11, 14)),  # last day of work, not termination
    ]
    jane = leavers[-1]
    assert (jane.key, jane.employee_id, jane.file, jane.lines) == (
        "person:jane.doe@northwind.example",
        "E1042",
        "hr-terminations.csv",
        (6, 6),
    )
    staff = load_employees(RECORDS / "hr-employees.csv", mapping)
    assert "Maria Garcia-Lopez" in [p.name for p in staff] and all(p.last_day is None for p in staff)


def test_usual_column_names_need_no_mapping(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "First Name,Last Name,Work Email,Termination Date,AWS Username\n"
        'José,Álvarez,jose.alvarez@example.com,2026-02-27,"jalvarez, jose-admin"\n',
    )
    (p,) = load_leavers(path)
    assert (p.name, p.email, p.last_day, p.aws_identities) == (
        "José Álvarez",
        "jose.alvarez@example.com",
        dt.date(2026, 2, 27),
        ("jalvarez", "jose-admin"),
    )


def test_mapping_names_columns_of_another_hr_system(tmp_path):
    mapping = write(
        tmp_path,
        "m.yaml",
        "columns:\n  name: Mitarbeiter\n  email: [E-Mail (geschäftlich), E-Mail]\n  last_day: Austrittsdatum\n"
        'date_format: "%d.%m.%Y"\n',
    )
    path = write(tmp_path, "t.csv", "Mitarbeiter,E-Mail,Austrittsdatum\nJana Novak,jana@example.com,28.02.2026\n")
    (p,) = load_leavers(path, load_columns(mapping))
    assert (p.name, p.email, p.last_day) == ("Jana Novak", "jana@example.com", dt.date(2026, 2, 28))


def test_a_rehire_who_left_again_is_judged_on_the_latest_last_day(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "Name,Email,Last Day\nAna Lima,ana@example.com,2025-03-31\nAna Lima,ana@example.com,2026-01-30\n",
    )
    (p,) = load_leavers(path)
    assert p.last_day == dt.date(2026, 1, 30) and p.lines == (3, 3)


def test_yaml_form_of_the_list(tmp_path):
    path = write(
        tmp_path, "t.yaml", "leavers:\n  - name: Ana Lima\n    email: ana@example.com\n    last_day: 2026-01-30\n"
    )
    (p,) = load_leavers(path)
    assert (p.name, p.last_day, p.lines) == ("Ana Lima", dt.date(2026, 1, 30), (2, 2))


WORKDAY_HEADER = "Employee ID,Worker,Email - Primary Work,Last Day of Work\n"


@pytest.mark.parametrize(
    ("text", "mapping", "expected"),
    [
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana@example.com,02/30/2026\n",
            'columns: {last_day: Last Day of Work}\ndate_format: "%m/%d/%Y"\n',
            "t.csv:2: column 'Last Day of Work': '02/30/2026' is not a date (expected YYYY-MM-DD or %m/%d/%Y)",
            id="impossible-date",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana@example.com,02/27/2026\n",
            None,
            "t.csv:2: column 'Last Day of Work': '02/27/2026' is not a date (expected YYYY-MM-DD)",
            id="us-date-without-date-format",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,,ana@example.com,2026-02-27\n",
            None,
            "t.csv:2: column 'Worker' is empty",
            id="blank-name",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana@example.com,\n",
            None,
            "t.csv:2: column 'Last Day of Work' is empty",
            id="blank-last-day",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana(at)example.com,2026-02-27\n",
            None,
            "t.csv:2: column 'Email - Primary Work': 'ana(at)example.com' does not match",
            id="not-an-email",
        ),
        pytest.param(
            "Employee ID,Worker,Email\nE1,Ana Lima,ana@example.com\n",
            None,
            "t.csv:1: no column for the last day of work (looked for 'Last Day of Work'",
            id="no-last-day-column",
        ),
        pytest.param(
            "Employee ID,Email,Last Day\nE1,ana@example.com,2026-02-27\n",
            None,
            "t.csv:1: no column for the person's name",
            id="no-name-column",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana@example.com,2026-02-27\n",
            "columns: {last_day: Separation Date}\n",
            "t.csv:1: column 'Separation Date' named by",
            id="mapped-column-absent",
        ),
        pytest.param(
            WORKDAY_HEADER + "E1,Ana Lima,ana@example.com,2026-02-27,extra\n",
            None,
            "t.csv:2: row has 5 cells but the header has 4 columns",
            id="ragged-row",
        ),
        pytest.param(
            WORKDAY_HEADER + 'E1,"Ana Lima,ana@example.com,2026-02-27\n',
            None,
            "t.csv:2: CSV syntax error",
            id="unclosed-quote",
        ),
        pytest.param("", None, "t.csv: file is empty", id="empty"),
        pytest.param(",Worker\n1,Ana\n", None, "t.csv:1: header cell 1 is blank", id="blank-header"),
    ],
)
def test_bad_exports_name_the_file_row_and_column(tmp_path, text, mapping, expected):
    path = write(tmp_path, "t.csv", text)
    columns = load_columns(write(tmp_path, "m.yaml", mapping)) if mapping else DEFAULT_MAPPING
    with pytest.raises(InputError) as err:
        load_leavers(path, columns)
    assert expected in str(err.value).replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("columns: {full_name: Worker}\n", "m.yaml:1: columns: unknown field(s) ('full_name' was unexpected)"),
        ("columns: {}\n", "m.yaml:1: columns: {} should be non-empty"),
        ("date_format: '%m/%d/%Y'\n", "'columns' is a required property"),
        ("columns: {name: Worker}\ndate_format: MM/DD/YYYY\n", "m.yaml:2: date_format: 'MM/DD/YYYY' does not match"),
    ],
)
def test_bad_mapping_files(tmp_path, text, expected):
    with pytest.raises(InputError) as err:
        load_columns(write(tmp_path, "m.yaml", text))
    assert expected in str(err.value).replace(str(tmp_path) + "/", "")
