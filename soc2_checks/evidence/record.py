"""Keeping every read response exactly as AWS sent it, for the package's raw artifacts.

A :class:`CallRecorder` is a client hook of :class:`~soc2_checks.live.session.Connection`: it
sees every call the live collectors and the evidence reads make, after botocore parsed it and
after retries, and keeps the response (pages of one listing merged) or the error. Artifacts
are then built from what the scan actually received, so evidence and verdicts come from the
same reads, and nothing is read twice to produce them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..live.calls import DENIED_CODES
from ..live.guard import is_read_operation
from ..live.permissions import permission_for
from ..model import Missing

CONTINUES = re.compile(r"token|marker", re.I)
"""Request parameters that continue a listing (NextToken, Marker, ContinuationToken...)."""
PAGE_SIZE = re.compile(r"^(maxitems|maxresults|limit|pagesize)$", re.I)
"""Request parameters that size pages: one listing is one call whatever its paging."""
PAGE_KEYS = frozenset(
    {"NextToken", "nextToken", "Marker", "NextMarker", "IsTruncated", "ContinuationToken", "NextContinuationToken"}
)
"""Response keys that only say where the next page starts."""
PARAMS_KEY = "soc2_checks_evidence_params"


@dataclass
class Call:
    """One API call as the scan made it: a listing's pages are one call."""

    service: str
    region: str
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None = None
    error: Missing | None = None
    at: dt.datetime | None = None
    pages: int = 0
    code: str | None = None
    """The AWS error code of a failed call (NoSuchEntity is a fact about the account)."""

    @property
    def source(self) -> str:
        return f"{self.service}:{self.operation}"

    @property
    def ok(self) -> bool:
        return self.error is None and self.response is not None


@dataclass
class CallRecorder:
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    _calls: dict[tuple[str, str], dict[tuple[str, str], Call]] = field(default_factory=dict)
    """(service, operation) -> (region, parameters as canonical JSON) -> the call."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    def __call__(self, client: Any) -> None:
        """Install on a new client (a :data:`~soc2_checks.live.session.ClientHook`)."""
        service = client.meta.service_model.service_name
        region = client.meta.region_name

        def remember(params: dict, model: Any, context: dict, **_: Any) -> None:
            context[PARAMS_KEY] = (model.name, dict(params))

        def received(http_response: Any, parsed: dict, model: Any, context: dict, **_: Any) -> None:
            status = getattr(http_response, "status_code", None)
            error, code = None, None
            if status is None or status >= 300:
                err = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
                code = err.get("Code") or f"HTTP {status}"
                reason = f"{code}: {err['Message']}" if err.get("Message") else code
                denied = code in DENIED_CODES or status == 403
                permission = permission_for(service, model.name) if denied else None
                error = Missing(f"{service}:{model.name} in {region}", reason, permission)
            _, params = context.get(PARAMS_KEY, (None, {}))
            self._keep(service, region, model.name, params, None if error else parsed, error, code)

        def failed(exception: Exception, context: dict, **_: Any) -> None:
            if PARAMS_KEY in context:  # a connection failure, a timeout: no response at all
                name, params = context[PARAMS_KEY]
                missing = Missing(f"{service}:{name} in {region}", f"{type(exception).__name__}: {exception}")
                self._keep(service, region, name, params, None, missing)

        client.meta.events.register("before-parameter-build", remember, unique_id="soc2-checks-evidence-params")
        client.meta.events.register("after-call", received, unique_id="soc2-checks-evidence-record")
        client.meta.events.register("after-call-error", failed, unique_id="soc2-checks-evidence-record-error")

    def _keep(
        self,
        service: str,
        region: str,
        operation: str,
        params: dict[str, Any],
        response: dict | None,
        error: Missing | None,
        code: str | None = None,
    ) -> None:
        if not is_read_operation(operation):
            return  # the role assumption's credentials are never kept
        base = {k: v for k, v in params.items() if not (CONTINUES.search(k) or PAGE_SIZE.match(k))}
        frozen = _frozen(base)
        key = (service, region, operation, frozen)
        open_calls: dict[tuple, Call] = self._local.__dict__.setdefault("open", {})
        continued = key in open_calls and any(CONTINUES.search(k) for k in params)
        now = self.clock()
        if continued:
            call = open_calls[key]
            if error is not None:
                call.error, call.response, call.code = error, None, code
            elif call.response is not None:
                _merge_page(call.response, response or {})
            call.at, call.pages = now, call.pages + 1
        else:
            call = Call(service, region, operation, base, _page(response) if response else None, error, now, 1, code)
            open_calls[key] = call
        with self._lock:
            self._calls.setdefault((service, operation), {})[(region, frozen)] = call

    # -- reading ---------------------------------------------------------------------------

    def find(self, service: str, operation: str, region: str | None = None, **params: Any) -> Call | None:
        """The call with exactly these parameters (pagination aside); in any region when
        ``region`` is None."""
        wanted = _frozen(params)
        with self._lock:
            made = self._calls.get((service, operation), {})
            if region is not None:
                return made.get((region, wanted))
            return next((c for (_, frozen), c in sorted(made.items()) if frozen == wanted), None)

    def calls(self, service: str, operation: str) -> list[Call]:
        with self._lock:
            made = self._calls.get((service, operation), {})
            return [c for _, c in sorted(made.items())]

    def __iter__(self) -> Iterator[Call]:
        with self._lock:
            return iter([c for made in self._calls.values() for c in made.values()])


def _frozen(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def _page(response: dict) -> dict:
    """A page without its metadata; lists are copied, as later pages are appended to them."""
    return {
        k: list(v) if isinstance(v, list) else v
        for k, v in response.items()
        if k != "ResponseMetadata" and k not in PAGE_KEYS
    }


def _merge_page(into: dict, page: dict) -> None:
    for k, v in _page(page).items():
        if isinstance(v, list) and isinstance(into.get(k), list):
            into[k].extend(v)
        else:
            into.setdefault(k, v)
