"""Ticket exports: Jira's CSV (repeated columns, custom fields, comments), Jira's search JSON
(custom fields by name, Atlassian Document Format), the plain ticket list, and bad exports."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from soc2_checks.errors import InputError
from soc2_checks.records.tickets import load_tickets, merge, sections
from soc2_checks.views.records import tickets_naming

from .conftest import RECORDS

A = "7ec6d1f2b9a04e3c8d5f6a7b8c9d0e1f"
B = "24c6d8a1f3e54b7c9d0e1f2a3b4c5d6e"
C = "24c6d8a1f3e54b7c9d0e1f2a3b4c5d70"
DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_jira_csv_export_fields_and_custom_fields():
    tickets = {t.key: t for t in load_tickets(RECORDS / "tickets.csv")}
    assert list(tickets) == ["SEC-412", "SEC-418", "SEC-430", "SEC-441"]
    sec412 = tickets["SEC-412"]
    assert sec412.finding_ids == (A,)
    assert sec412.created == dt.datetime(2026, 1, 12, 10, 41)  # Jira's 12/Jan/26 10:41 AM
    assert sec412.investigator == "Priya Raman"
    assert sec412.findings_text.startswith("The role's session credentials were copied")
    assert sec412.action_text.startswith("Revoked the role's active sessions")
    assert sec412.status == "Done"
    unfinished = tickets["SEC-430"]
    assert (unfinished.findings_text, unfinished.action_text) == (None, None)


def test_a_ticket_naming_two_findings_documents_both():
    (sec418,) = [t for t in load_tickets(RECORDS / "tickets.csv") if t.key == "SEC-418"]
    assert sec418.finding_ids == (B, C)  # from the finding ARNs; the detector ID is not a finding
    assert DETECTOR not in sec418.finding_ids
    assert sec418.findings_text.startswith("A compromised npm dependency")
    assert sec418.action_text.startswith("Terminated both agents")
    tickets = load_tickets(RECORDS / "tickets.csv")
    assert [t.key for t in tickets_naming(B, tickets)] == [t.key for t in tickets_naming(C, tickets)] == ["SEC-418"]


def test_jira_search_json_with_custom_field_names_and_adf_description():
    (ir77,) = load_tickets(RECORDS / "tickets.json")
    assert ir77.key == "IR-77"
    assert ir77.finding_ids == ("e1d2c3b4a5968778695a4b3c2d1e0f11",)
    assert ir77.investigator == "Priya Raman"  # the Investigator field, not the assignee
    assert ir77.created == dt.datetime(2026, 2, 20, 8, 14, 52, tzinfo=dt.UTC)
    assert ir77.findings_text.startswith("The finance team used the root user")
    assert ir77.action_text.startswith("Granted billing access")


def test_comments_and_repeated_columns(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "Issue key,Summary,Assignee,Created,Labels,Labels,Comment,Comment\n"
        f"SEC-9,GuardDuty finding {A.upper()},Ana Lima,2026-03-02 10:15,guardduty,soc2,"
        '"02/Mar/26 11:00 AM;712020:abc;Findings: port scan from a known scanner, no exposure",'
        '"02/Mar/26 12:00 PM;712020:abc;*Action taken:* blocked the range in the WAF"\n',
    )
    (t,) = load_tickets(path)
    assert t.finding_ids == (A,)  # IDs compare without case
    assert t.findings_text == "port scan from a known scanner, no exposure"
    assert t.action_text == "blocked the range in the WAF"
    assert t.created == dt.datetime(2026, 3, 2, 10, 15)


def test_plain_ticket_list_for_other_ticket_systems(tmp_path):
    path = write(
        tmp_path,
        "tickets.yaml",
        f"tickets:\n  - key: CHG0031\n    finding_ids: [{A}]\n    created: '2026-03-02T10:15:00Z'\n"
        "    investigator: Ana Lima\n    findings: benign\n    action: none needed, documented\n",
    )
    (t,) = load_tickets(path)
    assert (t.key, t.investigator, t.created) == ("CHG0031", "Ana Lima", dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC))


def test_sections_of_a_ticket_template():
    text = "Auto-created.\n\nh3. Findings\nFirst line.\nSecond line.\n\nh3. Timeline\n10:00 alert\n\n**Remediation**\nRotated."
    assert sections([text]) == {"findings": "First line.\nSecond line.", "action": "Rotated."}
    assert sections(["Action items are tracked elsewhere."]) == {}


def test_one_ticket_in_two_exports_is_invalid(tmp_path):
    csv_path = write(tmp_path, "tickets.csv", "Issue key,Summary\nSEC-1,a\n")
    json_path = write(tmp_path, "tickets.json", json.dumps({"issues": [{"key": "SEC-1", "fields": {}}]}))
    with pytest.raises(InputError, match="ticket SEC-1 is also in"):
        merge([(csv_path, load_tickets(csv_path)), (json_path, load_tickets(json_path))])


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("t.csv", "Summary,Status\na,Done\n", "t.csv:1: no ticket key column (looked for 'Issue key'"),
        (
            "t.csv",
            "Issue key,Created\nSEC-1,yesterday\n",
            "t.csv:2: column 'Created': 'yesterday' is not a date and time",
        ),
        ("t.csv", "Issue key,Summary\nSEC-1,a\nSEC-1,b\n", "t.csv:3: column 'Issue key': ticket SEC-1 is listed twice"),
        ("t.csv", "Issue key,Summary\n,a\n", "t.csv:2: column 'Issue key' is empty"),
        ("t.json", '{"issues": [{"key": "SEC-1"}]}', "t.json: issues[0]: 'fields' is a required property"),
        ("t.json", '{"issues": [{"key": "SEC-1", "fields": {"created": "soon"}}]}', "t.json: issues[0].fields.created"),
        ("t.json", '{"issues": [', "t.json:1: JSON syntax error"),
        ("t.yaml", "tickets:\n  - summary: no key\n", "t.yaml:2: tickets[0]: 'key' is a required property"),
        (
            "t.yaml",
            "tickets:\n  - key: A-1\n    owner: x\n",
            "t.yaml:2: tickets[0]: unknown field(s) ('owner' was unexpected)",
        ),
    ],
)
def test_bad_ticket_exports(tmp_path, name, text, expected):
    with pytest.raises(InputError) as err:
        load_tickets(write(tmp_path, name, text))
    assert expected in str(err.value).replace(str(tmp_path) + "/", "")
