"""Publication: the read-only copy of the marts that readers open, never the working warehouse.

After a ``dbt build`` that exits 0 (its tests passed), :func:`publish` copies the ``marts``
schema (only: raw and staging, which hold personal data, stay in the working warehouse) into a
new self-contained DuckDB file under a temporary name, then ``os.replace``\\ s it onto
``settings.published_path``. A reader holding the old file open keeps reading it (the rename
leaves its inode alive); a new connection sees the new marts. Beside it the marts are exported as
Parquet (one folder per mart, ``year_month=YYYY-MM`` partitions where the mart has a date
column) into a new versioned folder, and the ``settings.published_parquet_dir`` symlink is swapped
onto it. A failed build publishes nothing: the last published copy stays as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pilotage.faults import checkpoint
from pilotage.settings import Settings

log = logging.getLogger("pilotage.publish")

SCHEMA = "marts"
# date columns a mart's Parquet export is partitioned by month on, first present wins
PARTITION_DATES = ("business_date", "period_start", "month_start", "week_start", "interval_start",
                   "snapshot_date", "date_day")
PARTITION_COLUMN = "year_month"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """``{table: {column: type}}`` of the working warehouse's marts (attached as ``work``)."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = 'work' and table_schema = ? order by table_name, ordinal_position",
        [SCHEMA]).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, {})[column] = kind
    return tables


def _copy_database(settings: Settings, con: duckdb.DuckDBPyConnection, tables: dict[str, dict[str, str]],
                   tmp: Path) -> None:
    con.execute(f"attach {_literal(tmp)} as published")
    try:
        con.execute(f"create schema published.{SCHEMA}")
        for table in tables:
            con.execute(f"create table published.{SCHEMA}.{_quote(table)} as "
                        f"select * from work.{SCHEMA}.{_quote(table)}")
            checkpoint(settings, "publish_copy")
    finally:
        con.execute("detach published")  # checkpoints: the file is complete, no WAL beside it


def _partition_date(columns: dict[str, str]) -> str | None:
    dated = [c for c, kind in columns.items() if kind.upper() in ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")]
    return next((c for c in PARTITION_DATES if c in dated), dated[0] if dated else None)


def _export_parquet(settings: Settings, con: duckdb.DuckDBPyConnection, tables: dict[str, dict[str, str]],
                    folder: Path) -> None:
    for table, columns in tables.items():
        target = folder / table
        target.mkdir(parents=True)
        source = f"work.{SCHEMA}.{_quote(table)}"
        day = _partition_date(columns)
        if day and PARTITION_COLUMN not in columns and con.execute(f"select count(*) from {source}").fetchone()[0]:
            con.execute(f"copy (select *, strftime({_quote(day)}, '%Y-%m') as {PARTITION_COLUMN} "
                        f"from {source}) to {_literal(target)} "
                        f"(format parquet, partition_by ({PARTITION_COLUMN}))")
        else:
            con.execute(f"copy {source} to {_literal(target / (table + '.parquet'))} (format parquet)")
        checkpoint(settings, "publish_parquet")


def _new_version(settings: Settings) -> Path:
    link = settings.published_parquet_dir
    return link.with_name(f".{link.name}.{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}")


def drop_unpublished(settings: Settings, version: Path) -> None:
    """After a failed publication: remove ``version`` unless the Parquet link already points at it."""
    link = settings.published_parquet_dir
    if not (link.is_symlink() and link.resolve() == version.resolve()):
        shutil.rmtree(version, ignore_errors=True)


def _swap_parquet(settings: Settings, version: Path) -> None:
    """Point the Parquet symlink at ``version``; drop every other version but the one it pointed
    at before (a slow reader may still be listing it), debris of killed publications included."""
    link = settings.published_parquet_dir
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(version.name)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder left by hand: a symlink replaces it
    os.replace(tmp_link, link)
    for old in link.parent.glob(f".{link.name}.2*"):
        if old.is_dir() and old.resolve() not in (version.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)


def _remove_debris(settings: Settings) -> None:
    """Temporary files of a publication that was killed: the copy and the Parquet link."""
    target, link = settings.published_path, settings.published_parquet_dir
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in link.parent.glob(f".{link.name}.link-*"):
        stale.unlink(missing_ok=True)


def publish(settings: Settings) -> Path:
    """Copy the working warehouse's marts into ``settings.published_path`` atomically, and
    export them as Parquet. Call with the writer lock held, after a successful ``dbt build``.

    Both are written in full under new names first (Parquet into a new version folder, the
    DuckDB copy into a temporary file); only then are they renamed into place, one right after
    the other, so a failure or a kill while writing leaves both the previous publication."""
    target = settings.published_path
    target.parent.mkdir(parents=True, exist_ok=True)
    settings.published_parquet_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_debris(settings)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    version = _new_version(settings)
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(settings.warehouse_path)} as work (read_only)")
        tables = _marts(con)
        _export_parquet(settings, con, tables, version)
        _copy_database(settings, con, tables, tmp)
        _fsync(tmp)
        checkpoint(settings, "publish_swap")
        os.replace(tmp, target)
        _swap_parquet(settings, version)
        _fsync(target.parent)
    except BaseException:
        drop_unpublished(settings, version)
        raise
    finally:
        con.close()
        tmp.unlink(missing_ok=True)
    log.info("published %d mart(s) to %s and as Parquet to %s -> %s", len(tables), target,
             settings.published_parquet_dir, version.name)
    return target


def reader_path(settings: Settings) -> tuple[Path, str | None]:
    """The file readers open: the published copy; before the first publication, the working
    warehouse, with a message saying so (else None)."""
    if settings.published_path.exists():
        return settings.published_path, None
    return settings.warehouse_path, (
        f"no published copy at {settings.published_path} yet (published after the first successful "
        f"dbt build); reading the working warehouse {settings.warehouse_path} while no run writes it")
