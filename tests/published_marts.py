"""What a publication holds, read for comparison in tests: the marts of a DuckDB file (columns
and sorted rows) and the rows of the Parquet export, each mart sorted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


def marts(path: Path) -> dict[str, tuple[list, list]]:
    """``{mart: (columns with types, rows sorted)}`` of the ``marts`` schema of a DuckDB file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: (con.execute("select column_name, data_type from information_schema.columns where "
                                "table_schema = 'marts' and table_name = ? order by ordinal_position",
                                [t]).fetchall(),
                    con.execute(f'select * from marts."{t}" order by all').fetchall()) for t in tables}
    finally:
        con.close()


def parquet(settings) -> dict[str, list]:
    """``{mart: rows sorted}`` of the published Parquet export (partition column left out)."""
    con = duckdb.connect()
    try:
        out = {}
        for mart in sorted(settings.published_parquet_dir.iterdir()):
            if any(p.is_dir() for p in mart.iterdir()):
                sql = (f"select * exclude (year_month) from read_parquet('{mart}/**/*.parquet', "
                       "hive_partitioning = true) order by all")
            else:
                sql = f"select * from read_parquet('{mart}/*.parquet') order by all"
            out[mart.name] = con.execute(sql).fetchall()
        return out
    finally:
        con.close()


def assert_published_equals_working(settings) -> dict[str, tuple[list, list]]:
    """The published DuckDB copy and the Parquet export equal the working marts; returns them."""
    working = marts(settings.warehouse_path)
    assert marts(settings.published_path) == working
    assert parquet(settings) == {t: rows for t, (_, rows) in working.items()}
    return working


@contextmanager
def roster_row_failing_a_test(settings) -> Iterator[None]:
    """While the block runs, raw holds a roster row of an unknown provider, so a build fails
    dbt's relationships test on it; the row is removed after."""
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        con.execute("insert into raw.wfm_roster select * replace ('PRV_NOBODY' as provider_id, "
                    "agent_id || '-x' as agent_id) from raw.wfm_roster limit 1")
    finally:
        con.close()
    try:
        yield
    finally:
        con = duckdb.connect(str(settings.warehouse_path))
        try:
            con.execute("delete from raw.wfm_roster where provider_id = 'PRV_NOBODY'")
        finally:
            con.close()
