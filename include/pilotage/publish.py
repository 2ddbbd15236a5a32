"""Publication: the read-only copy of the marts that readers open, never the working warehouse.

After a ``dbt build`` that exits 0 (its tests passed), :func:`publish` copies the ``marts``
schema (only: raw and staging, which hold personal data, stay in the working warehouse) into a
new self-contained DuckDB file under a temporary name, then ``os.replace``\\ s it onto
``settings.published_path``. A reader holding the old file open keeps reading it (the rename
leaves its inode alive); a new connection sees the new marts. Beside it the marts are exported as
Parquet (one folder per mart, ``year_month=YYYY-MM`` partitions where the mart has a date
column) into a new versioned folder, and the ``settings.published_parquet_dir`` symlink is swapped
onto it. A failed build publishes nothing: the last published copy stays as it was.
Only what changed since the last publication is written (:mod:`pilotage.publish_delta`): the new
file starts as a copy of the published one, the new Parquet version hard-links the partitions
that did not change.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pilotage import publish_delta as delta
from pilotage.faults import checkpoint
from pilotage.settings import Settings

log = logging.getLogger("pilotage.publish")

SCHEMA = "marts"
# date columns a mart's Parquet export is partitioned by month on, first present wins
PARTITION_DATES = ("business_date", "period_start", "month_start", "week_start", "interval_start",
                   "snapshot_date", "date_day")
PARTITION_COLUMN = "year_month"
# a month holding more rows than this is exported one file per day (``<day>_data_0.parquet``):
# a day's change then rewrites that day's file instead of the month
DAY_FILES_FROM_ROWS = 200_000
DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}_.+\.parquet")
DAY_PARTITION = "pilotage_day"  # the staging partition column of the day files (not exported)
# share of free blocks in the published file past which it is written whole again (compacted)
MAX_FREE_BLOCKS = 0.25


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


def _days_in(mart: delta.Mart, days: frozenset[str]) -> str:
    """SQL: the row's business day is one of ``days`` (on a DATE column, a plain comparison that
    lets DuckDB skip the row groups whose min/max exclude them)."""
    column = mart.day or ""
    if mart.columns.get(column, "").upper() == "DATE":
        return f"{_quote(column)} in ({', '.join('date ' + _text(d) for d in sorted(days))})"
    return f"{delta.day_key(column)} in ({', '.join(_text(d) for d in sorted(days))})"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _update_database(settings: Settings, con: duckdb.DuckDBPyConnection, marts: dict[str, delta.Mart],
                     changes: dict[str, delta.Change], previous: dict[str, delta.Mart], tmp: Path) -> None:
    """Bring ``tmp``, a copy of the last published file, to the working marts: the changed days
    deleted and inserted again, a mart changed otherwise replaced whole, a mart gone dropped."""
    con.execute(f"attach {_literal(tmp)} as published")
    try:
        for gone in previous.keys() - marts.keys():
            con.execute(f"drop table published.{SCHEMA}.{_quote(gone)}")
        for table, mart in marts.items():
            change, name = changes[table], f"published.{SCHEMA}.{_quote(table)}"
            source = f"work.{SCHEMA}.{_quote(table)}"
            if change.whole:
                con.execute(f"create or replace table {name} as select * from {source}")
            elif change.days:
                assert mart.day is not None
                con.execute(f"delete from {name} where {_days_in(mart, change.days)}")
                con.execute(f"insert into {name} select * from {source} where {_days_in(mart, change.days)}")
            checkpoint(settings, "publish_copy")
    finally:
        con.execute("detach published")


def _bloated(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether the published file has more than :data:`MAX_FREE_BLOCKS` of its blocks free: the
    days deleted and inserted again leave free blocks that later updates reuse only in part, so
    then the new copy is written whole (compact) instead."""
    con.execute(f"attach {_literal(path)} as previous (read_only)")
    try:
        total, free = con.execute("select total_blocks, free_blocks from pragma_database_size() "
                                  "where database_name = 'previous'").fetchone()
    finally:
        con.execute("detach previous")
    return free > MAX_FREE_BLOCKS * total


def _partition_date(columns: dict[str, str]) -> str | None:
    dated = [c for c, kind in columns.items() if kind.upper() in ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")]
    return next((c for c in PARTITION_DATES if c in dated), dated[0] if dated else None)


def _partitioned(mart: delta.Mart) -> bool:
    """Exported as ``year_month=`` folders (else one file): a partition date, rows, and no
    column already named like the partitions."""
    return bool(_partition_date(mart.columns)) and PARTITION_COLUMN not in mart.columns and mart.rows > 0


def _link_tree(source: Path, target: Path, keep=lambda path: True) -> None:
    """Hard-link the files under ``source`` (those ``keep`` accepts, given their path relative to
    it) into ``target``: the same bytes, no copy (a plain copy where links are refused)."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or not keep(relative):
            continue
        dest = target / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        _link(path, dest)


def _link(path: Path, dest: Path) -> None:
    """``dest`` as a hard link to ``path``: the same bytes, no copy (a plain copy where links are
    refused)."""
    try:
        os.link(path, dest)
    except OSError:
        shutil.copy2(path, dest)


def _export_whole(con: duckdb.DuckDBPyConnection, source: str, mart: delta.Mart, target: Path) -> None:
    if _partitioned(mart):
        day = _partition_date(mart.columns)
        con.execute(f"copy (select *, strftime({_quote(day)}, '%Y-%m') as {PARTITION_COLUMN} "
                    f"from {source}) to {_literal(target)} "
                    f"(format parquet, partition_by ({PARTITION_COLUMN}))")
    else:
        con.execute(f"copy {source} to {_literal(target / (target.name + '.parquet'))} (format parquet)")


def _day_files(folder: Path | None) -> dict[str, list[Path]]:
    """``{day: [files]}`` of a month folder written one file per day (none for a month in one file)."""
    out: dict[str, list[Path]] = {}
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.parquet")):
            if DAY_FILE.fullmatch(path.name):
                out.setdefault(path.name[:10], []).append(path)
    return out


def _export_dated(con: duckdb.DuckDBPyConnection, source: str, mart: delta.Mart, changed: frozenset[str] | None,
                  previous: Path | None, target: Path) -> None:
    """A mart with a partition date into ``year_month=`` folders: the days in ``changed`` (None:
    every day) written anew, the rest hard-linked from ``previous`` (its last published folder).

    A month of more than :data:`DAY_FILES_FROM_ROWS` rows is written one file per day
    (``<day>_data_0.parquet``), so that a changed day rewrites that day's file only; a smaller
    month is one file, rewritten whole when one of its days changed."""
    assert mart.day is not None
    months: dict[str, list[str]] = {}
    for day in mart.days:
        months.setdefault(day[:7], []).append(day)
    whole_months, split_days, links = [], [], []
    for month, days in sorted(months.items()):
        folder = f"{PARTITION_COLUMN}={month}"
        old = previous / folder if previous is not None else None
        old_days = _day_files(old)
        if sum(mart.days[d][0] for d in days) > DAY_FILES_FROM_ROWS:
            for day in sorted(days):
                if changed is None or day in changed or day not in old_days:
                    split_days.append(day)
                else:
                    links += old_days[day]
        elif (changed is None or old is None or not old.is_dir() or old_days
              or any(d in changed for d in days)):
            whole_months.append(month)
        else:
            links += sorted(old.glob("*.parquet"))
    column = _quote(mart.day)
    if whole_months:
        month = f"strftime({column}, '%Y-%m')"
        con.execute(f"copy (select *, {month} as {PARTITION_COLUMN} from {source} "
                    f"where {month} in ({', '.join(_text(m) for m in whole_months)})) to {_literal(target)} "
                    f"(format parquet, partition_by ({PARTITION_COLUMN}))")
    if split_days:
        staging = target.with_name(f".{target.name}.days")
        con.execute(f"copy (select *, {delta.day_key(mart.day)} as {DAY_PARTITION} from {source} "
                    f"where {_days_in(mart, frozenset(split_days))}) to {_literal(staging)} "
                    f"(format parquet, partition_by ({DAY_PARTITION}))")
        for path in sorted(staging.glob(f"{DAY_PARTITION}=*/*.parquet")):
            day = path.parent.name.split("=", 1)[1]
            dest = target / f"{PARTITION_COLUMN}={day[:7]}" / f"{day}_{path.name}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
        shutil.rmtree(staging)
    for path in links:
        dest = target / path.parent.name / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        _link(path, dest)


def _export_parquet(settings: Settings, con: duckdb.DuckDBPyConnection, marts: dict[str, delta.Mart],
                    changes: dict[str, delta.Change], previous: dict[str, delta.Mart],
                    previous_folder: Path | None, folder: Path) -> None:
    """Every mart into ``folder``: whole when it changed otherwise than by days or is not
    partitioned, else only the files of its changed days (:func:`_export_dated`); what did not
    change hard-linked from ``previous_folder``, the last published version (whose marts
    ``previous`` describes)."""
    for table, mart in marts.items():
        target = folder / table
        target.mkdir(parents=True)
        source = f"work.{SCHEMA}.{_quote(table)}"
        change = changes[table]
        old = previous_folder / table if previous_folder is not None else None
        old = old if old is not None and old.is_dir() else None
        if change.unchanged and old is not None:
            _link_tree(old, target)
        elif not _partitioned(mart) or mart.day is None:
            _export_whole(con, source, mart, target)
        elif (change.whole or old is None or table not in previous or not _partitioned(previous[table])
              or previous[table].day is None):
            _export_dated(con, source, mart, None, None, target)
        else:
            _export_dated(con, source, mart, change.days, old, target)
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


def _previous_version(settings: Settings) -> Path | None:
    link = settings.published_parquet_dir
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _describe(changes: dict[str, delta.Change]) -> str:
    """How many marts are rewritten whole, by day, or kept (for the log)."""
    whole = sum(c.whole for c in changes.values())
    by_days = [c for c in changes.values() if c.days]
    return (f"{whole} whole, {len(by_days)} by day ({sum(len(c.days) for c in by_days)} day(s)), "
            f"{len(changes) - whole - len(by_days)} unchanged")


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Publication's in-memory connection, under the same memory cap and spill folder as dbt and
    the loads (:meth:`Settings.duckdb_config`)."""
    settings.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(config=settings.duckdb_config())


def publish(settings: Settings, full: bool = False) -> Path:
    """Copy the working warehouse's marts into ``settings.published_path`` atomically, and
    export them as Parquet. Call with the writer lock held, after a successful ``dbt build``.

    Both are written in full under new names first (Parquet into a new version folder, the
    DuckDB copy into a temporary file); only then are they renamed into place, one right after
    the other, so a failure or a kill while writing leaves both the previous publication.
    Only what changed since the last publication is written (:mod:`pilotage.publish_delta`):
    the DuckDB copy starts as a copy of the published file, the Parquet version hard-links the
    unchanged partitions of the last one; ``full`` (or no usable manifest) writes everything."""
    target, link = settings.published_path, settings.published_parquet_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    link.parent.mkdir(parents=True, exist_ok=True)
    _remove_debris(settings)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    version = _new_version(settings)
    previous_folder = _previous_version(settings)
    manifest = None if full else delta.load(link)
    con = connect(settings)
    seconds: dict[str, float] = {}
    began = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal began
        now = time.perf_counter()
        seconds[step] = now - began
        began = now

    try:
        con.execute(f"attach {_literal(settings.warehouse_path)} as work (read_only)")
        tables = _marts(con)
        marts = {t: delta.fingerprint(con, f"work.{SCHEMA}.{_quote(t)}", columns, _partition_date(columns))
                 for t, columns in tables.items()}
        lap("compared")
        known = manifest.marts if manifest is not None else {}
        parquet = delta.changes(known if manifest and manifest.describes_parquet(previous_folder) else None, marts)
        copy = delta.changes(known if manifest and manifest.describes_duckdb(target) else None, marts)
        _export_parquet(settings, con, marts, parquet, known, previous_folder, version)
        lap("parquet")
        if all(c.whole for c in copy.values()):
            _copy_database(settings, con, tables, tmp)
            written = "written whole"
        elif _bloated(con, target):
            _copy_database(settings, con, tables, tmp)
            written = "written whole: a quarter of the last one's blocks were free"
        else:
            shutil.copyfile(target, tmp)
            _update_database(settings, con, marts, copy, known, tmp)
            written = _describe(copy)
        _fsync(tmp)
        lap("duckdb")
        checkpoint(settings, "publish_swap")
        os.replace(tmp, target)
        _swap_parquet(settings, version)
        _fsync(target.parent)
        delta.save(link, delta.Manifest(version.name, delta.identity(target), marts))
    except BaseException:
        drop_unpublished(settings, version)
        raise
    finally:
        con.close()
        tmp.unlink(missing_ok=True)
    log.info("published %d mart(s) to %s (%s) and as Parquet to %s -> %s (%s); seconds: %s", len(tables),
             target, written, link, version.name, _describe(parquet),
             ", ".join(f"{step} {value:.1f}" for step, value in seconds.items()))
    return target


def reader_path(settings: Settings) -> tuple[Path, str | None]:
    """The file readers open: the published copy; before the first publication, the working
    warehouse, with a message saying so (else None)."""
    if settings.published_path.exists():
        return settings.published_path, None
    return settings.warehouse_path, (
        f"no published copy at {settings.published_path} yet (published after the first successful "
        f"dbt build); reading the working warehouse {settings.warehouse_path} while no run writes it")
