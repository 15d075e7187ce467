"""Running one registered check over one view, through the engine, as every scan does."""

from __future__ import annotations

import functools

from soc2_checks.engine import run_check
from soc2_checks.model import Missing, Status, Unknown, Verdict
from soc2_checks.plugins import load
from soc2_checks.registry import Registry, RuleContext

UNKNOWN = Unknown("var.flag is not set")
MISSING = Missing("GetThing", "AccessDenied", "thing:GetThing")
CTX = RuleContext()


@functools.cache
def registry() -> Registry:
    return load(load_entry_points=False).registry


def judge(check_id: str, view: object, ctx: RuleContext = CTX) -> Verdict | None:
    check = registry().get(check_id)
    assert check.applies_to(view), f"{check_id} does not accept {type(view).__name__}"
    return run_check(check, view, ctx)


def assert_verdict(
    check_id: str, view: object, status: Status | None, *fragments: str, ctx: RuleContext = CTX
) -> Verdict:
    """Assert the verdict's status and that its message names every fragment."""
    verdict = judge(check_id, view, ctx)
    if status is None:
        assert verdict is None, f"expected no result, got {verdict}"
        return verdict
    assert verdict is not None, "expected a result, got none"
    assert verdict.status == status, verdict.message
    for fragment in fragments:
        assert fragment in verdict.message, f"{fragment!r} not in {verdict.message!r}"
    return verdict
