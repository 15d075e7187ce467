"""CloudFormation resources -> views.

Each adapter reads one version of a resource (``Fn::If`` already chosen, see
:func:`cfn_values.variants`) and builds the views the rules judge. Defaults are
CloudFormation's: a property that is not written takes the value AWS would use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Unknown
from ..views.alerting import EventRule, MetricFilterAlarm
from ..views.cloudtrail import Trail
from ..views.config import ConfigRecorder
from ..views.ec2 import IngressRule, SecurityGroup, Volume
from ..views.guardduty import Detector
from ..views.iam import IdentityPolicy, PrincipalAttachments, UserPolicies
from ..views.kms import KmsKey
from ..views.rds import DbStorage
from ..views.s3 import Bucket, PublicAccessBlock
from . import cfn_values
from .cfn_values import cfn_bool, cfn_int, cfn_str, identifier, intrinsic, refers_to, text, unknown
from .parts import Part
from .policy_documents import cfn_document

CANNED_ACLS = {
    "Private": "private",
    "PublicRead": "public-read",
    "PublicReadWrite": "public-read-write",
    "AuthenticatedRead": "authenticated-read",
    "LogDeliveryWrite": "log-delivery-write",
    "BucketOwnerRead": "bucket-owner-read",
    "BucketOwnerFullControl": "bucket-owner-full-control",
    "AwsExecRead": "aws-exec-read",
}


@dataclass(frozen=True)
class CfnContext:
    """The resource being judged: its logical ID, the template's parameter names and its other
    resources (None: not known)."""

    name: str
    parameters: frozenset[str] | None = None
    resources: dict[str, Any] | None = None

    def of_type(self, rtype: str) -> list[tuple[str, dict[str, Any]]]:
        return [(k, r) for k, r in (self.resources or {}).items() if r.get("Type") == rtype]

    def is_a(self, value: Any, rtype: str, attribute: str | None = None) -> bool:
        """Whether ``value`` is ``!Ref`` (or ``!GetAtt X.attribute``) of a ``rtype`` resource
        of the template."""
        fn = intrinsic(value)
        if not fn or self.resources is None:
            return False
        name, args = fn
        target = args if name == "Ref" else (args.split(".", 1) if isinstance(args, str) else args)
        logical_id = target if isinstance(target, str) else target[0] if isinstance(target, list) and target else None
        if not isinstance(logical_id, str):
            return False
        found = self.resources.get(logical_id)
        return isinstance(found, dict) and found.get("Type") == rtype and refers_to(value, logical_id, attribute)


Adapter = Callable[[dict[str, Any], CfnContext], list[Part]]


@dataclass(frozen=True)
class CfnAdapter:
    resource_type: str
    views: tuple[type, ...]
    build: Adapter


ADAPTERS: dict[str, CfnAdapter] = {}


def adapter(*resource_types: str, views: tuple[type, ...]) -> Callable[[Adapter], Adapter]:
    def wrap(fn: Adapter) -> Adapter:
        for rtype in resource_types:
            ADAPTERS[rtype] = CfnAdapter(rtype, views, fn)
        return fn

    return wrap


def resource_types_for(view_types: tuple[type, ...]) -> list[str]:
    return sorted(t for t, a in ADAPTERS.items() if set(a.views) & set(view_types))


def views_of(resource_type: str, resource: dict[str, Any], cx: CfnContext) -> list[Part]:
    """Views of every version of the resource, each labelled with its conditions."""
    found = ADAPTERS.get(resource_type)
    if not found:
        return []
    parts: list[Part] = []
    for label, version in cfn_values.variants(resource):
        props = version.get("Properties")
        if props is None:
            props = {}
        if not isinstance(props, dict) or intrinsic(props):
            continue  # not a valid template: Properties must be a mapping
        for part in found.build(props, cx):
            parts.append(Part(part.view, label=" ".join(x for x in (label, part.label) if x)))
    return parts


def _list(props: dict[str, Any], key: str, where: str) -> list[Any] | Unknown:
    value = props.get(key)
    if value is None:
        return []
    if intrinsic(value):
        return unknown(where, value)
    return value if isinstance(value, list) else [value]


def _mapping(props: dict[str, Any], key: str, where: str) -> dict[str, Any] | None | Unknown:
    value = props.get(key)
    if value is None:
        return None
    if intrinsic(value) or not isinstance(value, dict):
        return unknown(where, value)
    return value


def _known_tuple(items: list[Any]) -> Any:
    for item in items:
        if isinstance(item, Unknown):
            return item
    return tuple(items)


# -- S3 ----------------------------------------------------------------------------------


@adapter("AWS::S3::Bucket", views=(Bucket,))
def s3_bucket(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    name = text(props.get("BucketName"), cx.name)
    where = f"{cx.name}.BucketEncryption"
    encryption: Any
    config = _mapping(props, "BucketEncryption", where)
    if isinstance(config, Unknown):
        encryption = config
    elif config is None:
        encryption = ()
    else:
        rules = _list(config, "ServerSideEncryptionConfiguration", where)
        if isinstance(rules, Unknown):
            encryption = rules
        else:
            algorithms = []
            for rule in rules:
                default = _mapping(rule, "ServerSideEncryptionByDefault", where) if isinstance(rule, dict) else None
                if isinstance(default, Unknown):
                    algorithms.append(default)
                elif default is not None:
                    algorithms.append(cfn_str(default.get("SSEAlgorithm"), f"{where} SSEAlgorithm", None))
            encryption = _known_tuple([a for a in algorithms if a is not None])
    block_conf = _mapping(props, "PublicAccessBlockConfiguration", f"{cx.name}.PublicAccessBlockConfiguration")
    block: Any
    if block_conf is None or isinstance(block_conf, Unknown):
        block = block_conf
    else:
        w = f"{cx.name}.PublicAccessBlockConfiguration"
        block = PublicAccessBlock(
            block_public_acls=cfn_bool(block_conf.get("BlockPublicAcls"), f"{w}.BlockPublicAcls", False),
            ignore_public_acls=cfn_bool(block_conf.get("IgnorePublicAcls"), f"{w}.IgnorePublicAcls", False),
            block_public_policy=cfn_bool(block_conf.get("BlockPublicPolicy"), f"{w}.BlockPublicPolicy", False),
            restrict_public_buckets=cfn_bool(
                block_conf.get("RestrictPublicBuckets"), f"{w}.RestrictPublicBuckets", False
            ),
        )
    acl = cfn_str(props.get("AccessControl"), f"{cx.name}.AccessControl", None)
    if isinstance(acl, str):
        acl = CANNED_ACLS.get(acl, acl)
    return [
        Part(
            Bucket(
                name=name,
                encryption_algorithms=encryption,
                public_access_block=block,
                account_public_access_block=None,  # CloudFormation has no account-level block resource
                canned_acl=acl,
                grantee_uris=(),
            )
        )
    ]


# -- EC2 ---------------------------------------------------------------------------------


def _ingress(rule: Any, where: str) -> Any:
    if not isinstance(rule, dict) or intrinsic(rule):
        return unknown(where, rule)
    cidrs = []
    for key in ("CidrIp", "CidrIpv6"):
        if rule.get(key) is not None:
            cidrs.append(cfn_str(rule.get(key), f"{where}.{key}"))
    protocol = rule.get("IpProtocol")
    return IngressRule(
        protocol=cfn_str(protocol, f"{where}.IpProtocol", None),
        from_port=cfn_int(rule.get("FromPort"), f"{where}.FromPort", None),
        to_port=cfn_int(rule.get("ToPort"), f"{where}.ToPort", None),
        cidrs=_known_tuple(cidrs),
    )


def _ingress_of(group_id: Any, cx: CfnContext) -> bool:
    """Whether an ``AWS::EC2::SecurityGroupIngress`` names a group of this template."""
    return cx.is_a(group_id, "AWS::EC2::SecurityGroup", "GroupId") or cx.is_a(group_id, "AWS::EC2::SecurityGroup")


@adapter("AWS::EC2::SecurityGroup", views=(SecurityGroup,))
def security_group(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    """A group is judged with every standalone ingress rule of the template that names it, as
    ``DescribeSecurityGroups`` shows them; each such rule is a labelled part of the result."""
    name = text(props.get("GroupName"), cx.name)
    rules = _list(props, "SecurityGroupIngress", f"{cx.name}.SecurityGroupIngress")
    if isinstance(rules, Unknown):
        parts = [Part(SecurityGroup(group_id=name, ingress=rules))]
    else:
        ingress = [_ingress(r, f"{cx.name}.SecurityGroupIngress[{i}]") for i, r in enumerate(rules)]
        parts = [Part(SecurityGroup(group_id=name, ingress=_known_tuple(ingress)))]
    for logical_id, resource in cx.of_type("AWS::EC2::SecurityGroupIngress"):
        for label, version in cfn_values.variants(resource):
            rule_props = version.get("Properties")
            if not isinstance(rule_props, dict):
                continue
            group = rule_props.get("GroupId", rule_props.get("GroupName"))
            if not (refers_to(group, cx.name, "GroupId") or refers_to(group, cx.name)):
                continue
            rule = _ingress(rule_props, logical_id)
            view = SecurityGroup(group_id=name, ingress=rule if isinstance(rule, Unknown) else (rule,))
            parts.append(Part(view, label=" ".join(x for x in (f"rule {logical_id}", label) if x)))
    return parts


@adapter("AWS::EC2::SecurityGroupIngress", views=(SecurityGroup,))
def security_group_ingress(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    group_ref = props.get("GroupId", props.get("GroupName"))
    if _ingress_of(group_ref, cx):
        return []  # judged as part of its group's result
    group = text(group_ref, "?")
    rule = _ingress(props, cx.name)
    ingress = rule if isinstance(rule, Unknown) else (rule,)
    return [Part(SecurityGroup(group_id=f"{group} ({cx.name})", ingress=ingress))]


@adapter("AWS::EC2::Volume", views=(Volume,))
def volume(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    return [Part(Volume(volume_id=cx.name, encrypted=cfn_bool(props.get("Encrypted"), f"{cx.name}.Encrypted")))]


def _mappings(mappings: Any, owner: str, where: str) -> list[Part]:
    if isinstance(mappings, Unknown):
        return [Part(Volume(volume_id=f"{owner} block devices", encrypted=mappings))]
    parts = []
    for i, m in enumerate(mappings):
        if not isinstance(m, dict) or intrinsic(m):
            parts.append(Part(Volume(volume_id=f"{owner} device {i + 1}", encrypted=unknown(where, m))))
            continue
        ebs = m.get("Ebs")
        if ebs is None:
            continue  # an instance-store (ephemeral) device or NoDevice
        device = text(m.get("DeviceName"), str(i + 1))
        if not isinstance(ebs, dict) or intrinsic(ebs):
            parts.append(Part(Volume(volume_id=f"{owner} device {device}", encrypted=unknown(f"{where} Ebs", ebs))))
            continue
        encrypted = cfn_bool(ebs.get("Encrypted"), f"{where}[{i}].Ebs.Encrypted")
        parts.append(Part(Volume(volume_id=f"{owner} device {device}", encrypted=encrypted)))
    return parts


@adapter("AWS::EC2::Instance", views=(Volume,))
def instance(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    mappings = _list(props, "BlockDeviceMappings", f"{cx.name}.BlockDeviceMappings")
    parts = _mappings(mappings, cx.name, f"{cx.name}.BlockDeviceMappings")
    if not parts and props.get("LaunchTemplate") is None:
        # no EBS mapping written: the root volume comes from the image, unencrypted unless asked
        parts = [Part(Volume(volume_id=f"{cx.name} root device", encrypted=None))]
    return parts


@adapter("AWS::EC2::LaunchTemplate", views=(Volume,))
def launch_template(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    data = _mapping(props, "LaunchTemplateData", f"{cx.name}.LaunchTemplateData")
    if data is None:
        return []
    if isinstance(data, Unknown):
        return [Part(Volume(volume_id=f"{cx.name} block devices", encrypted=data))]
    where = f"{cx.name}.LaunchTemplateData.BlockDeviceMappings"
    return _mappings(_list(data, "BlockDeviceMappings", where), cx.name, where)


# -- RDS, KMS, CloudTrail, GuardDuty, Config ----------------------------------------------


def _replica_encryption(source: Any, cx: CfnContext) -> Any:
    """A read replica that does not say is encrypted exactly when its source is (RDS does not
    create an unencrypted replica of an encrypted instance, nor the reverse in one region)."""
    fn = intrinsic(source)
    if fn and fn[0] == "Ref" and cx.is_a(source, "AWS::RDS::DBInstance") and cx.resources is not None:
        where = f"{fn[1]}.StorageEncrypted"
        versions = [v.get("Properties") for _, v in cfn_values.variants(cx.resources[fn[1]])]
        values = [cfn_bool(p.get("StorageEncrypted"), where, False) for p in versions if isinstance(p, dict)]
        if values and all(v == values[0] for v in values):
            return values[0]
        return Unknown(f"{cx.name} is a read replica of {fn[1]}, whose storage encryption depends on a condition")
    return Unknown(
        f"{cx.name} is a read replica of {text(source, '?')}, whose storage encryption it inherits and which is "
        "not in the template"
    )


@adapter("AWS::RDS::DBInstance", views=(DbStorage,))
def db_instance(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    member = props.get("DBClusterIdentifier") is not None
    source = props.get("SourceDBInstanceIdentifier")
    if props.get("StorageEncrypted") is None and source is not None:
        encrypted = _replica_encryption(source, cx)
    else:
        encrypted = cfn_bool(props.get("StorageEncrypted"), f"{cx.name}.StorageEncrypted", False)
    identifier_ = text(props.get("DBInstanceIdentifier"), cx.name)
    return [Part(DbStorage(identifier_, "instance", storage_encrypted=encrypted, cluster_member=member))]


@adapter("AWS::RDS::DBCluster", views=(DbStorage,))
def db_cluster(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    mode = cfn_str(props.get("EngineMode"), f"{cx.name}.EngineMode", "provisioned")
    encrypted = cfn_bool(props.get("StorageEncrypted"), f"{cx.name}.StorageEncrypted", mode == "serverless")
    return [Part(DbStorage(text(props.get("DBClusterIdentifier"), cx.name), "cluster", storage_encrypted=encrypted))]


@adapter("AWS::KMS::Key", views=(KmsKey,))
def kms_key(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    return [
        Part(
            KmsKey(
                key_id=cx.name,
                enabled=cfn_bool(props.get("Enabled"), f"{cx.name}.Enabled", True),
                customer_managed=True,
                key_spec=cfn_str(props.get("KeySpec"), f"{cx.name}.KeySpec", "SYMMETRIC_DEFAULT"),
                rotation_enabled=cfn_bool(props.get("EnableKeyRotation"), f"{cx.name}.EnableKeyRotation", False),
            )
        )
    ]


@adapter("AWS::CloudTrail::Trail", views=(Trail,))
def trail(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    n = cx.name
    return [
        Part(
            Trail(
                name=text(props.get("TrailName"), n),
                multi_region=cfn_bool(props.get("IsMultiRegionTrail"), f"{n}.IsMultiRegionTrail", False),
                log_file_validation=cfn_bool(
                    props.get("EnableLogFileValidation"), f"{n}.EnableLogFileValidation", False
                ),
                include_global_service_events=cfn_bool(
                    props.get("IncludeGlobalServiceEvents"), f"{n}.IncludeGlobalServiceEvents", True
                ),
                logging=cfn_bool(props.get("IsLogging"), f"{n}.IsLogging", None),
            )
        )
    ]


@adapter("AWS::GuardDuty::Detector", views=(Detector,))
def detector(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    return [Part(Detector(id=cx.name, enabled=cfn_bool(props.get("Enable"), f"{cx.name}.Enable", False)))]


@adapter("AWS::Config::ConfigurationRecorder", views=(ConfigRecorder,))
def config_recorder(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    group = _mapping(props, "RecordingGroup", f"{cx.name}.RecordingGroup")
    if group is None:
        all_supported: Any = True
    elif isinstance(group, Unknown):
        all_supported = group
    else:
        all_supported = cfn_bool(group.get("AllSupported"), f"{cx.name}.RecordingGroup.AllSupported", False)
        if group.get("AllSupported") is None and not group.get("ResourceTypes") and not group.get("RecordingStrategy"):
            all_supported = True
    name = text(props.get("Name"), cx.name)
    return [Part(ConfigRecorder(name=name, all_supported=all_supported, recording=None))]


# -- IAM ---------------------------------------------------------------------------------


def _inline_policies(props: dict[str, Any], cx: CfnContext) -> tuple[list[Part], Any]:
    """IdentityPolicy parts of a role's, user's or group's ``Policies`` and their names."""
    policies = _list(props, "Policies", f"{cx.name}.Policies")
    if isinstance(policies, Unknown):
        return [Part(IdentityPolicy(name=f"{cx.name} inline policies", document=policies))], policies
    parts, names = [], []
    for i, p in enumerate(policies):
        if not isinstance(p, dict) or intrinsic(p):
            unresolved = unknown(f"{cx.name}.Policies[{i}]", p)
            parts.append(Part(IdentityPolicy(name=f"{cx.name} inline policy {i + 1}", document=unresolved)))
            names.append(unresolved)
            continue
        name = text(p.get("PolicyName"), f"{cx.name} inline policy {i + 1}")
        document = cfn_document(p.get("PolicyDocument"), f"{cx.name}.Policies[{i}]", cx.parameters)
        parts.append(Part(IdentityPolicy(name=name, document=document), label=f"inline policy {name}"))
        names.append(name)
    return parts, _known_tuple(names)


def _arns(props: dict[str, Any], cx: CfnContext) -> Any:
    arns = _list(props, "ManagedPolicyArns", f"{cx.name}.ManagedPolicyArns")
    if isinstance(arns, Unknown):
        return arns
    return _known_tuple([identifier(a, f"{cx.name}.ManagedPolicyArns", cx.parameters) for a in arns])


def _outside_users(props: dict[str, Any], cx: CfnContext) -> Any:
    """The users a policy names that are not ``AWS::IAM::User`` resources of the template (a
    user of the template carries the binding in its own result, see :func:`user`)."""
    items = _list(props, "Users", f"{cx.name}.Users")
    if isinstance(items, Unknown):
        return items
    return tuple(text(i, "?") for i in items if not cx.is_a(i, "AWS::IAM::User"))


@adapter("AWS::IAM::Policy", views=(IdentityPolicy, UserPolicies))
def iam_policy(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    name = text(props.get("PolicyName"), cx.name)
    document = cfn_document(props.get("PolicyDocument"), cx.name, cx.parameters)
    parts = [Part(IdentityPolicy(name=name, document=document))]
    users = _outside_users(props, cx)
    if isinstance(users, Unknown) or users:
        parts.append(Part(UserPolicies(users=users, inline_policies=(name,), managed_policies=())))
    return parts


@adapter("AWS::IAM::ManagedPolicy", views=(IdentityPolicy, UserPolicies))
def managed_policy(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    name = text(props.get("ManagedPolicyName"), cx.name)
    document = cfn_document(props.get("PolicyDocument"), cx.name, cx.parameters)
    parts = [Part(IdentityPolicy(name=name, document=document))]
    users = _outside_users(props, cx)
    if isinstance(users, Unknown) or users:
        parts.append(Part(UserPolicies(users=users, inline_policies=(), managed_policies=(name,))))
    return parts


def _bindings_naming(cx: CfnContext) -> tuple[list[str], list[str]]:
    """Inline and managed policies of the template whose ``Users`` name this user."""
    inline: list[str] = []
    managed: list[str] = []
    for rtype, into, name_key in (
        ("AWS::IAM::Policy", inline, "PolicyName"),
        ("AWS::IAM::ManagedPolicy", managed, "ManagedPolicyName"),
    ):
        for logical_id, resource in cx.of_type(rtype):
            props = resource.get("Properties")
            users = props.get("Users") if isinstance(props, dict) else None
            if isinstance(users, list) and any(refers_to(u, cx.name) for u in users):
                into.append(f"{text(props.get(name_key), logical_id)} ({logical_id})")
    return inline, managed


@adapter("AWS::IAM::Role", views=(IdentityPolicy, PrincipalAttachments))
def role(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    parts, _ = _inline_policies(props, cx)
    if props.get("ManagedPolicyArns") is not None:
        parts.append(Part(PrincipalAttachments("role", text(props.get("RoleName"), cx.name), _arns(props, cx))))
    return parts


@adapter("AWS::IAM::Group", views=(IdentityPolicy, PrincipalAttachments))
def group(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    parts, _ = _inline_policies(props, cx)
    if props.get("ManagedPolicyArns") is not None:
        parts.append(Part(PrincipalAttachments("group", text(props.get("GroupName"), cx.name), _arns(props, cx))))
    return parts


@adapter("AWS::IAM::User", views=(IdentityPolicy, UserPolicies, PrincipalAttachments))
def user(props: dict[str, Any], cx: CfnContext) -> list[Part]:
    """A user is judged with the ``AWS::IAM::Policy``/``ManagedPolicy`` resources whose ``Users``
    name it, as ``ListUserPolicies``/``ListAttachedUserPolicies`` would show them."""
    name = text(props.get("UserName"), cx.name)
    parts, inline = _inline_policies(props, cx)
    managed = _arns(props, cx)
    if props.get("ManagedPolicyArns") is not None:
        parts.append(Part(PrincipalAttachments("user", name, managed)))
    other_inline, other_managed = _bindings_naming(cx)
    if not isinstance(inline, Unknown):
        inline = (*inline, *other_inline)
    if not isinstance(managed, Unknown):
        managed = (*managed, *other_managed)
    parts.append(Part(UserPolicies(users=(name,), inline_policies=inline, managed_policies=managed)))
    return parts


# -- alerting (judged as a whole in account-baseline mode) --------------------------------


def event_rule_view(props: dict[str, Any], cx: CfnContext) -> EventRule:
    pattern = props.get("EventPattern")
    if intrinsic(pattern) or (pattern is not None and not isinstance(pattern, dict)):
        pattern = unknown(f"{cx.name}.EventPattern", pattern)
    elif pattern is not None:
        pattern = cfn_values.strip_meta(pattern)
    targets = _list(props, "Targets", f"{cx.name}.Targets")
    has_target = targets if isinstance(targets, Unknown) else bool(targets)
    state = cfn_str(props.get("State"), f"{cx.name}.State", "ENABLED")
    enabled = state if isinstance(state, Unknown) else state.upper() != "DISABLED"
    name = text(props.get("Name"), cx.name)
    return EventRule(name=name, event_pattern=pattern, has_target=has_target, enabled=enabled)


def metric_filter_view(props: dict[str, Any], cx: CfnContext, alarms: list[dict[str, Any]]) -> MetricFilterAlarm:
    """``alarms`` are the Properties of the template's ``AWS::CloudWatch::Alarm`` resources."""
    pattern = cfn_str(props.get("FilterPattern"), f"{cx.name}.FilterPattern", "")
    transforms = _list(props, "MetricTransformations", f"{cx.name}.MetricTransformations")
    has_alarm: Any = False
    if isinstance(transforms, Unknown):
        has_alarm = transforms
    else:
        metrics = {(t.get("MetricName"), t.get("MetricNamespace")) for t in transforms if isinstance(t, dict)}
        for alarm in alarms:
            if (alarm.get("MetricName"), alarm.get("Namespace")) in metrics:
                has_alarm = True
                break
    return MetricFilterAlarm(name=text(props.get("FilterName"), cx.name), filter_pattern=pattern, has_alarm=has_alarm)
