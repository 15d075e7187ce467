"""The real command line against moto_server on 127.0.0.1, as a newcomer would run it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import boto3
import pytest

from .accounts import ACCOUNT, seed_everything

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def cli_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    return env


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "soc2_checks", "live", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_live_scan_of_a_local_moto_server(moto_server, tmp_path, monkeypatch):
    env = cli_env(tmp_path)
    for k, v in env.items():
        if k.startswith("AWS_"):
            monkeypatch.setenv(k, v)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    seed_everything(("us-east-1", "eu-west-1"))
    boto3.client("iam").attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    out = tmp_path / "results.json"
    common = ["--endpoint-url", moto_server, "--regions", "us-east-1,eu-west-1", "--period-end", "2030-01-01"]
    done = run_cli([*common, "-o", "json", "--output-file", str(out)], env)

    assert done.returncode == 1, done.stderr  # some checks FAILED
    assert done.stderr == ""  # no progress output when stderr is not a terminal
    report = json.loads(out.read_text())
    assert report["scan"]["kind"] == "live"
    assert report["scan"]["period"]["end"] == "2030-01-01"
    results = report["results"]
    assert report["summary"]["ERROR"] == 0, [r["message"] for r in results if r["status"] == "ERROR"]
    by = {(r["check_id"], r["resource"]["id"]): r for r in results}
    # s3control on 127.0.0.1 works (the account-ID host prefix is mapped back), and passes for real
    assert by[("SOC2_AWS_13", ACCOUNT)]["status"] == "PASSED"
    assert by[("SOC2_AWS_5", f"arn:aws:iam::{ACCOUNT}:user/alice")]["status"] == "FAILED"  # AdministratorAccess
    assert by[("SOC2_AWS_3", f"arn:aws:iam::{ACCOUNT}:user/alice#access_key_1")]["status"] == "FAILED"  # old by 2030
    group = next(r for r in results if r["check_id"] == "SOC2_AWS_15" and r["status"] == "FAILED")
    assert group["resource"]["account"] == ACCOUNT and group["resource"]["region"] in ("us-east-1", "eu-west-1")
    assert group["criteria"]  # the mapping reached live results
    assert {r["resource"]["region"] for r in results if r["check_id"] == "SOC2_AWS_10"} == {"us-east-1", "eu-west-1"}

    soft = run_cli([*common, "--soft-fail", "-o", "json"], env)
    assert soft.returncode == 0
    assert json.loads(soft.stdout)["summary"] == report["summary"]
