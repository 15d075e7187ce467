"""The account baseline (the catalog's ⓑ rows): what must *exist* in a scanned directory.

Checkov's checks see one resource at a time and cannot report a resource that is missing.
When the user says a directory is the account baseline (``--account-baseline``), the views of
the whole directory are gathered after the scan and the "must exist" rules are judged once,
with the directory as their resource: at least one multi-region trail, an enabled GuardDuty
detector, a recorder recording everything, something alerting on trail changes, and the
account-level settings (password policy, S3 public access block, EBS default encryption).
An account-level resource that *is* present is already judged per resource in every scan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..model import Unknown
from ..views.alerting import EventRule, MetricFilterAlarm, TrailChangeAlerting
from ..views.cloudtrail import AccountTrails, Trail
from ..views.config import ConfigRecorder, RegionRecorders
from ..views.ec2 import EbsDefaultEncryption
from ..views.guardduty import Detector, RegionDetectors
from ..views.iam import PasswordPolicy
from ..views.s3 import AccountPublicAccess
from . import cloudformation, terraform
from .cfn_values import template_parameters
from .tf_graph import TfIndex

ACCOUNT_LEVEL_TF = {
    "aws_iam_account_password_policy": "password_policy",
    "aws_s3_account_public_access_block": "account_public_access",
    "aws_ebs_encryption_by_default": "ebs_default",
}


@dataclass
class Inventory:
    """The baseline-relevant views of one scanned directory."""

    trails: list[Trail] = field(default_factory=list)
    detectors: list[Detector] = field(default_factory=list)
    recorders: list[ConfigRecorder] = field(default_factory=list)
    event_rules: list[EventRule] = field(default_factory=list)
    metric_filters: list[MetricFilterAlarm] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # account-level settings written in the directory
    regions: set[str] = field(default_factory=set)

    def merge(self, other: Inventory) -> None:
        """Add what another part of the same directory holds (Terraform roots scanned apart)."""
        for f in dataclasses.fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, set):
                mine |= theirs
            else:
                mine.extend(theirs)

    def add_terraform(self, index: TfIndex) -> None:
        for block in index.blocks:
            if block.kind != "resource" or not block.exists:
                continue
            cx = terraform.TfContext(address=block.address, index=index, block=block)
            if block.type in ACCOUNT_LEVEL_TF:
                self.present.add(ACCOUNT_LEVEL_TF[block.type])
            if block.type == "aws_cloudtrail":
                self.trails.extend(_views(terraform.views_of(block.type, block.conf, cx), Trail))
            elif block.type == "aws_guardduty_detector":
                self.detectors.extend(_views(terraform.views_of(block.type, block.conf, cx), Detector))
            elif block.type == "aws_config_configuration_recorder":
                self.recorders.extend(_views(terraform.views_of(block.type, block.conf, cx), ConfigRecorder))
            elif block.type == "aws_cloudwatch_event_rule":
                self.event_rules.append(terraform.event_rule_view(block.conf, cx))
            elif block.type == "aws_cloudwatch_log_metric_filter":
                self.metric_filters.append(terraform.metric_filter_view(block.conf, cx))
            region = index.region(block)
            if region:
                self.regions.add(region)

    def add_cloudformation(self, template: dict[str, Any]) -> None:
        resources = template.get("Resources")
        if not isinstance(resources, dict):
            return
        alarms = [
            r.get("Properties") or {}
            for r in resources.values()
            if isinstance(r, dict) and r.get("Type") == "AWS::CloudWatch::Alarm"
        ]
        for name, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            rtype = resource.get("Type")
            cx = cloudformation.CfnContext(name=name, parameters=template_parameters(resource))
            if rtype in ("AWS::CloudTrail::Trail", "AWS::GuardDuty::Detector", "AWS::Config::ConfigurationRecorder"):
                views = [p.view for p in cloudformation.views_of(rtype, resource, cx)]
                merged = merge_versions(views)
                if merged is None:
                    continue
                {
                    "AWS::CloudTrail::Trail": self.trails,
                    "AWS::GuardDuty::Detector": self.detectors,
                    "AWS::Config::ConfigurationRecorder": self.recorders,
                }[rtype].append(merged)
            elif rtype == "AWS::Events::Rule":
                versions = [cloudformation.event_rule_view(_props(v), cx) for _, v in _versions(resource)]
                merged = merge_versions(versions)
                if merged is not None:
                    self.event_rules.append(merged)
            elif rtype == "AWS::Logs::MetricFilter":
                versions = [cloudformation.metric_filter_view(_props(v), cx, alarms) for _, v in _versions(resource)]
                merged = merge_versions(versions)
                if merged is not None:
                    self.metric_filters.append(merged)

    def subjects(self, label: str, terraform_in_scope: bool = True) -> list[object]:
        """The baseline views to judge; ``label`` names the scope in messages (a region).
        The account-level settings have no CloudFormation resource type, so their absence is
        reported only where Terraform, which can express them, is in scope."""
        out: list[object] = [
            AccountTrails(trails=tuple(self.trails)),
            RegionDetectors(region=label, detectors=tuple(self.detectors)),
            RegionRecorders(region=label, recorders=tuple(self.recorders)),
            TrailChangeAlerting(event_rules=tuple(self.event_rules), metric_filters=tuple(self.metric_filters)),
        ]
        if not terraform_in_scope:
            return out
        if "password_policy" not in self.present:
            out.append(PasswordPolicy(exists=False))
        if "account_public_access" not in self.present:
            out.append(AccountPublicAccess(block=None))
        if "ebs_default" not in self.present:
            out.append(EbsDefaultEncryption(region=label, enabled=False))
        return out


def _versions(resource: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    from .cfn_values import variants

    return variants(resource)


def _props(version: dict[str, Any]) -> dict[str, Any]:
    props = version.get("Properties")
    return props if isinstance(props, dict) else {}


def _views(parts: list[Any], kind: type) -> list[Any]:
    views = [p.view for p in parts if isinstance(p.view, kind)]
    merged = merge_versions(views)
    return [] if merged is None else [merged]


def merge_versions(views: list[Any]) -> Any:
    """One view standing for every version of a conditional resource: a field on which the
    versions disagree is Unknown (it depends on a condition), so a baseline rule can never
    count a trail as good because one branch of ``Fn::If`` makes it so."""
    if not views:
        return None
    first = views[0]
    if all(v == first for v in views[1:]) or not dataclasses.is_dataclass(first):
        return first
    changes = {}
    for f in dataclasses.fields(first):
        values = [getattr(v, f.name) for v in views]
        if any(val != values[0] for val in values[1:]):
            changes[f.name] = Unknown(f"{f.name} depends on a template condition")
    return dataclasses.replace(first, **changes)
