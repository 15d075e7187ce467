"""``soc2-checks live --records``: the operating-effectiveness results stand next to the
configuration results, from one command."""

from __future__ import annotations

import json

import boto3

from soc2_checks.cli import main

from ..conftest import EXAMPLES

RECORDS = str(EXAMPLES / "records")
PERIOD = ["--period-start", "2025-07-01", "--period-end", "2026-03-31", "--as-of", "2026-04-10"]


def test_records_join_the_live_scan(aws, capsys):
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="tbecker")  # Tom Becker left on 2025-11-14 (hr-terminations.csv)
    iam.create_access_key(UserName="tbecker")
    assert main(["live", "--regions", "us-east-1", "--records", RECORDS, "-o", "json", *PERIOD]) == 1
    report = json.loads(capsys.readouterr().out)
    by_check: dict[str, list[dict]] = {}
    for r in report["results"]:
        by_check.setdefault(r["check_id"], []).append(r)
    assert {"SOC2_AWS_1", "SOC2_OPS_1", "SOC2_OPS_3", "SOC2_OPS_4", "SOC2_OPS_5", "SOC2_OPS_6"} <= set(by_check)
    tom = next(r for r in by_check["SOC2_OPS_1"] if "tom.becker" in r["resource"]["id"])
    assert tom["status"] == "FAILED" and "tbecker" in tom["message"]
    assert tom["criteria"] == ["CC6.2", "CC6.3"]
    assert not any("SOC2_OPS" in w for w in report["warnings"])


def test_records_with_org_is_refused_before_any_call(aws, capsys):
    assert main(["live", "--org", "--records", RECORDS]) == 2
    assert "--records" in capsys.readouterr().err


def test_invalid_records_stop_the_live_scan_with_exit_2(aws, tmp_path, capsys):
    bad = tmp_path / "hr-terminations.csv"
    bad.write_text("Worker,Email - Primary Work,Last Day of Work\nAna Lima,ana@example.com,someday\n")
    assert main(["live", "--regions", "us-east-1", "--hr-terminations", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hr-terminations.csv:2" in err
