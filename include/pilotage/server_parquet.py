"""The Parquet export of the server warehouse's published marts (Postgres schema ``marts``).

The same files as the DuckDB publication (:mod:`pilotage.publish`): one folder per mart,
``year_month=YYYY-MM`` partitions where the mart has a date column, in a new versioned folder
that the ``settings.published_parquet_dir`` symlink is then swapped onto. Each mart is streamed
out of Postgres (``COPY ... TO STDOUT``, CSV) into a staging file on disk, which an in-memory
DuckDB reads with the mart's column types and writes out as :mod:`pilotage.publish` does: no
mart sits whole in memory, and DuckDB needs no extension (none can be downloaded here).
The export reads one snapshot (``repeatable read``): every mart from the same publication.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pilotage.faults import checkpoint
from pilotage.publish import (
    PARTITION_COLUMN,
    _literal,
    _new_version,
    _partition_date,
    _quote,
    _remove_debris,
    _swap_parquet,
    drop_unpublished,
)
from pilotage.settings import Settings

# Postgres column type -> DuckDB type (numeric, unbounded in Postgres, as DOUBLE); others VARCHAR
PG_DUCK = {
    "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT", "numeric": "DOUBLE",
    "real": "FLOAT", "double precision": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
    "timestamp without time zone": "TIMESTAMP", "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
    "time without time zone": "TIME", "character varying": "VARCHAR", "text": "VARCHAR",
}
_NULL = r"\N"  # the NULL marker of the CSV (an empty string stays an empty string)


def _marts(cur, schema: str) -> dict[str, dict[str, str]]:
    """``{table: {column: DuckDB type}}`` of ``schema``, in column order."""
    cur.execute("select table_name, column_name, data_type from information_schema.columns "
                "where table_schema = %s order by table_name, ordinal_position", [schema])
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in cur.fetchall():
        tables.setdefault(table, {})[column] = PG_DUCK.get(kind, "VARCHAR")
    return tables


def _stream_csv(con, schema: str, table: str, columns: dict[str, str], path: Path) -> None:
    """The table's rows as CSV into ``path``, written as Postgres sends them."""
    names = ", ".join(_quote(c) for c in columns)
    with open(path, "w", encoding="utf-8") as handle, con.cursor() as cur:
        cur.copy_expert(f"copy (select {names} from {schema}.{_quote(table)}) to stdout "
                        f"with (format csv, header true, null '{_NULL}')", handle)


def _export_table(settings: Settings, con, schema: str, table: str, columns: dict[str, str],
                  folder: Path) -> None:
    """Stream one mart into ``folder/<table>`` (the layout of ``publish._export_parquet``)."""
    target = folder / table
    target.mkdir(parents=True)
    staging = folder / f".{table}.staging.csv"
    try:
        _stream_csv(con, schema, table, columns, staging)
        duck = duckdb.connect()
        try:
            types = "{" + ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': '{t}'" for c, t in columns.items()) + "}"
            source = (f"read_csv({_literal(staging)}, header = true, columns = {types}, nullstr = '{_NULL}', "
                      "allow_quoted_nulls = false, auto_detect = false)")
            rows = duck.execute(f"select count(*) from {source}").fetchone()[0]
            day = _partition_date(columns)
            if day and PARTITION_COLUMN not in columns and rows:
                duck.execute(f"copy (select *, strftime({_quote(day)}, '%Y-%m') as {PARTITION_COLUMN} "
                             f"from {source}) to {_literal(target)} (format parquet, "
                             f"partition_by ({PARTITION_COLUMN}))")
            else:
                duck.execute(f"copy (select * from {source}) to {_literal(target / (table + '.parquet'))} "
                             "(format parquet)")
        finally:
            duck.close()
    finally:
        staging.unlink(missing_ok=True)
    checkpoint(settings, "publish_parquet")


def export(settings: Settings, url: str, schema: str) -> Path:
    """Write every table of ``schema`` as Parquet into a new version folder and swap the
    ``settings.published_parquet_dir`` symlink onto it; returns the version folder. A failure
    leaves the previous export in place."""
    import psycopg2

    settings.published_parquet_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_debris(settings)
    version = _new_version(settings)
    con = psycopg2.connect(url)
    try:
        con.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with con.cursor() as cur:
            cur.execute("set time zone 'UTC'")  # timestamps with time zone written in UTC
            tables = _marts(cur, schema)
        for table, columns in tables.items():
            _export_table(settings, con, schema, table, columns, version)
        con.rollback()
        _swap_parquet(settings, version)
    except BaseException:
        drop_unpublished(settings, version)
        raise
    finally:
        con.close()
    return version
