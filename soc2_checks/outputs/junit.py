"""``-o junitxml``: CI test reports (GitLab, Jenkins, Azure DevOps) grouped by criterion.

One test suite per criterion, one test case per result: the CI's test view then reads like
the auditor's report. A result mapped to two criteria is a test case in both suites, and the
totals on ``<testsuites>`` count test cases, as every JUnit reader expects.
FAILED is a failure, ERROR an error (the check could not run), EXEMPTED is skipped with the
register entry that allowed it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..model import Result, Status
from ..report import ScanReport
from . import RenderOptions, writer
from ._facts import by_criterion_and_check, check_info, criterion_title, exemption_text, iso_utc, location

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, even escaped; a message quoting raw API output
must not make the whole report unparseable."""


def _x(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


@writer("junitxml")
def render_junit(report: ScanReport, st: Any, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name="soc2-checks")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    timestamp = iso_utc(report.started_at)
    for criterion, checks in by_criterion_and_check(report.results).items():
        title = criterion_title(st, criterion)
        suite = ET.SubElement(root, "testsuite", name=_x(f"{criterion} {title}".strip()))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="criterion", value=criterion)
        if title:
            ET.SubElement(props, "property", name="criterion_title", value=_x(title))
        n = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for results in checks.values():
            for r in results:
                _testcase(suite, r, st)
                n["tests"] += 1
                key = {Status.FAILED: "failures", Status.ERROR: "errors", Status.EXEMPTED: "skipped"}.get(r.status)
                if key:
                    n[key] += 1
        for k, v in n.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("time", "0")
        suite.set("timestamp", timestamp)
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("time", str(round((report.finished_at - report.started_at).total_seconds(), 3)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, r: Result, st: Any) -> None:
    case = ET.SubElement(suite, "testcase", classname=r.check_id, name=_x(r.resource.id), time="0")
    if r.resource.file:
        case.set("file", _x(r.resource.file))
        if r.resource.line_range:
            case.set("line", str(r.resource.line_range[0]))
    if r.status is Status.PASSED:
        return
    if r.status is Status.EXEMPTED:
        why = exemption_text(r.exemption) if r.exemption else "the exemption register"
        ET.SubElement(case, "skipped", message=_x(f"exempted by {why}"))
        return
    tag = "failure" if r.status is Status.FAILED else "error"
    el = ET.SubElement(case, tag, message=_x(r.message), type=str(r.severity) if tag == "failure" else "ERROR")
    info = check_info(st, r)
    body = [f"{r.check_id}: {r.title} ({r.severity})", f"Resource: {r.resource.id}"]
    if where := location(r.resource):
        body.append(f"Location: {where}")
    body.append(r.message)
    body.extend(f"- {d}" for d in r.details)
    if info.remediation and r.status is Status.FAILED:
        body.append(f"Remediation: {info.remediation}")
    el.text = _x("\n".join(body))
