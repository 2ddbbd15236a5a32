"""scripts/compare_marts.py: the row-by-row check used to prove a dbt refactoring changes no number."""

import importlib.util
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "compare_marts.py"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_marts", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def _warehouse(path: Path, table: str, rows: list[tuple]) -> str:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.{table} (kpi_id varchar, actual double)")
    con.executemany(f"insert into marts.{table} values (?, ?)", rows)
    con.close()
    return str(path)


def test_identical_up_to_order_and_rename(tmp_path, compare):
    before = _warehouse(tmp_path / "a.duckdb", "mart_old", [("sl", 0.8), ("aht", 300.0)])
    after = _warehouse(tmp_path / "b.duckdb", "mart_new", [("aht", 300.0), ("sl", 0.8 + 1e-12)])
    assert compare([before, after, "--rename", "mart_old=mart_new"]) == 0


@pytest.mark.parametrize("rows", [[("sl", 0.81), ("aht", 300.0)], [("sl", 0.8)], [("sl", 0.8), ("aht", None)]])
def test_a_changed_number_or_row_fails(tmp_path, compare, rows):
    before = _warehouse(tmp_path / "a.duckdb", "m", [("sl", 0.8), ("aht", 300.0)])
    after = _warehouse(tmp_path / "b.duckdb", "m", rows)
    assert compare([before, after]) == 1


def test_a_missing_table_fails(tmp_path, compare):
    before = _warehouse(tmp_path / "a.duckdb", "m", [("sl", 0.8)])
    after = _warehouse(tmp_path / "b.duckdb", "other", [("sl", 0.8)])
    assert compare([before, after]) == 1
