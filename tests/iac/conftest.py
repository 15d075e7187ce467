from __future__ import annotations

import os
from pathlib import Path

import pytest

from soc2_checks.iac.parts import Part, judge
from soc2_checks.model import Source, Status
from soc2_checks.plugins import load
from soc2_checks.registry import RuleContext

os.environ.setdefault("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CTX = RuleContext()


@pytest.fixture(scope="session")
def registry():
    """The built-in checks only, so that an installed plugin cannot change expected findings."""
    return load(load_entry_points=False).registry


def verdict(registry, check_id: str, parts: list[Part]):
    return judge(registry.get(check_id), parts, CTX)


def status(registry, check_id: str, parts: list[Part]) -> Status | None:
    v = verdict(registry, check_id, parts)
    return v.status if v else None


def run_iac(directory: Path | str, registry, *, frameworks=(Source.TERRAFORM, Source.CLOUDFORMATION), baseline=False):
    from soc2_checks.iac.runner import scan

    return scan([str(directory)], list(frameworks), registry, CTX, lambda _id: [], baseline)[0]


def findings(scan) -> set[tuple[str, str, str]]:
    return {(r.check_id, r.resource.id, str(r.status)) for r in scan.results}
