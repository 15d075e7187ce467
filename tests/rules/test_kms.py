"""SOC2_AWS_14: rotation of enabled, customer-managed, symmetric keys."""

from __future__ import annotations

import pytest

from soc2_checks.model import Status
from soc2_checks.views.kms import KmsKey

from .verdicts import MISSING, UNKNOWN, assert_verdict


def key(**changes) -> KmsKey:
    base = {
        "key_id": "k1",
        "enabled": True,
        "customer_managed": True,
        "key_spec": "SYMMETRIC_DEFAULT",
        "rotation_enabled": True,
    }
    return KmsKey(**{**base, **changes})


@pytest.mark.parametrize(
    ("view", "status", "fragment"),
    [
        pytest.param(key(), Status.PASSED, "KMS key k1 rotates automatically", id="rotating"),
        pytest.param(key(rotation_enabled=False), Status.FAILED, "KMS key k1 does not rotate", id="not-rotating"),
        pytest.param(key(rotation_enabled=UNKNOWN), Status.FAILED, "Cannot be confirmed", id="unknown"),
        pytest.param(key(rotation_enabled=MISSING), Status.ERROR, "GetThing failed", id="missing"),
        pytest.param(
            key(enabled=UNKNOWN, rotation_enabled=False),
            Status.FAILED,
            "Cannot be confirmed",
            id="applicability-unknown",
        ),
    ],
)
def test_aws_14_symmetric_customer_keys_rotate(view, status, fragment):
    assert_verdict("SOC2_AWS_14", view, status, fragment)


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(key(enabled=False, rotation_enabled=False), id="disabled"),
        pytest.param(key(pending_deletion=True, rotation_enabled=False), id="pending-deletion"),
        pytest.param(key(customer_managed=False, rotation_enabled=False), id="aws-managed"),
        pytest.param(key(key_spec="RSA_2048", rotation_enabled=MISSING), id="asymmetric"),
        pytest.param(key(key_spec="HMAC_256", rotation_enabled=False), id="hmac"),
    ],
)
def test_aws_14_keys_that_cannot_or_need_not_rotate_have_no_result(view):
    assert_verdict("SOC2_AWS_14", view, None)
