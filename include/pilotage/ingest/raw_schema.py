"""The warehouse's ``raw`` schema: one table per contract entity, the load log the row accounts
(rows rejected by a rule, records dropped by a layout rule), the operator's acceptances of
suspect deliveries and the days loaded but not yet built (:mod:`pilotage.unbuilt_days`)."""

from __future__ import annotations

import duckdb
from pilotage import unbuilt_days
from pilotage.ingest.contracts import ENTITIES
from pilotage.ingest.gates import ACCEPT_DDL

LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    entity varchar not null,          -- <source>__<entity>
    business_date date not null,
    status varchar not null,          -- loaded | quarantined | suspect | missing | not_delivered
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
# Every record of the loaded file is accounted for: delivered = row_count + rejected + dropped.
LOAD_LOG_ACCOUNTS = {
    "delivered_rows": "integer",  # records the loaded file held (after a layout's explode)
    "rejected_rows": "integer",  # of them, rows a reject_rows rule kept out (raw._rejected_rows)
    "dropped_rows": "integer",  # of them, records a layout drop_when rule removed
}

REJECTED_ROWS_DDL = """
create table if not exists raw._rejected_rows (
    entity varchar not null,
    business_date date not null,
    source_file varchar not null,     -- file name as delivered
    file_sha256 varchar not null,
    row_number integer not null,      -- 1-based record number within the file
    rules varchar not null,           -- ids of the reject_rows rules the row failed, comma-separated
    row_values json                   -- the row's canonical values
)
"""

DROPPED_DDL = """
create table if not exists raw._dropped_by_rule (
    entity varchar not null,
    business_date date not null,
    rule varchar not null,            -- the layout's drop_when rule name
    row_count integer not null,       -- records of the loaded file it removed
    primary key (entity, business_date, rule)
)
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per contract entity, the load log and the row accounts;
    add columns a newer contract or log has (idempotent)."""
    con.execute("create schema if not exists raw")
    for ent in ENTITIES:
        cols = ", ".join(f'"{name}" {typ}' for name, typ in ent.all_columns.items())
        con.execute(f"create table if not exists {ent.table} ({cols})")
        for name, typ in ent.all_columns.items():
            con.execute(f'alter table {ent.table} add column if not exists "{name}" {typ}')
    con.execute(LOAD_LOG_DDL)
    for name, typ in LOAD_LOG_ACCOUNTS.items():
        con.execute(f"alter table raw._load_log add column if not exists {name} {typ}")
    con.execute(REJECTED_ROWS_DDL)
    con.execute(DROPPED_DDL)
    con.execute(ACCEPT_DDL)
    con.execute(unbuilt_days.DDL)
