"""``soc2-checks live`` in-process: usage errors exit 2 before any AWS call, and a scan's
exit code follows its results."""

from __future__ import annotations

import json

import pytest

from soc2_checks.cli import main

from .accounts import seed_everything


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--external-id", "x"], "--external-id needs --role-arn"),
        (["--regions", "us-east-1;eu-west-1"], "--regions"),
        (["--period-start", "2026-07-01", "--period-end", "2026-06-30"], "is after the period end"),
        (["--profile", "nope"], "--profile nope"),
    ],
)
def test_bad_usage_exits_2_with_one_line(aws, capsys, argv, message):
    assert main(["live", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_regions_and_all_regions_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["live", "--regions", "us-east-1", "--all-regions"])
    assert exc.value.code == 2


def test_exit_codes_follow_the_results(aws, capsys):
    seed_everything()
    assert main(["live", "--regions", "us-east-1", "-o", "json", "--period-end", "2026-12-31"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["scan"]["kind"] == "live" and report["summary"]["FAILED"] > 0
    assert report["scan"]["targets"] == ["aws://123456789012/us-east-1"]
    assert main(["live", "--regions", "us-east-1", "-o", "json", "--soft-fail"]) == 0
