"""The warehouse's ``raw`` schema: one table per contract entity, the load log and the
operator's acceptances of suspect deliveries."""

from __future__ import annotations

import duckdb
from pilotage.ingest.contracts import ENTITIES
from pilotage.ingest.gates import ACCEPT_DDL

LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    entity varchar not null,          -- <source>__<entity>
    business_date date not null,
    status varchar not null,          -- loaded | quarantined | suspect | missing
    source_file varchar,              -- latest delivered file for that day (null when missing)
    file_sha256 varchar,              -- its content hash
    loaded_sha256 varchar,            -- hash of the file whose rows are in raw now (kept when a
                                      -- later delivery is quarantined)
    row_count integer,                -- rows in raw now for that entity and day
    message varchar,                  -- why a file was quarantined or held back as suspect, or
                                      -- the warnings it raised (rules, volume, offsets)
    primary key (entity, business_date)
)
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per contract entity, and the load log (idempotent)."""
    con.execute("create schema if not exists raw")
    for ent in ENTITIES:
        cols = ", ".join(f'"{name}" {typ}' for name, typ in ent.all_columns.items())
        con.execute(f"create table if not exists {ent.table} ({cols})")
    con.execute(LOAD_LOG_DDL)
    con.execute(ACCEPT_DDL)
