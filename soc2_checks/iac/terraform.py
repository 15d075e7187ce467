"""Terraform resources -> views.

Each adapter reads one resource's Checkov configuration (and, through :class:`TfContext`,
the resources linked to it in Checkov's graph) and builds the views the rules judge. Defaults
are the AWS provider's: an attribute that is not written takes the value Terraform would send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Unknown
from ..views.alerting import EventRule, MetricFilterAlarm
from ..views.cloudtrail import Trail
from ..views.config import ConfigRecorder
from ..views.ec2 import EbsDefaultEncryption, IngressRule, SecurityGroup, Volume
from ..views.guardduty import Detector
from ..views.iam import IdentityPolicy, PasswordPolicy, PrincipalAttachments, UserPolicies
from ..views.kms import KmsKey
from ..views.rds import DbStorage
from ..views.s3 import AccountPublicAccess, Bucket, PublicAccessBlock
from .parts import Part
from .policy_documents import tf_document
from .tf_expressions import NULLS, try_arguments
from .tf_graph import ANY_PARTITION, Links, TfBlock, TfIndex
from .values import (
    ABSENT,
    display,
    is_expression,
    raw,
    strip_interpolation,
    tf_blocks,
    tf_bool,
    tf_first_block,
    tf_int,
    tf_list,
    tf_str,
    to_str,
)

_PARTITION = re.compile(r"(?<![\w-])arn:\$\{[^{}]+\}:")
"""An ARN whose partition is an expression (``arn:${local.partition}:iam::aws:policy/X``): it
can only be a partition, whatever the expression."""
_DATA_POLICY = re.compile(r"data\.aws_iam_policy\.([A-Za-z_][\w-]*)")
NO_GRAPH = "Checkov's resource graph is not available, so linked resources cannot be looked up"


@dataclass
class TfContext:
    """The resource being judged and the scan around it."""

    address: str
    index: TfIndex | None = None
    block: TfBlock | None = None

    def linked(self, linker_type: str, attribute: str) -> Links | Unknown:
        if self.index is None or self.block is None:
            return Unknown(f"{linker_type} resources pointing at {self.address}: {NO_GRAPH}")
        return self.index.linked(self.block, linker_type, attribute)

    def account(self, rtype: str) -> list[TfBlock] | Unknown:
        """Account-level resources of the same root module, in the same region when both
        regions are written literally."""
        if self.index is None or self.block is None:
            return Unknown(f"{rtype} for {self.address}: {NO_GRAPH}")
        found = self.index.of_type(rtype, self.block.root)
        mine = self.index.region(self.block)
        if mine is None:
            return found
        return [b for b in found if self.index.region(b) in (None, mine)]

    def follow(self, attribute: str) -> list[TfBlock]:
        if self.index is None or self.block is None:
            return []
        return self.index.follow(self.block, attribute)

    def name_of(self, value: Any, target_type: str) -> str:
        if self.index is not None and self.block is not None:
            name = self.index.name_of(value, self.block, target_type)
            if name:
                return name
        return display(value, "?")

    def region_label(self) -> str:
        if self.index is not None and self.block is not None:
            region = self.index.region(self.block)
            if region:
                return region
        return "of the provider configuration"


Adapter = Callable[[dict[str, Any], TfContext], list[Part]]


@dataclass(frozen=True)
class TfAdapter:
    resource_type: str
    views: tuple[type, ...]
    build: Adapter


ADAPTERS: dict[str, TfAdapter] = {}


def adapter(*resource_types: str, views: tuple[type, ...]) -> Callable[[Adapter], Adapter]:
    def wrap(fn: Adapter) -> Adapter:
        for rtype in resource_types:
            ADAPTERS[rtype] = TfAdapter(rtype, views, fn)
        return fn

    return wrap


def resource_types_for(view_types: tuple[type, ...]) -> list[str]:
    """Terraform resource types whose adapter can build one of these views."""
    return sorted(t for t, a in ADAPTERS.items() if set(a.views) & set(view_types))


def views_of(resource_type: str, conf: dict[str, Any], cx: TfContext) -> list[Part]:
    found = ADAPTERS.get(resource_type)
    return found.build(conf, cx) if found else []


# -- S3 ----------------------------------------------------------------------------------


def _block_settings(conf: dict[str, Any], where: str) -> PublicAccessBlock:
    return PublicAccessBlock(
        block_public_acls=tf_bool(conf, "block_public_acls", False, f"{where}.block_public_acls"),
        ignore_public_acls=tf_bool(conf, "ignore_public_acls", False, f"{where}.ignore_public_acls"),
        block_public_policy=tf_bool(conf, "block_public_policy", False, f"{where}.block_public_policy"),
        restrict_public_buckets=tf_bool(conf, "restrict_public_buckets", False, f"{where}.restrict_public_buckets"),
    )


def _algorithms(config_blocks: list[dict[str, Any]], where: str) -> list[Any]:
    out: list[Any] = []
    for sse in config_blocks:
        rules = tf_blocks(sse, "rule", f"{where} rule")
        if isinstance(rules, Unknown):
            out.append(rules)
            continue
        for rule in rules:
            defaults = tf_blocks(rule, "apply_server_side_encryption_by_default", f"{where} rule")
            if isinstance(defaults, Unknown):
                out.append(defaults)
                continue
            for d in defaults:
                algorithm = tf_str(d, "sse_algorithm", None, f"{where} sse_algorithm")
                if algorithm is not None:
                    out.append(algorithm)
    return out


def _uncertain(links: Links, what: str, address: str) -> Unknown:
    names = ", ".join(b.address for b in links.uncertain[:3])
    return Unknown(f"{names} may be {what} {address}, but the bucket it points at cannot be resolved")


def _bucket_encryption(conf: dict[str, Any], cx: TfContext) -> Any:
    where = f"{cx.address}.server_side_encryption_configuration"
    inline = tf_blocks(conf, "server_side_encryption_configuration", where)
    if isinstance(inline, Unknown):
        return inline
    algorithms = _algorithms(inline, where)
    links = cx.linked("aws_s3_bucket_server_side_encryption_configuration", "bucket")
    if isinstance(links, Unknown):
        if algorithms:
            return _known_tuple(algorithms)
        return links
    for linked in links.certain:
        algorithms.extend(_algorithms([linked.conf], linked.address))
    if not algorithms and links.uncertain:
        return _uncertain(links, "the encryption configuration of", cx.address)
    return _known_tuple(algorithms)


def _known_tuple(items: list[Any]) -> Any:
    for item in items:
        if isinstance(item, Unknown):
            return item
    return tuple(items)


def _bucket_block(cx: TfContext) -> Any:
    links = cx.linked("aws_s3_bucket_public_access_block", "bucket")
    if isinstance(links, Unknown):
        return links
    if links.certain:
        return _block_settings(links.certain[0].conf, links.certain[0].address)
    if links.uncertain:
        return _uncertain(links, "the public access block of", cx.address)
    return None


def _account_block(cx: TfContext) -> Any:
    found = cx.account("aws_s3_account_public_access_block")
    if isinstance(found, Unknown):
        return found
    return _block_settings(found[0].conf, found[0].address) if found else None


def _grants(blocks: Any, where: str) -> list[Any]:
    """Group grantee URIs of ``grant`` blocks (inline, or an ACL policy's grants)."""
    if isinstance(blocks, Unknown):
        return [blocks]
    out: list[Any] = []
    for grant in blocks:
        grantees = tf_blocks(grant, "grantee", where)
        if isinstance(grantees, Unknown):
            out.append(grantees)
            continue
        for g in grantees or [grant]:
            uri = raw(g, "uri")
            if uri is ABSENT:
                continue
            out.append(to_str(uri, f"{where} grantee uri"))
    return out


def _bucket_acl(conf: dict[str, Any], cx: TfContext) -> tuple[Any, Any]:
    canned = tf_str(conf, "acl", None, f"{cx.address}.acl")
    uris = _grants(tf_blocks(conf, "grant", f"{cx.address}.grant"), f"{cx.address}.grant")
    links = cx.linked("aws_s3_bucket_acl", "bucket")
    if isinstance(links, Unknown):
        return links, links
    for acl in links.certain:
        value = tf_str(acl.conf, "acl", None, f"{acl.address}.acl")
        if value is not None:
            canned = value
        policy = tf_first_block(acl.conf, "access_control_policy", acl.address)
        if isinstance(policy, Unknown):
            uris.append(policy)
        elif policy is not None:
            uris.extend(_grants(tf_blocks(policy, "grant", acl.address), f"{acl.address}.access_control_policy"))
    if not links.certain and links.uncertain:
        unknown = _uncertain(links, "the ACL of", cx.address)
        return unknown, unknown
    return canned, _known_tuple(uris)


@adapter("aws_s3_bucket", views=(Bucket,))
def s3_bucket(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    name = display(raw(conf, "bucket"), display(raw(conf, "bucket_prefix"), cx.address))
    canned, uris = _bucket_acl(conf, cx)
    return [
        Part(
            Bucket(
                name=name,
                encryption_algorithms=_bucket_encryption(conf, cx),
                public_access_block=_bucket_block(cx),
                account_public_access_block=_account_block(cx),
                canned_acl=canned,
                grantee_uris=uris,
            )
        )
    ]


@adapter("aws_s3_account_public_access_block", views=(AccountPublicAccess,))
def s3_account_block(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [Part(AccountPublicAccess(block=_block_settings(conf, cx.address)))]


# -- EC2 ---------------------------------------------------------------------------------


def _cidrs(values: list[Any], where: str) -> Any:
    out = []
    for value in values:
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    resolved = [to_str(v, where) for v in out if v is not None]
    return _known_tuple(resolved)


def _list_attr(conf: dict[str, Any], key: str, where: str) -> list[Any] | Unknown:
    return tf_list(conf, key, f"{where}.{key}")


def _ingress(conf: dict[str, Any], where: str, protocol_key: str, cidr_keys: tuple[str, ...]) -> IngressRule:
    cidr_values: list[Any] = []
    cidrs: Any = None
    for key in cidr_keys:
        values = _list_attr(conf, key, where)
        if isinstance(values, Unknown):
            cidrs = values
            break
        cidr_values.extend(values)
    return IngressRule(
        protocol=tf_str(conf, protocol_key, None, f"{where}.{protocol_key}"),
        from_port=tf_int(conf, "from_port", None, f"{where}.from_port"),
        to_port=tf_int(conf, "to_port", None, f"{where}.to_port"),
        cidrs=cidrs if cidrs is not None else _cidrs(cidr_values, f"{where} source CIDR"),
    )


def _group_label(conf: dict[str, Any], key: str, fallback: str) -> str:
    value = raw(conf, key)
    if isinstance(value, str) and is_expression(value):
        return strip_interpolation(value).removesuffix(".id")
    return display(value, fallback)


RULE_RESOURCES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")


def _rule_ingress(rtype: str, conf: dict[str, Any], address: str) -> Any:
    """The ingress rule a standalone rule resource adds (None: an egress rule)."""
    if rtype == "aws_vpc_security_group_ingress_rule":
        return _ingress(conf, address, "ip_protocol", ("cidr_ipv4", "cidr_ipv6"))
    kind = tf_str(conf, "type", "ingress", f"{address}.type")
    if isinstance(kind, Unknown):
        return kind
    if kind != "ingress":
        return None
    return _ingress(conf, address, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))


@adapter("aws_security_group", views=(SecurityGroup,))
def security_group(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    """A group is judged with its inline ingress blocks and every standalone rule resource that
    points at it (``security_group_id``), as ``DescribeSecurityGroups`` shows them; each such
    rule is a labelled part of the result."""
    blocks = tf_blocks(conf, "ingress", f"{cx.address}.ingress")
    name = display(raw(conf, "name"), cx.address)
    if isinstance(blocks, Unknown):
        parts = [Part(SecurityGroup(group_id=name, ingress=blocks))]
    else:
        rules = tuple(
            _ingress(b, f"{cx.address}.ingress[{i}]", "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
            for i, b in enumerate(blocks)
        )
        parts = [Part(SecurityGroup(group_id=name, ingress=rules))]
    for rtype in RULE_RESOURCES:
        links = cx.linked(rtype, "security_group_id")
        if isinstance(links, Unknown):
            parts.append(Part(SecurityGroup(group_id=name, ingress=links), label=f"{rtype} resources"))
            continue
        for linker in links.certain:
            for _key, address, rule_conf in linker.instances():  # a rule per for_each key
                rule = _rule_ingress(rtype, rule_conf, address)
                if rule is not None:
                    view = SecurityGroup(group_id=name, ingress=rule if isinstance(rule, Unknown) else (rule,))
                    parts.append(Part(view, label=f"rule {address}"))
    return parts


def _judged_with_group(cx: TfContext) -> bool:
    """A rule pointing at a group of the scan is judged as part of that group's result."""
    if cx.index is None or cx.block is None:
        return False
    found, certain = cx.index.targets(cx.block, "security_group_id", "aws_security_group")
    return bool(found) and certain


def _standalone_rule(rtype: str, conf: dict[str, Any], cx: TfContext) -> list[Part]:
    """A rule whose group is not in the scan (a variable, a data source, another stack)."""
    if _judged_with_group(cx):
        return []
    rule = _rule_ingress(rtype, conf, cx.address)
    if rule is None:
        return []
    group = f"{_group_label(conf, 'security_group_id', '?')} ({cx.address})"
    return [Part(SecurityGroup(group_id=group, ingress=rule if isinstance(rule, Unknown) else (rule,)))]


@adapter("aws_security_group_rule", views=(SecurityGroup,))
def security_group_rule(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return _standalone_rule("aws_security_group_rule", conf, cx)


@adapter("aws_vpc_security_group_ingress_rule", views=(SecurityGroup,))
def vpc_ingress_rule(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return _standalone_rule("aws_vpc_security_group_ingress_rule", conf, cx)


def _default_encryption(cx: TfContext) -> Any:
    """True when ``aws_ebs_encryption_by_default`` is on for this resource's account and region."""
    found = cx.account("aws_ebs_encryption_by_default")
    if isinstance(found, Unknown):
        return found
    unknown: Unknown | None = None
    for b in found:
        enabled = tf_bool(b.conf, "enabled", True, f"{b.address}.enabled")
        if enabled is True:
            return True
        if isinstance(enabled, Unknown):
            unknown = unknown or enabled
    return unknown if unknown is not None else False


def _device(conf: dict[str, Any] | None, volume_id: str, by_default: Any, where: str) -> Part:
    encrypted = None if conf is None else tf_bool(conf, "encrypted", None, f"{where}.encrypted")
    return Part(Volume(volume_id=volume_id, encrypted=encrypted, encrypted_by_default=by_default))


@adapter("aws_ebs_volume", views=(Volume,))
def ebs_volume(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [_device(conf, cx.address, _default_encryption(cx), cx.address)]


@adapter("aws_instance", "aws_launch_configuration", views=(Volume,))
def instance_devices(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    by_default = _default_encryption(cx)
    root = tf_first_block(conf, "root_block_device", f"{cx.address}.root_block_device")
    if isinstance(root, Unknown):
        parts = [Part(Volume(f"{cx.address} root device", root, by_default))]
    else:
        parts = [_device(root or {}, f"{cx.address} root device", by_default, f"{cx.address}.root_block_device")]
    devices = tf_blocks(conf, "ebs_block_device", f"{cx.address}.ebs_block_device")
    if isinstance(devices, Unknown):
        return [*parts, Part(Volume(f"{cx.address} EBS devices", devices, by_default))]
    for d in devices:
        name = display(raw(d, "device_name"), "?")
        parts.append(_device(d, f"{cx.address} device {name}", by_default, f"{cx.address}.ebs_block_device"))
    return parts


@adapter("aws_launch_template", views=(Volume,))
def launch_template(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    mappings = tf_blocks(conf, "block_device_mappings", f"{cx.address}.block_device_mappings")
    by_default = _default_encryption(cx)
    if isinstance(mappings, Unknown):
        return [Part(Volume(f"{cx.address} block devices", mappings, by_default))]
    parts = []
    for m in mappings:
        ebs = tf_first_block(m, "ebs", f"{cx.address}.block_device_mappings.ebs")
        if ebs is None:
            continue  # an instance-store (ephemeral) device
        name = display(raw(m, "device_name"), "?")
        if isinstance(ebs, Unknown):
            parts.append(Part(Volume(f"{cx.address} device {name}", ebs, by_default)))
        else:
            parts.append(_device(ebs, f"{cx.address} device {name}", by_default, f"{cx.address}.ebs"))
    return parts


@adapter("aws_ebs_encryption_by_default", views=(EbsDefaultEncryption,))
def ebs_default(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    enabled = tf_bool(conf, "enabled", True, f"{cx.address}.enabled")
    return [Part(EbsDefaultEncryption(region=cx.region_label(), enabled=enabled))]


# -- RDS, KMS, CloudTrail, GuardDuty, Config ----------------------------------------------


def _replica_encryption(conf: dict[str, Any], cx: TfContext) -> Any:
    """A read replica that does not say is encrypted exactly when its source is (RDS does not
    create an unencrypted replica of an encrypted instance, nor the reverse in one region)."""
    sources = [b for b in cx.follow("replicate_source_db") if b.type == "aws_db_instance"]
    if len(sources) == 1:
        source = sources[0]
        return tf_bool(source.conf, "storage_encrypted", False, f"{source.address}.storage_encrypted")
    source_text = display(raw(conf, "replicate_source_db"), "?")
    return Unknown(
        f"{cx.address} is a read replica of {source_text}, whose storage encryption it inherits and which is "
        "not in the scan"
    )


@adapter("aws_db_instance", views=(DbStorage,))
def db_instance(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    cluster = raw(conf, "cluster_identifier")
    member = cluster is not ABSENT and cluster != ""
    if raw(conf, "storage_encrypted") is ABSENT and raw(conf, "replicate_source_db") is not ABSENT:
        encrypted = _replica_encryption(conf, cx)
    else:
        encrypted = tf_bool(conf, "storage_encrypted", False, f"{cx.address}.storage_encrypted")
    return [
        Part(
            DbStorage(
                identifier=display(raw(conf, "identifier"), cx.address),
                kind="instance",
                storage_encrypted=encrypted,
                cluster_member=member,
            )
        )
    ]


@adapter("aws_rds_cluster", views=(DbStorage,))
def rds_cluster(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    mode = tf_str(conf, "engine_mode", "provisioned", f"{cx.address}.engine_mode")
    default = mode == "serverless"  # Aurora Serverless v1 is always encrypted
    return [
        Part(
            DbStorage(
                identifier=display(raw(conf, "cluster_identifier"), cx.address),
                kind="cluster",
                storage_encrypted=tf_bool(conf, "storage_encrypted", default, f"{cx.address}.storage_encrypted"),
            )
        )
    ]


@adapter("aws_kms_key", views=(KmsKey,))
def kms_key(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [
        Part(
            KmsKey(
                key_id=cx.address,
                enabled=tf_bool(conf, "is_enabled", True, f"{cx.address}.is_enabled"),
                customer_managed=True,
                key_spec=tf_str(conf, "customer_master_key_spec", "SYMMETRIC_DEFAULT", f"{cx.address}.key_spec"),
                rotation_enabled=tf_bool(conf, "enable_key_rotation", False, f"{cx.address}.enable_key_rotation"),
            )
        )
    ]


@adapter("aws_cloudtrail", views=(Trail,))
def cloudtrail(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [
        Part(
            Trail(
                name=display(raw(conf, "name"), cx.address),
                multi_region=tf_bool(conf, "is_multi_region_trail", False, f"{cx.address}.is_multi_region_trail"),
                log_file_validation=tf_bool(
                    conf, "enable_log_file_validation", False, f"{cx.address}.enable_log_file_validation"
                ),
                include_global_service_events=tf_bool(
                    conf, "include_global_service_events", True, f"{cx.address}.include_global_service_events"
                ),
                logging=tf_bool(conf, "enable_logging", None, f"{cx.address}.enable_logging"),
            )
        )
    ]


@adapter("aws_guardduty_detector", views=(Detector,))
def guardduty_detector(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [Part(Detector(id=cx.address, enabled=tf_bool(conf, "enable", True, f"{cx.address}.enable")))]


@adapter("aws_config_configuration_recorder", views=(ConfigRecorder,))
def config_recorder(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    group = tf_first_block(conf, "recording_group", f"{cx.address}.recording_group")
    if isinstance(group, Unknown):
        all_supported: Any = group
    elif group is None:
        all_supported = True
    else:
        all_supported = tf_bool(group, "all_supported", True, f"{cx.address}.recording_group.all_supported")
    links = cx.linked("aws_config_configuration_recorder_status", "name")
    if isinstance(links, Unknown):
        recording: Any = links
    elif links.certain:
        recording = tf_bool(links.certain[0].conf, "is_enabled", False, f"{links.certain[0].address}.is_enabled")
    elif links.uncertain:
        recording = Unknown(
            f"{links.uncertain[0].address} may start {cx.address}, but the recorder it names cannot be resolved"
        )
    else:
        recording = False  # nothing starts the recorder: Terraform creates it stopped
    name = display(raw(conf, "name"), cx.address)
    return [Part(ConfigRecorder(name=name, all_supported=all_supported, recording=recording))]


# -- IAM ---------------------------------------------------------------------------------


@adapter("aws_iam_account_password_policy", views=(PasswordPolicy,))
def password_policy(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    a = cx.address
    return [
        Part(
            PasswordPolicy(
                exists=True,
                minimum_length=tf_int(conf, "minimum_password_length", 6, f"{a}.minimum_password_length"),
                reuse_prevention=tf_int(conf, "password_reuse_prevention", None, f"{a}.password_reuse_prevention"),
                max_age_days=tf_int(conf, "max_password_age", None, f"{a}.max_password_age"),
                require_uppercase=tf_bool(conf, "require_uppercase_characters", False, f"{a}.require_uppercase"),
                require_lowercase=tf_bool(conf, "require_lowercase_characters", False, f"{a}.require_lowercase"),
                require_numbers=tf_bool(conf, "require_numbers", False, f"{a}.require_numbers"),
                require_symbols=tf_bool(conf, "require_symbols", False, f"{a}.require_symbols"),
            )
        )
    ]


def _policy(conf: dict[str, Any], cx: TfContext) -> Part:
    name = display(raw(conf, "name"), cx.address)
    document = tf_document(raw(conf, "policy"), f"{cx.address}.policy", "policy", cx.block, cx.index)
    return Part(IdentityPolicy(name=name, document=document))


def _bound_users(conf: dict[str, Any], attribute: str, cx: TfContext) -> Any:
    """The users a binding names that are not defined in the scan (a user in the scan carries
    the binding in its own result, see :func:`iam_user`), or Unknown."""
    value = raw(conf, attribute)
    if value is ABSENT:
        return ()
    if isinstance(value, str) and attribute == "users" and is_expression(value):
        return Unknown(f"{cx.address}.users is {strip_interpolation(value)!r}, which cannot be resolved")
    items = value if isinstance(value, list) else [value]
    if cx.index is None or cx.block is None:
        return tuple(display(i, "?") for i in items)
    in_graph = [t for t in cx.index.follow(cx.block, attribute) if t.type == "aws_iam_user"]
    if attribute == "user" and in_graph:
        found, sure = cx.index.targets(cx.block, attribute, "aws_iam_user")
        if found and sure:
            return ()
        # one of these users, which the source does not say: whichever it is, it has the policy
        return (" or ".join(sorted(display(raw(u.conf, "name"), u.address) for u in in_graph)),)
    outside = []
    for item in items:
        found = cx.index.resolve(cx.block, item, "aws_iam_user")
        if not found and isinstance(item, str):
            ref = strip_interpolation(item)
            found = [u for u in in_graph if ref.startswith(u.base + ".") or raw(u.conf, "name") == item]
        if not found:
            outside.append(cx.name_of(item, "aws_iam_user"))
    return tuple(outside)


def _policy_arn(value: Any, attribute: str, cx: TfContext) -> Any:
    """A managed policy's ARN. A reference to a policy defined in Terraform is a
    customer-managed policy; ``data "aws_iam_policy"`` looks up (usually AWS-managed) ones."""
    if not isinstance(value, str):
        return Unknown(f"{cx.address}.{attribute} cannot be resolved")
    value = _PARTITION.sub(f"arn:{ANY_PARTITION}:", value)
    if not is_expression(value):
        return value
    ref = strip_interpolation(value)
    alternatives = try_arguments(ref)
    if alternatives is None:
        return _referenced_policy_arn(ref, attribute, cx)
    # try(aws_iam_policy.this[0].arn, null): that policy, or no attachment at all
    found = [_referenced_policy_arn(a, attribute, cx) for a in alternatives if a not in NULLS]
    if found and not any(isinstance(arn, Unknown) for arn in found) and len(set(found)) == 1:
        return found[0]
    return Unknown(f"{cx.address}.{attribute} is {ref!r}, which cannot be resolved from the source")


def _referenced_policy_arn(ref: str, attribute: str, cx: TfContext) -> Any:
    if ref.startswith("aws_iam_policy."):
        return ref.removesuffix(".arn")  # a policy this configuration creates: customer-managed
    if m := _DATA_POLICY.match(ref):
        for data in cx.follow(attribute):
            if data.kind == "data" and data.type == "aws_iam_policy" and data.base.endswith(f"aws_iam_policy.{m[1]}"):
                arn = raw(data.conf, "arn")
                if isinstance(arn, str) and not is_expression(arn):
                    return arn
                name = raw(data.conf, "name")
                if isinstance(name, str) and not is_expression(name):
                    return f"arn:aws:iam::aws:policy/{name}"
    return Unknown(f"{cx.address}.{attribute} is {ref!r}, which cannot be resolved from the source")


def _arn_list(conf: dict[str, Any], attribute: str, cx: TfContext) -> Any:
    values = tf_list(conf, attribute, f"{cx.address}.{attribute}")
    if isinstance(values, Unknown):
        return values
    return _known_tuple([_policy_arn(v, attribute, cx) for v in values])


def _principal_parts(kind: str, principals: Any, arn: Any, cx: TfContext, target_type: str) -> list[Part]:
    if isinstance(principals, Unknown):
        return [Part(PrincipalAttachments(kind, "?", principals))]
    arns = arn if isinstance(arn, Unknown) else (arn,)
    return [Part(PrincipalAttachments(kind, cx.name_of(p, target_type), arns)) for p in principals]


@adapter("aws_iam_policy", "aws_iam_role_policy", "aws_iam_group_policy", views=(IdentityPolicy,))
def identity_policy(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    return [_policy(conf, cx)]


@adapter("aws_iam_user_policy", views=(IdentityPolicy, UserPolicies))
def user_policy(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    parts = [_policy(conf, cx)]
    users = _bound_users(conf, "user", cx)
    if isinstance(users, Unknown) or users:
        name = display(raw(conf, "name"), cx.address)
        parts.append(Part(UserPolicies(users=users, inline_policies=(name,), managed_policies=())))
    return parts


@adapter("aws_iam_user_policy_attachment", views=(UserPolicies, PrincipalAttachments))
def user_policy_attachment(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    arn = _policy_arn(raw(conf, "policy_arn"), "policy_arn", cx)
    user = raw(conf, "user")
    parts = _principal_parts("user", [user], arn, cx, "aws_iam_user")
    users = _bound_users(conf, "user", cx)
    if isinstance(users, Unknown) or users:
        parts.append(Part(UserPolicies(users=users, inline_policies=(), managed_policies=_arn_names(arn))))
    return parts


def _arn_names(arn: Any) -> Any:
    return arn if isinstance(arn, Unknown) else (str(arn),)


@adapter("aws_iam_role_policy_attachment", views=(PrincipalAttachments,))
def role_policy_attachment(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    arn = _policy_arn(raw(conf, "policy_arn"), "policy_arn", cx)
    return _principal_parts("role", [raw(conf, "role")], arn, cx, "aws_iam_role")


@adapter("aws_iam_group_policy_attachment", views=(PrincipalAttachments,))
def group_policy_attachment(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    arn = _policy_arn(raw(conf, "policy_arn"), "policy_arn", cx)
    return _principal_parts("group", [raw(conf, "group")], arn, cx, "aws_iam_group")


@adapter("aws_iam_policy_attachment", views=(UserPolicies, PrincipalAttachments))
def policy_attachment(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    arn = _policy_arn(raw(conf, "policy_arn"), "policy_arn", cx)
    parts: list[Part] = []
    principal_attributes = (("users", "user", "aws_iam_user"), ("roles", "role", "aws_iam_role"))
    for attribute, kind, target in (*principal_attributes, ("groups", "group", "aws_iam_group")):
        principals = tf_list(conf, attribute, f"{cx.address}.{attribute}")
        parts.extend(_principal_parts(kind, principals, arn, cx, target))
    users = _bound_users(conf, "users", cx)
    all_users = tf_list(conf, "users", f"{cx.address}.users")
    if isinstance(users, Unknown) or users or not all_users:
        parts.append(Part(UserPolicies(users=users, inline_policies=(), managed_policies=_arn_names(arn))))
    return parts


@adapter("aws_iam_role", views=(IdentityPolicy, PrincipalAttachments))
def iam_role(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    name = display(raw(conf, "name"), cx.address)
    parts: list[Part] = []
    blocks = tf_blocks(conf, "inline_policy", f"{cx.address}.inline_policy")
    if isinstance(blocks, Unknown):
        parts.append(Part(IdentityPolicy(name=f"{name} inline policies", document=blocks)))
    else:
        for i, block in enumerate(blocks):
            if raw(block, "policy") is ABSENT:
                continue  # an empty inline_policy block removes inline policies
            policy_name = display(raw(block, "name"), f"{name} inline policy {i + 1}")
            document = tf_document(
                raw(block, "policy"), f"{cx.address}.inline_policy[{i}].policy", "inline_policy", cx.block, cx.index
            )
            view = IdentityPolicy(name=policy_name, document=document)
            parts.append(Part(view, label=f"inline policy {policy_name}"))
    if raw(conf, "managed_policy_arns") is not ABSENT:
        parts.append(Part(PrincipalAttachments("role", name, _arn_list(conf, "managed_policy_arns", cx))))
    return parts


@adapter("aws_iam_user", views=(UserPolicies,))
def iam_user(conf: dict[str, Any], cx: TfContext) -> list[Part]:
    """A user is judged together with every binding that points at it, as AWS lists them
    (ListUserPolicies, ListAttachedUserPolicies)."""
    name = display(raw(conf, "name"), cx.address)
    inline: list[str] = []
    managed: list[Any] = []
    for linker_type, attribute in (
        ("aws_iam_user_policy", "user"),
        ("aws_iam_user_policy_attachment", "user"),
        ("aws_iam_policy_attachment", "users"),
    ):
        links = cx.linked(linker_type, attribute)
        if isinstance(links, Unknown):
            return [Part(UserPolicies(users=(name,), inline_policies=links, managed_policies=links))]
        for b in links.certain:
            if linker_type == "aws_iam_user_policy":
                inline.append(f"{display(raw(b.conf, 'name'), b.address)} ({b.address})")
            else:
                arn = _policy_arn(raw(b.conf, "policy_arn"), "policy_arn", TfContext(b.address, cx.index, b))
                managed.append(arn if isinstance(arn, Unknown) else f"{arn} ({b.address})")
    return [Part(UserPolicies(users=(name,), inline_policies=tuple(inline), managed_policies=_known_tuple(managed)))]


# -- alerting (judged as a whole in account-baseline mode) --------------------------------


def event_rule_view(conf: dict[str, Any], cx: TfContext) -> EventRule:
    pattern_raw = raw(conf, "event_pattern")
    pattern: Any
    if pattern_raw is ABSENT:
        pattern = None
    elif isinstance(pattern_raw, dict):
        pattern = pattern_raw
    elif isinstance(pattern_raw, str) and pattern_raw.strip().startswith("{"):
        try:
            pattern = json.loads(pattern_raw)
        except ValueError:
            pattern = Unknown(f"{cx.address}.event_pattern is not JSON that can be resolved")
    else:
        pattern = Unknown(f"{cx.address}.event_pattern cannot be resolved from the source")
    links = cx.linked("aws_cloudwatch_event_target", "rule")
    if isinstance(links, Unknown):
        has_target: Any = links
    elif links.certain:
        has_target = True
    elif links.uncertain:
        has_target = Unknown(f"{links.uncertain[0].address} may target {cx.address}, but its rule cannot be resolved")
    else:
        has_target = False
    state = tf_str(conf, "state", None, f"{cx.address}.state")
    if state is None:
        enabled: Any = tf_bool(conf, "is_enabled", True, f"{cx.address}.is_enabled")
    elif isinstance(state, Unknown):
        enabled = state
    else:
        enabled = state.upper() != "DISABLED"
    name = display(raw(conf, "name"), cx.address)
    return EventRule(name=name, event_pattern=pattern, has_target=has_target, enabled=enabled)


def metric_filter_view(conf: dict[str, Any], cx: TfContext) -> MetricFilterAlarm:
    pattern = tf_str(conf, "pattern", "", f"{cx.address}.pattern")
    transform = tf_first_block(conf, "metric_transformation", f"{cx.address}.metric_transformation")
    has_alarm: Any = False
    if isinstance(transform, Unknown):
        has_alarm = transform
    elif transform is not None and cx.index is not None and cx.block is not None:
        metric, namespace = raw(transform, "name"), raw(transform, "namespace")
        for alarm in cx.index.of_type("aws_cloudwatch_metric_alarm", cx.block.root):
            if cx.block in cx.index.follow(alarm, "metric_name"):
                has_alarm = True
                break
            if raw(alarm.conf, "metric_name") == metric and raw(alarm.conf, "namespace") == namespace:
                has_alarm = True
                break
    elif cx.index is None:
        has_alarm = Unknown(f"alarms on {cx.address}: {NO_GRAPH}")
    return MetricFilterAlarm(name=display(raw(conf, "name"), cx.address), filter_pattern=pattern, has_alarm=has_alarm)
