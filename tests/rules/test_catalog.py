"""Every configuration check of the catalog is registered with its metadata and mapped."""

from __future__ import annotations

import pytest

from soc2_checks.mapping import load_mapping
from soc2_checks.model import Source

from .verdicts import registry

AWS_IDS = [f"SOC2_AWS_{n}" for n in range(1, 20)]
BASELINE = {"SOC2_AWS_4", "SOC2_AWS_8", "SOC2_AWS_10", "SOC2_AWS_13", "SOC2_AWS_16", "SOC2_AWS_18", "SOC2_AWS_19"}
LIVE_ONLY = {"SOC2_AWS_1", "SOC2_AWS_2", "SOC2_AWS_3"}


@pytest.mark.parametrize("check_id", AWS_IDS)
def test_registered_with_title_severity_remediation_and_sources(check_id):
    c = registry().get(check_id)
    assert c.plugin == "soc2_checks.builtin"
    assert c.title and c.remediation and c.description
    assert Source.LIVE in c.sources and Source.RECORDS not in c.sources
    if check_id in LIVE_ONLY:
        assert c.sources == {Source.LIVE}
    elif check_id in ("SOC2_AWS_4", "SOC2_AWS_13"):  # no CloudFormation resource exists for these
        assert c.sources == {Source.LIVE, Source.TERRAFORM}
    else:
        assert c.sources == {Source.LIVE, Source.TERRAFORM, Source.CLOUDFORMATION}
    assert c.baseline is (check_id in BASELINE)


@pytest.mark.parametrize("check_id", ["SOC2_AWS_2", "SOC2_AWS_5", "SOC2_AWS_12", "SOC2_AWS_15"])
def test_root_admin_public_and_open_port_rules_are_high_or_critical(check_id):
    assert registry().get(check_id).severity in ("HIGH", "CRITICAL")


def test_every_aws_check_maps_to_the_catalog_criteria():
    mapping = load_mapping(registry().ids())
    assert all(mapping.criteria_for(c) for c in AWS_IDS)
    assert mapping.criteria_for("SOC2_AWS_5") == ["CC6.1", "CC6.3"]
    assert mapping.criteria_for("SOC2_AWS_15") == ["CC6.1", "CC6.6"]
    assert mapping.criteria_for("SOC2_AWS_18") == ["CC7.1", "CC7.2"]
