"""A null key in a rebuilt (table) mart fails `dbt build` by the database's NOT NULL constraint.

The table marts with an enforced contract carry no `not_null` data test: the column's
``constraints: [{type: not_null}]`` is in the DDL dbt creates the table with, so the insert of a
null fails and the model is in error (README, "A daily run's fixed cost"). Shown on dim_provider,
the cheapest such mart: its three seeds are written by hand, one provider id null, and only the
model and its own tests are built (cautious indirect selection leaves out the relationships tests
of the marts that refer to it). Without the constraint the model builds, its remaining test
(unique, blind to nulls) passes and so does the build.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import duckdb
import pytest
from test_dbt_build import run_dbt

pytestmark = pytest.mark.integration

MODEL = "model.pilotage.dim_provider"
BUILD = ("build", "--select", "dim_provider", "--indirect-selection", "cautious")
# the seeds dim_provider reads, reduced to the columns it reads; provider B's id is null
SEEDS = (
    "create schema seeds",
    "create table seeds.providers (provider_id varchar(20), provider_name varchar(50))",
    "insert into seeds.providers values ('PRV_A', 'Provider A'), (null, 'Provider B')",
    "create table seeds.sites (site_id varchar(20), provider_id varchar(20))",
    "insert into seeds.sites values ('LYS', 'PRV_A')",
    "create table seeds.queues (queue_name varchar(50), provider_id varchar(20))",
    "insert into seeds.queues values ('VOICE_BILLING', 'PRV_A')",
)


def _duckdb_warehouse(tmp_path: Path) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        for statement in SEEDS:
            con.execute(statement)
    finally:
        con.close()
    return warehouse


@pytest.fixture
def postgres_database(monkeypatch: pytest.MonkeyPatch):
    """A new database on the test server holding the seeds, dbt's connection fields in the
    environment; dropped afterwards."""
    from pilotage import server_publish
    from test_server_warehouse import SERVER, _admin

    admin = _admin()
    name = f"pilotage_notnull_{uuid.uuid4().hex[:10]}"
    admin.cursor().execute(f"create database {name}")
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    try:
        import psycopg2

        con = psycopg2.connect(url)
        with con, con.cursor() as cur:
            for statement in SEEDS:
                cur.execute(statement)
        con.close()
        for key, value in server_publish.dbt_env(url, "unused").items():
            monkeypatch.setenv(key, value)
        yield url
    finally:
        admin.cursor().execute(f"drop database if exists {name} with (force)")
        admin.close()


def _results(workdir: Path) -> dict[str, dict]:
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r for r in results}


def _assert_failed_on_the_constraint(result, workdir: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"dbt build passed with a null provider_id:\n{output}"
    results = _results(workdir)
    assert results[MODEL]["status"] == "error", output
    message = results[MODEL]["message"].lower()
    assert "not null" in message or "not-null" in message, message
    assert "provider_id" in message, message
    # the model's own tests did not run on a table that was never created
    assert [r["status"] for uid, r in results.items() if uid != MODEL] == ["skipped"], results


def test_a_null_key_fails_the_table_mart_on_duckdb(tmp_path: Path) -> None:
    warehouse = _duckdb_warehouse(tmp_path)
    result = run_dbt(tmp_path, warehouse, *BUILD, check=False)
    _assert_failed_on_the_constraint(result, tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        built = con.execute("select count(*) from information_schema.tables "
                            "where table_schema = 'marts' and table_name = 'dim_provider'").fetchone()
    finally:
        con.close()
    assert built == (0,)  # no table with the null row left behind


def test_a_null_key_fails_the_table_mart_on_postgres(postgres_database, tmp_path: Path) -> None:
    result = run_dbt(tmp_path, tmp_path / "unused.duckdb", *BUILD, "--target", "postgres", check=False)
    _assert_failed_on_the_constraint(result, tmp_path)
