"""The read-only guard: every client the scanner creates refuses, before anything is sent,
any operation that is not a read.

Read-only is enforced in code rather than trusted to the IAM policy, so that a scanner run
with an over-privileged role (a developer's admin profile) still cannot change the account.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

READ_PREFIXES = ("Describe", "Get", "List")
ALSO_READ = frozenset({"GenerateCredentialReport"})
"""GenerateCredentialReport only asks IAM to refresh the report the scanner then reads."""


class MutatingCallRefused(Exception):
    """Raised before sending a request for an operation that could change the account."""


def is_read_operation(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or operation in ALSO_READ


class CallLog:
    """Every operation the scanner attempted, every HTTP request it sent (retries included)
    and every operation the guard refused, shared by all threads of one scan."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.operations: Counter[tuple[str, str]] = Counter()
        self.refused: list[tuple[str, str]] = []
        self.requests = 0
        self.failures = 0

    def attempted(self, service: str, operation: str) -> None:
        with self._lock:
            self.operations[(service, operation)] += 1

    def sent(self) -> None:
        with self._lock:
            self.requests += 1

    def refuse(self, service: str, operation: str) -> None:
        with self._lock:
            self.refused.append((service, operation))

    def failed(self) -> None:
        with self._lock:
            self.failures += 1

    def operation_names(self) -> set[tuple[str, str]]:
        with self._lock:
            return set(self.operations)


def install_guard(client: Any, log: CallLog | None = None, also_allow: Iterable[str] = ()) -> None:
    """Refuse non-read operations on ``client`` at ``before-parameter-build``, the first event
    of every API call (paginators included), so a refused call is not even serialised.

    ``also_allow`` names extra operations for a client with one narrow purpose (the STS client
    that assumes the scan role)."""
    service = client.meta.service_model.service_name
    allowed = frozenset(also_allow)

    def guard(model: Any, **_: Any) -> None:
        name = model.name
        if not (is_read_operation(name) or name in allowed):
            if log is not None:
                log.refuse(service, name)
            raise MutatingCallRefused(
                f"{service}:{name} refused: the scanner is read-only and calls only Describe*, Get*, List* "
                "and GenerateCredentialReport"
            )
        if log is not None:
            log.attempted(service, name)

    def count(**_: Any) -> None:
        if log is not None:
            log.sent()

    client.meta.events.register_first("before-parameter-build", guard, unique_id="soc2-checks-read-only-guard")
    client.meta.events.register("before-send", count, unique_id="soc2-checks-request-count")
