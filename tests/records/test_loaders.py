"""Access reviews, incident-response records and the vendor inventory: good records become
views, bad ones are invalid input naming the file, the line and the field."""

from __future__ import annotations

import datetime as dt

import pytest

from soc2_checks.errors import InputError
from soc2_checks.records.access_reviews import load_access_reviews
from soc2_checks.records.incidents import load_incidents
from soc2_checks.records.vendors import load_vendors
from soc2_checks.views.records import ActionItem, Vendor

from .conftest import RECORDS


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_access_reviews_example():
    loaded = load_access_reviews(RECORDS / "access-reviews.yaml")
    q3, q4, q1 = loaded.reviews
    assert (q3.id, q3.date, q3.reviewer) == (
        "AR-2025-Q3",
        dt.date(2025, 9, 26),
        "Priya Raman (Head of Platform Engineering)",
    )
    assert q3.changes.startswith("Removed the Identity Center assignments")
    assert q4.changes == "none (every assignment confirmed by the team leads)"
    assert q1.changes is None  # kept, and judged incomplete by the rule
    assert loaded.lines["AR-2026-Q1"] == (32, 37)


def test_incidents_example():
    tabletop, incident = load_incidents(RECORDS / "incidents.yaml")
    assert (tabletop.kind, tabletop.date, tabletop.review_date) == (
        "tabletop",
        dt.date(2025, 9, 18),
        dt.date(2025, 9, 23),
    )
    assert tabletop.action_items[1] == ActionItem(
        "Name the owner of the customer-notification decision in the incident policy",
        dt.date(2025, 12, 15),
        dt.date(2026, 1, 9),
        "Dana Whitfield",
    )
    assert incident.kind == "incident" and incident.action_items[1].closed is None


def test_vendors_csv_example():
    vendors = {r.vendor.name: r for r in load_vendors(RECORDS / "vendors.csv", shown="vendors.csv")}
    assert vendors["Datadog"].vendor == Vendor(
        "Datadog", True, False, dt.date(2025, 8, 14), "Type 2 (period to 2025-03-31)", True, None
    )
    assert vendors["PagerDuty"].vendor.customer_data_access is False
    caresync = vendors["CareSync"]
    assert (caresync.vendor.health_data, caresync.vendor.baa_signed, caresync.lines) == (True, None, (6, 6))
    assert vendors["Postmark"].vendor.soc2_status == "none"


def test_vendors_yaml(tmp_path):
    path = write(
        tmp_path,
        "vendors.yaml",
        "version: 1\nvendors:\n"
        "  - name: Datadog\n    customer_data_access: true\n    health_data: false\n"
        "    last_security_review: 2025-08-14\n    soc2_status: Type 2\n    dpa_signed: 2023-02-01\n"
        "  - name: CareSync\n    customer_data_access: yes\n    health_data: yes\n"
        "    last_security_review: 2025-06-30\n    soc2_status: Type 2\n    dpa_signed: true\n    baa_signed: false\n",
    )
    datadog, caresync = load_vendors(path)
    assert datadog.vendor.dpa_signed is True and datadog.lines == (3, 8)
    assert (caresync.vendor.health_data, caresync.vendor.baa_signed) == (True, False)


VENDOR_HEADER = "Vendor,Customer Data Access,Health Data,Last Security Review,SOC 2 Status,DPA Signed,BAA Signed\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("v.csv", "Vendor,Customer Data Access\nDatadog,yes\n", "v.csv:1: no column for health data"),
        ("v.csv", VENDOR_HEADER + "Datadog,yes,,2025-01-01,Type 2,yes,\n", "v.csv:2: column 'Health Data' is empty"),
        (
            "v.csv",
            VENDOR_HEADER + "Datadog,yes,no,last spring,Type 2,yes,\n",
            "v.csv:2: column 'Last Security Review': 'last spring' is not a date",
        ),
        (
            "v.csv",
            VENDOR_HEADER + "Datadog,yes,no,2025-01-01,Type 2,pending,\n",
            "v.csv:2: column 'DPA Signed': 'pending' is not yes or no",
        ),
        (
            "v.csv",
            VENDOR_HEADER + "Datadog,yes,no,,,,\nDATADOG,no,no,,,,\n",
            "v.csv:3: column 'Vendor': vendor DATADOG is listed twice",
        ),
        (
            "v.yaml",
            "vendors:\n  - name: Slack\n",
            "v.yaml:2: vendors[0]: 'customer_data_access' is a required property",
        ),
        (
            "v.yaml",
            "vendors:\n  - name: Slack\n    customer_data_access: true\n",
            "v.yaml:2: vendors[0]: 'health_data' is a required property",
        ),
        (
            "v.yaml",
            "vendors:\n  - name: Slack\n    customer_data_access: sometimes\n    health_data: no\n",
            "v.yaml:3: vendors[0].customer_data_access: 'sometimes' is not of type 'boolean'",
        ),
        (
            "a.yaml",
            "reviews:\n  - id: AR-1\n    date: 2026-01-05\n  - id: AR-1\n    date: 2026-04-05\n",
            "a.yaml:4: reviews[1].id: review AR-1 is listed twice",
        ),
        (
            "a.yaml",
            "reviews:\n  - id: AR-1\n    date: 01/05/2026\n",
            "a.yaml:3: reviews[0].date: '01/05/2026' is not a valid date (expected YYYY-MM-DD)",
        ),
        (
            "a.yaml",
            "reviews:\n  - id: AR-1\n    date: 2026-01-05\n    approver: x\n",
            "a.yaml:2: reviews[0]: unknown field(s) ('approver' was unexpected)",
        ),
        ("a.yaml", "- id: AR-1\n", "a.yaml:1: [{'id': 'AR-1'}] is not of type 'object'"),
        (
            "i.yaml",
            "records:\n  - id: TT-1\n    kind: tabletop\n    title: t\n    date: 2026-01-05\n    outcomes: o\n    agenda: [a]\n",
            "i.yaml:2: records[0]: 'attendees' is a required property",
        ),
        (
            "i.yaml",
            "records:\n  - id: IN-1\n    kind: outage\n    title: t\n    date: 2026-01-05\n",
            "i.yaml:3: records[0].kind: 'outage' is not one of ['tabletop', 'incident']",
        ),
        (
            "i.yaml",
            "records:\n  - id: IN-1\n    kind: incident\n    title: t\n    summary: s\n    date: 2026-01-05\n    review: {date: 2026-01-02}\n",
            "i.yaml:7: records[0].review.date: review date 2026-01-02 is before the incident on 2026-01-05",
        ),
        (
            "i.yaml",
            "records:\n  - id: IN-1\n    kind: incident\n    title: t\n    summary: s\n    date: 2026-01-05\n    action_items:\n      - title: x\n        closed: 2025-12-01\n",
            "i.yaml:9: records[0].action_items[0].closed: closed on 2025-12-01, before the incident on 2026-01-05",
        ),
        (
            "i.yaml",
            "records:\n  - id: IN-1\n    kind: incident\n    title: t\n    summary: s\n    date: 2026-01-05\n  - id: IN-1\n    kind: incident\n    title: t\n    summary: s\n    date: 2026-01-05\n",
            "i.yaml:7: records[1].id: record IN-1 is listed twice",
        ),
    ],
)
def test_bad_records(tmp_path, name, text, expected):
    path = write(tmp_path, name, text)
    load = {"v": load_vendors, "a": load_access_reviews, "i": load_incidents}[name[0]]
    with pytest.raises(InputError) as err:
        load(path)
    assert expected in str(err.value).replace(str(tmp_path) + "/", "")
