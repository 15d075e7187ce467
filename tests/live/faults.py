"""Fault injection on the scanner's clients: AWS error responses in each protocol's own
format, served at ``before-send`` so that botocore parses them and its retry logic decides,
exactly as for a response from AWS."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any):
        yield self.data


def error_response(protocol: str, kind: str) -> AWSResponse:
    """``kind`` is "throttle" or "deny"; the codes are the ones each protocol's services use."""
    if protocol in ("json", "rest-json"):
        code = {"throttle": "ThrottlingException", "deny": "AccessDeniedException"}[kind]
        status = 400 if kind == "throttle" else 403
        body = json.dumps({"__type": code, "message": "injected"}).encode()
        headers = {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1"}
    elif protocol == "ec2":
        code = {"throttle": "RequestLimitExceeded", "deny": "UnauthorizedOperation"}[kind]
        status = 503 if kind == "throttle" else 403
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>injected</Message></Error></Errors></Response>"
        body, headers = body.encode(), {}
    elif protocol == "query":
        code = {"throttle": "Throttling", "deny": "AccessDenied"}[kind]
        status = 400 if kind == "throttle" else 403
        error = f"<Error><Type>Sender</Type><Code>{code}</Code><Message>injected</Message></Error>"
        body, headers = f"<ErrorResponse>{error}</ErrorResponse>".encode(), {}
    else:  # rest-xml (S3)
        code = {"throttle": "SlowDown", "deny": "AccessDenied"}[kind]
        status = 503 if kind == "throttle" else 403
        body, headers = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode(), {}
    return AWSResponse("https://injected.invalid/", status, headers, _Body(body))


class Inject:
    """A client hook answering some requests with an injected error instead of sending them.

    ``when(service, operation, n)`` gets the request's global sequence number ``n``."""

    def __init__(self, kind: str, when: Callable[[str, str, int], bool]) -> None:
        self.kind, self.when = kind, when
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.injected = 0

    def __call__(self, client) -> None:
        service = client.meta.service_model.service_name
        protocol = client.meta.service_model.protocol

        def maybe_fail(request, event_name: str, **_: Any):
            operation = event_name.rsplit(".", 1)[-1]
            with self._lock:
                n = next(self._counter)
                hit = self.when(service, operation, n)
                self.injected += hit
            return error_response(protocol, self.kind) if hit else None

        # first, so that it answers before moto's in-process responder
        client.meta.events.register_first("before-send", maybe_fail)
