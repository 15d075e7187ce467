"""Fixtures for the live scanner: moto in-process, the registry, and a scan helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from soc2_checks.live.guard import CallLog
from soc2_checks.live.scan import LiveScan, scan_account
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.model import Result, Status
from soc2_checks.plugins import load
from soc2_checks.registry import Registry, RuleContext

PERIOD_END = dt.date(2026, 6, 30)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load(load_entry_points=False).registry


@pytest.fixture
def aws(monkeypatch):
    """An empty in-process AWS (moto), with credentials that only moto accepts."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with mock_aws():
        yield


@pytest.fixture
def fast_retries(monkeypatch):
    """botocore's retry backoff, shortened: the retry decisions stay botocore's own."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.001)


@dataclass
class Scan:
    out: LiveScan
    log: CallLog

    @property
    def results(self) -> list[Result]:
        return self.out.results

    def of(self, check_id: str) -> list[Result]:
        return [r for r in self.results if r.check_id == check_id]

    def status(self, check_id: str, resource_id_part: str = "") -> Status:
        """The status of the one result whose resource ID is, or else contains, the given text."""
        found = [r for r in self.of(check_id) if r.resource.id == resource_id_part] or [
            r for r in self.of(check_id) if resource_id_part in r.resource.id
        ]
        assert len(found) == 1, f"{check_id} {resource_id_part!r}: {[(r.resource.id, r.status) for r in found]}"
        return found[0].status

    def errors(self) -> list[Result]:
        return [r for r in self.results if r.status == Status.ERROR]

    def table(self) -> list[tuple[str, str, str, str]]:
        """Results as comparable rows."""
        return sorted((r.check_id, r.resource.id, str(r.status), r.message) for r in self.results)


@pytest.fixture
def scan(registry) -> Callable[..., Scan]:
    def run(
        regions: Sequence[str] | None = ("us-east-1",),
        hooks: Sequence[Callable] = (),
        period_end: dt.date = PERIOD_END,
        options: ConnectOptions | None = None,
        **kwargs,
    ) -> Scan:
        log = CallLog()
        opts = options or ConnectOptions(max_attempts=3, connect_timeout=2, read_timeout=5)
        ctx = RuleContext(as_of=period_end, period_end=period_end)
        out = scan_account(
            lambda: Connection(opts, hooks=hooks, log=log),
            registry,
            ctx,
            lambda check_id: [],
            regions=list(regions) if regions else None,
            api_factory=lambda conn: _no_wait_api(conn),
            **kwargs,
        )
        return Scan(out, log)

    return run


def _no_wait_api(conn):
    from soc2_checks.live.calls import Api

    return Api(conn, sleep=lambda seconds: None)


def policy_document(statement_actions: list[str]) -> str:
    import json

    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": statement_actions, "Resource": "*"}]}
    )
