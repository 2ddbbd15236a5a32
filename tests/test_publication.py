"""Readers and writers: readers open the published copy of the marts, never the working warehouse.

Real generator -> ingest -> ``dbt build`` -> publish, on a few small days: a second process
reading the published copy during a build gets no error and keeps its old snapshot; a build
whose dbt tests fail publishes nothing; ``pilotage kpis`` answers while a writer holds the
working warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from published_marts import roster_row_failing_a_test

pytestmark = pytest.mark.integration

FIRST, LAST, NEXT = date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)
COUNT = "select count(*), sum(offered) from marts.mart_production_daily"

READER = """
import json, sys
from pathlib import Path
import duckdb

published, stop = sys.argv[1], Path(sys.argv[2])
con = duckdb.connect(published, read_only=True)
sql = "select count(*), sum(offered) from marts.mart_production_daily"
print(json.dumps(con.execute(sql).fetchone()), flush=True)
seen, errors, queries = set(), [], 0
while not stop.exists():
    try:
        seen.add(tuple(con.execute(sql).fetchone()))
    except Exception as exc:  # the test asserts there is none
        errors.append(repr(exc))
    queries += 1
print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "queries": queries}), flush=True)
"""

HOLDER = """
import sys
import duckdb

con = duckdb.connect(sys.argv[1])  # read-write: DuckDB locks the file against every other process
con.execute("create or replace table main.busy as select 1 as x")
print("held", flush=True)
sys.stdin.readline()
"""

KILLED = """
import sys
from pilotage import publish
from pilotage.settings import Settings

def stop_before_rename(path):  # called on the finished temporary copy, just before os.replace
    print("copied", flush=True)
    sys.stdin.readline()  # the test SIGKILLs us here

publish._fsync = stop_before_rename
publish.publish(Settings.from_env())
"""


def _contents(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: con.execute(f'select * from marts."{t}" order by all').fetchall() for t in tables}
    finally:
        con.close()


def _load(settings, first: date, last: date) -> None:
    from pilotage.ingest import pipeline
    from pilotage.window import Window

    for source in ("acd", "crm", "wfm", "qa"):
        manifest = pipeline.land(source, Window(first=first, last=last), settings)
        pipeline.load(source, pipeline.validate(source, manifest, settings), settings)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two days generated, loaded, built and published; a third day generated, not yet loaded."""
    from pilotage.generator import generate
    from pilotage.settings import Settings
    from pilotage.transform import dbt_build

    root = tmp_path_factory.mktemp("publication")
    previous = os.environ.get("PILOTAGE_DATA_DIR")
    os.environ["PILOTAGE_DATA_DIR"] = str(root / "data")
    try:
        settings = Settings.from_env()
        generate(settings.landing_dir, FIRST, NEXT, seed=9, contacts_per_day=60)
        _load(settings, FIRST, LAST)
        dbt_build(settings)
        yield settings
    finally:
        if previous is None:
            os.environ.pop("PILOTAGE_DATA_DIR", None)
        else:
            os.environ["PILOTAGE_DATA_DIR"] = previous


def _child_env(settings) -> dict[str, str]:
    return {**os.environ, "PILOTAGE_DATA_DIR": str(settings.data_dir)}


def test_published_copy_holds_the_marts_only_and_parquet_per_mart(built) -> None:
    settings = built
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        schemas = {s for (s,) in con.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        marts = {t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        rows = con.execute(COUNT).fetchone()
    finally:
        con.close()
    assert schemas == {"marts"}  # no raw, no staging: personal data stays in the working warehouse
    assert "mart_production_daily" in marts and rows[0] > 0
    parquet = settings.published_parquet_dir
    assert parquet.is_symlink()
    assert {p.name for p in parquet.iterdir()} == marts
    daily = parquet / "mart_production_daily"
    assert sorted(p.name for p in daily.iterdir()) == ["year_month=2026-10"]
    from_parquet = duckdb.connect().execute(
        f"select count(*), sum(offered) from read_parquet('{daily}/**/*.parquet', "
        "hive_partitioning = true)").fetchone()
    assert from_parquet == rows


def test_a_reader_holding_the_published_copy_during_a_build_keeps_its_snapshot(built, tmp_path) -> None:
    """(a) A second process reads the published copy in a loop while day 3 is loaded, built and
    published: no error, the build succeeds, its old connection still sees the old marts."""
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    settings = built
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(settings.published_path), str(stop)],
                              stdout=subprocess.PIPE, text=True, env=_child_env(settings))
    try:
        before = tuple(json.loads(reader.stdout.readline()))
        _load(settings, NEXT, NEXT)
        dbt_build(settings, Window(first=NEXT, last=NEXT))  # raises if dbt or publication fails
    finally:
        stop.touch()
        report = json.loads(reader.stdout.readline())
        reader.wait(timeout=60)
    assert reader.returncode == 0
    assert report["errors"] == [] and report["queries"] > 0
    assert [tuple(s) for s in report["seen"]] == [before]  # the old inode, unchanged all along
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        after = con.execute(COUNT).fetchone()
    finally:
        con.close()
    assert after[0] > before[0] and after[1] > before[1]  # a new connection sees day 3


def test_kpis_answer_from_the_published_copy_while_a_writer_holds_the_warehouse(built) -> None:
    """(c) ``pilotage kpis`` and ``pilotage pack --list`` while another process holds the working
    warehouse read-write."""
    settings = built
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(settings.warehouse_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(duckdb.IOException):  # the working warehouse is really locked
            duckdb.connect(str(settings.warehouse_path), read_only=True)
        pilotage = Path(sys.executable).with_name("pilotage")
        done = subprocess.run([str(pilotage), "kpis", "--from", FIRST.isoformat(), "--to", NEXT.isoformat()],
                              capture_output=True, text=True, env=_child_env(settings), timeout=300)
        packs = subprocess.run([str(pilotage), "pack", "--list"], capture_output=True, text=True,
                               env=_child_env(settings), timeout=300)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert done.returncode == 0, done.stderr
    assert str(settings.published_path) in done.stdout
    assert "PRV_A" in done.stdout
    assert packs.returncode == 0, packs.stderr  # the packs read the published copy too
    assert "PRV_A" in packs.stdout


def test_a_publication_killed_before_the_rename_leaves_the_old_copy_and_a_rerun_completes(built) -> None:
    """SIGKILL during publication, once the copy is written but before the rename: the published
    copy is untouched; the next publication equals an uninterrupted one and removes the debris."""
    import signal

    from pilotage.publish import publish

    settings = built
    publish(settings)  # the uninterrupted reference
    reference = _contents(settings.published_path)
    published = settings.published_path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", KILLED], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env=_child_env(settings))
    try:
        assert child.stdout.readline().strip() == "copied"
        debris = list(settings.published_path.parent.glob(".published.duckdb.*.tmp"))
        assert debris  # the killed run's complete temporary copy
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert settings.published_path.read_bytes() == published
    publish(settings)
    assert _contents(settings.published_path) == reference
    assert not any(p.exists() for p in debris)


def test_a_build_whose_tests_fail_names_the_test_and_publishes_nothing(built) -> None:
    """(b) A roster row with an unknown provider: dbt's relationships test fails, the run fails
    naming it, and the published copy and the Parquet export stay byte-identical."""
    from pilotage.transform import DbtError, dbt_build
    from pilotage.window import Window

    settings = built
    published = settings.published_path.read_bytes()
    parquet = settings.published_parquet_dir.resolve()
    with roster_row_failing_a_test(settings), pytest.raises(DbtError) as failed:
        dbt_build(settings, Window(first=NEXT, last=NEXT))
    message = str(failed.value)
    assert "Failure in test relationships_stg_wfm__roster_provider_id" in message
    assert f"the published copy {settings.published_path} is left as it was" in message
    assert settings.published_path.read_bytes() == published
    assert settings.published_parquet_dir.resolve() == parquet
