"""``soc2-checks iac``'s engine: Checkov in-process with only the SOC 2 checks, then results.

Checkov parses the directory, builds its graph, resolves variables and reads inline
suppressions exactly as in a plain ``checkov`` run (the same generated checks run in both),
and its records become :class:`~soc2_checks.model.Result` objects: the resource is
Checkov's address with the file relative to the scanned directory, the status is the rule's
verdict (never Checkov's SKIPPED: a suppression is carried beside the real status for the
exemption register to judge), and a verdict of ERROR stays ERROR.

Frameworks run one after another in this process, so that the Terraform graph and the
CloudFormation templates remain available for the account-baseline pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import error_results, evaluate
from ..model import ResourceRef, Result, Source, Status, Subject
from ..registry import CheckDef, Registry, RuleContext
from . import tf_roots
from .baseline import Inventory
from .checks import VERDICT_KEY, register
from .tf_graph import graph_items, index_for

FRAMEWORK_NAMES = {Source.TERRAFORM: "terraform", Source.CLOUDFORMATION: "cloudformation"}
NO_CHECK = "SOC2_NO_CHECK_0"
"""Selects nothing: a framework without SOC 2 checks is still parsed for the baseline, and an
empty selection would mean "every Checkov check"."""

log = logging.getLogger(__name__)


@dataclass
class DirectoryScan:
    directory: str
    results: list[Result] = field(default_factory=list)
    resources: int = 0
    warnings: list[str] = field(default_factory=list)


def scan(
    directories: Iterable[str],
    frameworks: Iterable[Source],
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    account_baseline: bool = False,
    jobs: int | None = None,
    var_files: Sequence[str] = (),
) -> list[DirectoryScan]:
    """``jobs``: processes for Terraform root modules (default: the CPUs this process may use).
    ``var_files``: Terraform variable files applied to every root module, as ``checkov
    --var-file`` applies them (a root configured by ``-var-file`` has no value otherwise)."""
    os.environ.setdefault("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")
    os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")
    directories = list(directories)
    wanted = [s for s in frameworks if s != Source.CLOUDFORMATION or any(map(_may_hold_templates, directories))]
    ids = register(registry, ctx, wanted, verdicts=True)
    _import_runners(wanted)  # before the collector freezes what is loaded
    scan_jobs = jobs or tf_roots.default_jobs()
    with tf_roots.batch_gc():
        return [
            scan_directory(d, wanted, registry, ids, ctx, criteria_for, account_baseline, scan_jobs, var_files)
            for d in directories
        ]


def _import_runners(frameworks: list[Source]) -> None:
    import checkov.common.runners.runner_registry  # noqa: F401
    import checkov.runner_filter  # noqa: F401

    if Source.TERRAFORM in frameworks:
        import checkov.terraform.runner  # noqa: F401
    if Source.CLOUDFORMATION in frameworks:
        import checkov.cloudformation.runner  # noqa: F401


def scan_directory(
    directory: str,
    frameworks: list[Source],
    registry: Registry,
    ids: dict[Source, list[str]],
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    account_baseline: bool,
    jobs: int = 1,
    var_files: Sequence[str] = (),
) -> DirectoryScan:
    out = DirectoryScan(directory=directory)
    inventory = Inventory()
    present: set[Source] = set()
    root = os.path.abspath(directory)
    for source in frameworks:
        convert = _Converter(registry, set(ids.get(source) or ()), criteria_for, account_baseline)
        checks = ids.get(source) or [NO_CHECK]
        if source == Source.TERRAFORM:
            part = _scan_terraform(directory, root, checks, convert, jobs, var_files)
        else:
            part = _scan_cloudformation(directory, root, checks, convert)
        if part.resources:
            present.add(source)
        out.resources += part.resources
        out.results.extend(_qualify_shared_addresses(part.found, root))
        out.results.extend(part.errors)
        if part.inventory is not None:
            inventory.merge(part.inventory)
    if account_baseline:
        scope = present or set(frameworks)
        out.results.extend(_baseline(directory, inventory, scope, registry, ctx, criteria_for))
    return out


@dataclass
class _Part:
    """What one framework's scan (or one share of Terraform roots) found."""

    found: list[tuple[Result, str | None]] = field(default_factory=list)
    errors: list[Result] = field(default_factory=list)
    resources: int = 0
    inventory: Inventory | None = None

    def add(self, other: _Part) -> None:
        self.found.extend(other.found)
        self.errors.extend(other.errors)
        self.resources += other.resources
        if other.inventory is not None:
            if self.inventory is None:
                self.inventory = Inventory()
            self.inventory.merge(other.inventory)


@dataclass
class _Converter:
    """Checkov's reports -> results (and, for the baseline, the views of what was scanned)."""

    registry: Registry
    ours: set[str]
    criteria_for: Callable[[str], list[str]]
    baseline: bool

    def reports(self, reports: list[Any], runner: Any, source: Source, root: str, part: _Part) -> None:
        vertices = _terraform_resources(runner) if source == Source.TERRAFORM else None
        part.resources += sum(len(r.resources) for r in reports) if vertices is None else vertices
        for report in reports:
            for record in (*report.passed_checks, *report.failed_checks, *report.skipped_checks):
                if record.check_id in self.ours:
                    result = _result(record, self.registry.get(record.check_id), self.criteria_for)
                    part.found.append((result, _root_of(record)))
            for path in sorted(report.parsing_errors):
                if source == Source.CLOUDFORMATION and not _looks_like_template(path):
                    continue
                part.errors.extend(self.parse_errors(path, root, source))
        if self.baseline:
            part.inventory = part.inventory or Inventory()
            _collect(runner, source, part.inventory)

    def unchecked(self, path: str, root: str, reason: str, source: Source) -> list[Result]:
        return _unchecked(path, root, reason, source, self.registry, self.criteria_for)

    def parse_errors(self, path: str, root: str, source: Source) -> list[Result]:
        return _parse_errors(path, root, source, self.registry, self.criteria_for)


def _run(runner: Any, source: Source, root: str, checks: list[str], excluded: list[str] | None = None) -> list[Any]:
    from checkov.common.runners.runner_registry import RunnerRegistry
    from checkov.runner_filter import RunnerFilter

    runner_filter = RunnerFilter(
        framework=[FRAMEWORK_NAMES[source]],
        checks=checks,
        include_all_checkov_policies=True,
        show_progress_bar=False,
        excluded_paths=excluded,
    )
    registries = getattr(runner, "block_type_registries", {}).values()
    kept = _every_root_kept() if source == Source.TERRAFORM else contextlib.nullcontext()
    with kept, tf_roots.only_checks(registries, set(checks)):
        return list(RunnerRegistry("", runner_filter, runner).run(root_folder=root))


def _scan_terraform(
    directory: str, root: str, checks: list[str], convert: _Converter, jobs: int, var_files: Sequence[str] = ()
) -> _Part:
    """The tree parsed once, then its root modules in ``jobs`` shares, side by side."""
    part = _Part()
    try:
        parsed = tf_roots.parse(root, jobs, var_files=var_files)
    except Exception as exc:  # Checkov's parser failed: never a traceback, never a silent gap
        log.debug("soc2-checks: Checkov failed to parse %s", directory, exc_info=True)
        reason = f"Checkov failed while scanning it ({type(exc).__name__}: {exc})"
        part.errors.extend(convert.unchecked(directory, root, reason, Source.TERRAFORM))
        return part
    for path in sorted(parsed.errors):
        part.errors.extend(convert.parse_errors(path, root, Source.TERRAFORM))
    shares = tf_roots.balanced(sorted(parsed.roots), jobs, parsed.weight)

    def scan_share(roots: list[str]) -> _Part:
        runner = tf_roots.runner_for(parsed, roots)
        share = _Part()
        convert.reports(_run(runner, Source.TERRAFORM, root, checks), runner, Source.TERRAFORM, root, share)
        return share

    for roots, outcome in zip(shares, tf_roots.fork_map(scan_share, shares, jobs), strict=True):
        if isinstance(outcome, tf_roots.Failed):
            log.debug("soc2-checks: Checkov failed on %s: %s", roots, outcome.reason)
            reason = f"Checkov failed while scanning it ({outcome.reason})"
            for folder in roots:
                part.errors.extend(convert.unchecked(folder, root, reason, Source.TERRAFORM))
        else:
            part.add(outcome)
    return part


def _terraform_resources(runner: Any) -> int | None:
    """The resources of a Terraform run: its graphs' resource vertices. Checkov's report keys
    them by module file and address, which merges one module address called from two roots,
    so its count would depend on which roots share a run (``--jobs``)."""
    graphs = getattr(runner, "all_graphs", None)
    if not isinstance(graphs, list):
        return None
    count = 0
    for entry in graphs:
        graph = entry[0] if isinstance(entry, tuple) else entry
        nodes, _edges = graph_items(graph)
        count += sum(1 for _node, attrs in nodes if attrs.get("block_type_") == "resource")
    return count


def _scan_cloudformation(directory: str, root: str, checks: list[str], convert: _Converter) -> _Part:
    part = _Part()
    excluded: dict[str, str] = {}
    reports: list[Any] = []
    while True:
        runner = _cloudformation_runner()
        try:
            reports = _run(runner, Source.CLOUDFORMATION, root, checks, sorted(excluded) or None)
            break
        except Exception as exc:  # Checkov itself failed: never a traceback, never a silent gap
            log.debug("soc2-checks: Checkov failed on %s", directory, exc_info=True)
            unfit = _unfit_templates(runner)
            if unfit and not set(unfit) <= set(excluded):
                excluded.update(unfit)
                continue
            reports = []
            reason = f"Checkov failed while scanning it ({type(exc).__name__}: {exc})"
            part.errors.extend(convert.unchecked(directory, root, reason, Source.CLOUDFORMATION))
            break
    for path, reason in sorted(excluded.items()):
        part.errors.extend(convert.unchecked(path, root, reason, Source.CLOUDFORMATION))
    convert.reports(reports, runner, Source.CLOUDFORMATION, root, part)
    return part


def _may_hold_templates(directory: str) -> bool:
    """Whether any file under ``directory`` could be a CloudFormation template (a YAML, JSON or
    ``.template`` file that names an ``AWS::`` type or a template version). A Terraform-only
    tree then skips CloudFormation altogether, and with it half a second of importing Checkov's
    CloudFormation runner."""
    endings = (".yml", ".yaml", ".json", ".template")
    for folder, _, names in os.walk(directory):
        for name in names:
            if not name.endswith(endings):
                continue
            try:
                data = Path(folder, name).read_bytes()
            except OSError:
                return True  # unreadable: let Checkov decide and report it
            if b"AWS::" in data or b"AWSTemplateFormatVersion" in data:
                return True
    return False


def _every_root_kept() -> contextlib.AbstractContextManager[None]:
    """Checkov drops Terraform records that share check, file, lines and address, keeping one:
    two environments that call the same module (``envs/prod`` and ``envs/staging`` both with
    ``module.data``) would report one of the two buckets, whichever came last. For the length of
    an in-process scan, records are de-duplicated per root module instead (the root is part of
    the verdict these checks record)."""
    import checkov.terraform.runner as tf_runner

    return tf_roots.patched(tf_runner, "remove_duplicate_results", _dedupe_per_root)


def _dedupe_per_root(report: Any) -> Any:
    for name in ("passed_checks", "failed_checks"):
        unique: dict[tuple[str, Any], Any] = {}
        for record in getattr(report, name):
            unique[(record.get_unique_string(), _root_of(record))] = record
        setattr(report, name, list(unique.values()))
    return report


def _root_of(record: Any) -> str | None:
    verdict = record.check_result.get(VERDICT_KEY) if isinstance(record.check_result, dict) else None
    return verdict.get("root") if isinstance(verdict, dict) else None


def _qualify_shared_addresses(found: list[tuple[Result, str | None]], scanned: str) -> list[Result]:
    """Results of one address in several root modules (a module called by two environments)
    are different resources: their IDs are prefixed with the root folder, relative to the
    scanned folder (``envs/prod:module.data.aws_s3_bucket.this``), so that each can be told
    apart, exempted and suppressed on its own."""
    seen: dict[str, set[str | None]] = {}
    for result, root in found:
        seen.setdefault(result.resource.id, set()).add(root)
    out = []
    for result, root in found:
        if root is not None and len(seen[result.resource.id]) > 1:
            folder = os.path.relpath(root, scanned).replace(os.sep, "/")
            result = dataclasses.replace(
                result, resource=dataclasses.replace(result.resource, id=f"{folder}:{result.resource.id}")
            )
        out.append(result)
    return out


def _unfit_templates(runner: Any) -> dict[str, str]:
    """Templates that make Checkov's CloudFormation runner fail: a resource whose ``Type`` is
    not a string (a template that needs a pre-processor first, such as ``!Rain::Module``)."""
    unfit: dict[str, str] = {}
    for path, template in (getattr(runner, "definitions", None) or {}).items():
        resources = template.get("Resources") if isinstance(template, dict) else None
        if not isinstance(resources, dict):
            continue
        for name, resource in resources.items():
            rtype = resource.get("Type") if isinstance(resource, dict) else None
            if rtype is not None and not isinstance(rtype, str):
                unfit[str(path)] = (
                    f"resource {name} has Type {_short(rtype)}, which is not a resource type: the template needs a "
                    "pre-processor before CloudFormation or Checkov can read it"
                )
                break
    return unfit


def _short(value: Any) -> str:
    from .cfn_values import strip_meta

    text = repr(strip_meta(value))
    return text if len(text) <= 80 else text[:77] + "..."


def _unchecked(
    path: str, root: str, reason: str, source: Source, registry: Registry, criteria_for: Callable[[str], list[str]]
) -> list[Result]:
    """ERROR results for a file or folder whose resources Checkov could not check."""
    rel = os.path.relpath(os.path.join(root, path), root) if not os.path.isabs(path) else os.path.relpath(path, root)
    rel = rel.replace(os.sep, "/")
    ref = ResourceRef(id=rel, file=rel if os.path.isfile(os.path.join(root, rel)) else None)
    return _not_checked(ref, f"{rel} was not checked: {reason}.", source, registry, criteria_for)


def _cloudformation_runner() -> Any:
    from checkov.cloudformation.runner import Runner as CfnRunner

    return CfnRunner()


def _result(record: Any, check: CheckDef, criteria_for: Callable[[str], list[str]]) -> Result:
    verdict = record.check_result.get(VERDICT_KEY)
    skipped = str(record.check_result.get("result")).endswith("SKIPPED")
    if verdict:
        status, message, details = Status(verdict["status"]), verdict["message"], list(verdict["details"])
    else:  # suppressed by a mechanism that did not let the check decide
        status, message, details = Status.ERROR, f"Checkov reported {record.check_id} without a verdict.", []
    return Result(
        check_id=check.id,
        title=check.title,
        severity=check.severity,
        status=status,
        criteria=criteria_for(check.id),
        resource=resource_ref(record),
        message=message,
        details=details,
        suppression=(record.check_result.get("suppress_comment") or "") if skipped else None,
    )


def resource_ref(record: Any) -> ResourceRef:
    address = str(record.resource)
    rtype, name = split_address(address)
    line_range = tuple(record.file_line_range) if record.file_line_range else None
    return ResourceRef(
        id=address,
        type=rtype,
        name=name,
        file=str(record.file_path).lstrip("/\\"),
        line_range=(int(line_range[0]), int(line_range[1])) if line_range else None,
    )


def split_address(address: str) -> tuple[str | None, str | None]:
    """``module.a.aws_s3_bucket.logs[0]`` -> (``aws_s3_bucket``, ``logs[0]``);
    ``AWS::S3::Bucket.Data`` -> (``AWS::S3::Bucket``, ``Data``)."""
    if address.startswith("AWS::") or "::" in address:
        rtype, _, name = address.rpartition(".")
        return rtype or None, name or None
    parts = address.split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if len(parts) >= 2:
        return parts[0], ".".join(parts[1:])
    return None, address or None


def _looks_like_template(path: str) -> bool:
    """A YAML or JSON file that failed to parse is reported only if it is meant to be a
    CloudFormation template (a Helm chart or a CI workflow is not our concern)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return False
    return "AWSTemplateFormatVersion" in text or ("Resources" in text and "AWS::" in text)


def _parse_errors(
    path: str, root: str, source: Source, registry: Registry, criteria_for: Callable[[str], list[str]]
) -> list[Result]:
    rel = os.path.relpath(path, root)
    ref = ResourceRef(id=rel, file=rel)
    message = f"Checkov could not parse {rel}, so its resources were not checked."
    return _not_checked(ref, message, source, registry, criteria_for)


def _not_checked(
    ref: ResourceRef, message: str, source: Source, registry: Registry, criteria_for: Callable[[str], list[str]]
) -> list[Result]:
    """One ERROR per per-resource check of ``source``: a file nobody checked is never silence."""
    checks = [c for c in registry if source in c.sources and not _baseline_only(c)]
    return error_results(checks, Subject(ref, None), message, criteria_for)


def _baseline_only(check: CheckDef) -> bool:
    from . import cloudformation, terraform

    return not (terraform.resource_types_for(check.views) or cloudformation.resource_types_for(check.views))


def _collect(runner: Any, source: Source, inventory: Inventory) -> None:
    if source == Source.TERRAFORM:
        for graph, _ in getattr(runner, "all_graphs", None) or []:
            index = index_for(graph)  # the checks' own index of the graph, its blocks already settled
            if index is not None:
                inventory.add_terraform(index)
    else:
        for template in (getattr(runner, "definitions", None) or {}).values():
            if isinstance(template, dict):
                inventory.add_cloudformation(template)


def _baseline(
    directory: str,
    inventory: Inventory,
    scope: set[Source],
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
) -> list[Result]:
    label = next(iter(inventory.regions)) if len(inventory.regions) == 1 else f"of {directory}"
    ref = ResourceRef(id=directory, type="account baseline", name=directory)
    subjects = [Subject(ref, view) for view in inventory.subjects(label, Source.TERRAFORM in scope)]
    return evaluate(
        subjects, registry, ctx, criteria_for, selected=lambda c: c.baseline and bool(set(c.sources) & scope)
    )
