"""The server warehouse (PILOTAGE_WAREHOUSE=postgresql://...) against the DuckDB file: the same two
days of generated exports loaded and built on both give the same rows in every mart (numbers
equal to 1e-9) and in their Parquet export, the same `pilotage kpis`; raw loads on Postgres take
no file lock and run while another load's transaction is open; BI's read-only role sees the
published marts only; `pilotage status` (text and HTML) and `pilotage accept` give the same
report on both, on Postgres with the DuckDB writer lock held by someone else.

Needs a PostgreSQL server (``PILOTAGE_TEST_POSTGRES``, default the local one, trust auth) where
it may create a database; skipped, saying why, when there is none.
"""

from __future__ import annotations

import argparse
import math
import os
import threading
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

SERVER = os.environ.get("PILOTAGE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
FIRST, LAST = date(2026, 10, 5), date(2026, 10, 6)
SOURCES = ("acd", "crm", "wfm", "qa")
TOLERANCE = 1e-9


def _admin():
    """An autocommit connection to the server's maintenance database, or a skip saying why."""
    try:
        import psycopg2
    except ImportError:
        pytest.skip("psycopg2 not installed (the 'deploy' extra: make install)")
    try:
        con = psycopg2.connect(SERVER, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {SERVER} ({str(exc).strip().splitlines()[0]}); "
                    "set PILOTAGE_TEST_POSTGRES to one where this user may create databases")
    con.autocommit = True
    return con


def _settings(data: Path, warehouse: str):
    from pilotage.settings import Settings

    return Settings.build({"PILOTAGE_DATA_DIR": str(data), "PILOTAGE_WAREHOUSE": warehouse,
                           "PILOTAGE_LANDING_SETTLE_SECONDS": "0", "PILOTAGE_LOCK_TIMEOUT_SECONDS": "0"})


def _land_and_validate(settings) -> dict[str, list]:
    from pilotage.generator import generate
    from pilotage.ingest import pipeline
    from pilotage.window import Window

    generate(settings.landing_dir, FIRST, LAST, seed=9, contacts_per_day=300)
    window = Window(first=FIRST, last=LAST)
    return {s: pipeline.validate(s, pipeline.land(s, window, settings), settings) for s in SOURCES}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(DuckDB settings, Postgres settings, database URL, what the concurrent loads saw)."""
    from pilotage.ingest import pipeline
    from pilotage.transform import dbt_build

    admin = _admin()
    name = f"pilotage_srvwh_{uuid.uuid4().hex[:10]}"
    admin.cursor().execute(f"create database {name}")
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    root = tmp_path_factory.mktemp("server_warehouse")
    try:
        duck = _settings(root / "duck", str(root / "duck" / "warehouse" / "pilotage.duckdb"))
        for source, decisions in _land_and_validate(duck).items():
            pipeline.load(source, decisions, duck)
        dbt_build(duck)

        pg = _settings(root / "pg", url)
        decisions = _land_and_validate(pg)
        pipeline.load("acd", decisions["acd"], pg)
        seen = _load_beside_an_open_transaction(pg, url, decisions)
        dbt_build(pg)
        yield duck, pg, url, seen
    finally:
        admin.cursor().execute(f"drop database if exists {name} with (force)")
        admin.close()


def _load_beside_an_open_transaction(pg, url: str, decisions: dict[str, list]) -> dict[str, object]:
    """Load crm, wfm and qa at once, in threads, while another session holds an uncommitted
    replace of an acd day and this process holds the DuckDB writer lock (timeout 0): on Postgres
    neither is in their way."""
    import psycopg2
    from pilotage.ingest import pipeline
    from pilotage.warehouse import writer_lock

    seen: dict[str, object] = {}

    def load(source: str) -> None:
        try:
            seen[source] = pipeline.load(source, decisions[source], pg)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            seen[source] = exc

    other = psycopg2.connect(url)  # a transaction is open from the first statement
    try:
        cur = other.cursor()
        cur.execute("delete from raw.acd_contacts where _business_date = %s", [FIRST])
        cur.execute("update raw._load_log set status = status where entity = 'acd__contacts'")
        with writer_lock(pg.warehouse_path, timeout=0):
            threads = [threading.Thread(target=load, args=(s,)) for s in ("crm", "wfm", "qa")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)  # a guard against a hang, not a timing assertion
        seen["still running"] = [t.name for t in threads if t.is_alive()]
    finally:
        other.rollback()
        other.close()
    return seen


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def _sort_key(row: tuple) -> tuple:
    return tuple((0, "") if v is None else (1, f"{v:.6g}") if isinstance(v, float) else (1, str(v))
                 for v in row)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return a == b


def _duck_marts(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: ([d[0] for d in con.execute(f'select * from marts."{t}" limit 0').description],
                    [tuple(_plain(v) for v in r) for r in con.execute(f'select * from marts."{t}"').fetchall()])
                for t in tables}
    finally:
        con.close()


def _pg_marts(url: str) -> dict[str, tuple[list[str], list[tuple]]]:
    import psycopg2

    con = psycopg2.connect(url)
    try:
        cur = con.cursor()
        cur.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        found = {}
        for (table,) in cur.fetchall():
            cur.execute(f'select * from marts."{table}"')
            found[table] = ([d[0] for d in cur.description], [tuple(_plain(v) for v in r) for r in cur.fetchall()])
        return found
    finally:
        con.close()


def test_concurrent_source_loads_take_no_file_lock_and_wait_for_no_other_load(built) -> None:
    _duck, _pg, _url, seen = built
    assert seen["still running"] == []
    for source in ("crm", "wfm", "qa"):
        assert isinstance(seen[source], dict), f"load {source}: {seen[source]!r}"
        assert seen[source]["loaded_days"] > 0 and seen[source]["rows"] > 0


def test_every_mart_has_the_same_rows_on_duckdb_and_postgres(built) -> None:
    duck, _pg, url, _seen = built
    on_duckdb, on_postgres = _duck_marts(duck.published_path), _pg_marts(url)
    assert sorted(on_postgres) == sorted(on_duckdb)
    assert sum(len(rows) for _cols, rows in on_duckdb.values()) > 1000
    for table, (columns, rows) in on_duckdb.items():
        pg_columns, pg_rows = on_postgres[table]
        assert pg_columns == columns, table
        assert len(pg_rows) == len(rows), table
        for row, pg_row in zip(sorted(rows, key=_sort_key), sorted(pg_rows, key=_sort_key), strict=True):
            differing = [(c, a, b) for c, a, b in zip(columns, row, pg_row, strict=True) if not _same(a, b)]
            assert not differing, f"{table}: {differing[:3]}"


def test_pilotage_kpis_read_the_published_marts_of_both(built) -> None:
    from pilotage.reporting import published_provider_kpis

    duck, pg, _url, _seen = built
    _where, on_duckdb = published_provider_kpis(duck, FIRST, LAST)
    where, on_postgres = published_provider_kpis(pg, FIRST, LAST)
    assert where == "server warehouse" and len(on_postgres) == len(on_duckdb) == 2
    for a, b in zip(on_duckdb, on_postgres, strict=True):
        assert a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a), (a, b)
    assert isinstance(on_postgres[0]["offered"], int)


def test_bi_role_reads_the_published_marts_and_nothing_else(built) -> None:
    import psycopg2

    _duck, _pg, url, _seen = built
    con = psycopg2.connect(url)
    try:
        cur = con.cursor()
        cur.execute("set role pilotage_reader")
        cur.execute("select count(*) from marts.mart_production_daily")
        assert cur.fetchone()[0] > 0
        for table in ("raw.acd_contacts", "staging.stg_acd__contacts", "marts_build.fct_contacts"):
            cur.execute("savepoint probe")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(f"select count(*) from {table}")
            cur.execute("rollback to savepoint probe")
        cur.execute("savepoint probe")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("delete from marts.mart_production_daily")
    finally:
        con.rollback()
        con.close()


def _parquet_marts(folder: Path) -> dict[str, tuple[set[str], list[str], list[tuple]]]:
    """mart -> (its partition folders and files, columns, rows) of a published Parquet export."""
    con = duckdb.connect()
    try:
        found = {}
        for mart in sorted(p for p in folder.iterdir() if p.is_dir()):
            layout = {str(p.relative_to(mart).parent) if p.suffix == ".parquet" else p.name
                      for p in mart.rglob("*") if p.suffix == ".parquet"}
            cur = con.execute(f"select * from read_parquet('{mart}/**/*.parquet', hive_partitioning = true)")
            found[mart.name] = (layout, [d[0] for d in cur.description],
                                [tuple(_plain(v) for v in r) for r in cur.fetchall()])
        return found
    finally:
        con.close()


def test_the_parquet_export_has_the_same_files_columns_and_rows_on_both(built) -> None:
    duck, pg, _url, _seen = built
    assert pg.published_parquet_dir.is_symlink()
    on_duckdb, on_postgres = _parquet_marts(duck.published_parquet_dir), _parquet_marts(pg.published_parquet_dir)
    assert sorted(on_postgres) == sorted(on_duckdb) and len(on_duckdb) > 10
    assert any(layout != {"."} for layout, _c, _r in on_duckdb.values())  # month partitions
    for mart, (layout, columns, rows) in on_duckdb.items():
        pg_layout, pg_columns, pg_rows = on_postgres[mart]
        assert (pg_layout, pg_columns, len(pg_rows)) == (layout, columns, len(rows)), mart
        for row, pg_row in zip(sorted(rows, key=_sort_key), sorted(pg_rows, key=_sort_key), strict=True):
            differing = [(c, a, b) for c, a, b in zip(columns, row, pg_row, strict=True) if not _same(a, b)]
            assert not differing, f"{mart}: {differing[:3]}"


def _trouble(settings) -> None:
    """An empty re-delivery of a loaded acd day (suspect), a bad file for the next (quarantined),
    and a third day with no file at all (missing), validated and loaded."""
    from conftest import ctr, write_jsonl
    from pilotage.ingest import pipeline
    from pilotage.window import Window

    acd = settings.landing_dir / "acd"
    (acd / f"contacts_{FIRST:%Y%m%d}.jsonl").write_bytes(b"")
    write_jsonl(acd / f"contacts_{LAST:%Y%m%d}.jsonl", [ctr("c1", f"{LAST}T08:00:00", channel="FAX")])
    window = Window(first=FIRST, last=date(2026, 10, 7))
    pipeline.load("acd", pipeline.validate("acd", pipeline.land("acd", window, settings), settings), settings)


def _status(settings, capsys, html: Path | None = None) -> tuple[int, str]:
    """(exit code, stdout) of `pilotage status`, the data folder written <data>."""
    from pilotage.cli_status import cmd_status

    code = cmd_status(argparse.Namespace(limit=20, html=html), settings)
    out = capsys.readouterr().out
    return code, out.replace(str(settings.data_dir), "<data>")


@pytest.fixture(scope="module")
def troubled(built):
    """The built warehouses after :func:`_trouble` (raw only: the published marts stay)."""
    duck, pg, url, _seen = built
    for settings in (duck, pg):
        _trouble(settings)
    return duck, pg, url


def test_status_and_its_html_page_are_the_same_on_both_without_the_file_lock_on_postgres(troubled, capsys) -> None:
    from pilotage.status_html import read_days
    from pilotage.warehouse import writer_lock

    duck, pg, url = troubled
    code, on_duckdb = _status(duck, capsys)
    with writer_lock(pg.warehouse_path, timeout=0):  # a reader of Postgres never looks at it
        pg_code, on_postgres = _status(pg, capsys)
        html_code, _out = _status(pg, capsys, html=pg.data_dir / "status.html")
    assert (code, pg_code, html_code) == (0, 0, 0)
    assert on_postgres == on_duckdb
    for line in ("acd__agent_intervals         loaded", "acd__contacts                suspect",
                 "acd__contacts                quarantined", "missing", "Suspect deliveries held back",
                 f"{LAST} acd__contacts quarantined", "validation results: <data>/"):
        assert line in on_duckdb, line
    states = {d.state for d in read_days(duck)}
    assert {"loaded", "suspect", "quarantined", "missing"} <= states
    assert sorted(read_days(pg), key=repr) == sorted(read_days(duck), key=repr)
    assert _status(duck, capsys, html=duck.data_dir / "status.html")[0] == 0
    pages = [(s.data_dir / "status.html").read_text() for s in (duck, pg)]
    assert f"<p>Warehouse: {duck.warehouse_path}</p>" in pages[0]
    server = "PostgreSQL " + url.rsplit("@", 1)[-1].split("//", 1)[-1]  # host, port, database only
    assert f"<p>Warehouse: {server}</p>" in pages[1]
    assert pages[1].replace(server, str(duck.warehouse_path)) == pages[0]


def test_accept_on_both_loads_the_suspect_day_at_the_next_run(troubled, capsys) -> None:
    from pilotage.cli_status import cmd_accept
    from pilotage.ingest import pipeline
    from pilotage.warehouse import writer_lock
    from pilotage.window import Window

    duck, pg, _url = troubled
    confirm = argparse.Namespace(entity="acd__contacts", day=FIRST)
    assert cmd_accept(confirm, duck) == 0
    with writer_lock(pg.warehouse_path, timeout=0):
        assert cmd_accept(confirm, pg) == 0
        assert cmd_accept(argparse.Namespace(entity="acd__agent_intervals", day=FIRST), pg) == 1
    accepted = capsys.readouterr().out.splitlines()
    assert len(accepted) == 2 and accepted[0] == accepted[1]
    assert accepted[0].startswith(f"accepted contacts_{FIRST:%Y%m%d}.jsonl for acd__contacts")
    for settings in (duck, pg):
        window = Window(first=FIRST, last=FIRST)
        summary = pipeline.load("acd", pipeline.validate("acd", pipeline.land("acd", window, settings),
                                                         settings), settings)
        assert summary["loaded_days"] == 1, summary
    _code, on_duckdb = _status(duck, capsys)
    _code, on_postgres = _status(pg, capsys)
    assert on_postgres == on_duckdb and "Suspect deliveries" not in on_duckdb
