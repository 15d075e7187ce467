"""``checkov --external-checks-dir "$(soc2-checks checkov-dir)"``: the same checks, the same
verdicts, inside a team's existing Checkov run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from soc2_checks.commands.checkov_dir import checkov_dir
from soc2_checks.model import Status

from .conftest import EXAMPLES, REPO, run_iac

CHECKOV = Path(sys.executable).with_name("checkov")


def _checkov(directory: Path, *extra: str, env: dict | None = None) -> tuple[int, dict]:
    cmd = [
        str(CHECKOV),
        "-d",
        str(directory),
        "--external-checks-dir",
        str(checkov_dir()),
        "--skip-download",
        "-o",
        "json",
        *extra,
    ]
    run_env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", **(env or {})}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=run_env)
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    return proc.returncode, {r["check_type"]: r for r in reports}


def _records(report: dict) -> set[tuple[str, str, str]]:
    out = set()
    for key, label in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"), ("skipped_checks", "SKIPPED")):
        for rec in report["results"][key]:
            out.add((rec["check_id"], rec["resource"], label))
    return out


def test_checks_folder_holds_only_uniquely_named_code():
    folder = checkov_dir()
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert files == ["__init__.py", "soc2_checks_checkov.py"]  # no YAML/JSON: Checkov would read them as policies


def test_checkov_dir_command_prints_the_folder(capsys):
    from soc2_checks.cli import main

    assert main(["checkov-dir"]) == 0
    assert Path(capsys.readouterr().out.strip()) == checkov_dir()


@pytest.mark.slow
def test_plain_checkov_gives_the_same_verdicts_as_soc2_checks_iac(registry):
    code, reports = _checkov(EXAMPLES / "terraform" / "bad", "--check", "SOC2_*", "--hard-fail-on", "CRITICAL")
    assert code == 1  # SOC2_AWS_15 is CRITICAL and fails: --hard-fail-on works from the severity
    plain = _records(reports["terraform"])
    ours = run_iac(EXAMPLES / "terraform" / "bad", registry)
    expected = {
        (
            r.check_id,
            r.resource.id,
            "SKIPPED" if r.suppression is not None else "PASSED" if r.status == Status.PASSED else "FAILED",
        )
        for r in ours.results
    }
    assert plain == expected
    failed = reports["terraform"]["results"]["failed_checks"]
    assert {rec["severity"] for rec in failed} <= {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
    assert all(rec["severity"] for rec in failed)
    skipped = [rec for rec in reports["terraform"]["results"]["skipped_checks"]]
    assert skipped[0]["check_result"]["suppress_comment"].startswith("EXC-001")


@pytest.mark.slow
def test_plain_checkov_on_cloudformation_and_a_clean_run(registry):
    code, reports = _checkov(EXAMPLES / "cloudformation" / "bad", "--check", "SOC2_*", "--compact")
    assert code == 1
    ours = run_iac(EXAMPLES / "cloudformation" / "bad", registry)
    expected = {
        (r.check_id, r.resource.id, "SKIPPED" if r.suppression is not None else str(r.status)) for r in ours.results
    }
    assert _records(reports["cloudformation"]) == expected
    code, reports = _checkov(EXAMPLES / "terraform" / "good", "--check", "SOC2_*", "--framework", "terraform")
    assert code == 0
    assert not reports["terraform"]["results"]["failed_checks"]


@pytest.mark.slow
def test_plugin_checks_run_in_plain_checkov(tmp_path):
    """A check a pip-installed plugin registers through pluggy becomes a Checkov check too."""
    from tests.conftest import install_entry_point_dist

    site = tmp_path / "site"
    install_entry_point_dist(site, "acme-soc2-checks", {"acme": "acme_soc2.plugin"})
    pythonpath = os.pathsep.join([str(site), str(EXAMPLES / "plugin"), os.environ.get("PYTHONPATH", "")])
    code, reports = _checkov(
        EXAMPLES / "terraform" / "good", "--check", "ACME_*", "--framework", "terraform", env={"PYTHONPATH": pythonpath}
    )
    records = _records(reports["terraform"])
    assert ("ACME_S3_1", "aws_s3_bucket.customer_uploads", "PASSED") in records
    assert ("ACME_S3_1", 'aws_s3_bucket.documents["invoices"]', "FAILED") in records  # AES256, not KMS
    assert code == 1


@pytest.mark.slow
def test_the_readme_shows_real_plain_checkov_output():
    """The README's plain Checkov output is what Checkov prints: each record it shows, line by
    line, is one of the run's records, and its counts are the run's."""
    shown = re.search(r"--compact` \(abridged.*?\):\n\n```\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert shown, "the README's plain Checkov output block"
    cmd = [str(CHECKOV), "-d", str(EXAMPLES / "terraform" / "bad"), "--external-checks-dir", str(checkov_dir())]
    cmd += ["--check", "SOC2_*", "--compact", "--skip-download"]
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "NO_COLOR": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    printed = _record_blocks(proc.stdout)
    blocks = _record_blocks(shown.group(1))
    assert len(blocks) >= 5
    for block in blocks:
        assert block in printed
    summary = next(line for line in shown.group(1).splitlines() if line.startswith("Passed checks"))
    assert summary in proc.stdout


def _record_blocks(text: str) -> list[tuple[str, ...]]:
    """Checkov's records as tuples of stripped lines, each starting at its ``Check:`` line."""
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("Check: ")] + [len(lines)]
    return [tuple(x for x in lines[a:b] if x) for a, b in zip(starts, starts[1:], strict=False)]
