"""Fixtures for the evidence package: an in-process AWS (moto) seeded with something of every
kind the package collects, and a helper that writes a package the way the command does."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from soc2_checks.commands.common import setup
from soc2_checks.evidence.build import Outcome, Request, make
from soc2_checks.live.session import ConnectOptions
from soc2_checks.records.load import load_records

from ..conftest import EXAMPLES
from ..live.conftest import aws  # noqa: F401  (the live tests' in-process AWS fixture)

PERIOD_START = dt.date(2025, 7, 1)
PERIOD_END = dt.date(2026, 6, 30)
REGIONS = ("us-east-1", "eu-west-1")
RECORDS = EXAMPLES / "records"
REGISTER = EXAMPLES / "exemptions.yaml"


def settings(exemptions: Path | None = REGISTER) -> argparse.Namespace:
    return argparse.Namespace(
        output=None, output_file=None, mapping=[], as_of=PERIOD_END, exemptions=str(exemptions) if exemptions else None
    )


Build = Callable[..., Outcome]


@pytest.fixture
def build(tmp_path) -> Build:
    """Write a package of the current (moto) account into ``tmp_path/<name>``."""

    def run(
        name: str = "package",
        hooks: Sequence[Callable] = (),
        records: bool = True,
        exemptions: Path | None = REGISTER,
        regions: Sequence[str] = REGIONS,
        workers: int = 4,
        options: ConnectOptions | None = None,
    ) -> Outcome:
        st = setup(settings(exemptions))
        request = Request(
            out=tmp_path / name,
            options=options or ConnectOptions(max_attempts=2, connect_timeout=2, read_timeout=5),
            period_start=PERIOD_START,
            period_end=PERIOD_END,
            regions=list(regions),
            records=load_records(RECORDS) if records else None,
            exemptions_file=str(exemptions) if exemptions else None,
            workers=workers,
            hooks=hooks,
        )
        return make(request, st)

    return run


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def entry(folder: Path, path_start: str) -> dict:
    """The manifest entry whose path starts with ``path_start`` (exactly one)."""
    found = [e for e in manifest_of(folder)["artifacts"] if e["path"].startswith(path_start)]
    assert len(found) == 1, [e["path"] for e in found]
    return found[0]
