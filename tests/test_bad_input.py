"""Every malformed file is refused the same way: exit code 2, one line on stderr naming the
file and the line or field, no traceback, nothing on stdout and nothing written.

The corpus lives in tests/bad_input/<kind>/; what each file must be told is listed here, so a
change in wording that loses the place (line, field) fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from soc2_checks.cli import main

from .conftest import ROOT

CORPUS = ROOT / "tests" / "bad_input"

EXEMPTIONS = {
    "01-syntax-unclosed-bracket.yaml": ":5: YAML syntax error",
    "02-syntax-bad-indent.yaml": ":6: YAML syntax error",
    "03-syntax-tab-indent.yaml": ":14: YAML syntax error",
    "04-syntax-duplicate-document.yaml": ":15: YAML syntax error",
    "05-top-level-list.yaml": ":1: ",
    "06-top-level-scalar.yaml": ":1: ",
    "07-exemptions-not-a-list.yaml": ":2: exemptions: ",
    "08-missing-expires-on.yaml": ":3: exemptions[0]: 'expires_on' is a required property",
    "09-missing-approved-by.yaml": ":3: exemptions[0]: 'approved_by' is a required property",
    "10-missing-constraint.yaml": ":3: exemptions[0]: 'constraint' is a required property",
    "11-checks-is-a-string.yaml": ":4: exemptions[0].checks: ",
    "12-approver-name-is-a-number.yaml": ":11: exemptions[0].approved_by.name: ",
    "13-compensating-controls-empty.yaml": ":7: exemptions[0].compensating_controls: ",
    "14-bad-date-month-13.yaml": ":13: exemptions[0].expires_on: '2027-13-01' is not a valid date",
    "15-bad-date-text.yaml": ":12: exemptions[0].approved_on: 'last tuesday' is not a valid date",
    "16-bad-date-us-format.yaml": ":13: exemptions[0].expires_on: '03/01/2027' is not a valid date",
    "17-expiry-before-approval.yaml": ":13: exemptions[0].expires_on: ",
    "18-approver-is-requester.yaml": ":11: exemptions[0].approved_by: ",
    "19-unknown-check-id.yaml": ":4: exemptions[0].checks[0]: unknown check SOC2_AWS_99",
    "20-malformed-check-id.yaml": ":4: exemptions[0].checks[0]: ",
    "21-unknown-verified-by.yaml": ":9: exemptions[0].compensating_controls[0].verified_by[0]: unknown check SOC2_AWS_77",
    "22-duplicate-entry-ids.yaml": ":15: exemptions[1].id: duplicate entry ID EXC-010",
    "23-unknown-field.yaml": ":3: exemptions[0]: unknown field(s) ('aproved' was unexpected)",
    "24-bad-entry-id.yaml": ":3: exemptions[0].id: ",
    "25-no-resource-selector.yaml": ":5: exemptions[0].resources: ",
    "26-unquoted-account-id.yaml": ":6: exemptions[0].resources[0].account: ",
    "27-approved-in-the-future.yaml": ":12: exemptions[0].approved_on: ",
    "28-version-2.yaml": ":1: version: ",
    "29-risk-level-unknown.yaml": ":9: exemptions[0].risk.level: ",
    "30-blank-constraint.yaml": ":6: exemptions[0].constraint: ",
    "31-alias-bomb.yaml": ": YAML aliases expand to more than",
    "32-json-syntax-error.json": ":1: JSON syntax error",
    "33-empty.yaml": ": file is empty",
    "34-only-comments.yaml": ": file holds no YAML document",
    "35-latin1-text.yaml": ":10: is not valid UTF-8 text",
    "36-binary-junk.yaml": ": is a binary file",
}

MAPPINGS = {
    "01-unknown-check.yaml": ":2: checks.SOC2_AWS_42: unknown check SOC2_AWS_42",
    "02-unknown-criterion.yaml": ":2: checks.SOC2_AWS_1[1]: unknown criterion CC6.9",
    "03-criteria-not-a-list.yaml": ":2: checks.SOC2_AWS_1: ",
    "04-syntax-error.yaml": ":3: YAML syntax error",
    "05-unknown-top-level-key.yaml": ":1: unknown field(s) ('controls' was unexpected)",
    "06-empty-mapping.yaml": ":1: ",
    "07-criterion-title-not-text.yaml": ":2: criteria.X1.1: ",
}


def assert_refused(argv: list[str], path: str, expected: str, capsys) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith(f"soc2-checks: error: {path}{expected}"), err


def test_the_corpus_is_complete():
    assert sorted(p.name for p in (CORPUS / "exemptions").iterdir()) == sorted(EXEMPTIONS)
    assert sorted(p.name for p in (CORPUS / "mapping").iterdir()) == sorted(MAPPINGS)
    assert len(EXEMPTIONS) + len(MAPPINGS) >= 30


@pytest.mark.parametrize("name", sorted(EXEMPTIONS))
def test_bad_exemption_registers(name, capsys):
    path = str(CORPUS / "exemptions" / name)
    assert_refused(["exemptions", "validate", path, "--as-of", "2026-11-26"], path, EXEMPTIONS[name], capsys)


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_bad_mappings(name, capsys):
    path = str(CORPUS / "mapping" / name)
    assert_refused(["controls", "--mapping", path], path, MAPPINGS[name], capsys)


def test_a_50_mb_file_is_refused_before_it_is_parsed(tmp_path, capsys):
    big = tmp_path / "huge.yaml"
    with big.open("w") as fh:
        fh.write("exemptions:\n")
        line = "  - {id: EXC-001, checks: [SOC2_AWS_1], resources: ['*'], constraint: x}\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size >= 50 * 1024 * 1024
    assert_refused(["exemptions", "validate", str(big)], str(big), ": file is ", capsys)


def test_missing_file_and_directory(tmp_path, capsys):
    missing = str(tmp_path / "nope.yaml")
    assert_refused(["exemptions", "validate", missing], missing, ": file not found", capsys)
    assert_refused(["exemptions", "validate", str(tmp_path)], str(tmp_path), ": is a directory", capsys)


@pytest.mark.slow
def test_the_installed_command_prints_no_traceback(tmp_path):
    """The same refusal through a real process: exit status, stderr, and no output file."""
    out_file = tmp_path / "results.json"
    bad = CORPUS / "exemptions" / "19-unknown-check-id.yaml"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "soc2_checks",
            "iac",
            "-d",
            str(ROOT / "examples" / "terraform"),
            "--exemptions",
            str(bad),
            "-o",
            "json",
            "--output-file",
            str(out_file),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true"),
    )
    assert proc.returncode == 2
    assert proc.stdout == "" and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not out_file.exists()
