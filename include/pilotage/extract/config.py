"""API settings of one source system, read from an Airflow Connection (never from code).

Connection ``pilotage_<source>_api`` (``pilotage_acd_api``, ``pilotage_crm_api``,
``pilotage_wfm_api``, ``pilotage_qa_api``), any conn type (``http``):

* ``host``: base URL (``https://api.mypurecloud.de``) or a host name, then ``schema`` is the
  scheme and ``port`` the port;
* ``password``: the API token (bearer), or the OAuth client secret when ``login`` holds the
  client id and ``extra.token_url`` is set (client-credentials grant, refreshed when it expires);
* ``extra`` (JSON): ``vendor`` (the API style, see ``vendors.EXTRACTORS``), ``token_url``,
  ``page_size``, ``connect_timeout``, ``read_timeout``, ``max_attempts``, ``backoff_seconds``,
  ``backoff_max_seconds``, ``max_retry_after_seconds``, ``poll_seconds``, ``job_timeout_seconds``,
  ``verify`` (TLS), plus vendor options (``instance_id``, ``exports``...).

Outside Airflow the same connection can be given as ``AIRFLOW_CONN_PILOTAGE_ACD_API`` (JSON or
URI), which Airflow's own lookup reads. Secrets never appear in ``repr`` or logs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("pilotage.extract")

CONN_ID = "pilotage_{source}_api"


class ConfigError(ValueError):
    """A connection is present but unusable (names the connection and the key)."""


@dataclass(frozen=True)
class ApiConfig:
    conn_id: str
    base_url: str
    vendor: str
    token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    token_url: str | None = None
    page_size: int = 500
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    max_attempts: int = 6
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    max_retry_after_seconds: float = 300.0
    poll_seconds: float = 5.0
    job_timeout_seconds: float = 1800.0
    verify: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_oauth(self) -> bool:
        return bool(self.token_url)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


_NUMBERS = {
    "page_size": int,
    "connect_timeout": float,
    "read_timeout": float,
    "max_attempts": int,
    "backoff_seconds": float,
    "backoff_max_seconds": float,
    "max_retry_after_seconds": float,
    "poll_seconds": float,
    "job_timeout_seconds": float,
}


def config_from_connection(conn: Any, conn_id: str) -> ApiConfig:
    """Build an :class:`ApiConfig` from an Airflow ``Connection``-like object."""
    extra = dict(getattr(conn, "extra_dejson", None) or {})
    host = (conn.host or "").strip()
    if not host:
        raise ConfigError(f"connection {conn_id}: 'host' (the API base URL) is empty")
    if "://" not in host:
        scheme = conn.schema or "https"
        host = f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")
    vendor = extra.pop("vendor", None)
    if not vendor:
        raise ConfigError(f"connection {conn_id}: extra 'vendor' is missing (which API style to use)")
    kwargs: dict[str, Any] = {}
    for key, kind in _NUMBERS.items():
        if key in extra:
            try:
                kwargs[key] = kind(extra.pop(key))
            except (TypeError, ValueError):
                raise ConfigError(f"connection {conn_id}: extra '{key}' must be a number") from None
    token_url = extra.pop("token_url", None)
    if token_url and not (conn.login and conn.password):
        raise ConfigError(
            f"connection {conn_id}: OAuth (extra 'token_url') needs the client id in "
            "'login' and the client secret in 'password'"
        )
    if not token_url and not conn.password:
        raise ConfigError(
            f"connection {conn_id}: no credentials: put the API token in 'password', "
            "or the OAuth client id/secret in 'login'/'password' with extra 'token_url'"
        )
    verify = extra.pop("verify", True)
    return ApiConfig(
        conn_id=conn_id,
        base_url=host,
        vendor=str(vendor),
        token=None if token_url else conn.password,
        client_id=conn.login if token_url else None,
        client_secret=conn.password if token_url else None,
        token_url=token_url,
        verify=bool(verify),
        options=extra,
        **kwargs,
    )


def lookup(source: str) -> ApiConfig | None:
    """The API config of ``source`` from its Airflow Connection, or None when none is defined."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    conn_id = CONN_ID.format(source=source)
    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None
    return config_from_connection(conn, conn_id)
