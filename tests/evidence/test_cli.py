"""The command line: the contract a team scripts around (exit codes, refusals before any
collection), and one end-to-end run against moto_server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import boto3
import pytest

from soc2_checks.cli import main

from ..conftest import EXAMPLES
from ..live.accounts import ACCOUNT, seed_everything
from ..live.test_cli_server import cli_env, moto_server  # noqa: F401  (the live tests' server fixture)


def test_out_is_required(capsys):
    assert main(["evidence"]) == 2
    assert "--out DIR is required" in capsys.readouterr().err


def test_a_non_empty_out_is_refused_before_anything_is_read(tmp_path, capsys, monkeypatch):
    from soc2_checks.evidence import build

    monkeypatch.setattr(build, "make", lambda *a, **k: pytest.fail("collection started"))
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "README.md").write_text("last year's package")
    assert main(["evidence", "--out", str(tmp_path / "old")]) == 2
    assert "evidence is never overwritten" in capsys.readouterr().err
    assert (tmp_path / "old" / "README.md").read_text() == "last year's package"


def test_invalid_records_stop_before_collection_and_write_nothing(tmp_path, capsys, monkeypatch):
    from soc2_checks.evidence import build

    monkeypatch.setattr(build, "make", lambda *a, **k: pytest.fail("collection started"))
    records = tmp_path / "records"
    records.mkdir()
    (records / "incidents.yaml").write_text("records:\n  - id: X\n    kind: drill\n")
    assert main(["evidence", "--out", str(tmp_path / "pkg"), "--records", str(records)]) == 2
    assert "incidents.yaml" in capsys.readouterr().err
    assert not (tmp_path / "pkg").exists()


def test_help_states_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["evidence", "--help"])
    text = capsys.readouterr().out
    assert "3 the package was" in text and "1 a file was changed, added or" in text
    with pytest.raises(SystemExit):
        main(["evidence", "verify", "--help"])
    assert "2 the folder is not an evidence package" in capsys.readouterr().out


@pytest.mark.slow
def test_evidence_of_a_local_moto_server_end_to_end(moto_server, tmp_path, monkeypatch):  # noqa: F811
    env = cli_env(tmp_path)
    for k, v in env.items():
        if k.startswith("AWS_"):
            monkeypatch.setenv(k, v)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    seed_everything(("us-east-1", "eu-west-1"))
    out = tmp_path / "soc2-evidence"
    command = [sys.executable, "-m", "soc2_checks", "evidence", "--endpoint-url", moto_server]
    command += ["--regions", "us-east-1,eu-west-1", "--period-start", "2025-07-01", "--period-end", "2026-06-30"]
    command += ["--records", str(EXAMPLES / "records"), "--exemptions", str(EXAMPLES / "exemptions.yaml")]
    done = subprocess.run([*command, "--out", str(out)], env=env, capture_output=True, text=True, timeout=180)

    # moto has no GuardDuty findings API, so the package is written but incomplete: exit 3
    assert done.returncode == 3, done.stderr
    assert done.stderr == ""
    assert f"wrote {out}/" in done.stdout and "missing: CC7-monitoring/guardduty-high-findings.json" in done.stdout
    digest = re.search(r"manifest SHA-256: ([0-9a-f]{64})", done.stdout).group(1)
    manifest = json.loads((out / "manifest.json").read_text())
    states = {e["path"]: e["state"] for e in manifest["artifacts"]}
    assert [p for p, s in states.items() if s != "COLLECTED"] == [
        "CC7-monitoring/guardduty-high-findings.json",
        "populations/guardduty-high-findings-2025-07-01-to-2026-06-30.csv",
    ]
    # the account-level S3 block is read through the local-endpoint s3control mapping, for real
    block = json.loads((out / "CC6-encryption/s3-public-access.json").read_text())["data"]
    assert block["account_public_access_block"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert manifest["account"] == ACCOUNT

    verify = [sys.executable, "-m", "soc2_checks", "evidence", "verify", str(out), "--manifest-sha256", digest]
    ok = subprocess.run(verify, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    (out / "CC6-access-control/password-policy.json").write_text("{}")
    tampered = subprocess.run(verify, env=env, capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1
    assert "changed: CC6-access-control/password-policy.json" in tampered.stdout

    # a second run never overwrites the package that was handed over
    again = subprocess.run([*command, "--out", str(out)], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    assert boto3.client("iam").get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 14
