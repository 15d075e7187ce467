"""EC2: SSH/RDP open to the internet (SOC2_AWS_15) and EBS encryption (SOC2_AWS_16)."""

from __future__ import annotations

import ipaddress

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.ec2 import EbsDefaultEncryption, IngressRule, SecurityGroup, Volume
from .alternatives import Undecided

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
TCP = frozenset({"tcp", "6"})
ALL_PROTOCOLS = frozenset({"-1", "all"})


def _is_internet(cidr: str) -> bool:
    """0.0.0.0/0 and ::/0, however written (``::0/0``, ``0.0.0.0/0`` with spaces)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _exposure(rule: IngressRule) -> str | None:
    """What an ingress rule opens to the whole internet, or None. UDP and ICMP are out of
    scope (for ICMP, -1 is a type code, not "all ports"); TCP without ports and protocol -1
    mean every port."""
    protocol = str(require(rule.protocol)).strip().lower()
    if protocol in ALL_PROTOCOLS:
        opened = "all ports (all protocols)"
    elif protocol in TCP:
        low, high = require(rule.from_port), require(rule.to_port)
        low = 0 if low is None else int(low)
        high = 65535 if high is None else int(high)
        if low <= 0 and high >= 65535:
            opened = "all ports"
        else:
            ports = [f"port {p} ({name})" for p, name in ADMIN_PORTS.items() if low <= p <= high]
            if not ports:
                return None
            opened = " and ".join(ports) + (f" via tcp {low}-{high}" if low != high else "")
    else:
        return None
    sources = [c for c in require(rule.cidrs) if _is_internet(c)]
    if not sources:
        return None
    return f"{opened} from {' and '.join(sources)}"


@check(
    "SOC2_AWS_15",
    title="No security group opens SSH, RDP or all ports to the internet",
    severity="CRITICAL",
    sources=("terraform", "cloudformation", "live"),
    views=SecurityGroup,
    remediation="Remove ingress from 0.0.0.0/0 and ::/0 to ports 22 and 3389 (and all-port rules); reach instances "
    "through SSM Session Manager, a bastion or a VPN with a narrow source CIDR.",
)
def no_open_admin_ports(g: SecurityGroup, ctx: RuleContext) -> Verdict:
    """Internet-facing SSH and RDP are scanned and brute-forced within minutes of exposure. A
    port range that contains 22 or 3389 opens them as surely as naming them does."""
    undecided = Undecided()
    exposures = [e for rule in require(g.ingress) if (e := undecided.attempt(_exposure, rule))]
    if exposures:
        return Verdict.failed(f"Security group {g.group_id} allows ingress to {'; '.join(exposures)}.", *exposures)
    undecided.reraise()
    return Verdict.passed(f"Security group {g.group_id} opens neither SSH, RDP nor all ports to the internet.")


@check(
    "SOC2_AWS_16",
    title="EBS volumes are encrypted",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=(EbsDefaultEncryption, Volume),
    baseline=True,
    remediation="Turn on EBS encryption by default in every region (aws_ebs_encryption_by_default; "
    "aws ec2 enable-ebs-encryption-by-default) and set encrypted = true on volumes and block devices; an existing "
    "volume is encrypted by snapshotting it and restoring an encrypted copy.",
)
def ebs_encrypted(v: EbsDefaultEncryption | Volume, ctx: RuleContext) -> Verdict:
    """Encryption by default makes every new volume encrypted without anyone remembering to
    ask; a volume is also fine when it asks itself, and either one settles it. The default does
    not reach back to existing volumes, which live adapters express by never setting
    ``encrypted_by_default``."""
    if isinstance(v, EbsDefaultEncryption):
        if not require(v.enabled):
            return Verdict.failed(f"EBS encryption by default is off in region {v.region}.")
        return Verdict.passed(f"EBS encryption by default is on in region {v.region}.")
    undecided = Undecided()
    if undecided.attempt(require, v.encrypted):
        return Verdict.passed(f"EBS volume {v.volume_id} is encrypted.")
    if undecided.attempt(require, v.encrypted_by_default):
        return Verdict.passed(f"EBS volume {v.volume_id} is encrypted by the account's default encryption.")
    undecided.reraise()
    return Verdict.failed(f"EBS volume {v.volume_id} is not encrypted and default encryption does not cover it.")
