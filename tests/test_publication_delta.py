"""Incremental publication on a hand-made warehouse (no dbt): only what changed is rewritten, and
the published copy and the Parquet export still equal the working marts, row for row.

The marts are plain tables in the working warehouse's ``marts`` schema, changed between two
publications the way builds change them: days replaced, a table rebuilt whole with the same or
other rows, a column added, a mart added or dropped, a day without rows, a NULL partition date."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from pilotage import publish as publishing
from pilotage import publish_delta
from pilotage.publish import publish
from published_marts import assert_published_equals_working


def _execute(settings, *sql: str) -> None:
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        for statement in sql:
            con.execute(statement)
    finally:
        con.close()


@pytest.fixture
def warehouse(settings):
    """A working warehouse with a daily fact, a small table mart, a mart without date and an
    empty one."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    _execute(settings, "create schema marts",
             "create table marts.fct_daily as select business_date, i as contact, i * 1.5 as amount "
             "from (select date '2026-08-30' + cast(i % 6 as integer) as business_date, i from range(600) r(i))",
             "create table marts.mart_monthly as select date '2026-08-01' as month_start, 10 as total "
             "union all select date '2026-09-01', 20",
             "create table marts.dim_kpi as select 'aht' as kpi_id, 'Average handling time' as label",
             "create table marts.mart_empty (business_date date, n integer)")
    return settings


def _inodes(settings) -> dict[str, int]:
    """``{path relative to the Parquet version: inode}`` of every exported file."""
    root = settings.published_parquet_dir.resolve()
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*.parquet")}


def test_a_second_publication_links_unchanged_partitions_and_rewrites_the_changed_days(warehouse) -> None:
    settings = warehouse
    publish(settings)
    assert_published_equals_working(settings)
    first, published = _inodes(settings), settings.published_path.stat().st_ino

    # a day rebuilt with other rows (a re-delivered day), the table mart rebuilt with the same rows
    _execute(settings, "delete from marts.fct_daily where business_date = date '2026-09-02'",
             "insert into marts.fct_daily select date '2026-09-02', 1000 + i, 2.0 from range(7) r(i)",
             "create or replace table marts.mart_monthly as select * from marts.mart_monthly")
    publish(settings)
    assert_published_equals_working(settings)
    second = _inodes(settings)
    assert second.keys() == first.keys()
    linked = {path for path in second if second[path] == first[path]}
    assert linked == {path for path in first if "year_month=2026-09" not in path
                      or not path.startswith("fct_daily/")}  # only fct_daily's September rewritten
    assert settings.published_path.stat().st_ino != published  # a new file, renamed into place


def test_nothing_changed_links_every_file_and_keeps_the_rows(warehouse) -> None:
    settings = warehouse
    publish(settings)
    first = _inodes(settings)
    publish(settings)
    assert _inodes(settings) == first
    assert_published_equals_working(settings)


def test_changes_made_by_builds_that_were_not_published_are_published_next_time(warehouse) -> None:
    """Two builds change the marts without publishing (a failed run), the third publishes: every
    change is there, old days outside any window included."""
    settings = warehouse
    publish(settings)
    _execute(settings, "update marts.fct_daily set amount = -1 where business_date = date '2026-08-30'")
    _execute(settings, "delete from marts.fct_daily where business_date = date '2026-09-04'")
    _execute(settings, "insert into marts.fct_daily values (date '2026-09-05', 99, 9.5)")
    publish(settings)
    assert_published_equals_working(settings)


def test_a_column_added_a_mart_added_and_a_mart_dropped_are_published(warehouse) -> None:
    settings = warehouse
    publish(settings)
    _execute(settings, "alter table marts.fct_daily add column channel varchar default 'voice'",
             "create table marts.mart_new as select date '2026-09-01' as business_date, 1 as n",
             "drop table marts.dim_kpi")
    publish(settings)
    assert_published_equals_working(settings)
    assert not (settings.published_parquet_dir / "dim_kpi").exists()


def test_an_emptied_mart_a_filled_one_and_null_partition_dates(warehouse) -> None:
    settings = warehouse
    publish(settings)
    _execute(settings, "insert into marts.mart_empty values (date '2026-09-01', 1), (null, 2)",
             "delete from marts.mart_monthly")
    publish(settings)
    assert_published_equals_working(settings)
    _execute(settings, "update marts.mart_empty set n = 3 where business_date is null")
    publish(settings)
    assert_published_equals_working(settings)


@pytest.mark.parametrize("doubt", ["no manifest", "another published file", "another Parquet version", "full"])
def test_without_a_trustworthy_manifest_everything_is_written_anew(warehouse, doubt: str) -> None:
    settings = warehouse
    publish(settings)
    first = _inodes(settings)
    _execute(settings, "update marts.fct_daily set amount = 0 where business_date = date '2026-09-01'")
    manifest = publish_delta.manifest_path(settings.published_parquet_dir)
    if doubt == "no manifest":
        manifest.unlink()
    elif doubt == "another published file":  # e.g. replaced by hand: its content is unknown
        copy = settings.published_path.with_name("copy.duckdb")
        copy.write_bytes(settings.published_path.read_bytes())
        os.replace(copy, settings.published_path)
    elif doubt == "another Parquet version":
        link = settings.published_parquet_dir
        other = link.with_name(".parquet.29990101T000000000000Z")
        os.rename(link.resolve(), other)
        link.unlink()
        link.symlink_to(other.name)
    publish(settings, full=doubt == "full")
    assert_published_equals_working(settings)
    second = _inodes(settings)
    if doubt != "another published file":  # that one only makes the DuckDB copy whole
        assert not set(first.values()) & set(second.values())


def test_a_manifest_that_cannot_be_read_means_a_whole_publication(warehouse) -> None:
    settings = warehouse
    publish(settings)
    first = _inodes(settings)
    publish_delta.manifest_path(settings.published_parquet_dir).write_text("{not json")
    publish(settings)
    assert not set(first.values()) & set(_inodes(settings).values())
    assert_published_equals_working(settings)


def test_changes_compares_days_and_columns() -> None:
    mart = publish_delta.Mart({"business_date": "DATE", "n": "INTEGER"}, "business_date",
                              {"2026-09-01": [2, "5"], "2026-09-02": [1, "7"]})
    same = publish_delta.Mart(dict(mart.columns), "business_date", dict(mart.days))
    moved = publish_delta.Mart(dict(mart.columns), "business_date", {"2026-09-01": [2, "5"], "2026-10-01": [1, "7"]})
    typed = publish_delta.Mart({"business_date": "DATE", "n": "BIGINT"}, "business_date", dict(mart.days))
    assert publish_delta.changes({"m": mart}, {"m": same})["m"].unchanged
    change = publish_delta.changes({"m": mart}, {"m": moved})["m"]
    assert not change.whole and change.days == {"2026-09-02", "2026-10-01"}
    assert publish_delta.changes({"m": mart}, {"m": typed})["m"].whole
    assert publish_delta.changes(None, {"m": mart})["m"].whole
    assert publish_delta.changes({}, {"m": mart})["m"].whole


def test_the_manifest_lives_beside_the_link_not_in_the_published_folder(warehouse) -> None:
    settings = warehouse
    publish(settings)
    link = settings.published_parquet_dir
    assert publish_delta.manifest_path(link).exists()
    assert {p.name for p in link.iterdir()} == {"fct_daily", "mart_monthly", "dim_kpi", "mart_empty"}
    assert list(Path(link.parent).glob(f".{link.name}.2*")) == [link.resolve()]


def _free_blocks(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select free_blocks from pragma_database_size()").fetchone()[0]
    finally:
        con.close()


def test_a_published_file_with_too_many_free_blocks_is_written_whole_again(warehouse, monkeypatch) -> None:
    """Days deleted and inserted again leave free blocks in the copy; past the limit the next
    publication writes a compact file."""
    from pilotage import publish as publication

    settings = warehouse
    _execute(settings, "insert into marts.fct_daily select date '2026-09-01' + cast(i % 20 as integer), i, i "
                       "from range(300000) r(i)")
    publish(settings)
    assert _free_blocks(settings.published_path) == 0
    for day in range(1, 10):
        _execute(settings, f"update marts.fct_daily set amount = amount + 1 where business_date = "
                           f"date '2026-09-01' + {day}")
        publish(settings)
        if _free_blocks(settings.published_path):
            break
    assert _free_blocks(settings.published_path) > 0
    monkeypatch.setattr(publication, "MAX_FREE_BLOCKS", 0.0)
    publish(settings)
    assert _free_blocks(settings.published_path) == 0
    assert_published_equals_working(settings)


def _files(settings, mart: str) -> dict[str, int]:
    """``{path relative to the mart's folder: inode}`` of one mart's Parquet files."""
    root = settings.published_parquet_dir.resolve() / mart
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*.parquet")}


def test_a_large_month_is_one_file_per_day_and_a_changed_day_rewrites_that_file_only(warehouse,
                                                                                     monkeypatch) -> None:
    settings = warehouse  # fct_daily: 100 rows a day, 2026-08-30..09-04
    monkeypatch.setattr(publishing, "DAY_FILES_FROM_ROWS", 250)  # August 200 rows, September 400
    publish(settings)
    assert_published_equals_working(settings)
    first = _files(settings, "fct_daily")
    assert sorted(first) == ["year_month=2026-08/data_0.parquet"] + [
        f"year_month=2026-09/2026-09-0{d}_data_0.parquet" for d in range(1, 5)]

    _execute(settings, "delete from marts.fct_daily where business_date = date '2026-09-02'",
             "insert into marts.fct_daily select date '2026-09-02', 1000 + i, 2.0 from range(100) r(i)")
    publish(settings)
    assert_published_equals_working(settings)
    second = _files(settings, "fct_daily")
    assert second.keys() == first.keys()
    assert {path for path in first if second[path] != first[path]} == {
        "year_month=2026-09/2026-09-02_data_0.parquet"}

    _execute(settings, "delete from marts.fct_daily where business_date = date '2026-09-03'")  # a day gone
    publish(settings)
    assert_published_equals_working(settings)
    third = _files(settings, "fct_daily")
    assert "year_month=2026-09/2026-09-03_data_0.parquet" not in third
    kept = "year_month=2026-09/2026-09-01_data_0.parquet"
    assert third[kept] == first[kept]


def test_a_month_growing_past_the_bound_is_split_and_one_shrinking_is_joined(warehouse, monkeypatch) -> None:
    settings = warehouse
    publish(settings)  # every month in one file
    assert sorted(_files(settings, "fct_daily")) == ["year_month=2026-08/data_0.parquet",
                                                     "year_month=2026-09/data_0.parquet"]
    monkeypatch.setattr(publishing, "DAY_FILES_FROM_ROWS", 250)
    _execute(settings, "insert into marts.fct_daily select date '2026-09-04', 2000 + i, 1.0 from range(3) r(i)")
    publish(settings)  # one day changed: September written one file per day, no month file left
    assert_published_equals_working(settings)
    split = _files(settings, "fct_daily")
    assert sorted(p for p in split if "2026-09" in p) == [
        f"year_month=2026-09/2026-09-0{d}_data_0.parquet" for d in range(1, 5)]

    _execute(settings, "delete from marts.fct_daily where business_date > date '2026-09-02'")
    publish(settings)  # September down to 200 rows: one file again
    assert_published_equals_working(settings)
    assert sorted(p for p in _files(settings, "fct_daily") if "2026-09" in p) == ["year_month=2026-09/data_0.parquet"]
