from __future__ import annotations

from dataclasses import dataclass

from . import Maybe


@dataclass(frozen=True)
class KmsKey:
    key_id: str
    enabled: Maybe[bool]
    customer_managed: Maybe[bool]
    key_spec: Maybe[str]  # "SYMMETRIC_DEFAULT", "RSA_2048", "HMAC_256", ...
    rotation_enabled: Maybe[bool]
    pending_deletion: Maybe[bool] = False
