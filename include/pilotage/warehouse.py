"""The DuckDB warehouse file: one writer at a time, raw schema created from the contracts."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pilotage.ingest.contracts import ENTITIES

LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    entity varchar not null,          -- <source>__<entity>
    business_date date not null,
    status varchar not null,          -- loaded | quarantined | missing
    source_file varchar,              -- latest delivered file for that day (null when missing)
    file_sha256 varchar,              -- its content hash
    loaded_sha256 varchar,            -- hash of the file whose rows are in raw now (kept when a
                                      -- later delivery is quarantined)
    row_count integer,                -- rows in raw now for that entity and day
    message varchar,                  -- why a file was quarantined, or the warnings it raised
    primary key (entity, business_date)
)
"""


@contextlib.contextmanager
def writer_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the warehouse file while writing (one writer per file).

    Airflow's 1-slot ``duckdb_writer`` pool serializes tasks; this lock also covers the CLI and any
    process outside Airflow."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_suffix(warehouse.suffix + ".lock")
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if not read_only:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per contract entity, and the load log (idempotent)."""
    con.execute("create schema if not exists raw")
    for ent in ENTITIES:
        cols = ", ".join(f'"{name}" {typ}' for name, typ in ent.all_columns.items())
        con.execute(f"create table if not exists {ent.table} ({cols})")
    con.execute(LOAD_LOG_DDL)
