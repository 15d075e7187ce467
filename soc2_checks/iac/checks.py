"""Checkov check classes generated from the check registry.

Checkov has no plugin discovery: it instantiates check classes found in an external checks
folder. Rather than one hand-written class per check (a second copy of every rule), one
Checkov check is generated per registered check and framework; its decision is the
registry's rule applied to the views the Terraform or CloudFormation adapter builds. Checks
that plugins register through pluggy get Checkov checks the same way.

Two Checkov behaviours are guarded against here:

- A check that raises becomes UNKNOWN, which Checkov drops from every report. These checks
  never raise: a rule or adapter defect becomes an ERROR verdict, reported to Checkov as
  FAILED with the reason in its details.
- A suppressed (``#checkov:skip=``) check is not run by Checkov at all. These checks always
  decide, then report SKIPPED with the verdict attached, so that ``soc2-checks iac`` can
  carry the real status next to the suppression for the exemption register to judge.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from typing import Any

from ..model import Severity, Source, Status, Verdict
from ..registry import CheckDef, Registry, RuleContext
from ..views.cloudtrail import AccountTrails, Trail
from ..views.config import ConfigRecorder, RegionRecorders
from ..views.ec2 import EbsDefaultEncryption, SecurityGroup, Volume
from ..views.guardduty import Detector, RegionDetectors
from ..views.kms import KmsKey
from ..views.rds import DbStorage
from . import cloudformation, terraform
from .cfn_values import template_parameters, template_resources
from .instances import each_instances, for_each_items, never_created
from .parts import Part, judge
from .tf_graph import index_for
from .values import expand_dynamic

VERDICT_KEY = "soc2_checks"
"""Key of the verdict (status, message, details, root module) in the check result Checkov
records, for ``soc2-checks iac`` to read back."""

FRAMEWORKS = {Source.TERRAFORM: "terraform", Source.CLOUDFORMATION: "cloudformation"}

_CATEGORY_BY_VIEW = {
    SecurityGroup: "NETWORKING",
    Volume: "ENCRYPTION",
    EbsDefaultEncryption: "ENCRYPTION",
    DbStorage: "ENCRYPTION",
    KmsKey: "ENCRYPTION",
    Trail: "LOGGING",
    AccountTrails: "LOGGING",
    Detector: "LOGGING",
    RegionDetectors: "LOGGING",
    ConfigRecorder: "LOGGING",
    RegionRecorders: "LOGGING",
}

log = logging.getLogger(__name__)

_instances: dict[tuple[Source, str], Any] = {}
_context = RuleContext(as_of=dt.date.today())
_carry_verdicts = False


def set_context(ctx: RuleContext) -> None:
    """The scan-wide facts rules see (``soc2-checks iac`` passes its ``--as-of``)."""
    global _context
    _context = ctx


def register(
    registry: Registry,
    ctx: RuleContext | None = None,
    sources: Iterable[Source] = tuple(FRAMEWORKS),
    verdicts: bool = False,
) -> dict[Source, list[str]]:
    """Create (or rebind) a Checkov check for every registered check that runs on Terraform or
    CloudFormation (those of ``sources``) and has an adapter for one of its views. Safe to call
    repeatedly: Checkov loads an external checks folder once per runner. Only the frameworks
    asked for are imported from Checkov (its CloudFormation side alone takes half a second).

    ``verdicts``: attach each verdict to Checkov's check result under ``VERDICT_KEY``, for a
    caller that reads them back (``soc2-checks iac``). A plain Checkov run does not: Checkov
    prints every check result in full (in JSON output, over a tenth of each record's bytes),
    and its details already carry the message, the evidence and an ERROR's reason."""
    global _carry_verdicts
    if ctx is not None:
        set_context(ctx)
    _carry_verdicts = verdicts
    wanted = set(sources)
    out: dict[Source, list[str]] = {Source.TERRAFORM: [], Source.CLOUDFORMATION: []}
    for check in registry:
        for source, module in ((Source.TERRAFORM, terraform), (Source.CLOUDFORMATION, cloudformation)):
            if source not in check.sources or source not in wanted:
                continue
            resource_types = module.resource_types_for(check.views)
            if not resource_types:
                continue
            existing = _instances.get((source, check.id))
            if existing is not None:
                existing.bind(check)
            if existing is None or set(existing.supported_resources) != set(resource_types):
                _instances[(source, check.id)] = _class_for(source)(check, resource_types)
            out[source].append(check.id)
    return out


def register_installed() -> None:
    """What the external checks folder runs: the built-in checks and every installed plugin's.
    A plugin that fails to load must not silently take the built-in checks with it, so the
    failure is logged and the built-in checks are registered alone."""
    global _installed
    if _installed:
        return  # Checkov runs this folder's module once per runner and folder
    from ..plugins import load
    from ..registry import RegistryError

    try:
        registry = load(sources=FRAMEWORKS).registry
    except RegistryError as exc:
        log.error("soc2-checks: %s; running the built-in SOC 2 checks only", exc)
        registry = load(load_entry_points=False, sources=FRAMEWORKS).registry
    register(registry)
    _installed = True


_installed = False


def _verdict_dict(verdict: Verdict) -> dict[str, Any]:
    return {"status": str(verdict.status), "message": verdict.message, "details": list(verdict.details)}


_parts_cache: tuple[tuple[Any, ...], Any, Any] | None = None


def _cached_parts(conf: dict[str, Any], key: tuple[Any, ...], build: Any) -> Any:
    """Every SOC 2 check on one resource reads the same views; build them once. The cache
    holds the configuration it was built from: while it does, no other configuration (of a
    later scan in the same process) can have its ``id``."""
    global _parts_cache
    if _parts_cache is not None and _parts_cache[1] is conf and _parts_cache[0] == key:
        return _parts_cache[2]
    parts = build()
    _parts_cache = (key, conf, parts)
    return parts


def _terraform_parts(
    scanned_file: str, conf: dict[str, Any], entity_type: str, graph: Any
) -> tuple[list[Part] | None, str | None]:
    """The views of one resource and the root module it belongs to (None: no result)."""
    address = str(conf.get("__address__") or entity_type)

    def build() -> tuple[list[Part] | None, str | None]:
        expand_dynamic(conf)
        index = index_for(graph)
        block = index.find(address, scanned_file, conf.get("__start_line__"), conf) if index is not None else None
        if not block.exists if block is not None else never_created(conf):
            return None, None  # count = 0 or an empty for_each: the resource does not exist
        cx = terraform.TfContext(address=address, index=index, block=block)
        root = block.root if block is not None else None
        # a block with null or unresolved variables is read from the index's settled copy, and
        # a for_each Checkov did not expand, with known keys, as every instance
        instances = block.instances() if block is not None else each_instances(address, conf, for_each_items(conf))
        if len(instances) == 1 and instances[0][0] is None:
            return terraform.views_of(entity_type, instances[0][2], cx), root
        parts: list[Part] = []
        for key, _address, instance in instances:
            label = f"instance {key}"
            for part in terraform.views_of(entity_type, instance, cx):
                parts.append(Part(part.view, label=" ".join(x for x in (label, part.label) if x)))
        return parts, root

    return _cached_parts(conf, (id(graph), address, entity_type), build)


def _cloudformation_parts(conf: dict[str, Any], entity_name: str, entity_type: str) -> tuple[list[Part], None]:
    def build() -> tuple[list[Part], None]:
        cx = cloudformation.CfnContext(
            name=entity_name, parameters=template_parameters(conf), resources=template_resources(conf)
        )
        return cloudformation.views_of(entity_type, conf, cx), None

    return _cached_parts(conf, (entity_name, entity_type), build)


@functools.cache
def _class_for(source: Source) -> type:
    """The Checkov check class of one framework: Checkov's resource check base of that framework,
    the shared behaviour, and how that framework's adapter builds the views."""
    if source == Source.TERRAFORM:
        from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

        def parts(self: Any, scanned_file: str, conf: dict[str, Any], entity_name: str, entity_type: str) -> Any:
            return _terraform_parts(scanned_file, conf, entity_type, self.graph)

        name = "TerraformSoc2Check"
    else:
        from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck

        def parts(self: Any, scanned_file: str, conf: dict[str, Any], entity_name: str, entity_type: str) -> Any:
            return _cloudformation_parts(conf, entity_name, entity_type)

        name = "CloudFormationSoc2Check"

    def __init__(self: Any, check: CheckDef, resource_types: list[str]) -> None:
        BaseResourceCheck.__init__(
            self, name=check.title, id=check.id, categories=[_category(check)], supported_resources=resource_types
        )
        self.bind(check)

    namespace = {"__init__": __init__, "parts": parts, "__module__": __name__, "__qualname__": name}
    return type(name, (_shared_base(), BaseResourceCheck), namespace)


def _category(check: CheckDef) -> Any:
    from checkov.common.models.enums import CheckCategories

    for view in check.views:
        name = _CATEGORY_BY_VIEW.get(view)
        if name:
            return getattr(CheckCategories, name)
    if any(v.__module__.endswith(".iam") for v in check.views):
        return CheckCategories.IAM
    return CheckCategories.GENERAL_SECURITY


@functools.cache
def _severities() -> dict[Severity, Any]:
    from checkov.common.bridgecrew.severities import BcSeverities, Severities

    return {
        Severity.LOW: Severities[BcSeverities.LOW],
        Severity.MEDIUM: Severities[BcSeverities.MEDIUM],
        Severity.HIGH: Severities[BcSeverities.HIGH],
        Severity.CRITICAL: Severities[BcSeverities.CRITICAL],
    }


@functools.cache
def _shared_base() -> type:
    """Behaviour shared by the Terraform and CloudFormation checks (built once Checkov is imported)."""
    from checkov.common.models.enums import CheckResult

    class Soc2Check:
        """Behaviour shared by the Terraform and CloudFormation flavours."""

        checkdef: CheckDef

        def bind(self, check: CheckDef) -> None:
            self.checkdef = check
            self.name = check.title
            self.severity = _severities()[check.severity]

        def parts(self, scanned_file: str, conf: dict[str, Any], entity_name: str, entity_type: str) -> Any:
            raise NotImplementedError

        def run(
            self,
            scanned_file: str,
            entity_configuration: dict[str, Any],
            entity_name: str,
            entity_type: str,
            skip_info: Any,
        ) -> dict[str, Any]:
            self.details = []
            self.entity_type = entity_type
            root = None
            try:
                parts, root = self.parts(scanned_file, entity_configuration, entity_name, entity_type)
                verdict = None if parts is None else judge(self.checkdef, parts, _context)
            except Exception as exc:  # an adapter defect must not read as "no finding"
                log.debug("soc2-checks: %s on %s raised", self.checkdef.id, entity_name, exc_info=True)
                verdict = Verdict.error(
                    f"Check {self.checkdef.id} could not evaluate {entity_name}: {type(exc).__name__}: {exc}"
                )
            if verdict is None:
                return {"result": CheckResult.UNKNOWN, "evaluated_keys": []}  # not applicable: no result
            # Checkov prints the details under every record. As with Checkov's own checks, they
            # explain a finding: a passed record's message restates the check's title, and
            # those messages were a quarter of what the SOC 2 records add to a plain run's
            # printed output (soc2-checks iac keeps every message, from the verdict). A detail
            # the message already quotes (each offending statement of a policy) would be
            # printed twice.
            if verdict.status == Status.PASSED and not skip_info:
                self.details = []
            else:
                self.details = [verdict.message, *(d for d in verdict.details if d not in verdict.message)]
            if verdict.status == Status.ERROR:
                self.details.insert(0, "ERROR: the check could not decide; treated as FAILED.")
            result: dict[str, Any] = {
                "result": CheckResult.PASSED if verdict.status == Status.PASSED else CheckResult.FAILED,
                "evaluated_keys": [],
            }
            if _carry_verdicts:
                result[VERDICT_KEY] = {**_verdict_dict(verdict), "root": root}
            if skip_info:
                result["result"] = CheckResult.SKIPPED
                result["suppress_comment"] = skip_info.get("suppress_comment", "")
            return result

        def scan_resource_conf(self, conf: dict[str, Any]) -> Any:  # required by Checkov's base class
            return CheckResult.UNKNOWN

    return Soc2Check
