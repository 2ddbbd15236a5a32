"""The secret key of the pseudonymous customer and case keys (HMAC-SHA-256 past the raw layer).

Where the key comes from, first found wins:

1. ``settings.hash_key`` (the environment variable ``PILOTAGE_HASH_KEY``);
2. the password of the Airflow Connection ``pilotage_hash_key`` (handed in by the DAGs through
   ``settings.connections``);
3. the key file ``<PILOTAGE_DATA_DIR>/secrets/hash_key`` (mode 0600), which :func:`resolve`
   creates with a random key when nothing else is set (the demo's case) and says where.

dbt receives it in its subprocess environment as ``DBT_ENV_SECRET_PILOTAGE_HASH_KEY`` (dbt scrubs
the values of ``DBT_ENV_SECRET_*`` variables from its logs); the dbt-duckdb plugin
:mod:`pilotage.dbt_plugin` reads it there and registers the SQL function. The key never enters a
Jinja context, so it is in no compiled SQL, manifest or log, and in no table of the warehouse.
Changing the key changes every customer_key and case_number past raw (a full rebuild follows).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from pilotage.settings import Settings

log = logging.getLogger("pilotage.hash_key")

ENV_VAR = "PILOTAGE_HASH_KEY"
DBT_ENV_VAR = "DBT_ENV_SECRET_PILOTAGE_HASH_KEY"
CONNECTION_ID = "pilotage_hash_key"


def key_file(data_dir: Path) -> Path:
    return data_dir / "secrets" / "hash_key"


def keyed_hash(key: str, value: str | None) -> str | None:
    """Hex HMAC-SHA-256 of ``value`` under ``key`` (None stays None)."""
    if value is None:
        return None
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def _write_new_key(path: Path) -> str:
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    log.warning("no %s set: generated a new customer hash key in %s (mode 0600). Keep it: a new key "
                "changes every customer_key. In production set %s or the Airflow Connection %s.",
                ENV_VAR, path, ENV_VAR, CONNECTION_ID)
    return key


def resolve(settings: Settings, generate: bool = True) -> tuple[str, str]:
    """(key, where it came from); creates the key file when nothing is set and ``generate``."""
    if settings.hash_key:
        return settings.hash_key, f"environment variable {ENV_VAR}"
    value = (settings.connections.get(CONNECTION_ID) or {}).get("password")
    if value:
        return value, f"Airflow Connection {CONNECTION_ID}"
    path = key_file(settings.data_dir)
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value, str(path)
    if not generate:
        raise RuntimeError(f"no hash key: set {ENV_VAR}, the Airflow Connection {CONNECTION_ID} or {path}")
    try:
        return _write_new_key(path), str(path)
    except FileExistsError:  # another process created it meanwhile
        return path.read_text(encoding="utf-8").strip(), str(path)
