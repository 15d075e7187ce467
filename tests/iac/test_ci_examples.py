"""The shipped CI integration: the GitHub Actions workflow and the pre-commit hooks call the real
command line, and the SARIF and JUnit they publish are what code scanning and CI test views read."""

from __future__ import annotations

import json
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from soc2_checks.cli import build_parser
from soc2_checks.commands.common import EXTENSIONS

from .conftest import EXAMPLES, REPO

WORKFLOW = EXAMPLES / "ci" / "github-actions.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
TF_BAD = EXAMPLES / "terraform" / "bad"


def _commands(script: str) -> list[list[str]]:
    """The soc2-checks command lines of a shell script (continuations joined)."""
    joined = script.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # VAR=value prefixes
        if words and words[0] == "soc2-checks":
            out.append(words)
    return out


def _parse(words: list[str]):
    try:
        return build_parser().parse_args(words[1:])
    except SystemExit as exc:  # argparse reports and exits on a bad command line
        raise AssertionError(f"not a valid soc2-checks command line: {shlex.join(words)}") from exc


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflow_runs_on_pull_requests_with_permission_to_upload_sarif(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert workflow["permissions"]["security-events"] == "write"


def test_every_workflow_command_line_is_accepted_by_the_cli(workflow):
    commands = [words for step in _steps(workflow) if "run" in step for words in _commands(step["run"])]
    assert [w[1] for w in commands] == ["exemptions", "iac"]
    for words in commands:
        _parse(words)


def test_workflow_uploads_the_files_the_scan_writes(workflow):
    steps = _steps(workflow)
    (scan,) = [_parse(w) for s in steps if "run" in s for w in _commands(s["run"]) if w[1] == "iac"]
    assert scan.directory == ["."] and scan.exemptions
    assert {"sarif", "junitxml"} <= set(scan.output)
    folder = Path(scan.output_file)
    uploads = {s["uses"].split("@")[0]: s.get("with", {}) for s in steps if "uses" in s}
    sarif = uploads["github/codeql-action/upload-sarif"]["sarif_file"]
    assert Path(sarif) == folder / f"results.{EXTENSIONS['sarif']}"
    junit = next(w["report_paths"] for w in uploads.values() if "report_paths" in w)
    assert Path(junit) == folder / f"results.{EXTENSIONS['junitxml']}"
    register = [_parse(w) for s in steps if "run" in s for w in _commands(s["run"]) if w[1] == "exemptions"]
    assert register[0].file == scan.exemptions  # the register is validated before it is applied


def test_pre_commit_hooks_call_the_cli():
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"soc2-checks-iac", "soc2-checks-exemptions"}
    for hook in hooks.values():
        words = [*shlex.split(hook["entry"]), *hook.get("args", [])]
        if hook.get("pass_filenames", True):
            words.append("changed.tf")
        assert words[0] == "soc2-checks" and hook["language"] == "python"
        _parse(words)
    iac = _parse([*shlex.split(hooks["soc2-checks-iac"]["entry"]), *hooks["soc2-checks-iac"]["args"]])
    assert iac.directory == ["."]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """One run on the bad Terraform example with the shipped register, as the workflow runs it."""
    from soc2_checks.cli import main

    folder = tmp_path_factory.mktemp("soc2-results")
    argv = ["iac", "-d", str(TF_BAD), "--exemptions", str(EXAMPLES / "exemptions.yaml")]
    assert main([*argv, "-o", "sarif", "-o", "junitxml", "--output-file", str(folder)]) == 1
    return folder


@pytest.mark.slow
def test_sarif_validates_against_the_official_schema(outputs):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (the shared reference folder is absent)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    sarif = json.loads((outputs / "results.sarif").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.slow
def test_sarif_shows_the_exemption_as_an_accepted_suppression_with_its_approver(outputs):
    sarif = json.loads((outputs / "results.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    (db,) = [
        r
        for r in results
        if r["ruleId"] == "SOC2_AWS_17"
        and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "aws_db_instance.legacy_billing"
    ]
    (suppression,) = db["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "EXC-001" in suppression["justification"] and "Marcus Oyelaran" in suppression["justification"]
    assert db["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "rds.tf"
    open_findings = [r for r in results if not r.get("suppressions")]
    assert open_findings and all(r["properties"]["status"] == "FAILED" for r in open_findings)
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "CC6.1" in rules["SOC2_AWS_17"]["properties"]["tags"]


@pytest.mark.slow
def test_junit_from_the_same_run_groups_by_criterion(outputs):
    root = ET.parse(outputs / "results.xml").getroot()
    suites = {s.find("properties/property[@name='criterion']").get("value"): s for s in root.iter("testsuite")}
    assert {"CC6.1", "CC6.6", "CC6.7", "CC7.2"} <= set(suites)
    cc61 = {(c.get("classname"), c.get("name")): c for c in suites["CC6.1"].iter("testcase")}
    exempted = next(c for (check, name), c in cc61.items() if check == "SOC2_AWS_17" and "legacy_billing" in name)
    assert exempted.find("skipped") is not None and "EXC-001" in exempted.find("skipped").get("message")
    network = {c.get("classname") for c in suites["CC6.6"].iter("testcase")}
    assert network == {"SOC2_AWS_15"}
