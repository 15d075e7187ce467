"""SOC2_AWS_15 (SSH/RDP/all ports open to the internet) and SOC2_AWS_16 (EBS encryption)."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.ec2 import EbsDefaultEncryption, IngressRule, SecurityGroup, Volume

from .verdicts import MISSING, UNKNOWN, assert_verdict

P, F, E = Status.PASSED, Status.FAILED, Status.ERROR
ANY4, ANY6 = ("0.0.0.0/0",), ("::/0",)


def group(*rules: IngressRule) -> SecurityGroup:
    return SecurityGroup("sg-1", tuple(rules))


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        pytest.param(IngressRule("tcp", 22, 22, ANY4), "port 22 (SSH) from 0.0.0.0/0", id="ssh"),
        pytest.param(IngressRule("tcp", 3389, 3389, ANY6), "port 3389 (RDP) from ::/0", id="rdp-ipv6"),
        pytest.param(IngressRule("6", 22, 22, ANY4), "port 22 (SSH)", id="protocol-number-6"),
        pytest.param(IngressRule("TCP", 20, 30, ANY4), "port 22 (SSH) via tcp 20-30", id="range-20-30"),
        pytest.param(IngressRule("tcp", 3000, 4000, ANY4), "port 3389 (RDP) via tcp 3000-4000", id="range-3000-4000"),
        pytest.param(
            IngressRule("tcp", 1, 5000, ANY4), "port 22 (SSH) and port 3389 (RDP) via tcp 1-5000", id="both-ports"
        ),
        pytest.param(IngressRule("tcp", 0, 65535, ANY4), "all ports from 0.0.0.0/0", id="tcp-all-ports"),
        pytest.param(IngressRule("tcp", None, None, ANY4), "all ports", id="tcp-no-ports"),
        pytest.param(IngressRule("-1", None, None, ANY6), "all ports (all protocols) from ::/0", id="all-protocols"),
        pytest.param(IngressRule("-1", 0, 0, ANY4), "all ports (all protocols)", id="all-protocols-with-ports"),
        pytest.param(IngressRule("all", None, None, ANY4), "all ports (all protocols)", id="all"),
        pytest.param(
            IngressRule("tcp", 22, 22, ("10.0.0.0/8", "0.0.0.0/0")), "from 0.0.0.0/0", id="one-of-several-cidrs"
        ),
    ],
)
def test_aws_15_open_admin_ports_fail_naming_port_and_cidr(rule, fragment):
    assert_verdict(
        "SOC2_AWS_15",
        group(IngressRule("tcp", 443, 443, ANY4), rule),
        F,
        "Security group sg-1 allows ingress to",
        fragment,
    )


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(IngressRule("tcp", 443, 443, ANY4), id="https"),
        pytest.param(IngressRule("tcp", 23, 3388, ANY4), id="range-between"),
        pytest.param(IngressRule("tcp", 22, 22, ("10.0.0.0/8", "2001:db8::/32")), id="private-source"),
        pytest.param(IngressRule("udp", 0, 65535, ANY4), id="udp"),
        pytest.param(IngressRule("17", 22, 22, ANY4), id="udp-number"),
        pytest.param(IngressRule("icmp", -1, -1, ANY4), id="icmp-minus-one-is-a-type"),
        pytest.param(IngressRule("58", -1, -1, ANY6), id="icmpv6"),
        pytest.param(IngressRule("tcp", 22, 22, ()), id="security-group-source"),
        pytest.param(IngressRule("udp", UNKNOWN, UNKNOWN, UNKNOWN), id="udp-with-unknown-ports"),
    ],
)
def test_aws_15_other_ingress_passes(rule):
    assert_verdict("SOC2_AWS_15", group(rule), P, "sg-1 opens neither SSH, RDP nor all ports")


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(group(), P, "opens neither", id="no-ingress"),
        pytest.param(group(IngressRule("tcp", 22, 22, UNKNOWN)), F, "Cannot be confirmed", id="unknown-cidr"),
        pytest.param(group(IngressRule(UNKNOWN, 22, 22, ANY4)), F, "Cannot be confirmed", id="unknown-protocol"),
        pytest.param(
            group(IngressRule("tcp", UNKNOWN, 22, ANY4), IngressRule("tcp", 3389, 3389, ANY4)),
            F,
            "port 3389 (RDP)",
            id="open-beside-unknown",
        ),
        pytest.param(group(IngressRule("tcp", 22, 22, MISSING)), E, "GetThing failed", id="missing-cidr"),
        pytest.param(SecurityGroup("sg-1", MISSING), E, "GetThing failed", id="missing-ingress"),
    ],
)
def test_aws_15_unresolved_and_unread(view, status, fragment):
    assert_verdict("SOC2_AWS_15", view, status, fragment)


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(EbsDefaultEncryption("eu-west-1", True), P, "on in region eu-west-1", id="default-on"),
        pytest.param(
            EbsDefaultEncryption("eu-west-1", False),
            F,
            "EBS encryption by default is off in region eu-west-1",
            id="default-off",
        ),
        pytest.param(EbsDefaultEncryption("eu-west-1", UNKNOWN), F, "Cannot be confirmed", id="default-unknown"),
        pytest.param(EbsDefaultEncryption("eu-west-1", MISSING), E, "GetThing failed", id="default-missing"),
        pytest.param(Volume("vol-1", True), P, "EBS volume vol-1 is encrypted.", id="encrypted"),
        pytest.param(
            Volume("vol-1", None, encrypted_by_default=True), P, "by the account's default encryption", id="by-default"
        ),
        pytest.param(Volume("vol-1", False), F, "EBS volume vol-1 is not encrypted", id="unencrypted"),
        pytest.param(Volume("vol-1", None), F, "not encrypted", id="unset"),
        pytest.param(
            Volume("vol-1", UNKNOWN, encrypted_by_default=True), P, "default encryption", id="default-settles-unknown"
        ),
        pytest.param(Volume("vol-1", UNKNOWN), F, "Cannot be confirmed", id="unknown"),
        pytest.param(Volume("vol-1", False, encrypted_by_default=MISSING), E, "GetThing failed", id="missing"),
    ],
)
def test_aws_16_ebs_encryption(view, status, fragment):
    assert_verdict("SOC2_AWS_16", view, status, fragment)
