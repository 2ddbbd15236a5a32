"""The server warehouse (PostgreSQL, ``PILOTAGE_WAREHOUSE=postgresql://...``): connections with
DuckDB's ``execute(sql, params).fetchall()`` shape, the raw schema, and the raw loads (COPY).

No file lock: Postgres writers take row locks, so two source loads (different tables, different
``raw._load_log`` rows) run at once; each entity's replace-the-day is one transaction, as on
DuckDB. Parsed Parquet is turned into CSV by an in-memory DuckDB and streamed with ``COPY``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb

from pilotage import unbuilt_days
from pilotage.ingest.contracts import ENTITIES, Entity
from pilotage.ingest.gates import ACCEPT_DDL
from pilotage.ingest.raw_schema import DROPPED_DDL, LOAD_LOG_ACCOUNTS, LOAD_LOG_DDL, REJECTED_ROWS_DDL

# DuckDB type names of the contracts that Postgres spells differently
PG_TYPES = {"DOUBLE": "double precision", "HUGEINT": "numeric", "UBIGINT": "numeric"}
_DDL_LOCK = 727_101  # advisory lock id: one process at a time creates the raw tables
_ENTITY_LOCK = 7271  # advisory lock class: one replace-the-day at a time per entity
_NULL = r"\N"  # the NULL marker of the CSV handed to COPY (an empty string stays an empty string)


def pg_type(duck_type: str) -> str:
    return PG_TYPES.get(duck_type.upper(), duck_type)


class Connection:
    """A psycopg2 connection in autocommit mode (``begin``/``commit`` are explicit statements, as
    on DuckDB) whose ``execute`` takes DuckDB's ``?`` placeholders and returns the cursor."""

    def __init__(self, url: str, read_only: bool = False) -> None:
        import psycopg2

        self.raw = psycopg2.connect(url)
        self.raw.autocommit = True
        if read_only:
            self.raw.set_session(readonly=True, autocommit=True)

    def execute(self, sql: str, params: Sequence[Any] | None = None):
        cursor = self.raw.cursor()
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))
        return cursor

    def copy_csv(self, table: str, columns: Sequence[str], path: str) -> None:
        quoted = ", ".join(f'"{c}"' for c in columns)
        with open(path, encoding="utf-8") as handle, self.raw.cursor() as cursor:
            cursor.copy_expert(f"copy {table} ({quoted}) from stdin with (format csv, header true, "
                               f"null '{_NULL}')", handle)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, read_only: bool = False) -> Connection:
    return Connection(url, read_only=read_only)


def ensure_raw_schema(con: Connection) -> None:
    """The raw schema of :mod:`pilotage.ingest.raw_schema` in Postgres types (idempotent). Only
    what is missing is created or added: an ``alter table`` takes an exclusive lock that would
    wait for every open load of that table, so a schema already in place takes no table lock.
    An advisory lock keeps two loads from creating the same table at once."""
    tables = {ent.table: {n: pg_type(t) for n, t in ent.all_columns.items()} for ent in ENTITIES}
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns "
            "where table_schema = 'raw'").fetchall():
        existing.setdefault(table, set()).add(column)
    missing_columns = [(t, n, typ) for t, cols in tables.items() if t in existing
                       for n, typ in cols.items() if n not in existing[t]]
    missing_columns += [("raw._load_log", n, typ) for n, typ in LOAD_LOG_ACCOUNTS.items()
                        if "raw._load_log" in existing and n not in existing["raw._load_log"]]
    expected = set(tables) | {"raw._load_log", "raw._rejected_rows", "raw._dropped_by_rule", "raw._load_accept",
                              unbuilt_days.TABLE}
    if expected <= set(existing) and not missing_columns:
        return
    con.execute("begin")
    try:
        con.execute("select pg_advisory_xact_lock(?)", [_DDL_LOCK])
        con.execute("create schema if not exists raw")
        for table, cols in tables.items():
            definition = ", ".join(f'"{name}" {typ}' for name, typ in cols.items())
            con.execute(f"create table if not exists {table} ({definition})")
        con.execute(LOAD_LOG_DDL)
        for ddl in (REJECTED_ROWS_DDL, DROPPED_DDL, ACCEPT_DDL, unbuilt_days.DDL):
            con.execute(ddl)
        for table, name, typ in missing_columns:
            con.execute(f'alter table {table} add column if not exists "{name}" {typ}')
        if "raw._load_log" not in existing:
            for name, typ in LOAD_LOG_ACCOUNTS.items():
                con.execute(f"alter table raw._load_log add column if not exists {name} {typ}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _copy_select(con: Connection, table: str, columns: Sequence[str], select: str,
                 params: list[Any]) -> int:
    """Run ``select`` in an in-memory DuckDB, write its rows as CSV and COPY them into ``table``;
    returns the row count."""
    fd, path = tempfile.mkstemp(suffix=".csv", prefix="pilotage-copy-")
    os.close(fd)
    try:
        duck = duckdb.connect()
        try:
            count = duck.execute(f"select count(*) from ({select})", params).fetchone()[0]
            if count:
                duck.execute(f"copy ({select}) to '{path}' (format csv, header true, nullstr '{_NULL}')",
                             params)
        finally:
            duck.close()
        if count:
            con.copy_csv(table, columns, path)
        return int(count)
    finally:
        os.unlink(path)


def replace_days(con: Connection, ent: Entity, parquet_files: list[str], days: list[date]) -> int:
    """Delete the given business days of an entity and COPY the rows of ``parquet_files`` for
    those days in their place (the caller holds the transaction), recording the days as unbuilt
    (:mod:`pilotage.unbuilt_days`); returns the rows inserted.
    A transaction-scoped advisory lock per entity makes two loads of the same entity take turns
    (the second one's delete then sees the first one's rows); other entities do not wait."""
    con.execute("select pg_advisory_xact_lock(?, hashtext(?))", [_ENTITY_LOCK, ent.key])
    con.execute(f"delete from {ent.table} where _business_date = any(?::date[])", [days])
    unbuilt_days.mark(con, ent.key, days)
    if not parquet_files:
        return 0
    casts = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in ent.all_columns.items())
    return _copy_select(con, ent.table, list(ent.all_columns),
                        f"select {casts} from read_parquet(?, union_by_name = true) "
                        "where _business_date = any(?::date[])", [parquet_files, days])


def replace_accounts(con: Connection, entity_key: str, days: list[date], rejected_files: list[str],
                     dropped: dict[date, dict[str, int]]) -> None:
    """Replace the days' rejected rows (from Parquet files) and drop-rule counts."""
    con.execute("delete from raw._rejected_rows where entity = ? and business_date = any(?::date[])",
                [entity_key, days])
    con.execute("delete from raw._dropped_by_rule where entity = ? and business_date = any(?::date[])",
                [entity_key, days])
    if rejected_files:
        columns = ["entity", "business_date", "source_file", "file_sha256", "row_number", "rules",
                   "row_values"]
        _copy_select(con, "raw._rejected_rows", columns,
                     f"select {', '.join(columns)} from read_parquet(?)", [rejected_files])
    for day, counts in dropped.items():
        for rule, count in counts.items():
            con.execute("insert into raw._dropped_by_rule values (?, ?, ?, ?)", [entity_key, day, rule, count])


def record(con: Connection, entity_key: str, day: date, *, status: str, source_file: str | None = None,
           file_sha256: str | None = None, message: str | None = None,
           loaded: tuple[str, int] | None = None, accounts: tuple[int, int, int] | None = None) -> None:
    """:func:`pilotage.ingest.loader.record` in Postgres (``insert ... on conflict do update``)."""
    if loaded is None:
        from pilotage.ingest.loader import record as portable_record

        portable_record(con, entity_key, day, status=status, source_file=source_file,  # type: ignore[arg-type]
                        file_sha256=file_sha256, message=message)
        return
    loaded_sha, row_count = loaded
    delivered, rejected, dropped = accounts or (row_count, 0, 0)
    values = {"entity": entity_key, "business_date": day, "status": status, "source_file": source_file,
              "file_sha256": file_sha256, "loaded_sha256": loaded_sha, "row_count": row_count,
              "message": message, "delivered_rows": delivered, "rejected_rows": rejected,
              "dropped_rows": dropped}
    names = ", ".join(values)
    updates = ", ".join(f"{n} = excluded.{n}" for n in values if n not in ("entity", "business_date"))
    con.execute(f"insert into raw._load_log ({names}) values ({', '.join('?' for _ in values)}) "
                f"on conflict (entity, business_date) do update set {updates}", list(values.values()))
