"""``-o html``: the page a manager or an auditor opens, checked as text and in a real browser."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from soc2_checks.model import Status
from soc2_checks.outputs import render

from .test_outputs import ST, _registered_report, _result, _tf, empty_report, iac_report, live_report

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EVIL_ID = 'aws_s3_bucket.x"><img src="http://127.0.0.1:9/leak.png">'
EVIL_MESSAGE = "<script>document.title='owned'</script> & <b>bold</b>"


# --- a small DOM, built by the standard library's HTML tokenizer

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(" ".join((c if isinstance(c, str) else c.text()).split()) for c in self.children if c).strip()

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag) and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        (node,) = self.find_all(tag, **attrs)
        return node


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(text: str) -> Node:
    b = _Builder()
    b.feed(text)
    b.close()
    return b.root


# --- reports


def _registered(tmp_path):
    from soc2_checks.exemptions import load_register

    report = _registered_report(tmp_path)
    register = load_register(tmp_path / "exemptions.yaml", ST.registry, today=ST.as_of)
    return report, SimpleNamespace(registry=ST.registry, mapping=ST.mapping, as_of=ST.as_of, register=register)


def _with_hostile_content(report):
    report.targets = [*report.targets, "<i>infra</i>"]
    report.results.append(
        _result(
            "TEST_AWS_1",
            Status.FAILED,
            _tf(EVIL_ID, "evil/<main>.tf", (1, 2)),
            EVIL_MESSAGE,
            details=('"quoted" <u>detail</u>',),
        )
    )
    report.warnings.append("<marquee>warning</marquee>")
    return report


def matrix_of(root: Node) -> dict[str, dict[str, int]]:
    table = root.find("table", id="matrix")
    rows = {}
    for tr in table.find_all("tr"):
        if "data-criterion" in tr.attrs:
            rows[tr.attrs["data-criterion"]] = {
                td.attrs["data-status"]: int(td.text()) for td in tr.find_all("td") if "data-status" in td.attrs
            }
    return rows


# --- the page as text


def test_the_page_is_self_contained_and_its_style_is_pinned_by_its_hash():
    text = render("html", iac_report(), ST)
    root = parse(text)
    assert text.startswith("<!DOCTYPE html>")
    assert not root.find_all("script") and not root.find_all("link") and not root.find_all("img")
    assert not root.find_all("iframe") and not root.find_all("object")
    for node in root.iter():
        for name in ("src", "href", "action", "srcset", "style"):
            value = node.attrs.get(name)
            assert value is None or (name == "href" and value.startswith("#")), (node.tag, name, value)
    (style,) = root.find_all("style")
    css = style.children[0]
    assert "url(" not in css and "@import" not in css
    csp = next(
        m.attrs["content"] for m in root.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    )
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    # every in-page link lands on an element of the page
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    assert {n.attrs["href"][1:] for n in root.find_all("a")} <= ids


def test_everything_from_the_scan_is_escaped():
    text = render("html", _with_hostile_content(iac_report()), ST)
    for raw in (EVIL_ID, EVIL_MESSAGE, "<u>detail</u>", "<marquee>", "<i>infra</i>", "<main>.tf"):
        assert raw not in text
    root = parse(text)
    assert not root.find_all("img") and not root.find_all("script") and not root.find_all("marquee")
    assert not root.find_all("u") and not root.find_all("i")
    failed = root.find("section", id="failed")
    assert EVIL_ID in failed.text() and EVIL_MESSAGE in failed.text()
    assert "<i>infra</i>" in root.find("title").text()


def test_the_matrix_has_the_counts_of_the_json_results():
    report = iac_report()
    summary = json.loads(render("json", report, ST))["summary"]
    root = parse(render("html", report, ST))
    matrix = matrix_of(root)
    assert {c: matrix[c] for c in summary["by_criterion"]} == summary["by_criterion"]
    assert matrix["*"] == {s: summary[s] for s in ("PASSED", "FAILED", "EXEMPTED", "ERROR")}
    row = root.find("tr", data_criterion="CC6.1")
    assert "Logical access is restricted" in row.text() and "FAILED" in row.text()
    tiles = {
        t.attrs["data-total"]: int(t.find("span", **{"class": "n"}).text())
        for t in root.find_all("div")
        if "data-total" in t.attrs
    }
    assert tiles == {s: summary[s] for s in ("PASSED", "FAILED", "EXEMPTED", "ERROR")}


def test_failures_come_with_resources_locations_and_remediation():
    root = parse(render("html", iac_report(), ST))
    failed = root.find("section", id="failed")
    s3 = failed.find("details", data_check="TEST_AWS_1")
    assert "Turn on default encryption for the bucket." in s3.find("p", **{"class": "remediation"}).text()
    (row,) = s3.find_all("tr", data_status="FAILED")
    assert row.text().startswith("aws_s3_bucket.data main.tf:12-24 Bucket data has no `aws:kms`")
    assert "checked both the inline block and the separate resource" in row.text()
    assert "CC6.1" in s3.find("summary").text() and "HIGH" in s3.find("summary").text()
    assert "not mapped" in failed.find("details", data_check="TEST_AWS_3").find("summary").text()
    assert "aws_s3_bucket.logs" not in failed.text()  # PASSED results are counted, not listed
    checks = root.find("section", id="checks")
    assert [tr.attrs["data-check"] for tr in checks.find_all("tr") if "data-check" in tr.attrs] == [
        "TEST_AWS_1",
        "TEST_AWS_2",
        "TEST_AWS_3",
    ]


def test_results_that_could_not_be_checked_are_shown_as_holes_not_passes():
    root = parse(render("html", live_report(), ST))
    assert "1 result could not be checked." in root.find("p", role="alert").text()
    (row,) = root.find("section", id="errors").find_all("tr", data_status="ERROR")
    assert "123456789012/eu-west-1" in row.text()
    assert "ListDetectors failed: AccessDenied (needs guardduty:ListDetectors)" in row.text()
    assert root.find("span", data_outcome="FAILED")
    only_error = live_report()
    only_error.results = [r for r in only_error.results if r.status is not Status.FAILED]
    root = parse(render("html", only_error, ST))
    assert root.find("span", data_outcome="INCOMPLETE").text() == "INCOMPLETE"


def test_the_header_says_what_was_scanned_and_when_the_evidence_was_collected():
    root = parse(render("html", live_report(), ST))
    scan = root.find("dl", id="scan").text()
    assert "Scan live" in scan and "Targets 123456789012" in scan
    assert "Collected 2026-11-26 10:02:00 UTC" in scan and "took 2 min 0 s" in scan
    assert "Audit period 2026-01-01 to 2026-06-30" in scan
    assert "Exemptions judged as of 2026-11-26" in scan
    assert any(t.attrs.get("datetime") == "2026-11-26T10:02:00Z" for t in root.find_all("time"))


def test_exemptions_show_the_entry_approver_expiry_and_compensating_controls(tmp_path):
    report, st = _registered(tmp_path)
    root = parse(render("html", report, st))
    entry = root.find("article", data_entry="EXC-001")
    assert entry.find("span", data_field="approved_by").text() == "Dana Whitfield (CISO)"
    assert entry.find("span", data_field="expires_on").text() == "2026-12-10 (14 days left)"
    assert "expiring soon" in entry.find("h3").text()
    facts = entry.find("dl").text()
    assert "Approved by Dana Whitfield (CISO) on 2026-06-01" in facts
    assert "Requested by Sam Ortiz (Storage Lead)" in facts and "Ticket RISK-101" in facts and "Risk low" in facts
    assert "The legacy bucket is read by a client that cannot send encryption headers." in entry.text()
    assert [li.text() for li in entry.find("ol").find_all("li")] == [
        "Bucket policy denies every principal except the legacy reader. Not verified by a check."
    ]
    (row,) = entry.find_all("tr", data_status="EXEMPTED")
    assert "aws_s3_bucket.legacy" in row.text() and "legacy/main.tf:3-9" in row.text()
    register = root.find("section", id="register")
    outcome = {d.attrs["data-outcome"]: d for d in register.find_all("div") if "data-outcome" in d.attrs}
    assert set(outcome) == {"expiring_soon", "expired", "not_verified", "invalid_suppressions", "unused"}
    assert (
        "EXC-002 TEST_AWS_3 aws_security_group.ssh: exemption EXC-002 expired on 2026-01-10"
        in outcome["expired"].text()
    )
    assert "cites no exemption register entry" in outcome["invalid_suppressions"].text()
    assert "EXC-004" in outcome["unused"].text()


def test_without_the_register_an_exemption_still_shows_approver_and_expiry():
    root = parse(render("html", iac_report(), ST))
    entry = root.find("article", data_entry="EXC-001")
    assert entry.find("span", data_field="approved_by").text() == "Dana Whitfield (CISO)"
    assert entry.find("span", data_field="expires_on").text().startswith("2027-05-31 (186 days left)")


def test_an_empty_scan_says_nothing_was_in_scope():
    root = parse(render("html", empty_report(), ST))
    assert "No check produced a result" in root.find("section", id="criteria").text()
    assert root.find("span", data_outcome="PASSED")
    assert not root.find_all("section", id="failed")


# --- the page in a real browser


def _chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    """Headless Chromium with no network: no background traffic, a proxy that does not exist,
    and no name resolution, so anything the page tried to fetch would fail and be logged."""
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={tmp_path / 'profile'}",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)")
    tmp = tmp_path_factory.mktemp("browser")
    report, st = _registered(tmp)
    report = _with_hostile_content(report)
    page = tmp / "report.html"
    page.write_text(render("html", report, st), encoding="utf-8")
    run = _chromium(tmp, page.as_uri(), "--dump-dom")
    summary = json.loads(render("json", report, st))["summary"]
    return SimpleNamespace(tmp=tmp, page=page, dom=parse(run.stdout), log=run.stderr, summary=summary)


@pytest.mark.browser
def test_chromium_renders_the_counts_of_the_json_results(browser_page):
    dom, summary = browser_page.dom, browser_page.summary
    matrix = matrix_of(dom)
    assert {c: matrix[c] for c in summary["by_criterion"]} == summary["by_criterion"]
    assert set(matrix) == {*summary["by_criterion"], "*"}
    assert matrix["*"] == {s: summary[s] for s in ("PASSED", "FAILED", "EXEMPTED", "ERROR")}
    tiles = {
        t.attrs["data-total"]: int(t.find("span", **{"class": "n"}).text())
        for t in dom.find_all("div")
        if "data-total" in t.attrs
    }
    assert tiles == {s: summary[s] for s in ("PASSED", "FAILED", "EXEMPTED", "ERROR")}
    assert dom.find("span", data_outcome="FAILED")
    assert (
        dom.find("article", data_entry="EXC-001")
        .find("span", data_field="approved_by")
        .text()
        .startswith("Dana Whitfield (CISO)")
    )


@pytest.mark.browser
def test_chromium_loads_nothing_and_runs_nothing(browser_page):
    dom, log = browser_page.dom, browser_page.log
    # no Content-Security-Policy violation: the style applied (its hash matches), nothing was fetched
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert not dom.find_all("script") and not dom.find_all("img")
    assert dom.find("title").text().startswith("SOC 2 checks: FAILED")  # the injected script did not retitle it
    assert EVIL_ID in dom.find("section", id="failed").text()


@pytest.mark.browser
def test_chromium_takes_a_screenshot_of_the_page(browser_page):
    shot = browser_page.tmp / "report.png"
    _chromium(browser_page.tmp, browser_page.page.as_uri(), f"--screenshot={shot}", "--window-size=1280,1600")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a rendered report, not a blank page
