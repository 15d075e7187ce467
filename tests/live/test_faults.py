"""Throttling, denial and endpoints that never answer: the scan finishes, reports ERROR for
exactly what it could not read (naming operation and permission), and never a false PASS."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from soc2_checks.live.guard import CallLog
from soc2_checks.live.scan import scan_account
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.model import Status
from soc2_checks.registry import RuleContext

from .accounts import seed_everything
from .conftest import PERIOD_END
from .faults import Inject

REGIONS = ("us-east-1", "eu-west-1")


def test_one_in_five_requests_throttled_gives_the_clean_results(aws, scan, fast_retries):
    seed_everything(REGIONS)
    clean = scan(regions=REGIONS)
    throttle = Inject("throttle", lambda service, op, n: n % 5 == 0)
    noisy = scan(regions=REGIONS, hooks=[throttle], options=ConnectOptions(max_attempts=8))
    assert throttle.injected >= 10
    assert noisy.log.requests > clean.log.requests  # the throttled requests were retried
    assert noisy.table() == clean.table()
    assert noisy.errors() == []


def test_throttled_past_the_retries_is_an_error_and_the_rest_goes_on(aws, scan, fast_retries):
    seed_everything()
    clean = scan()
    throttle = Inject("throttle", lambda service, op, n: op == "ListKeys")
    s = scan(hooks=[throttle], options=ConnectOptions(max_attempts=3))
    [error] = s.errors()
    assert error.check_id == "SOC2_AWS_14"
    assert "kms:ListKeys in us-east-1 failed: ThrottlingException" in error.message
    assert "after 2 retries" in error.message
    assert s.log.operations[("kms", "ListKeys")] == 1 and throttle.injected == 3
    assert [r for r in s.table() if r[0] != "SOC2_AWS_14"] == [r for r in clean.table() if r[0] != "SOC2_AWS_14"]


@pytest.mark.parametrize(
    ("service", "check_id", "permission"),
    [
        ("s3", "SOC2_AWS_11", "s3:GetEncryptionConfiguration"),
        ("ec2", "SOC2_AWS_15", "ec2:DescribeSecurityGroups"),
        ("guardduty", "SOC2_AWS_10", "guardduty:ListDetectors"),
        ("iam", "SOC2_AWS_1", "iam:GetCredentialReport"),
    ],
)
def test_access_denied_in_each_protocol_names_the_permission(aws, scan, service, check_id, permission):
    """AccessDenied as each protocol's services send it (moto's IAM enforcement is tested in
    test_read_only; this covers the error formats AWS uses)."""
    seed_everything()
    operation = permission.split(":")[1] if service != "s3" else "GetBucketEncryption"
    deny = Inject("deny", lambda svc, op, n: svc == service and op == operation)
    s = scan(hooks=[deny])
    errors = [r for r in s.of(check_id) if r.status == Status.ERROR]
    assert errors, [r.message for r in s.of(check_id)]
    assert all(f"(needs {permission})" in r.message for r in errors)


def test_a_report_that_cannot_be_regenerated_is_read_as_it_is_with_a_warning(aws, scan):
    seed_everything()
    scan()  # leaves a generated report behind, as an earlier scan or a person would
    deny = Inject("deny", lambda svc, op, n: op == "GenerateCredentialReport")
    s = scan(hooks=[deny])
    assert s.status("SOC2_AWS_1", "user/alice") == Status.FAILED
    [warning] = [w for w in s.out.warnings if "credential report" in w]
    assert "needs iam:GenerateCredentialReport" in warning and "was used" in warning


class Silent:
    """A TCP server that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self._stop.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()


def test_an_endpoint_that_never_answers_is_a_clear_error_within_the_timeout(registry, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    server = Silent()
    try:
        options = ConnectOptions(
            endpoint_url=f"http://127.0.0.1:{server.port}", read_timeout=0.5, connect_timeout=0.5, max_attempts=2
        )
        started = time.monotonic()
        out = scan_account(
            lambda: Connection(options, log=CallLog()),
            registry,
            RuleContext(as_of=PERIOD_END, period_end=PERIOD_END),
            lambda c: [],
            regions=["us-east-1"],
        )
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert elapsed < 10
    assert out.results and {r.status for r in out.results} == {Status.ERROR}
    assert {r.check_id for r in out.results} >= {f"SOC2_AWS_{n}" for n in range(1, 20)}
    assert "did not answer" in out.results[0].message and "sts:GetCallerIdentity" in out.results[0].message


def test_a_service_that_stops_answering_fails_fast_for_the_rest_of_the_scan(aws, scan, fast_retries):
    """After one timeout on an endpoint, the scan does not wait out the timeout again there."""
    from botocore.exceptions import ReadTimeoutError

    seed_everything()

    def hang(client) -> None:
        if client.meta.service_model.service_name == "kms":

            def timeout(request, **_):
                raise ReadTimeoutError(endpoint_url=request.url)

            client.meta.events.register_first("before-send", timeout)

    s = scan(hooks=[hang])
    errors = s.errors()
    assert {r.check_id for r in errors} == {"SOC2_AWS_14"}
    assert "did not answer" in errors[0].message
    assert s.log.operations[("kms", "DescribeKey")] == 0


def test_a_collector_that_raises_is_an_error_for_its_checks(aws, scan, monkeypatch):
    from soc2_checks.live.services import rds

    def broken(api, region, operation, key):
        raise KeyError("DBInstances")

    monkeypatch.setattr(rds, "listing", broken)
    s = scan()
    errors = s.errors()
    assert {r.check_id for r in errors} == {"SOC2_AWS_17"}
    assert "Collecting rds failed: KeyError" in errors[0].message
