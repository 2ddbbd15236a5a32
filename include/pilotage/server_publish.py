"""dbt and publication on the server warehouse (Postgres).

dbt (target ``postgres`` of ``dbt_project/profiles.yml``) builds the marts into the working
schema ``marts_build`` (``generate_schema_name``); raw, staging and intermediate stay unpublished.
After a build whose tests passed, :func:`publish` copies ``marts_build`` into a new schema and, in
one transaction, swaps it in as ``marts``: a reader sees the old marts or the new ones, never a
mix, and a failed build leaves ``marts`` as it was. BI users log in with roles granted
``pilotage_reader``, which has USAGE and SELECT on ``marts`` only.

The keyed customer hash: pgcrypto's ``hmac()`` with the key in the session setting
``pilotage.hash_key``, handed to dbt's connections through ``PGOPTIONS`` (libpq) from
the subprocess environment: the key is in no compiled SQL, log or table, as on DuckDB.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from pilotage.server_warehouse import connect

log = logging.getLogger("pilotage.server_publish")

PUBLISHED = "marts"  # what readers (BI, packs, `pilotage kpis`) query
BUILD = "marts_build"  # where dbt builds the marts (generate_schema_name on Postgres)
READER_ROLE = "pilotage_reader"
TARGET = "postgres"
_BUILD_LOCK = 727_102  # advisory lock id: one dbt build + publication at a time per warehouse


def _pgoptions_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace(" ", "\\ ")


def dbt_env(url: str, hash_key: str) -> dict[str, str]:
    """Environment for ``dbt --target postgres``: the connection fields profiles.yml reads, the
    password and the hash key as secrets (``DBT_ENV_SECRET_*`` are scrubbed from dbt's logs)."""
    parts = urlsplit(url)
    return {
        "PILOTAGE_PG_HOST": parts.hostname or "localhost",
        "PILOTAGE_PG_PORT": str(parts.port or 5432),
        "PILOTAGE_PG_USER": unquote(parts.username or "postgres"),
        "DBT_ENV_SECRET_PILOTAGE_PG_PASSWORD": unquote(parts.password or ""),
        "PILOTAGE_PG_DATABASE": unquote(parts.path.lstrip("/") or "postgres"),
        "PGOPTIONS": f"-c pilotage.hash_key={_pgoptions_value(hash_key)}",
    }


def prepare(url: str) -> None:
    """What the models need on the server before a build: pgcrypto (for ``hmac``)."""
    con = connect(url)
    try:
        con.execute("create extension if not exists pgcrypto with schema public")
    finally:
        con.close()


@contextlib.contextmanager
def build_lock(url: str) -> Iterator[None]:
    """One dbt build and publication at a time on this warehouse (a session advisory lock; raw
    loads do not take it)."""
    con = connect(url)
    try:
        con.execute("select pg_advisory_lock(?)", [_BUILD_LOCK])
        yield
    finally:
        con.close()  # ends the session: the lock is released


def publish(url: str) -> list[str]:
    """Copy ``marts_build`` into a new schema and swap it in as ``marts`` in one transaction;
    grant ``pilotage_reader`` read access to it (and to nothing else). Returns the tables."""
    con = connect(url)
    staged = f"{PUBLISHED}_next"
    old = f"{PUBLISHED}_old"
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by table_name", [BUILD]).fetchall()]
        con.execute("begin")
        con.execute(f"drop schema if exists {staged} cascade")
        con.execute(f"create schema {staged}")
        for table in tables:
            con.execute(f'create table {staged}."{table}" as select * from {BUILD}."{table}"')
        con.execute(f"""do $$ begin
            if not exists (select from pg_roles where rolname = '{READER_ROLE}') then
                create role {READER_ROLE} nologin;
            end if; end $$""")
        con.execute(f"drop schema if exists {old} cascade")
        con.execute(f"""do $$ begin
            if exists (select from pg_namespace where nspname = '{PUBLISHED}') then
                alter schema {PUBLISHED} rename to {old};
            end if; end $$""")
        con.execute(f"alter schema {staged} rename to {PUBLISHED}")
        con.execute(f"drop schema if exists {old} cascade")
        con.execute(f"grant usage on schema {PUBLISHED} to {READER_ROLE}")
        con.execute(f"grant select on all tables in schema {PUBLISHED} to {READER_ROLE}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()
    log.info("published %d mart(s) to schema %s (read-only role %s)", len(tables), PUBLISHED, READER_ROLE)
    return tables
