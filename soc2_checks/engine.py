"""Runs registered checks over subjects: the one place a verdict becomes a result.

Every scan kind (IaC, live, records) ends here, so unresolved values, unread data and rules
that raise are handled identically: an unresolved value is FAILED ("cannot be confirmed"),
unread data and a raising rule are ERROR. Nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import MissingData, Result, Source, Status, Subject, UnresolvedValue, Verdict
from .registry import CheckDef, Registry, RuleContext


def run_check(check: CheckDef, view: object, ctx: RuleContext) -> Verdict | None:
    try:
        return check(view, ctx)
    except UnresolvedValue as exc:
        return Verdict.failed(f"Cannot be confirmed: {exc.unknown.reason}.")
    except MissingData as exc:
        return Verdict.error(f"Data could not be read: {exc.missing.describe()}.")
    except Exception as exc:  # a defect in a rule must not read as "no finding"
        return Verdict.error(f"Check {check.id} raised {type(exc).__name__}: {exc}")


def make_result(check: CheckDef, subject: Subject, verdict: Verdict, criteria: list[str]) -> Result:
    return Result(
        check_id=check.id,
        title=check.title,
        severity=check.severity,
        status=verdict.status,
        criteria=list(criteria),
        resource=subject.resource,
        message=verdict.message,
        details=list(verdict.details),
    )


def evaluate(
    subjects: Iterable[Subject],
    registry: Registry,
    ctx: RuleContext,
    criteria_for: Callable[[str], list[str]],
    selected: Callable[[CheckDef], bool] = lambda c: True,
    source: Source | None = None,
) -> list[Result]:
    """Evaluate every selected check that accepts each subject's view (from ``source``)."""
    by_type: dict[type, list[CheckDef]] = {}
    results: list[Result] = []
    for subject in subjects:
        vtype = type(subject.view)
        checks = by_type.get(vtype)
        if checks is None:
            checks = by_type[vtype] = [c for c in registry.for_view(subject.view, source) if selected(c)]
        for check in checks:
            verdict = run_check(check, subject.view, ctx)
            if verdict is not None:
                results.append(make_result(check, subject, verdict, criteria_for(check.id)))
    return results


def error_results(
    checks: Iterable[CheckDef], subject: Subject, message: str, criteria_for: Callable[[str], list[str]]
) -> list[Result]:
    """ERROR results for checks whose data could not be gathered at all (a whole service
    denied, an account that could not be assumed)."""
    return [make_result(c, subject, Verdict(Status.ERROR, message), criteria_for(c.id)) for c in checks]
