"""The seeds' fingerprint and the plan it gives a build (kept or loaded), on tiny folders and a
DuckDB file without dbt: the integration side is tests/test_seeds_kept.py."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pilotage import seed_state
from pilotage.seed_state import KEEP_ARGS, fingerprint, plan, record, selects_nodes

VARS = {"local_time_zone": "Europe/Paris", "site_time_zones": {}, "delivered_entities": ["acd__contacts"]}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    project, center = tmp_path / "dbt_project", tmp_path / "center_seeds"
    for name, text in {"dbt_project.yml": "seeds:\n  pilotage:\n    +schema: seeds\n",
                       "seeds/kpi_catalogue.csv": "kpi_id\nsl\n", "seeds/_seeds.yml": "seeds: []\n",
                       "models/marts/m.sql": "select 1", "models/marts/m.yml": "models: []\n",
                       "tests/assert_x.sql": "select 1 where false",
                       "macros/m.sql": "{% macro m() %}1{% endmacro %}",
                       "target/run_results.json": "{}", "logs/dbt.log": "x", ".user.yml": "id: 1\n"}.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    center.mkdir()
    (center / "queues.csv").write_text("queue_name,sl_threshold_seconds\nVOICE_BILLING,20\n")
    (center / "sites.csv").write_text("site_id\nLYS\n")
    return project, center


def _changed(folders: tuple[Path, Path], edit) -> bool:
    project, center = folders
    before = fingerprint(project, center, VARS)
    edit(project, center)
    return fingerprint(project, center, VARS) != before


def test_the_fingerprint_is_stable_and_takes_the_vars_as_a_mapping_or_their_json(folders) -> None:
    project, center = folders
    first = fingerprint(project, center, VARS)
    assert len(first) == 64 and fingerprint(project, center, VARS) == first
    assert fingerprint(project, center, '{"site_time_zones": {}, "local_time_zone": "Europe/Paris", '
                                        '"delivered_entities": ["acd__contacts"]}') == first
    assert fingerprint(project, center, {**VARS, "local_time_zone": "Europe/Lisbon"}) != first


@pytest.mark.parametrize("what, edit", [
    ("a threshold in a center CSV", lambda p, c: (c / "queues.csv").write_text(
        "queue_name,sl_threshold_seconds\nVOICE_BILLING,30\n")),
    ("a new center CSV", lambda p, c: (c / "action_plan.csv").write_text("action_id\n")),
    ("a center CSV renamed", lambda p, c: (c / "sites.csv").rename(c / "providers.csv")),
    ("the product's seed", lambda p, c: (p / "seeds/kpi_catalogue.csv").write_text("kpi_id\naht\n")),
    ("the seeds' YAML", lambda p, c: (p / "seeds/_seeds.yml").write_text("seeds: [{name: x}]\n")),
    ("dbt_project.yml", lambda p, c: (p / "dbt_project.yml").write_text("seeds: {}\n")),
    ("a singular test", lambda p, c: (p / "tests/assert_x.sql").write_text("select 2")),
    ("a macro", lambda p, c: (p / "macros/m.sql").write_text("{% macro m() %}2{% endmacro %}")),
    ("a model's YAML", lambda p, c: (p / "models/marts/m.yml").write_text("models: [{name: m}]\n")),
])
def test_what_determines_the_seeds_changes_the_fingerprint(folders, what, edit) -> None:
    assert _changed(folders, edit), what


@pytest.mark.parametrize("what, edit", [
    ("a model's SQL", lambda p, c: (p / "models/marts/m.sql").write_text("select 2")),
    ("dbt's output in the project", lambda p, c: ((p / "target/run_results.json").write_text("[]"),
                                                  (p / "logs/dbt.log").write_text("y"))),
    ("a hidden file", lambda p, c: (p / ".user.yml").write_text("id: 2\n")),
    ("a file beside the center CSVs", lambda p, c: (c / "notes.txt").write_text("x")),
])
def test_what_cannot_change_the_seeds_leaves_the_fingerprint(folders, what, edit) -> None:
    assert not _changed(folders, edit), what


def test_the_dbt_version_is_part_of_the_fingerprint(folders, monkeypatch) -> None:
    project, center = folders
    before = fingerprint(project, center, VARS)
    monkeypatch.setattr(seed_state, "_version", lambda package: "0.0.0")
    assert fingerprint(project, center, VARS) != before


@pytest.mark.parametrize("args, selects", [
    ([], False), (["--target-path", "/x/target"], False), (["--target-path=/x/target"], False),
    (["--select", "fct_contacts"], True), (["--target-path", "/x", "-s", "queues"], True),
    (["--full-refresh"], True), (["--exclude-resource-type", "test"], True),
])
def test_only_arguments_that_select_nothing_let_a_build_keep_the_seeds(args, selects) -> None:
    assert selects_nodes(args) is selects


def _seed_tables(warehouse: Path, names=("kpi_catalogue", "queues", "sites")) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema if not exists seeds")
        for name in names:
            con.execute(f"create or replace table seeds.{name} as select 1 as x")
    finally:
        con.close()


def _stored(warehouse: Path) -> str | None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute("select table_name from information_schema.tables "
                            "where table_schema = 'seeds' and table_name = '_fingerprint'").fetchall()
        return con.execute("select fingerprint from seeds._fingerprint").fetchone()[0] if found else None
    finally:
        con.close()


def test_plan_keeps_the_seeds_only_when_recorded_unchanged_and_present(folders, tmp_path) -> None:
    project, center = folders
    warehouse = tmp_path / "pilotage.duckdb"
    first = plan(warehouse, project, center, VARS)
    assert first.load and first.reason == "a new warehouse" and first.args == ()
    assert not warehouse.exists()  # planning creates no file
    _seed_tables(warehouse)
    record(warehouse, first)
    assert _stored(warehouse) == fingerprint(project, center, VARS)

    kept = plan(warehouse, project, center, VARS, ["--target-path", str(tmp_path / "target")])
    assert not kept.load and kept.args == KEEP_ARGS and kept.record is None
    assert kept.describe().startswith("seeds kept: unchanged since the build of ")
    record(warehouse, kept)  # nothing to record
    assert _stored(warehouse) == first.record

    con = duckdb.connect(str(warehouse))
    con.execute("drop table seeds.sites")
    con.close()
    dropped = plan(warehouse, project, center, VARS)
    assert dropped.load and dropped.reason == "missing table(s) seeds.sites"
    assert _stored(warehouse) is None  # until this build exits 0 and records it again
    _seed_tables(warehouse)
    record(warehouse, dropped)

    (center / "queues.csv").write_text("queue_name,sl_threshold_seconds\nVOICE_BILLING,0\n")
    changed = plan(warehouse, project, center, VARS)
    assert changed.load and "changed" in changed.reason and changed.record != first.record
    assert _stored(warehouse) is None


def test_a_build_selecting_nodes_loads_as_selected_and_drops_a_stale_fingerprint(folders, tmp_path) -> None:
    project, center = folders
    warehouse = tmp_path / "pilotage.duckdb"
    _seed_tables(warehouse)
    record(warehouse, plan(warehouse, project, center, VARS))
    current = _stored(warehouse)
    selected = plan(warehouse, project, center, VARS, ["--select", "resource_type:seed"])
    assert selected.load and selected.record is None and _stored(warehouse) == current  # same files
    (center / "sites.csv").write_text("site_id\nOPO\n")
    plan(warehouse, project, center, VARS, ["--select", "sites"])
    assert _stored(warehouse) is None  # the seeds it loads no longer match what was recorded
