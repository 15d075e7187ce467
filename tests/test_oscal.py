"""``-o oscal``: assessment results a GRC platform or an assessor's tool can import as they are."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
from trestle.oscal import OSCAL_VERSION_REGEX
from trestle.oscal.assessment_results import Model

from soc2_checks.model import ResourceRef, Status
from soc2_checks.outputs import render
from soc2_checks.outputs.oscal import NS

from .test_outputs import ALL_REPORTS, ST, T0, _registered_report, _result, _tf, iac_report, live_report

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _doc(report, st=ST) -> dict:
    return json.loads(render("oscal", report, st))


def _result_of(doc: dict) -> dict:
    (result,) = doc["assessment-results"]["results"]
    return result


def _prop(obj: dict, name: str) -> list[str]:
    return [p["value"] for p in obj.get("props", []) if p["name"] == name]


@pytest.fixture
def registered(tmp_path):
    """The iac report after the real register judged it, with the register the CLI would pass."""
    from soc2_checks.exemptions import load_register

    report = _registered_report(tmp_path)
    register = load_register(tmp_path / "exemptions.yaml", ST.registry, today=ST.as_of)
    st = SimpleNamespace(registry=ST.registry, mapping=ST.mapping, as_of=ST.as_of, register=register)
    return report, st


def _hostile_report():
    report = iac_report()
    report.targets = ["infra/ terraform "]
    report.results.append(
        _result(
            "TEST_AWS_3",
            Status.FAILED,
            ResourceRef("aws_security_group.a\nb ", file="net\n.tf", line_range=(3, 3)),
            "",
            details=("line one\nline two",),
        )
    )
    return report


@pytest.mark.parametrize("name", [*sorted(ALL_REPORTS), "registered", "hostile"])
def test_oscal_validates_against_the_oscal_models(name, registered):
    if name == "registered":
        report, st = registered
    elif name == "hostile":
        report, st = _hostile_report(), ST
    else:
        report, st = ALL_REPORTS[name](), ST
    doc = _doc(report, st)
    Model.model_validate(doc)  # compliance-trestle's pydantic models of OSCAL assessment-results
    assert re.match(OSCAL_VERSION_REGEX, doc["assessment-results"]["metadata"]["oscal-version"])


def test_every_result_is_an_observation_collected_when_the_scan_finished():
    report = iac_report()
    result = _result_of(_doc(report))
    observations = result["observations"]
    assert len(observations) == len(report.results)
    assert {o["collected"] for o in observations} == {"2026-11-26T10:00:04Z"}
    assert (result["start"], result["end"]) == ("2026-11-26T10:00:00Z", "2026-11-26T10:00:04Z")
    by_title = {o["title"]: o for o in observations}
    failed = by_title["TEST_AWS_1 FAILED: aws_s3_bucket.data"]
    assert _prop(failed, "status") == ["FAILED"] and _prop(failed, "check-id") == ["TEST_AWS_1"]
    assert _prop(failed, "criterion") == ["CC6.1", "CC6.7"]
    assert failed["types"] == ["finding"] and failed["methods"] == ["TEST"]
    assert failed["relevant-evidence"] == [{"href": "main.tf", "description": "aws_s3_bucket.data in main.tf:12-24"}]
    assert failed["remarks"] == "Remediation: Turn on default encryption for the bucket."
    assert "expires" not in failed  # a failure stays true until the next scan says otherwise
    exempted = by_title["TEST_AWS_1 EXEMPTED: aws_s3_bucket.legacy"]
    assert exempted["expires"] == "2027-05-31T00:00:00Z"  # the day the exemption no longer applies
    assert _prop(exempted, "exemption-id") == ["EXC-001"]
    error = by_title["TEST_AWS_2 ERROR: aws_iam_policy.deploy"]
    assert error["description"].startswith("Could not be checked: Check TEST_AWS_2 raised KeyError")
    # each observation's subject is the inventory item of its resource, with file and lines
    items = {i["uuid"]: i for i in result["local-definitions"]["inventory-items"]}
    (subject,) = failed["subjects"]
    item = items[subject["subject-uuid"]]
    assert subject["type"] == "inventory-item"
    assert _prop(item, "asset-id") == ["aws_s3_bucket.data"] and _prop(item, "line-range") == ["12-24"]
    assert all(p.get("ns") == NS for p in item["props"] if p["name"] != "asset-id")


def test_live_observations_name_account_and_region():
    result = _result_of(_doc(live_report()))
    obs = next(o for o in result["observations"] if "prod-data" in o["title"])
    assert obs["relevant-evidence"] == [
        {"description": "Read from the AWS APIs of account 123456789012, region us-east-1."}
    ]
    item = next(
        i for i in result["local-definitions"]["inventory-items"] if _prop(i, "asset-id")[0].endswith("prod-data")
    )
    assert _prop(item, "aws-account") == ["123456789012"] and _prop(item, "aws-region") == ["us-east-1"]
    assert _prop(result, "audit-period-end") == ["2026-06-30"]


def test_every_criterion_is_a_finding_and_only_a_clean_one_is_satisfied():
    report = iac_report()
    doc = _doc(report)
    result = _result_of(doc)
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    summary = json.loads(render("json", report, ST))["summary"]["by_criterion"]
    assert set(findings) == set(summary) - {"UNMAPPED"}  # an unmapped check has no objective to judge
    for criterion, finding in findings.items():
        assert finding["target"]["type"] == "objective-id"
        assert len(finding["related-observations"]) == sum(summary[criterion].values())
        assert [int(_prop(finding["target"], s.lower())[0]) for s in Status] == [summary[criterion][s] for s in Status]
    assert findings["CC6.1"]["target"]["status"] == {
        "state": "not-satisfied",
        "reason": "fail",
        "remarks": "1 result FAILED.",
    }
    assert findings["CC6.1"]["title"] == "CC6.1: Logical access is restricted"
    assert "1 result from checks not mapped to any criterion" in result["remarks"]
    assert "Warning: infra/terraform/broken.tf could not be parsed" in result["remarks"]
    assert [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]] == [
        "CC6.1",
        "CC6.7",
    ]

    # only ERROR left: still not satisfied, because nothing proves the control
    errors_only = live_report()
    errors_only.results = [r for r in errors_only.results if r.status is not Status.PASSED]
    errors_only.results = [r for r in errors_only.results if r.check_id == "TEST_AWS_4"]
    (cc72,) = _result_of(_doc(errors_only))["findings"]
    assert cc72["target"]["status"]["state"] == "not-satisfied" and cc72["target"]["status"]["reason"] == "other"

    # PASSED and an approved exemption: satisfied, through the deviation
    accepted = iac_report()
    accepted.results = [r for r in accepted.results if r.check_id == "TEST_AWS_1" and r.status is not Status.FAILED]
    states = {f["target"]["target-id"]: f["target"]["status"] for f in _result_of(_doc(accepted))["findings"]}
    assert states["CC6.7"]["state"] == "satisfied" and states["CC6.7"]["reason"] == "other"
    passed = iac_report()
    passed.results = [r for r in passed.results if r.status is Status.PASSED]
    states = {f["target"]["target-id"]: f["target"]["status"] for f in _result_of(_doc(passed))["findings"]}
    assert states["CC6.1"] == {"state": "satisfied", "reason": "pass", "remarks": "Every result PASSED."}


def test_an_applied_exemption_is_an_approved_deviation_with_its_controls_approver_and_deadline(registered, tmp_path):
    report, st = registered
    doc = _doc(report, st)
    result = _result_of(doc)
    risks = {_prop(r, "exemption-id")[0]: r for r in result["risks"]}
    risk = risks["EXC-001"]
    assert risk["status"] == "deviation-approved"
    assert risk["description"] == "The legacy bucket is read by a client that cannot send encryption headers."
    assert risk["deadline"] == "2026-12-10T00:00:00Z"
    assert [m["description"] for m in risk["mitigating-factors"]] == [
        "Bucket policy denies every principal except the legacy reader."
    ]
    assert _prop(risk, "ticket") == ["RISK-101"] and _prop(risk, "risk-level") == ["low"]
    (approval,) = risk["risk-log"]["entries"]
    assert approval["status-change"] == "deviation-approved" and approval["start"] == "2026-06-01T00:00:00Z"
    (logged_by,) = approval["logged-by"]
    parties = {p["uuid"]: p for p in doc["assessment-results"]["metadata"]["parties"]}
    approver = parties[logged_by["party-uuid"]]
    assert (approver["name"], approver["type"], _prop(approver, "job-title")) == ("Dana Whitfield", "person", ["CISO"])
    assert logged_by["role-id"] == "approver"
    # the risk points at the exempted observation, and the criteria it touches point at the risk
    observations = {o["uuid"]: o for o in result["observations"]}
    assert [observations[r["observation-uuid"]]["title"] for r in risk["related-observations"]] == [
        "TEST_AWS_1 EXEMPTED: aws_s3_bucket.legacy"
    ]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    assert {"risk-uuid": risk["uuid"]} in findings["CC6.7"]["related-risks"]
    # an expired exemption is an open risk whose log says when the approval ran out
    expired = risks["EXC-002"]
    assert expired["status"] == "open" and expired["deadline"] == "2026-01-10T00:00:00Z"
    assert [e["status-change"] for e in expired["risk-log"]["entries"]] == ["deviation-approved", "open"]
    assert set(risks) == {"EXC-001", "EXC-002"}  # not-applied and unused entries are no deviation
    assert "Unused exemption: EXC-004" in result["remarks"]
    assert "Invalid inline suppression: TEST_AWS_1 aws_s3_bucket.tmp" in result["remarks"]
    # the register the deviations were approved in, pinned by its hash
    (register,) = [
        r for r in doc["assessment-results"]["back-matter"]["resources"] if r["title"] == "Exemption register"
    ]
    (rlink,) = register["rlinks"]
    digest = hashlib.sha256((tmp_path / "exemptions.yaml").read_bytes()).hexdigest()
    assert rlink["hashes"] == [{"algorithm": "SHA-256", "value": digest}]
    assert {"href": f"#{register['uuid']}", "rel": "reference", "text": "EXC-001 in the register"} in risk["links"]


def test_a_verified_compensating_control_says_so(tmp_path):
    from soc2_checks.exemptions import apply_register, load_register

    path = tmp_path / "exemptions.yaml"
    path.write_text(
        "version: 1\nexemptions:\n  - id: EXC-010\n    checks: [TEST_AWS_1]\n    resources: [aws_s3_bucket.data]\n"
        "    constraint: Migration pending.\n    compensating_controls:\n      - description: Readers are scoped.\n"
        "        verified_by: [TEST_AWS_2]\n        evidence: https://wiki.example.com/readers\n"
        "    risk: {level: medium}\n    requested_by: {name: Sam Ortiz, role: Storage Lead}\n"
        "    approved_by: {name: Dana Whitfield, role: CISO, email: dana@example.com}\n"
        "    approved_on: 2026-06-01\n    expires_on: 2027-06-01\n    ticket: https://tickets.example.com/RISK-110\n",
        encoding="utf-8",
    )
    register = load_register(path, ST.registry, today=ST.as_of)
    failed = _result("TEST_AWS_1", Status.FAILED, _tf("aws_s3_bucket.data", "main.tf", (1, 9)), "No encryption.")
    verifier = _result("TEST_AWS_2", Status.PASSED, _tf("aws_s3_bucket.data", "main.tf", (1, 9)), "Scoped.")
    report = replace(iac_report(), results=[failed, verifier])
    report.results, report.exemptions = apply_register(report.results, register, ST.as_of)
    st = SimpleNamespace(registry=ST.registry, mapping=ST.mapping, as_of=ST.as_of, register=register)
    doc = _doc(report, st)
    Model.model_validate(doc)
    (risk,) = _result_of(doc)["risks"]
    (factor,) = risk["mitigating-factors"]
    assert _prop(factor, "verified-by") == ["TEST_AWS_2"]
    assert _prop(factor, "verification")[0].startswith("verified")
    assert factor["links"] == [{"href": "https://wiki.example.com/readers", "rel": "reference", "text": "Evidence"}]
    assert {"href": "https://tickets.example.com/RISK-110", "rel": "reference", "text": "Approval ticket"} in risk[
        "links"
    ]
    (party,) = doc["assessment-results"]["metadata"]["parties"]
    assert party["email-addresses"] == ["dana@example.com"]


def test_without_the_register_an_applied_exemption_is_still_a_risk_with_its_approver():
    """Results merged from another run carry the entry, approver and expiry, but not the entry."""
    doc = _doc(iac_report())
    (risk,) = _result_of(doc)["risks"]
    assert risk["status"] == "deviation-approved" and risk["deadline"] == "2027-05-31T00:00:00Z"
    (party,) = doc["assessment-results"]["metadata"]["parties"]
    assert party["name"] == "Dana Whitfield (CISO)"
    assert "mitigating-factors" not in risk  # unknown here; never invented


def _references(node, key_suffix: str, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k.endswith(key_suffix) and isinstance(v, str):
                found.append(v)
            elif k == "party-uuids" and key_suffix == "-uuid":
                found.extend(v)
            else:
                _references(v, key_suffix, found)
    elif isinstance(node, list):
        for v in node:
            _references(v, key_suffix, found)
    return found


def _defined(node, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        if isinstance(node.get("uuid"), str):
            found.append(node["uuid"])
        for v in node.values():
            _defined(v, found)
    elif isinstance(node, list):
        for v in node:
            _defined(v, found)
    return found


def test_every_reference_resolves_and_every_uuid_is_unique(registered):
    """Trestle checks shapes, not references: a tool importing the document follows them."""
    report, st = registered
    doc = _doc(report, st)
    defined = _defined(doc, [])
    assert len(defined) == len(set(defined))
    assert all(UUID.match(u) for u in defined)
    refs = _references(doc, "-uuid", [])
    assert refs and set(refs) <= set(defined)
    href = doc["assessment-results"]["import-ap"]["href"]
    assert href.lstrip("#") in defined
    roles = {r["id"] for r in doc["assessment-results"]["metadata"]["roles"]}
    assert set(_references(doc, "role-id", [])) <= roles


def test_the_same_scan_gives_the_same_document_and_a_change_moves_only_what_changed():
    first = render("oscal", iac_report(), ST)
    assert render("oscal", iac_report(), ST) == first
    shuffled = iac_report()
    shuffled.results.reverse()
    assert render("oscal", shuffled, ST) == first

    later = iac_report()
    later.started_at = later.started_at.replace(day=27)
    later.finished_at = later.finished_at.replace(day=27)
    later.results = [
        replace(r, status=Status.PASSED, message="Encrypted now.") if r.resource.id == "aws_s3_bucket.data" else r
        for r in later.results
    ]
    a, b = _result_of(json.loads(first)), _result_of(_doc(later))
    # observations and inventory keep their identity across scans of the same scope
    assert [o["uuid"] for o in a["observations"]] == [o["uuid"] for o in b["observations"]]
    assert [i["uuid"] for i in a["local-definitions"]["inventory-items"]] == [
        i["uuid"] for i in b["local-definitions"]["inventory-items"]
    ]
    assert [f["uuid"] for f in a["findings"]] == [f["uuid"] for f in b["findings"]]
    assert a["uuid"] != b["uuid"]  # a new scan is a new set of results
    # a different scope does not reuse another scope's findings
    other = _result_of(_doc(replace(iac_report(), targets=["infra/other"])))
    assert not {f["uuid"] for f in other["findings"]} & {f["uuid"] for f in a["findings"]}


def test_two_results_on_the_same_key_get_distinct_observations():
    report = iac_report()
    report.results.append(replace(report.results[0]))
    Model.model_validate(doc := _doc(report))
    uuids = [o["uuid"] for o in _result_of(doc)["observations"]]
    assert len(uuids) == len(set(uuids)) == len(report.results)


def test_finish_writes_oscal_and_html_next_to_the_other_formats(tmp_path, capsys):
    from soc2_checks.commands.common import finish

    args = argparse.Namespace(output=["json", "oscal", "html"], output_file=str(tmp_path), soft_fail=False)
    st = SimpleNamespace(registry=ST.registry, mapping=ST.mapping, register=None, as_of=ST.as_of)
    report = iac_report()
    report.started_at = T0
    assert finish(report, st, args) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.html", "results.json", "results.oscal.json"]
    Model.model_validate(json.loads((tmp_path / "results.oscal.json").read_text(encoding="utf-8")))
    assert (tmp_path / "results.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert capsys.readouterr().out == ""
