"""Adjustments that only a local AWS emulator (moto on 127.0.0.1) needs.

botocore's s3control endpoint rules put the account ID in front of the host
(``123456789012.127.0.0.1``), a name that does not resolve. For a loopback endpoint the
prefix is taken off again before the request is signed; real AWS endpoints are never touched,
and if the mapping ever failed the call would fail and its checks report ERROR, not PASS.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_local_endpoint(url: str | None) -> bool:
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def strip_account_prefix(url: str, local_host: str) -> str:
    """``http://123456789012.127.0.0.1:5000/v20180820/...`` -> ``http://127.0.0.1:5000/...``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    prefix, _, rest = host.partition(".")
    if rest != local_host or not prefix.isdigit():
        return url
    netloc = parts.netloc.replace(host, rest, 1)
    return urlunsplit(parts._replace(netloc=netloc))


def install_local_fixes(client: Any) -> None:
    """Install the s3control host mapping on a client whose endpoint is loopback."""
    endpoint = client.meta.endpoint_url
    if client.meta.service_model.service_name != "s3control" or not is_local_endpoint(endpoint):
        return
    local_host = urlsplit(endpoint).hostname or ""

    def unprefix(params: dict, **_: Any) -> None:
        params["url"] = strip_account_prefix(params["url"], local_host)

    # before-call runs after endpoint resolution and before signing, so the signature
    # (which moto checks when it enforces IAM) covers the host actually contacted.
    client.meta.events.register("before-call.s3-control", unprefix, unique_id="soc2-checks-local-s3control")
