"""Shard + merge end to end: the real command line against moto_server on 127.0.0.1, with an
organization of several accounts made through moto's Organizations. The shards, run as a job
array would run them (the index given, or taken from the job engine's variable), merge into
exactly the report of one unsharded run.

moto's AssumeRole succeeds for any role (AWS would need OrganizationAccountAccessRole to exist
and trust the management account); its credentials act in the role's account, so each member
account holds its own resources."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest

from soc2_checks.schemas import validate_data

from .test_cli_server import cli_env, moto_server  # noqa: F401  (the fixture)
from .test_org import make_org, member_session

pytestmark = pytest.mark.slow


def soc2(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "soc2_checks", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(p: subprocess.Popen) -> tuple[int, str]:
    _, err = p.communicate(timeout=180)
    return p.returncode, err


def test_shards_merge_into_the_report_of_one_unsharded_run(moto_server, tmp_path, monkeypatch):  # noqa: F811
    env = cli_env(tmp_path)
    for k, v in env.items():
        if k.startswith("AWS_"):
            monkeypatch.setenv(k, v)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    members = make_org(3, closed=1)
    iam = member_session(members[0]).client("iam")
    iam.create_user(UserName="console-no-mfa")
    iam.create_login_profile(UserName="console-no-mfa", Password="Correct-horse-9!")
    member_session(members[1]).client("s3").create_bucket(Bucket="member-data")
    boto3.client("s3").create_bucket(Bucket="management-data")

    scan = ["live", "--org", "--endpoint-url", moto_server, "--regions", "us-east-1", "-o", "json"]
    out = {name: tmp_path / f"{name}.json" for name in ("full", "s0", "s1", "s2", "merged")}
    runs = [
        soc2([*scan, "--output-file", str(out["full"])], env),
        soc2([*scan, "--shard", "0/3", "--output-file", str(out["s0"])], env),
        soc2([*scan, "--shard", "auto/3", "--output-file", str(out["s1"])], {**env, "JOB_COMPLETION_INDEX": "1"}),
        soc2([*scan, "--shard", "3", "--output-file", str(out["s2"])], {**env, "AWS_BATCH_JOB_ARRAY_INDEX": "2"}),
    ]
    codes = [finish(p) for p in runs]
    assert all(err == "" for _, err in codes), codes
    full_code = codes[0][0]
    assert full_code == 1  # the member's console user has no MFA, among others

    shards = [json.loads(out[f"s{k}"].read_text())["scan"]["shard"] for k in range(3)]
    assert [s["index"] for s in shards] == [0, 1, 2] and {s["count"] for s in shards} == {3}
    assert sorted(a for s in shards for a in s["accounts"]) == sorted(["123456789012", *members])

    merged = subprocess.run(
        [sys.executable, "-m", "soc2_checks", "merge", *(str(out[f"s{k}"]) for k in range(3)), "-o", "json",
         "--output-file", str(out["merged"])],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert merged.returncode == full_code, merged.stderr
    full, combined = json.loads(out["full"].read_text()), json.loads(out["merged"].read_text())
    assert validate_data(combined, "results.schema.json") == []
    assert combined["results"] == full["results"]
    assert combined["summary"] == full["summary"]
    assert combined["scan"]["targets"] == full["scan"]["targets"]
    assert combined["summary"]["ERROR"] == 0, [r["message"] for r in combined["results"] if r["status"] == "ERROR"]
    accounts = {r["resource"]["account"] for r in combined["results"]}
    assert accounts == {"123456789012", *members}
    [user] = [r for r in combined["results"] if r["check_id"] == "SOC2_AWS_1"]
    assert (user["resource"]["account"], user["status"]) == (members[0], "FAILED")
    buckets = {
        r["resource"]["name"]: r["resource"]["account"] for r in combined["results"] if r["check_id"] == "SOC2_AWS_11"
    }
    assert buckets == {"member-data": members[1], "management-data": "123456789012"}

    # one shard missing: refused, nothing written
    refused = subprocess.run(
        [sys.executable, "-m", "soc2_checks", "merge", str(out["s0"]), str(out["s2"])],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "shard(s) 1/3 missing" in refused.stderr and refused.stdout == ""
