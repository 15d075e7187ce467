from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class IngressRule:
    protocol: Maybe[str]  # "tcp", "udp", "icmp", "-1" (all), or a protocol number as text
    from_port: Maybe[int | None]
    to_port: Maybe[int | None]
    cidrs: Maybe[tuple[str, ...]] = ()  # IPv4 and IPv6 sources


@dataclass(frozen=True)
class SecurityGroup:
    """A security group's ingress (egress is out of scope). A standalone rule resource is a
    group view holding that one rule."""

    group_id: str
    ingress: Maybe[tuple[IngressRule, ...]]


@dataclass(frozen=True)
class EbsDefaultEncryption:
    region: str
    enabled: Maybe[bool]


@dataclass(frozen=True)
class Volume:
    """An EBS volume or an instance's / launch template's block device.

    ``encrypted_by_default`` says whether the account default will encrypt it although the
    volume itself does not ask: true in IaC when ``aws_ebs_encryption_by_default`` is on in the
    same scan; always false live (the default applies only to volumes created after it)."""

    volume_id: str
    encrypted: Maybe[bool | None]
    encrypted_by_default: Maybe[bool] = False
