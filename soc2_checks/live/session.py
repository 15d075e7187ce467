"""Where the scanner's credentials and clients come from.

Credentials are resolved once (a profile, the default chain, or an assumed role refreshed
before it expires) and shared. Each service and region gets one client, created under a lock
from a session no other thread uses, and then shared by the worker threads: boto3's low-level
clients are thread-safe (its sessions are not), and boto3 recommends exactly this. A client
per thread instead would cost about 10 MB per worker for identical copies. Every client has
the read-only guard installed. Retries use botocore's standard or adaptive mode, with connect
and read timeouts so that an endpoint that never answers becomes an ERROR, not a hung scan.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import __version__
from ..errors import UsageError
from ..model import Missing
from .guard import CallLog, install_guard
from .local_endpoint import install_local_fixes, is_local_endpoint

ClientHook = Callable[[Any], None]
"""Called with every new client (tests use it to inject faults)."""


@dataclass(frozen=True)
class ConnectOptions:
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    role_session_name: str = "soc2-checks"
    endpoint_url: str | None = None
    region: str | None = None
    """The home region for global services; default: the profile's region, else us-east-1."""
    retry_mode: str = "standard"
    max_attempts: int = 8
    """Total attempts per call, first one included."""
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_pool_connections: int = 10


class ConnectFailed(Exception):
    """The scan cannot start (the role could not be assumed): every check reports ERROR."""

    def __init__(self, missing: Missing) -> None:
        super().__init__(missing.describe())
        self.missing = missing


class Connection:
    def __init__(self, options: ConnectOptions, hooks: Sequence[ClientHook] = (), log: CallLog | None = None):
        import botocore.session
        from botocore.exceptions import BotoCoreError, ProfileNotFound

        self.options = options
        self.hooks = tuple(hooks)
        self.log = log or CallLog()
        base = botocore.session.Session(profile=options.profile)
        try:
            self.home_region = options.region or base.get_config_variable("region") or "us-east-1"
            credentials = base.get_credentials()
        except ProfileNotFound as exc:
            raise UsageError(f"--profile {options.profile}: {exc}") from None
        except BotoCoreError as exc:
            raise UsageError(f"AWS credentials could not be loaded: {exc}") from None
        if credentials is None:
            raise UsageError(
                "no AWS credentials found: use --profile, the AWS_* environment variables, or an instance/role identity"
            )
        self._base = base
        self._loader = _shared_loader()
        base.register_component("data_loader", self._loader)
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()
        self._client_session: Any = None
        self.credentials = credentials
        if options.role_arn:
            self.credentials = self._assume_role(credentials)

    @property
    def endpoint_is_local(self) -> bool:
        return is_local_endpoint(self.options.endpoint_url)

    def partition_of(self, region: str) -> str | None:
        """The partition botocore's endpoint data places ``region`` in (None: unknown)."""
        from botocore.exceptions import UnknownRegionError

        try:
            return self._base.get_partition_for_region(region)
        except UnknownRegionError:
            return None

    def config(self) -> Any:
        from botocore.config import Config

        return Config(
            retries={"mode": self.options.retry_mode, "total_max_attempts": self.options.max_attempts},
            connect_timeout=self.options.connect_timeout,
            read_timeout=self.options.read_timeout,
            max_pool_connections=self.options.max_pool_connections,
            user_agent_extra=f"soc2-checks/{__version__}",
            s3={"addressing_style": "path"} if self.endpoint_is_local else None,
        )

    def session(self, credentials: Any = None) -> Any:
        """A new boto3 session over the shared credentials and the shared (read-only) model
        loader, so sessions (one per account of an organization) do not each parse the service
        models again."""
        import boto3
        import botocore.session
        from botocore.credentials import CredentialResolver

        bs = botocore.session.Session(profile=self.options.profile)
        bs.register_component("data_loader", self._loader)
        bs.register_component("credential_provider", CredentialResolver([_Shared(credentials or self.credentials)]))
        return boto3.Session(botocore_session=bs, region_name=self.home_region)

    def client(self, service: str, region: str | None = None) -> Any:
        """The client for ``service`` in ``region``, created on first use and shared by threads."""
        key = (service, region or self.home_region)
        client = self._clients.get(key)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(key)
                if client is None:
                    if self._client_session is None:
                        self._client_session = self.session()
                    client = self._clients[key] = self._new_client(self._client_session, service, key[1])
        return client

    def assumed(self, role_arn: str, external_id: str | None = None) -> Connection:
        """A connection to another account through ``role_arn``, assumed with this connection's
        credentials (so ``--role-arn`` then an organization role chains as AWS allows). It
        shares the model loader, the client hooks and the call log; its clients are its own."""
        other = copy.copy(self)
        other.options = replace(self.options, role_arn=role_arn, external_id=external_id)
        other._clients, other._clients_lock, other._client_session = {}, threading.Lock(), None
        other.credentials = other._assume_role(self.credentials)
        return other

    def _new_client(self, session: Any, service: str, region: str, also_allow: Sequence[str] = ()) -> Any:
        client = session.client(
            service, region_name=region, endpoint_url=self.options.endpoint_url, config=self.config()
        )
        install_guard(client, self.log, also_allow)
        install_local_fixes(client)
        for hook in self.hooks:
            hook(client)
        return client

    def _assume_role(self, source: Any) -> Any:
        """Assume the scan role and keep its credentials fresh (botocore refreshes them shortly
        before they expire), so a long scan does not die at the one-hour mark."""
        from botocore.credentials import RefreshableCredentials
        from botocore.exceptions import BotoCoreError, ClientError

        sts = self._new_client(self.session(source), "sts", self.home_region, also_allow=("AssumeRole",))
        params: dict[str, Any] = {"RoleArn": self.options.role_arn, "RoleSessionName": self.options.role_session_name}
        if self.options.external_id:
            params["ExternalId"] = self.options.external_id

        def fetch() -> dict[str, Any]:
            c = sts.assume_role(**params)["Credentials"]
            expiry = c["Expiration"]
            if isinstance(expiry, dt.datetime):
                expiry = expiry.isoformat()
            return {
                "access_key": c["AccessKeyId"],
                "secret_key": c["SecretAccessKey"],
                "token": c["SessionToken"],
                "expiry_time": expiry,
            }

        try:
            return RefreshableCredentials.create_from_metadata(fetch(), fetch, "assume-role")
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise ConnectFailed(
                Missing(
                    operation=f"sts:AssumeRole of {self.options.role_arn}",
                    reason=f"{err.get('Code', 'Error')}: {err.get('Message', exc)}",
                    permission="sts:AssumeRole (and a trust policy admitting the caller"
                    + (" with this external ID)" if self.options.external_id else ")"),
                )
            ) from None
        except BotoCoreError as exc:
            raise ConnectFailed(Missing(f"sts:AssumeRole of {self.options.role_arn}", str(exc))) from None


_LOADER: Any = None


def _shared_loader() -> Any:
    """One botocore model loader for the whole process: service models are parsed once, not
    once per thread or per account. The loader only caches immutable parsed JSON."""
    global _LOADER
    if _LOADER is None:
        from botocore.loaders import create_loader

        _LOADER = create_loader()
    return _LOADER


class _Shared:
    """A credential provider handing every per-thread session the same credentials object
    (refreshable credentials refresh under their own lock)."""

    METHOD = "soc2-checks-shared"
    CANONICAL_NAME = None

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials
