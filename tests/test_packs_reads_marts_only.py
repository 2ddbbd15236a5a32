"""Packs read the marts only: no raw table, seed, fact or dbt project file in the packs' code, and
the fixture warehouse the pack tests use is generated from the dbt contracts (no drift)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from dbt_contracts import contract_columns, model
from packs_fixture import _create, build_fixture_warehouse, contract_of

PACKS = Path(__file__).resolve().parents[1] / "include" / "pilotage" / "packs"
OUTSIDE_MARTS = re.compile(r"raw\.|seeds\.|fct_|dbt_project\.yml")
# columns the fixture adds on purpose to prove the packs' defences (see packs_fixture._defence_in_depth)
DEFENCE_COLUMNS = {"marts.mart_steering_monthly": ["customer_email"], "marts.mart_quality_monthly": ["agent_id"]}


def test_packs_code_names_no_raw_table_seed_fact_or_dbt_project_file():
    hits = [f"{path.name}:{n}: {line.strip()}" for path in sorted(PACKS.rglob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if OUTSIDE_MARTS.search(line)]
    assert hits == []


@pytest.fixture(scope="module")
def fixture_con(tmp_path_factory):
    con = duckdb.connect(str(build_fixture_warehouse(tmp_path_factory.mktemp("contracts") / "f.duckdb")),
                         read_only=True)
    yield con
    con.close()


def test_fixture_warehouse_holds_only_marts_shaped_by_their_contracts(fixture_con):
    tables = fixture_con.execute("select table_schema || '.' || table_name from information_schema.tables "
                                 "order by 1").fetchall()
    assert tables and {t.split(".")[0] for (t,) in tables} == {"marts"}
    for (table,) in tables:
        got = fixture_con.execute("select column_name, data_type from information_schema.columns "
                                  "where table_schema || '.' || table_name = ? order by ordinal_position",
                                  [table]).fetchall()
        names = [n for n, _ in got if n not in DEFENCE_COLUMNS.get(table, [])]
        assert names == list(contract_of(table)), table
        types = {n: t for n, t in got}
        for name, declared in contract_of(table).items():
            assert types[name] == fixture_con.execute(f"select typeof(cast(null as {declared}))").fetchone()[0]


def test_a_fixture_column_missing_from_the_contract_fails():
    con = duckdb.connect(":memory:")
    con.execute("create schema marts")
    with pytest.raises(AssertionError, match="not in the dbt contract"):
        _create(con, "marts.mart_production_agents_weekly", ["provider_id", "handle_time"], [("PRV_A", 1)])


def test_contracts_are_found_by_model_name_whatever_the_yaml_file():
    # one YAML per model (the new marts) and one YAML per folder (older marts) alike
    assert Path(model("mart_kpi_benchmark")["_path"]).name == "mart_kpi_benchmark.yml"
    assert "benchmark_median" in contract_columns("mart_kpi_benchmark")
    assert contract_columns("mart_production_daily")["business_date"] == "date"
    with pytest.raises(LookupError):
        contract_columns("mart_that_does_not_exist")
