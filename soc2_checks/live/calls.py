"""API calls that turn every failure into a :class:`~soc2_checks.model.Missing` naming the
operation and the IAM permission, so collectors never let an unread value look like a fact."""

from __future__ import annotations

import http
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..model import Missing
from .permissions import permission_for
from .session import Connection

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
    }
)


class CallFailed(Exception):
    def __init__(self, missing: Missing, code: str | None = None) -> None:
        super().__init__(missing.describe())
        self.missing = missing
        self.code = code  # the AWS error code, when AWS answered


class Api:
    """What collectors call: one scan's connection, with failures made explicit.

    An endpoint that did not answer is remembered, so the rest of the scan fails fast on it
    instead of waiting out the timeout for every remaining call."""

    def __init__(self, conn: Connection, sleep: Callable[[float], None] = time.sleep) -> None:
        self.conn = conn
        self.sleep = sleep
        self._dead: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def log(self):
        return self.conn.log

    def client(self, service: str, region: str | None = None) -> Any:
        return self.conn.client(service, region)

    def call(
        self, service: str, operation: str, region: str | None = None, *, absent: Iterable[str] = (), **params: Any
    ) -> dict | None:
        """Call ``operation``; None when AWS answers with one of the ``absent`` error codes (the
        thing asked about does not exist, which is a fact, not a failure)."""
        from botocore import xform_name

        client = self._live_client(service, operation, region)
        try:
            return getattr(client, xform_name(operation))(**params)
        except Exception as exc:
            code = _error_code(exc)
            if code in set(absent):
                return None
            raise CallFailed(self._missing(exc, client, service, operation, region), code) from None

    def paginate(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict:
        """Every page of ``operation`` merged into one response."""
        from botocore import xform_name

        client = self._live_client(service, operation, region)
        try:
            return client.get_paginator(xform_name(operation)).paginate(**params).build_full_result()
        except Exception as exc:
            raise CallFailed(self._missing(exc, client, service, operation, region), _error_code(exc)) from None

    def _live_client(self, service: str, operation: str, region: str | None) -> Any:
        client = self.client(service, region)
        with self._lock:
            dead = self._dead.get(client.meta.endpoint_url)
        if dead:
            raise CallFailed(Missing(_where(service, operation, region), dead))
        return client

    def _missing(self, exc: Exception, client: Any, service: str, operation: str, region: str | None) -> Missing:
        from botocore.exceptions import ClientError, ConnectionError, ConnectTimeoutError, ReadTimeoutError

        from .guard import MutatingCallRefused

        if isinstance(exc, MutatingCallRefused):
            raise exc  # a defect in a collector, never a data gap
        self.log.failed()
        where = _where(service, operation, region)
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            meta = exc.response.get("ResponseMetadata", {})
            status = meta.get("HTTPStatusCode")
            retries = meta.get("RetryAttempts") or 0
            code = err.get("Code") or _status_text(status)
            reason = f"{code}: {err['Message']}" if err.get("Message") else code
            if retries:
                reason += f" (after {retries} retries)"
            denied = code in DENIED_CODES or status == 403
            return Missing(where, reason, permission_for(service, operation) if denied else None)
        endpoint = client.meta.endpoint_url
        if isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
            opts = self.conn.options
            reason = (
                f"endpoint {endpoint} did not answer (connect timeout {opts.connect_timeout:g}s, "
                f"read timeout {opts.read_timeout:g}s, {opts.max_attempts} attempts)"
            )
            self._mark_dead(endpoint, reason)
            return Missing(where, reason)
        if isinstance(exc, ConnectionError):
            reason = f"endpoint {endpoint} could not be reached: {exc}"
            self._mark_dead(endpoint, reason)
            return Missing(where, reason)
        return Missing(where, f"{type(exc).__name__}: {exc}")

    def _mark_dead(self, endpoint: str, reason: str) -> None:
        with self._lock:
            self._dead.setdefault(endpoint, f"{reason}; not retried for the rest of the scan")


def _status_text(status: int | None) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except (TypeError, ValueError):
        return "an error without a code"


def _where(service: str, operation: str, region: str | None) -> str:
    return f"{service}:{operation}" + (f" in {region}" if region else "")


def _error_code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None
