"""Write validated rows into the DuckDB raw layer: a day replaces itself, in one transaction."""

from __future__ import annotations

from datetime import date

import duckdb
from pilotage import unbuilt_days
from pilotage.ingest.contracts import Entity


def loaded_hashes(con: duckdb.DuckDBPyConnection, entity_key: str) -> dict[date, str]:
    """Hash of the file currently loaded for each day of an entity."""
    rows = con.execute(
        "select business_date, loaded_sha256 from raw._load_log "
        "where entity = ? and loaded_sha256 is not null",
        [entity_key],
    ).fetchall()
    return {day: sha for day, sha in rows}


def replace_days(con: duckdb.DuckDBPyConnection, ent: Entity, parquet_files: list[str],
                 days: list[date]) -> int:
    """Delete the given business days of an entity and insert the rows of ``parquet_files``
    (validated canonical rows) in their place, recording the days as unbuilt
    (:mod:`pilotage.unbuilt_days`); returns the number of rows inserted."""
    con.execute(f"delete from {ent.table} where _business_date = any(?::date[])", [days])
    unbuilt_days.mark(con, ent.key, days)
    if not parquet_files:
        return 0
    quoted = ", ".join(f'"{c}"' for c in ent.all_columns)
    casts = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in ent.all_columns.items())
    before = con.execute(f"select count(*) from {ent.table}").fetchone()[0]
    con.execute(
        f"insert into {ent.table} ({quoted}) select {casts} "
        f"from read_parquet(?, union_by_name = true) where _business_date = any(?::date[])",
        [parquet_files, days],  # only the given days: a held-back file's rows share the cache
    )
    return con.execute(f"select count(*) from {ent.table}").fetchone()[0] - before


def replace_accounts(con: duckdb.DuckDBPyConnection, entity_key: str, days: list[date],
                     rejected_files: list[str], dropped: dict[date, dict[str, int]]) -> None:
    """Replace the days' rejected rows (from Parquet files) and drop-rule counts."""
    con.execute("delete from raw._rejected_rows where entity = ? and business_date = any(?::date[])",
                [entity_key, days])
    con.execute("delete from raw._dropped_by_rule where entity = ? and business_date = any(?::date[])",
                [entity_key, days])
    if rejected_files:
        con.execute("insert into raw._rejected_rows select entity, business_date, source_file, "
                    "file_sha256, row_number, rules, row_values::json from read_parquet(?)",
                    [rejected_files])
    for day, counts in dropped.items():
        for rule, count in counts.items():
            con.execute("insert into raw._dropped_by_rule values (?, ?, ?, ?)", [entity_key, day, rule, count])


def record(
    con: duckdb.DuckDBPyConnection,
    entity_key: str,
    day: date,
    *,
    status: str,
    source_file: str | None = None,
    file_sha256: str | None = None,
    message: str | None = None,
    loaded: tuple[str, int] | None = None,
    accounts: tuple[int, int, int] | None = None,
) -> None:
    """Upsert the day's line in ``raw._load_log``; ``loaded`` = (sha, rows) when rows were replaced,
    ``accounts`` = (delivered, rejected, dropped) records of that file."""
    if loaded is not None:
        loaded_sha, row_count = loaded
        delivered, rejected, dropped = accounts or (row_count, 0, 0)
        con.execute(
            "insert or replace into raw._load_log (entity, business_date, status, source_file, "
            "file_sha256, loaded_sha256, row_count, message, delivered_rows, rejected_rows, dropped_rows) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [entity_key, day, status, source_file, file_sha256, loaded_sha, row_count, message,
             delivered, rejected, dropped],
        )
        return
    con.execute(
        """
        insert into raw._load_log (entity, business_date, status, source_file, file_sha256, message)
        values (?, ?, ?, ?, ?, ?)
        on conflict (entity, business_date) do update set
            status = excluded.status, source_file = excluded.source_file,
            file_sha256 = excluded.file_sha256, message = excluded.message
        """,
        [entity_key, day, status, source_file, file_sha256, message],
    )
