"""botocore's Stubber for the operations moto does not implement, beside moto for the rest.

A Stubber answers every call of the client it is attached to, and the collection's clients
also make calls moto serves. So each scanner client of the service gets a twin client with a
Stubber, and only the named operations are answered from the twin (its Stubber checks the
request against the expected parameters and the response against the service model, as for
a stubbed client); every other operation goes to moto as usual."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber

PARAMS = "tests-evidence-stub-params"


class PartialStubs:
    def __init__(self, service: str, operations: set[str], fill: Callable[[Stubber, str], None]) -> None:
        self.service, self.operations, self.fill = service, operations, fill
        self.answered: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, client: Any) -> None:
        if client.meta.service_model.service_name != self.service:
            return
        region = client.meta.region_name
        twin = boto3.session.Session().client(
            self.service, region_name=region, aws_access_key_id="stub", aws_secret_access_key="stub"
        )
        stubber = Stubber(twin)
        self.fill(stubber, region)
        stubber.activate()

        def remember(params: dict, context: dict, **_: Any) -> None:
            context[PARAMS] = dict(params)

        def answer(model: Any, context: dict, **_: Any) -> tuple[AWSResponse, dict] | None:
            if model.name not in self.operations:
                return None
            with self._lock:
                self.answered.append((model.name, region))
            try:
                parsed = getattr(twin, xform_name(model.name))(**context.get(PARAMS, {}))
                return AWSResponse("https://stubbed.invalid/", 200, {}, None), parsed
            except ClientError as exc:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
                return AWSResponse("https://stubbed.invalid/", status, {}, None), exc.response

        client.meta.events.register("before-parameter-build", remember)
        client.meta.events.register_first("before-call", answer)
