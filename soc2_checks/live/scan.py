"""One account's live scan, from credentials to results: who we are, which regions, collect,
assemble views, and let the registry's rules decide (the only place verdicts come from)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..engine import error_results, evaluate
from ..model import Missing, ResourceRef, Result, Source, Subject
from ..registry import CheckDef, Registry, RuleContext
from . import collect
from .calls import Api, CallFailed
from .regions import Scope, resolve
from .services import ACCOUNT_TYPE, Collector, Inventory, Unscanned, account_ref, all_collectors
from .session import ConnectFailed, Connection


@dataclass
class LiveScan:
    results: list[Result]
    scope: Scope | None
    targets: list[str]
    warnings: list[str] = field(default_factory=list)


def live_checks(registry: Registry) -> list[CheckDef]:
    return [c for c in registry if Source.LIVE in c.sources]


def scan_account(
    conn: Connection | Callable[[], Connection],
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    *,
    regions: list[str] | None = None,
    all_regions: bool = False,
    collectors: list[Collector] | None = None,
    workers: int = 8,
    progress: collect.Progress | None = None,
    api_factory: Callable[[Connection], Api] = Api,
    target: ResourceRef | None = None,
) -> LiveScan:
    """``target`` names the account being scanned when it is known beforehand (a member of an
    organization), so that a scan that cannot start reports ERROR against that account."""
    checks = live_checks(registry)
    collectors = collectors if collectors is not None else all_collectors()
    try:
        conn = conn() if callable(conn) else conn
    except ConnectFailed as exc:
        return _nothing_scanned(checks, criteria_for, exc.missing, target)
    api = api_factory(conn)
    try:
        identity = api.call("sts", "GetCallerIdentity")
    except CallFailed as exc:
        return _nothing_scanned(checks, criteria_for, exc.missing, target)
    account = identity["Account"]
    partition = identity["Arn"].split(":")[1]
    scope = resolve(api, account, partition, regions, all_regions)

    tasks = [t for c in collectors for t in c.plan(scope)]
    facts, crashes = collect.run(api, tasks, workers=workers, progress=progress)

    inventory = Inventory()
    crashed = {c.service for c in crashes}
    for collector in collectors:
        if collector.name in crashed:
            message = "; ".join(c.error for c in crashes if c.service == collector.name)
            ref = account_ref(scope, f"{collector.name} (collection failed)")
            failed = f"Collecting {collector.name} failed: {message}."
            inventory.unscanned.append(Unscanned(ref, collector.views, failed))
            continue
        part = collector.assemble(facts, scope)
        inventory.subjects += part.subjects
        inventory.unscanned += part.unscanned
        inventory.warnings += part.warnings
    _out_of_scope_regions(inventory, scope, collectors)

    selected = {c.id for c in checks}
    results = evaluate(
        inventory.subjects, registry, ctx, criteria_for, selected=lambda c: c.id in selected, source=Source.LIVE
    )
    for u in inventory.unscanned:
        wanted = [c for c in checks if set(c.views) & set(u.views)]
        results += error_results(wanted, Subject(u.resource, None), u.message, criteria_for)

    warnings = _coverage_warnings(checks, collectors) + inventory.warnings
    if scope.skipped:
        warnings.append(
            f"Regions not enabled for account {account}, where nothing can run, were not scanned: "
            + ", ".join(f"{r} ({s})" for r, s in sorted(scope.skipped.items()))
        )
    if scope.unlisted:
        warnings.append(
            f"The account's regions could not be listed ({scope.unlisted.describe()}); only {', '.join(scope.regions)} "
            "was scanned: name the regions with --regions."
        )
    return LiveScan(results, scope, [f"aws://{account}/{r}" for r in scope.regions] or [f"aws://{account}"], warnings)


def _out_of_scope_regions(inventory: Inventory, scope: Scope, collectors: list[Collector]) -> None:
    """Regions the user asked for that the account has not enabled: nothing there can be read,
    and the user hears so for every regional check instead of silence."""
    regional = tuple(v for c in collectors if c.regional for v in c.views)
    for region, status in sorted(scope.not_enabled.items()):
        ref = account_ref(scope, f"region {region}", region)
        message = f"Region {region} is not enabled for account {scope.account} (opt-in status {status}): not checked."
        inventory.unscanned.append(Unscanned(ref, regional, message))
    if scope.unlisted:
        ref = ResourceRef(id=f"{scope.account}/*", type=ACCOUNT_TYPE, name="regions not listed", account=scope.account)
        message = (
            f"Data could not be read: {scope.unlisted.describe()}; "
            f"regions other than {', '.join(scope.regions)} are unchecked."
        )
        inventory.unscanned.append(Unscanned(ref, regional, message))


def _nothing_scanned(
    checks: list[CheckDef], criteria_for: Callable[[str], list[str]], missing: Missing, target: ResourceRef | None
) -> LiveScan:
    ref = target or ResourceRef(id="unknown", type=ACCOUNT_TYPE, name="unknown account")
    message = f"Data could not be read: {missing.describe()}."
    live = [c for c in checks if c.views]
    targets = [f"aws://{ref.account}"] if ref.account else []
    return LiveScan(error_results(live, Subject(ref, None), message, criteria_for), None, targets, [])


def _coverage_warnings(checks: list[CheckDef], collectors: list[Collector]) -> list[str]:
    """A LIVE check whose views no collector builds would silently have no result. Checks that
    join the organisation's records run only when records are given (``--records``)."""
    built = {v for c in collectors for v in c.views}
    return [
        f"{c.id} has no live data in this scan (it needs {', '.join(v.__name__ for v in c.views)}); it was not run."
        for c in checks
        if not set(c.views) & built and Source.RECORDS not in c.sources
    ]
