"""Which regions a scan covers."""

from __future__ import annotations

import pytest

from soc2_checks.errors import UsageError
from soc2_checks.live.regions import parse_regions
from soc2_checks.live.services import guardduty
from soc2_checks.model import Status


def test_parse_regions():
    assert parse_regions("us-east-1, eu-west-1,us-east-1") == ["us-east-1", "eu-west-1"]
    for bad in ("", "us-east-1;eu-west-1", "US-EAST-1", "useast1"):
        with pytest.raises(UsageError, match="--regions"):
            parse_regions(bad)


def test_default_scope_is_the_enabled_regions_of_the_partition(aws, scan):
    s = scan(regions=None, collectors=[guardduty.COLLECTOR])
    scope = s.out.scope
    assert "us-east-1" in scope.regions and "eu-west-1" in scope.regions
    assert "ap-east-1" not in scope.regions  # opt-in region the account has not enabled
    assert not [r for r in scope.regions if r.startswith(("cn-", "us-gov-"))]  # other partitions
    assert len(s.of("SOC2_AWS_10")) == len(scope.regions)
    assert s.out.targets == [f"aws://123456789012/{r}" for r in scope.regions]


def test_all_regions_names_the_regions_it_could_not_scan(aws, scan):
    s = scan(regions=None, all_regions=True, collectors=[guardduty.COLLECTOR])
    assert "ap-east-1" in s.out.scope.skipped
    [warning] = [w for w in s.out.warnings if "not enabled" in w]
    assert "ap-east-1 (not-opted-in)" in warning
    assert s.errors() == []


def test_a_named_region_that_is_not_enabled_is_reported_unchecked(aws, scan):
    s = scan(regions=("us-east-1", "ap-east-1"), collectors=[guardduty.COLLECTOR])
    assert s.status("SOC2_AWS_10", "123456789012/us-east-1") == Status.FAILED
    [unchecked] = [r for r in s.of("SOC2_AWS_10") if r.resource.region == "ap-east-1"]
    assert unchecked.status == Status.ERROR
    assert "not enabled" in unchecked.message


def test_an_unknown_region_is_bad_usage(aws, scan):
    with pytest.raises(UsageError, match="xx-nowhere-1"):
        scan(regions=("us-east-1", "xx-nowhere-1"))


def test_progress_is_one_rewritten_line_only_on_a_terminal():
    import io

    from soc2_checks.live.collect import Progress

    quiet = io.StringIO()
    Progress(quiet).update(1, 4, 0, "iam global")
    assert quiet.getvalue() == ""  # StringIO is not a terminal

    tty = io.StringIO()
    p = Progress(tty, enabled=True)
    p.update(1, 4, 0, "iam global")
    p.update(2, 4, 1, "kms us-east-1")
    p.close()
    text = tty.getvalue()
    assert "\n" not in text and "2/4 done, 1 error(s) so far; kms us-east-1" in text
