"""Incremental publication through real runs: after each run the published copy and the Parquet
export equal the working marts, row for row.

Real generator -> land/validate/load -> ``dbt build`` -> publish, small days across a month end:
a history built whole, a daily run (August's partitions are linked, not rewritten), an old day
re-delivered and built without publishing (a run whose later dbt folder failed), a build whose
tests fail, then a successful daily run whose window does not reach the re-delivered day (its
changes are published all the same), and a column added to a mart."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from published_marts import assert_published_equals_working, marts, roster_row_failing_a_test

pytestmark = pytest.mark.integration

FIRST, HISTORY_LAST, LAST = date(2026, 8, 26), date(2026, 9, 6), date(2026, 9, 9)
REDELIVERED = date(2026, 8, 28)


def _load(settings, first: date, last: date) -> None:
    from pilotage.ingest import pipeline
    from pilotage.window import Window

    for source in ("acd", "crm", "wfm", "qa"):
        manifest = pipeline.land(source, Window(first=first, last=last), settings)
        pipeline.load(source, pipeline.validate(source, manifest, settings), settings)


def _inodes(settings, mart: str) -> dict[str, int]:
    root = settings.published_parquet_dir.resolve() / mart
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*.parquet")}


def test_published_equals_working_after_each_run_and_unchanged_months_are_linked(settings) -> None:
    from pilotage.generator import generate
    from pilotage.transform import DbtError, dbt_build
    from pilotage.window import Window

    generate(settings.landing_dir, FIRST, LAST, seed=5, contacts_per_day=40)
    _load(settings, FIRST, HISTORY_LAST)
    dbt_build(settings)  # the history, every day: the first publication, whole
    history = assert_published_equals_working(settings)
    august = _inodes(settings, "fct_contacts")
    assert "year_month=2026-08/data_0.parquet" in august

    day = date(2026, 9, 7)  # its window, 08-31..09-07, leaves August's contacts as they are
    _load(settings, day, day)
    dbt_build(settings, Window(first=day, last=day))
    assert_published_equals_working(settings)
    after = _inodes(settings, "fct_contacts")
    assert after["year_month=2026-08/data_0.parquet"] == august["year_month=2026-08/data_0.parquet"]
    assert after["year_month=2026-09/data_0.parquet"] != august["year_month=2026-09/data_0.parquet"]

    # an old day re-delivered with other contacts and built, not published (a later folder failed)
    generate(settings.landing_dir, REDELIVERED, REDELIVERED, seed=6, contacts_per_day=60)
    _load(settings, REDELIVERED, REDELIVERED)
    published = settings.published_path.read_bytes()
    dbt_build(settings, Window(first=REDELIVERED, last=REDELIVERED), publish_marts=False)
    assert marts(settings.warehouse_path) != marts(settings.published_path)
    # then a build whose tests fail: nothing published either
    with roster_row_failing_a_test(settings), pytest.raises(DbtError):
        dbt_build(settings, Window(first=day, last=day))
    assert settings.published_path.read_bytes() == published

    # the next successful run's window (09-01..09-08) does not reach 08-28: published all the same
    day = date(2026, 9, 8)
    _load(settings, day, day)
    dbt_build(settings, Window(first=day, last=day))
    working = assert_published_equals_working(settings)
    def redelivered(marts):
        return [row for row in marts["fct_contacts"][1] if REDELIVERED in row]

    assert redelivered(working) and redelivered(working) != redelivered(history)

    # a column added to a mart (a model that gains one, on_schema_change: append_new_columns)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        con.execute("alter table marts.fct_agent_days add column coaching_minutes integer default 5")
    finally:
        con.close()
    day = LAST
    _load(settings, day, day)
    dbt_build(settings, Window(first=day, last=day))
    working = assert_published_equals_working(settings)
    assert ("coaching_minutes", "INTEGER") in working["fct_agent_days"][0]
