"""Every DAG imports fast, without heavy imports, with tags, retries, docs and an acyclic graph."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from pilotage import airflow_local
from pilotage.settings import PROJECT_ROOT, Settings

airflow_local.configure(Settings.from_env())


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "pilotage_daily" in dagbag.dag_ids


def test_dags_have_tags_docs_owner_and_retries(dagbag):
    for dag_id in dagbag.dag_ids:
        dag = dagbag.get_dag(dag_id)
        assert dag.tags, dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag_id
        for task in dag.tasks:
            if task.task_id.startswith("fail_if"):
                continue  # the sentinel task must fail at once
            assert task.retries >= 2, (dag_id, task.task_id)
            assert task.owner == "data-engineering", (dag_id, task.task_id)


def test_daily_dag_shape(dagbag):
    dag = dagbag.get_dag("pilotage_daily")
    for source in ("acd", "crm", "wfm", "qa"):
        assert dag.get_task(f"extract_{source}").downstream_task_ids == {f"land_{source}"}
        assert dag.get_task(f"land_{source}").downstream_task_ids == {f"validate_{source}"}
        assert dag.get_task(f"validate_{source}").downstream_task_ids == {f"load_{source}"}
        assert "dbt_build" in dag.get_task(f"load_{source}").downstream_task_ids
        assert dag.get_task(f"load_{source}").pool == "duckdb_writer"
    assert dag.get_task("dbt_build").pool == "duckdb_writer"
    assert dag.get_task("dbt_build").trigger_rule == "all_done"
    # dbt seen per folder of models: a chain of dbt.<folder> tasks between the build and publication
    dbt_tasks = [t for t in dag.topological_sort() if t.task_id.startswith("dbt.")]
    assert {"dbt.seeds", "dbt.staging", "dbt.intermediate_contacts", "dbt.marts_core",
            "dbt.marts_committees"} <= {t.task_id for t in dbt_tasks}
    chain = ["dbt_build", *(t.task_id for t in dbt_tasks), "publish_marts", "summarize"]
    for before, after in zip(chain, chain[1:], strict=False):
        assert after in dag.get_task(before).downstream_task_ids, (before, after)
    assert all(t.pool == "duckdb_writer" for t in dbt_tasks)
    assert dag.get_task("publish_marts").pool == "duckdb_writer"
    # topological sort raises on a cycle
    assert len(dag.topological_sort()) == len(dag.tasks)


def _daily_pools(monkeypatch, **env: str) -> dict[str, str]:
    """task id -> pool of pilotage_daily parsed afresh under ``env`` (the pool is decided at
    parse time from the environment)."""
    from airflow.dag_processing.dagbag import DagBag

    for var in ("PILOTAGE_WAREHOUSE", "AIRFLOW_CONN_PILOTAGE_WAREHOUSE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "pilotage_daily.py"))
    assert bag.import_errors == {}
    return {t.task_id: t.pool for t in bag.get_dag("pilotage_daily").tasks}


@pytest.mark.parametrize("env", [{"PILOTAGE_WAREHOUSE": "postgresql://etl@db.example:5432/pilotage"},
                                 {"AIRFLOW_CONN_PILOTAGE_WAREHOUSE": "postgres://etl@db.example:5432/pilotage"}])
def test_loads_run_at_once_on_a_server_warehouse(airflow_db, monkeypatch, env):
    pools = _daily_pools(monkeypatch, **env)
    assert {pools[f"load_{s}"] for s in ("acd", "crm", "wfm", "qa")} == {"warehouse_loads"}
    writers = {t for t, pool in pools.items() if pool == "duckdb_writer"}
    assert writers == {"dbt_build", "publish_marts", *(t for t in pools if t.startswith("dbt."))}
    declared = json.loads((PROJECT_ROOT / "deploy" / "pools.json").read_text())
    assert declared["warehouse_loads"]["slots"] >= 4 and declared["duckdb_writer"]["slots"] == 1


def test_loads_take_the_one_slot_writer_pool_on_duckdb(airflow_db, monkeypatch, tmp_path):
    pools = _daily_pools(monkeypatch, PILOTAGE_WAREHOUSE=str(tmp_path / "pilotage.duckdb"))
    assert {pools[f"load_{s}"] for s in ("acd", "crm", "wfm", "qa")} == {"duckdb_writer"}
    assert "warehouse_loads" not in pools.values()


def test_pack_dags_stay_out_of_the_writer_pool(dagbag):
    """Pack tasks read the published copy only: a run loading meanwhile must not queue them."""
    for dag_id in ("pilotage_packs_weekly", "pilotage_packs_monthly", "pilotage_packs_semiannual"):
        assert {t.pool for t in dagbag.get_dag(dag_id).tasks} == {"default_pool"}, dag_id


def test_dag_files_parse_fast_and_import_nothing_heavy():
    code = (
        "import sys, time, runpy\n"
        "t = time.perf_counter()\n"
        f"runpy.run_path({str(PROJECT_ROOT / 'dags' / 'pilotage_daily.py')!r})\n"
        "elapsed = time.perf_counter() - t\n"
        "heavy = [m for m in ('pandas', 'duckdb', 'great_expectations', 'dbt', 'numpy', 'pilotage.ingest')"
        " if m in sys.modules]\n"
        "print(elapsed, heavy)\n"
    )
    # airflow.sdk itself is imported first so only the DAG file's own cost is measured
    out = subprocess.run([sys.executable, "-c", "import airflow.sdk\n" + code], capture_output=True,
                         text=True, check=True)
    elapsed, heavy = out.stdout.strip().split(" ", 1)
    assert heavy == "[]", f"DAG file imports heavy modules at parse time: {heavy}"
    assert float(elapsed) < 2.0


def test_window_of_a_daily_run_is_its_local_day():
    import pendulum
    from pilotage.orchestration import run_window
    from pilotage.window import Window

    tz = "Europe/Paris"
    context = {"params": {}, "data_interval_start": pendulum.datetime(2026, 3, 28, tz=tz),
               "data_interval_end": pendulum.datetime(2026, 3, 29, tz=tz)}
    assert run_window(context, tz) == Window(first=date(2026, 3, 28), last=date(2026, 3, 28))
    context["params"] = {"date_from": "2025-10-01", "date_to": "2026-03-27"}
    assert run_window(context, tz) == Window(first=date(2025, 10, 1), last=date(2026, 3, 27))
    context["params"] = {"date_from": "2025-10-01", "date_to": None}
    with pytest.raises(ValueError, match="both"):
        run_window(context, tz)
