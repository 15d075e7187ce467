"""EC2: security groups, EBS encryption by default and EBS volumes, per region in scope."""

from __future__ import annotations

from ...model import Missing
from ...views.ec2 import EbsDefaultEncryption, IngressRule, SecurityGroup, Volume
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref, arn, resource_ref

GROUPS, VOLUMES = "DescribeSecurityGroups", "DescribeVolumes"


def plan(scope: Scope) -> list[Task]:
    tasks = []
    for r in scope.regions:
        tasks += [
            Task("ec2", r, lambda api, r=r: listing(api, r, GROUPS, "SecurityGroups"), f"ec2 {r} groups"),
            Task("ec2", r, lambda api, r=r: listing(api, r, VOLUMES, "Volumes"), f"ec2 {r} volumes"),
            Task("ec2", r, lambda api, r=r: ebs_default(api, r), f"ec2 {r} EBS default"),
        ]
    return tasks


def listing(api: Api, region: str, operation: str, key: str) -> Step:
    try:
        return Step({("ec2", operation, region): api.paginate("ec2", operation, region).get(key, [])})
    except CallFailed as exc:
        return Step({("ec2", operation, region): exc.missing})


def ebs_default(api: Api, region: str) -> Step:
    try:
        enabled = bool(api.call("ec2", "GetEbsEncryptionByDefault", region)["EbsEncryptionByDefault"])
    except CallFailed as exc:
        return Step({("ec2", "ebs-default", region): exc.missing})
    return Step({("ec2", "ebs-default", region): enabled})


def _ingress(permission: dict) -> IngressRule:
    """Sources that are other groups or prefix lists are not CIDRs: they cannot be the internet."""
    cidrs = tuple(r["CidrIp"] for r in permission.get("IpRanges", []) if "CidrIp" in r) + tuple(
        r["CidrIpv6"] for r in permission.get("Ipv6Ranges", []) if "CidrIpv6" in r
    )
    return IngressRule(
        protocol=str(permission.get("IpProtocol", "-1")),
        from_port=permission.get("FromPort"),
        to_port=permission.get("ToPort"),
        cidrs=cidrs,
    )


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    for region in scope.regions:
        groups = facts[("ec2", GROUPS, region)]
        if isinstance(groups, Missing):
            ref = account_ref(scope, f"security groups in {region}", region, "AWS::EC2::SecurityGroup")
            inv.cannot_list(ref, (SecurityGroup,), groups)
        else:
            for g in groups:
                ref = resource_ref(
                    scope,
                    arn(scope, "ec2", region, f"security-group/{g['GroupId']}"),
                    "AWS::EC2::SecurityGroup",
                    g.get("GroupName", g["GroupId"]),
                    region,
                )
                inv.add(ref, SecurityGroup(g["GroupId"], tuple(_ingress(p) for p in g.get("IpPermissions", []))))
        volumes = facts[("ec2", VOLUMES, region)]
        if isinstance(volumes, Missing):
            ref = account_ref(scope, f"EBS volumes in {region}", region, "AWS::EC2::Volume")
            inv.cannot_list(ref, (Volume,), volumes)
        else:
            for v in volumes:
                volume_arn = arn(scope, "ec2", region, f"volume/{v['VolumeId']}")
                ref = resource_ref(scope, volume_arn, "AWS::EC2::Volume", v["VolumeId"], region)
                # the default applies to volumes created after it was turned on, never to these
                inv.add(ref, Volume(v["VolumeId"], bool(v.get("Encrypted")), encrypted_by_default=False))
        ref = account_ref(scope, f"EBS encryption by default in {region}", region)
        inv.add(ref, EbsDefaultEncryption(region, facts[("ec2", "ebs-default", region)]))
    return inv


COLLECTOR = Collector(name="ec2", views=(SecurityGroup, Volume, EbsDefaultEncryption), plan=plan, assemble=assemble)
