"""Output writers: what CI systems, reviewers and auditors rely on in each format."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from soc2_checks.errors import UsageError
from soc2_checks.mapping import Mapping
from soc2_checks.model import ExemptionRef, ResourceRef, Result, Severity, Status, Verdict
from soc2_checks.outputs import available, check_formats, render
from soc2_checks.registry import Registry, check
from soc2_checks.report import ExemptionOutcome, ScanReport
from soc2_checks.schemas import load_schema, validate_data

from .conftest import ROOT, SHARED

# --- a registry and mapping of our own, so these tests do not depend on the built-in catalog


@dataclass(frozen=True)
class _Thing:
    name: str


def _rule(view: _Thing, ctx: object) -> Verdict:
    return Verdict.passed("fine")


def _check(check_id: str, title: str, severity: str, remediation: str):
    return check(check_id, title=title, severity=severity, sources=("terraform", "live"), views=_Thing,
                 remediation=remediation)(_rule)  # fmt: skip


CHECKS = [
    _check("TEST_AWS_1", "Buckets are encrypted, by default", "HIGH", "Turn on default encryption for the bucket."),
    _check("TEST_AWS_2", "Policies grant least privilege", "MEDIUM", "Scope the policy's actions."),
    _check("TEST_AWS_3", "Nothing listens on the internet", "LOW", "Close the port."),
    _check("TEST_AWS_4", "The account is monitored", "CRITICAL", "Enable the detector in every region."),
]


def _setup() -> SimpleNamespace:
    registry = Registry()
    for c in CHECKS:
        registry.add(c, "tests")
    mapping = Mapping(
        criteria={
            "CC6.1": "Logical access is restricted",
            "CC6.7": "Data is protected in transit",
            "CC7.2": "Components are monitored",
        },
        checks={"TEST_AWS_1": ["CC6.1", "CC6.7"], "TEST_AWS_2": ["CC6.1"], "TEST_AWS_4": ["CC7.2"]},
    )
    return SimpleNamespace(registry=registry, mapping=mapping, as_of=dt.date(2026, 11, 26))


ST = _setup()
T0 = dt.datetime(2026, 11, 26, 10, 0, 0, tzinfo=dt.UTC)
EXC = ExemptionRef("EXC-001", "Dana Whitfield (CISO)", "2027-05-31")
JUSTIFICATION = "EXC-001 approved by Dana Whitfield (CISO) until 2027-05-31"


def _result(check_id, status, resource, message, *, criteria=None, exemption=None, details=()):
    c = next(c for c in CHECKS if c.id == check_id) if check_id.startswith("TEST_") else None
    return Result(
        check_id=check_id,
        title=c.title if c else "A check from a plugin this run does not have",
        severity=c.severity if c else Severity.HIGH,
        status=status,
        criteria=list(ST.mapping.criteria_for(check_id) if criteria is None else criteria),
        resource=resource,
        message=message,
        details=list(details),
        exemption=exemption,
    )


def _tf(address: str, file: str, lines: tuple[int, int]) -> ResourceRef:
    return ResourceRef(address, type=address.split(".")[0], name=address.split(".")[1], file=file, line_range=lines)


def iac_report() -> ScanReport:
    results = [
        _result(
            "TEST_AWS_1", Status.PASSED, _tf("aws_s3_bucket.logs", "main.tf", (1, 10)), "Bucket logs is encrypted."
        ),
        _result(
            "TEST_AWS_1",
            Status.FAILED,
            _tf("aws_s3_bucket.data", "main.tf", (12, 24)),
            "Bucket data has no `aws:kms` or AES256 | SSE configuration.",
            details=("checked both the inline block and the separate resource",),
        ),
        _result(
            "TEST_AWS_1",
            Status.EXEMPTED,
            _tf("aws_s3_bucket.legacy", "legacy/main.tf", (3, 9)),
            "Bucket legacy has no default encryption; exempted by EXC-001.",
            exemption=EXC,
        ),
        _result(
            "TEST_AWS_2",
            Status.ERROR,
            _tf("aws_iam_policy.deploy", "iam.tf", (5, 5)),
            "Check TEST_AWS_2 raised KeyError: 'Statement'",
        ),
        _result("TEST_AWS_2", Status.PASSED, _tf("aws_iam_policy.read", "iam.tf", (7, 20)), "Read-only policy."),
        _result("TEST_AWS_3", Status.FAILED, _tf("aws_security_group.ssh", "net.tf", (1, 30)), "Port 22 is open."),
    ]
    outcome = ExemptionOutcome(
        applied=[
            {
                "entry": "EXC-001",
                "check_id": "TEST_AWS_1",
                "resource_id": "aws_s3_bucket.legacy",
                "account": None,
                "region": None,
                "approved_by": "Dana Whitfield (CISO)",
                "expires_on": "2027-05-31",
                "via": "register",
            }
        ],
        expiring_soon=[
            {
                "entry": "EXC-007",
                "checks": ["TEST_AWS_3"],
                "resources": ["aws_security_group.bastion"],
                "expires_on": "2026-12-10",
                "days_left": 14,
            }
        ],
        invalid_suppressions=[
            {
                "entry": None,
                "check_id": "TEST_AWS_1",
                "resource_id": "aws_s3_bucket.data",
                "account": None,
                "region": None,
                "file": "main.tf",
                "line_range": [12, 24],
                "suppression": "legacy bucket, fix later",
                "reason": "its reason cites no exemption register entry",
            }
        ],
        unused=[{"entry": "EXC-009", "checks": ["TEST_AWS_2"], "resources": ["*"], "expires_on": "2027-01-31"}],
    )
    return ScanReport(
        kind="iac",
        started_at=T0,
        finished_at=T0 + dt.timedelta(seconds=4),
        targets=["infra/terraform"],
        results=results,
        exemptions=outcome,
        warnings=["infra/terraform/broken.tf could not be parsed"],
    )


ACCOUNT = "123456789012"


def live_report(*, with_error: bool = True) -> ScanReport:
    results = [
        _result(
            "TEST_AWS_1",
            Status.FAILED,
            ResourceRef("arn:aws:s3:::prod-data", type="AWS::S3::Bucket", account=ACCOUNT, region="us-east-1"),
            "Bucket prod-data has no default server-side encryption configuration.",
        ),
        _result(
            "TEST_AWS_4",
            Status.PASSED,
            ResourceRef(f"{ACCOUNT}/us-east-1", account=ACCOUNT, region="us-east-1"),
            "An enabled detector exists.",
        ),
    ]
    if with_error:
        results.append(
            _result(
                "TEST_AWS_4",
                Status.ERROR,
                ResourceRef(f"{ACCOUNT}/eu-west-1", account=ACCOUNT, region="eu-west-1"),
                "Data could not be read: ListDetectors failed: AccessDenied (needs guardduty:ListDetectors).",
            )
        )
    return ScanReport(
        kind="live",
        started_at=T0,
        finished_at=T0 + dt.timedelta(minutes=2),
        targets=[ACCOUNT],
        results=results,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
    )


def empty_report() -> ScanReport:
    return ScanReport(kind="iac", started_at=T0, finished_at=T0, targets=["empty"], results=[])


ALL_REPORTS = {"iac": iac_report, "live": live_report, "empty": empty_report}


# --- the writer registry


def test_every_contract_format_has_a_writer():
    from soc2_checks.commands.common import OUTPUT_FORMATS

    assert set(OUTPUT_FORMATS) == set(available())
    with pytest.raises(UsageError, match="unknown output format 'yaml'"):
        check_formats(["json", "yaml"])


def test_writers_do_not_import_checkov_or_boto3():
    """Choosing an output format must not cost the seconds Checkov's import takes."""
    code = (
        "import sys, datetime as dt\n"
        "from types import SimpleNamespace\n"
        "from soc2_checks.outputs import render, available\n"
        "from soc2_checks.report import ScanReport\n"
        "t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)\n"
        "r = ScanReport('iac', t, t, ['x'], [])\n"
        "st = SimpleNamespace(registry=None, mapping=None)\n"
        "for f in available(): render(f, r, st, color=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('checkov', 'boto3', 'botocore')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- json


@pytest.mark.parametrize("name", sorted(ALL_REPORTS))
def test_json_is_the_report_contract_and_validates_against_the_shipped_schema(name):
    report = ALL_REPORTS[name]()
    data = json.loads(render("json", report, ST))
    assert data == json.loads(json.dumps(report.to_dict()))
    assert validate_data(data, "results.schema.json") == []


def test_json_round_trips_results_and_counts():
    data = json.loads(render("json", iac_report(), ST))
    results = [Result.from_dict(r) for r in data["results"]]
    assert {str(s): sum(r.status is s for r in results) for s in Status} == {
        k: v for k, v in data["summary"].items() if k != "by_criterion"
    }
    assert data["summary"]["FAILED"] == 2 and data["summary"]["ERROR"] == 1 and data["summary"]["EXEMPTED"] == 1
    assert data["summary"]["by_criterion"]["CC6.7"] == {"PASSED": 1, "FAILED": 1, "EXEMPTED": 1, "ERROR": 0}
    assert data["summary"]["by_criterion"]["UNMAPPED"]["FAILED"] == 1
    exempted = next(r for r in data["results"] if r["status"] == "EXEMPTED")
    assert exempted["exemption"] == {
        "id": "EXC-001",
        "approved_by": "Dana Whitfield (CISO)",
        "expires_on": "2027-05-31",
    }
    live_results = json.loads(render("json", live_report(), ST))["results"]
    live = next(r["resource"] for r in live_results if r["check_id"] == "TEST_AWS_1")
    assert live == {
        "id": "arn:aws:s3:::prod-data",
        "type": "AWS::S3::Bucket",
        "name": None,
        "file": None,
        "line_range": None,
        "account": ACCOUNT,
        "region": "us-east-1",
    }


def _break(data: dict, path: tuple, value) -> dict:
    doc = copy.deepcopy(data)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("results", "PASSED", "status"), "SKIPPED"),
        (("results", "PASSED", "severity"), "SEVERE"),
        (("results", "PASSED", "resource", "file"), KeyError),  # fields that do not apply are null, not absent
        (("results", "FAILED", "resource", "line_range"), [12]),
        (("results", "FAILED", "criteria"), ["cc6.1"]),
        (("results", "FAILED", "exemption"), {"id": "EXC-001", "approved_by": "x", "expires_on": "2027-05-31"}),
        (("results", "EXEMPTED", "exemption"), None),  # an EXEMPTED result must say which entry and who approved
        (("results", "EXEMPTED", "exemption", "expires_on"), "31/05/2027"),
        (("summary", "FAILED"), -1),
        (("summary", "by_criterion", "not a criterion"), {"PASSED": 0, "FAILED": 0, "EXEMPTED": 0, "ERROR": 0}),
        (("scan", "started_at"), "yesterday"),
        (("scan", "kind"), "docker"),
        (("exemptions", "invalid_suppressions"), KeyError),
        (("unexpected",), 1),
    ],
)
def test_results_schema_rejects_what_breaks_the_contract(path, value):
    data = json.loads(render("json", iac_report(), ST))
    if path[0] == "results":  # address a result by its status
        path = ("results", next(i for i, r in enumerate(data["results"]) if r["status"] == path[1]), *path[2:])
    assert validate_data(_break(data, path, value), "results.schema.json")


def test_results_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    schema = load_schema("results.schema.json")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


# --- sarif


def _sarif_validator():
    path = Path(os.environ.get("SARIF_SCHEMA") or SHARED / "schemas" / "sarif-schema-2.1.0.json")
    if not path.is_file():
        pytest.skip(f"the official SARIF 2.1.0 schema is not at {path} (set SARIF_SCHEMA to its path)")
    from jsonschema import Draft4Validator

    return Draft4Validator(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(ALL_REPORTS))
def test_sarif_validates_against_the_official_schema(name):
    validator = _sarif_validator()
    doc = json.loads(render("sarif", ALL_REPORTS[name](), ST))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    assert doc["version"] == "2.1.0"


def test_sarif_rules_carry_criteria_tags_security_severity_and_remediation():
    run = json.loads(render("sarif", iac_report(), ST))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"TEST_AWS_1", "TEST_AWS_2", "TEST_AWS_3"}
    s3 = rules["TEST_AWS_1"]
    assert s3["properties"]["tags"] == ["CC6.1", "CC6.7", "soc2"]
    assert s3["properties"]["criteria"] == ["CC6.1", "CC6.7"]
    assert s3["properties"]["security-severity"] == "8.0"
    assert s3["help"]["text"] == "Turn on default encryption for the bucket."
    assert s3["shortDescription"]["text"] == "Buckets are encrypted, by default"
    assert rules["TEST_AWS_2"]["properties"]["security-severity"] == "5.5"
    assert rules["TEST_AWS_3"]["properties"]["security-severity"] == "3.0"
    assert rules["TEST_AWS_3"]["properties"]["tags"] == ["soc2"]  # unmapped: still tagged, no criteria
    live_rules = json.loads(render("sarif", live_report(), ST))["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["properties"]["security-severity"] for r in live_rules}["TEST_AWS_4"] == "9.5"
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_results_point_at_the_file_and_lines_and_exemptions_are_dismissed_with_the_approver():
    run = json.loads(render("sarif", iac_report(), ST))["runs"][0]
    by_resource = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in run["results"]}
    # PASSED results are not alerts; ERROR results are not findings
    assert set(by_resource) == {"aws_s3_bucket.data", "aws_s3_bucket.legacy", "aws_security_group.ssh"}
    failed = by_resource["aws_s3_bucket.data"]
    assert failed["level"] == "error" and "suppressions" not in failed
    physical = failed["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "endLine": 24}
    assert by_resource["aws_security_group.ssh"]["level"] == "warning"  # LOW
    exempted = by_resource["aws_s3_bucket.legacy"]
    assert exempted["suppressions"] == [{"kind": "external", "status": "accepted", "justification": JUSTIFICATION}]
    assert exempted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "legacy/main.tf"


def test_sarif_errors_make_the_scan_visibly_incomplete():
    run = json.loads(render("sarif", iac_report(), ST))["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["associatedRule"]["id"] == "TEST_AWS_2"
    assert "aws_iam_policy.deploy" in note["message"]["text"] and "KeyError" in note["message"]["text"]
    clean = json.loads(render("sarif", live_report(with_error=False), ST))["runs"][0]["invocations"][0]
    assert clean["executionSuccessful"] is True and "toolExecutionNotifications" not in clean


def test_sarif_live_results_use_the_arn_as_a_logical_location():
    run = json.loads(render("sarif", live_report(), ST))["runs"][0]
    (result,) = run["results"]
    (loc,) = result["locations"]
    assert "physicalLocation" not in loc
    assert loc["logicalLocations"] == [{"fullyQualifiedName": "arn:aws:s3:::prod-data", "kind": "resource"}]
    assert result["properties"]["account"] == ACCOUNT and result["properties"]["region"] == "us-east-1"


def test_sarif_fingerprints_survive_line_moves_and_tell_resources_apart():
    def prints(report):
        run = json.loads(render("sarif", report, ST))["runs"][0]
        return [r["partialFingerprints"]["soc2ChecksResource/v1"] for r in run["results"]]

    before = prints(iac_report())
    moved = iac_report()
    moved.results = [
        replace(
            r, resource=replace(r.resource, line_range=(r.resource.line_range[0] + 40, r.resource.line_range[1] + 40))
        )
        for r in moved.results
    ]
    assert prints(moved) == before
    assert len(set(before)) == len(before)


# --- junit


def _junit(report) -> ET.Element:
    return ET.fromstring(render("junitxml", report, ST).encode("utf-8"))


def test_junit_groups_by_criterion_with_counts_in_the_suite_attributes():
    root = _junit(iac_report())
    suites = {s.find("properties/property[@name='criterion']").get("value"): s for s in root.iter("testsuite")}
    assert list(suites) == ["CC6.1", "CC6.7", "UNMAPPED"]
    assert suites["CC6.1"].get("name") == "CC6.1 Logical access is restricted"

    def attrs(s):
        return {k: int(s.get(k)) for k in ("tests", "failures", "errors", "skipped")}

    assert attrs(suites["CC6.1"]) == {"tests": 5, "failures": 1, "errors": 1, "skipped": 1}
    assert attrs(suites["CC6.7"]) == {"tests": 3, "failures": 1, "errors": 0, "skipped": 1}
    assert attrs(suites["UNMAPPED"]) == {"tests": 1, "failures": 1, "errors": 0, "skipped": 0}
    assert attrs(root) == {"tests": 9, "failures": 3, "errors": 1, "skipped": 2}
    for s in suites.values():  # the attributes agree with the elements a CI counts
        assert int(s.get("tests")) == len(s.findall("testcase"))
        assert int(s.get("failures")) == len(s.findall("testcase/failure"))
        assert int(s.get("errors")) == len(s.findall("testcase/error"))
        assert int(s.get("skipped")) == len(s.findall("testcase/skipped"))


def test_junit_testcases_name_the_check_and_resource_and_explain_themselves():
    root = _junit(iac_report())
    cc67 = next(s for s in root.iter("testsuite") if s.get("name").startswith("CC6.7"))
    cases = {(c.get("classname"), c.get("name")): c for c in cc67.iter("testcase")}
    assert set(cases) == {
        ("TEST_AWS_1", "aws_s3_bucket.logs"),
        ("TEST_AWS_1", "aws_s3_bucket.data"),
        ("TEST_AWS_1", "aws_s3_bucket.legacy"),
    }
    failure = cases[("TEST_AWS_1", "aws_s3_bucket.data")].find("failure")
    assert failure.get("message").startswith("Bucket data has no")
    assert "main.tf:12-24" in failure.text and "Turn on default encryption" in failure.text
    skipped = cases[("TEST_AWS_1", "aws_s3_bucket.legacy")].find("skipped")
    assert skipped.get("message") == f"exempted by {JUSTIFICATION}"
    error = next(c for c in root.iter("testcase") if c.get("classname") == "TEST_AWS_2" and c.find("error") is not None)
    assert "KeyError" in error.find("error").get("message")


def test_junit_stays_parseable_with_control_characters_in_messages():
    report = live_report()
    report.results[0].message = "AWS said \x1b[31mno\x00 \x07"
    root = _junit(report)
    assert "AWS said" in next(root.iter("failure")).get("message")


# --- csv


def _csv_rows(report) -> list[dict]:
    return list(csv.DictReader(io.StringIO(render("csv", report, ST), newline="")))


def test_csv_is_a_matrix_of_criterion_by_check_with_counts_and_worst_status():
    text = render("csv", iac_report(), ST)
    assert text.startswith(
        "criterion,criterion_title,check_id,check_title,severity,passed,failed,exempted,error,status\r\n"
    )
    rows = _csv_rows(iac_report())
    assert [(r["criterion"], r["check_id"]) for r in rows] == [
        ("CC6.1", "TEST_AWS_1"),
        ("CC6.1", "TEST_AWS_2"),
        ("CC6.7", "TEST_AWS_1"),
        ("UNMAPPED", "TEST_AWS_3"),
    ]
    s3 = rows[0]
    assert s3["criterion_title"] == "Logical access is restricted"
    assert s3["check_title"] == "Buckets are encrypted, by default"  # the comma survives quoting
    assert (s3["passed"], s3["failed"], s3["exempted"], s3["error"], s3["status"]) == ("1", "1", "1", "0", "FAILED")
    assert rows[1]["status"] == "ERROR" and rows[1]["severity"] == "MEDIUM"
    assert rows[3]["criterion_title"] == "Not mapped to any criterion"
    live = _csv_rows(live_report(with_error=False))
    assert [(r["check_id"], r["status"]) for r in live] == [
        ("TEST_AWS_1", "FAILED"),
        ("TEST_AWS_1", "FAILED"),
        ("TEST_AWS_4", "PASSED"),
    ]


def test_csv_order_does_not_depend_on_result_order():
    shuffled = iac_report()
    shuffled.results.reverse()
    assert render("csv", shuffled, ST) == render("csv", iac_report(), ST)


# --- markdown


def _table_rows(md: str, header_start: str) -> list[list[str]]:
    lines = md.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[i + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_markdown_headline_and_table_by_criterion():
    md = render("markdown", iac_report(), ST)
    assert md.startswith("### SOC 2 checks: FAILED\n")
    assert "**2 failed**, 1 error, 1 exempted, 2 passed in 6 results from 3 checks" in md
    rows = _table_rows(md, "| Criterion |")
    assert rows[0] == ["CC6.1", "Logical access is restricted", "FAILED", "2", "2", "1", "1", "1"]
    assert [r[0] for r in rows] == ["CC6.1", "CC6.7", "UNMAPPED"]
    assert render("markdown", live_report(with_error=False), ST).startswith("### SOC 2 checks: FAILED")
    only_error = live_report()
    only_error.results = [r for r in only_error.results if r.status is not Status.FAILED]
    assert render("markdown", only_error, ST).startswith("### SOC 2 checks: INCOMPLETE")
    assert render("markdown", empty_report(), ST).startswith("### SOC 2 checks: PASSED")


def test_markdown_failures_are_collapsed_with_remediation_and_escaped_cells():
    md = render("markdown", iac_report(), ST)
    details = md[md.index("<details><summary>2 failed results</summary>") : md.index("</details>")]
    assert "Remediation: Turn on default encryption for the bucket." in details
    (row,) = [r for r in _table_rows(details, "| Resource |")]
    assert len(row) == 3  # the | in the message did not split the cell
    assert row[0] == "`aws_s3_bucket.data`" and row[1] == "`main.tf:12-24`"
    assert r"\`aws:kms\` or AES256 \| SSE" in row[2]
    assert "1 result could not be checked (ERROR)" in md
    exempt = _table_rows(md, "| Check | Resource | Location | Entry |")
    assert exempt == [
        [
            "TEST\\_AWS\\_1",
            "`aws_s3_bucket.legacy`",
            "`legacy/main.tf:3-9`",
            "EXC-001",
            "Dana Whitfield (CISO)",
            "2027-05-31",
        ]
    ]
    assert "#### Invalid inline suppressions (1)" in md
    assert "its reason cites no exemption register entry" in md
    assert "EXC-007" in md and "2026-12-10" in md
    assert not re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", md)  # no emoji anywhere


def test_markdown_stays_under_the_github_comment_limit():
    report = iac_report()
    many = [
        _result(
            "TEST_AWS_1",
            Status.FAILED,
            _tf(f"aws_s3_bucket.b{i:04d}", f"buckets/b{i:04d}.tf", (1, 20)),
            f"Bucket b{i:04d} has no default server-side encryption configuration.",
        )
        for i in range(3000)
    ]
    report.results = many + report.results
    md = render("markdown", report, ST)
    assert len(md) < 65_536
    shown = md.count("| `aws_s3_bucket.b")
    assert 100 < shown < 3000
    assert f"... and {3002 - shown} more failed results" in md
    # everything after the cut is still there: the sections that follow, closed properly
    assert md.count("<details>") == md.count("</details>") == 2
    # the short sections that follow are whole, and the comment is not left mostly empty
    assert "#### Exemptions applied (1)" in md and "its reason cites no exemption register entry" in md
    assert "broken.tf could not be parsed" in md
    assert len(md) > 60_000


# --- cli


def test_cli_groups_by_criterion_lists_what_needs_attention_and_counts_the_rest(capsys):
    text = render("cli", iac_report(), ST)
    lines = text.splitlines()
    assert lines[0] == "soc2-checks iac scan of infra/terraform"
    i = lines.index("CC6.1  Logical access is restricted")
    block = lines[i : lines.index("CC6.7  Data is protected in transit")]
    s3 = next(line for line in block if line.lstrip().startswith("TEST_AWS_1"))
    assert "HIGH" in s3 and s3.rstrip().endswith("1 failed, 1 exempted, 1 passed")
    joined = "\n".join(block)
    assert re.search(r"FAILED\s+aws_s3_bucket\.data\s+main\.tf:12-24", joined)
    assert "exempted: " + JUSTIFICATION in joined
    assert re.search(r"ERROR\s+aws_iam_policy\.deploy\s+iam\.tf:5\b", joined)
    assert "aws_s3_bucket.logs" not in text and "aws_iam_policy.read" not in text  # PASSED: counted only
    cc67 = lines[lines.index("CC6.7  Data is protected in transit") + 1]
    assert "(listed under CC6.1)" in cc67  # the same failures are not printed twice
    assert "Not mapped to any criterion" in text and "aws_security_group.ssh" in text
    assert (
        "invalid suppression: TEST_AWS_1 aws_s3_bucket.data (main.tf:12-24): "
        "its reason cites no exemption register entry" in text
    )
    assert (
        "exemption expiring soon: EXC-007 TEST_AWS_3 resources aws_security_group.bastion: "
        "expires on 2026-12-10 (14 days left)" in text
    )
    assert "warning: infra/terraform/broken.tf could not be parsed" in text
    assert lines[-1] == "FAILED: 2 failed, 1 error, 1 exempted, 2 passed (6 results from 3 checks)"


def test_cli_live_results_show_account_and_region():
    text = render("cli", live_report(), ST)
    assert "audit period 2026-01-01 to 2026-06-30" in text.splitlines()[0]
    assert re.search(r"FAILED\s+arn:aws:s3:::prod-data\s+123456789012/us-east-1", text)
    assert "ListDetectors failed: AccessDenied (needs guardduty:ListDetectors)" in text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_colour_only_for_a_terminal_and_as_the_environment_says(monkeypatch):
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)
    report = iac_report()
    assert "\x1b[" not in render("cli", report, ST)  # pytest's captured stdout is not a terminal
    monkeypatch.setattr(sys, "stdout", _Tty())
    assert "\x1b[31;1mFAILED" in render("cli", report, ST)
    assert "\x1b[" not in render("cli", report, ST, color=False)  # written to a file
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render("cli", report, ST)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in render("cli", report, ST)  # NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert "\x1b[31;1mFAILED" in render("cli", report, ST)  # FORCE_COLOR without a terminal (CI logs)
    monkeypatch.setenv("FORCE_COLOR", "0")
    assert "\x1b[" not in render("cli", report, ST)


# --- the real exemption register feeding every writer

REGISTER = """\
version: 1
exemptions:
  - id: EXC-001
    checks: [TEST_AWS_1]
    resources: [aws_s3_bucket.legacy]
    constraint: The legacy bucket is read by a client that cannot send encryption headers.
    compensating_controls:
      - description: Bucket policy denies every principal except the legacy reader.
    risk: {level: low}
    requested_by: {name: Sam Ortiz, role: Storage Lead}
    approved_by: {name: Dana Whitfield, role: CISO}
    approved_on: 2026-06-01
    expires_on: 2026-12-10
    ticket: RISK-101
  - id: EXC-002
    checks: [TEST_AWS_3]
    resources: [aws_security_group.ssh]
    constraint: Vendor support needs SSH.
    compensating_controls:
      - description: Session recording.
    risk: {level: high}
    requested_by: {name: Sam Ortiz, role: Storage Lead}
    approved_by: {name: Dana Whitfield, role: CISO}
    approved_on: 2025-01-10
    expires_on: 2026-01-10
    ticket: RISK-102
  - id: EXC-003
    checks: [TEST_AWS_1]
    resources: [aws_s3_bucket.data]
    constraint: Data bucket migration pending.
    compensating_controls:
      - description: Least-privilege policies on every reader.
        verified_by: [TEST_AWS_2]
    risk: {level: medium}
    requested_by: {name: Sam Ortiz, role: Storage Lead}
    approved_by: {name: Dana Whitfield, role: CISO}
    approved_on: 2026-06-01
    expires_on: 2027-06-01
    ticket: RISK-103
  - id: EXC-004
    checks: [TEST_AWS_4]
    resources: ["*"]
    constraint: Nothing matches this any more.
    compensating_controls:
      - description: Quarterly review.
    risk: {level: low}
    requested_by: {name: Sam Ortiz, role: Storage Lead}
    approved_by: {name: Dana Whitfield, role: CISO}
    approved_on: 2026-06-01
    expires_on: 2027-06-01
    ticket: RISK-104
"""


def _registered_report(tmp_path) -> ScanReport:
    pytest.importorskip("soc2_checks.exemptions")
    from soc2_checks.exemptions import apply_register, load_register

    path = tmp_path / "exemptions.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    register = load_register(path, ST.registry, today=ST.as_of)
    report = iac_report()
    report.exemptions = ExemptionOutcome()
    raw = [
        replace(r, status=Status.FAILED, exemption=None) if r.status is Status.EXEMPTED else r for r in report.results
    ]
    raw.append(
        replace(
            raw[0],
            status=Status.FAILED,
            resource=_tf("aws_s3_bucket.tmp", "tmp.tf", (1, 4)),
            message="Bucket tmp has no default encryption.",
            suppression="temporary bucket, deleted next sprint",
        )
    )
    report.results, report.exemptions = apply_register(raw, register, ST.as_of)
    return report


def test_what_the_register_did_validates_and_reaches_every_format(tmp_path):
    report = _registered_report(tmp_path)
    data = json.loads(render("json", report, ST))
    assert validate_data(data, "results.schema.json") == []
    outcome = data["exemptions"]
    assert [i["entry"] for i in outcome["applied"]] == ["EXC-001"]
    assert [i["entry"] for i in outcome["expired"]] == ["EXC-002"]
    assert [i["entry"] for i in outcome["not_verified"]] == ["EXC-003"]
    assert [i["entry"] for i in outcome["unused"]] == ["EXC-004"]
    assert [i["resource_id"] for i in outcome["invalid_suppressions"]] == ["aws_s3_bucket.tmp"]

    sarif = json.loads(render("sarif", report, ST))["runs"][0]["results"]
    (suppressed,) = [r for r in sarif if "suppressions" in r]
    assert (
        suppressed["suppressions"][0]["justification"] == "EXC-001 approved by Dana Whitfield (CISO) until 2026-12-10"
    )

    cli = render("cli", report, ST, color=False)
    assert "exempted: EXC-001 approved by Dana Whitfield (CISO) until 2026-12-10" in cli
    assert re.search(r"exemption expiring soon: EXC-001 .*expires on 2026-12-10 \(14 days left\)", cli)
    assert (
        "exemption expired: EXC-002 TEST_AWS_3 aws_security_group.ssh: exemption EXC-002 expired on 2026-01-10" in cli
    )
    assert re.search(r"compensating control not verified: EXC-003 TEST_AWS_1 aws_s3_bucket\.data: .*TEST_AWS_2", cli)
    assert re.search(r"invalid suppression: TEST_AWS_1 aws_s3_bucket\.tmp \(tmp\.tf:1-4\): .*cites no", cli)
    assert "unused exemption: EXC-004 TEST_AWS_4 resources *: no result matched" in cli

    md = render("markdown", report, ST)
    for heading in ("Expired exemptions (1)", "Exemptions not applied (1)", "Invalid inline suppressions (1)"):
        assert f"#### {heading}" in md


def test_finish_writes_every_requested_format_into_a_folder(tmp_path, capsys):
    pytest.importorskip("soc2_checks.exemptions")
    import argparse

    from soc2_checks.commands.common import finish

    args = argparse.Namespace(
        output=["json", "sarif", "junitxml", "csv", "markdown", "cli"], output_file=str(tmp_path), soft_fail=False
    )
    st = SimpleNamespace(registry=ST.registry, mapping=ST.mapping, register=None, as_of=ST.as_of)
    assert finish(iac_report(), st, args) == 1
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["results.csv", "results.json", "results.md", "results.sarif", "results.txt", "results.xml"]
    assert json.loads((tmp_path / "results.json").read_text())["summary"]["FAILED"] == 2
    assert "\x1b[" not in (tmp_path / "results.txt").read_text()
    assert capsys.readouterr().out == ""


def test_output_file_that_is_a_pipe_or_a_link_is_written_through(tmp_path):
    """``--output-file /dev/stdout`` or a named pipe is written to, not renamed over (which
    would replace the device or the pipe with a file); a link keeps pointing at its target."""
    import threading

    from soc2_checks.commands.common import atomic_write

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()), daemon=True)
    reader.start()
    atomic_write(pipe, '{"results": []}\n')
    reader.join(timeout=10)
    assert received == ['{"results": []}\n']
    assert pipe.is_fifo()

    target = tmp_path / "reports" / "results.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
