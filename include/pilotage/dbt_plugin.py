"""dbt-duckdb plugin (``plugins: [{module: pilotage.dbt_plugin}]`` in profiles.yml): registers
``pilotage_keyed_hash(varchar) -> varchar``, the hex HMAC-SHA-256 of its argument under the key
in ``DBT_ENV_SECRET_PILOTAGE_HASH_KEY`` (or ``PILOTAGE_HASH_KEY``), on every dbt connection.

DuckDB's core has no HMAC and community extensions need a download; a Python function keeps the
key in this process's memory only. Called without a key, the function fails the query (so a
build without a key fails instead of writing unkeyed hashes); registering it needs no key, so
``dbt parse`` and ``dbt docs`` work without one.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from pilotage.hash_key import DBT_ENV_VAR, ENV_VAR, keyed_hash
from pilotage.settings import secret_from_environment

FUNCTION_NAME = "pilotage_keyed_hash"


def _key() -> str:
    key = secret_from_environment(DBT_ENV_VAR) or secret_from_environment(ENV_VAR)
    if not key:
        raise RuntimeError(f"{FUNCTION_NAME}: no key; set {ENV_VAR} (pilotage.transform passes it to dbt)")
    return key


def _hash(value: str) -> str:
    return keyed_hash(_key(), value)


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        from duckdb.sqltypes import VARCHAR

        conn.create_function(FUNCTION_NAME, _hash, [VARCHAR], VARCHAR, side_effects=False)
