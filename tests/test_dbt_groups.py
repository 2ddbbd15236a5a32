"""dbt per folder of models in Airflow: the build order follows ref(), and a failing model turns its
folder's task red with the model's error in its log, publishes nothing, and a retry of that
folder rebuilds it."""

from __future__ import annotations

import json
import logging
import re
import shutil
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pilotage.dbt_groups import (
    Group,
    build_order,
    check,
    group_of,
    publish_marts,
    rebuild,
    seed_files,
    summarize,
    target_dir,
)
from pilotage.settings import PROJECT_ROOT, Settings
from pilotage.window import Window

DAY = date(2026, 3, 24)  # a Tuesday
BROKEN = "models/marts/pipeline/mart_definitions_in_use.sql"
BROKEN_GROUP = Group("marts/pipeline")


def test_build_order_puts_every_model_after_the_models_it_refers_to():
    project = PROJECT_ROOT / "dbt_project"
    order = [g.name for g in build_order(project)]
    assert order[:2] == ["seeds", "staging"]
    owner = {p.stem: "seeds" for p in seed_files(project)}
    assert "queues" in owner  # a center seed (center/queues.csv)
    for path in (project / "models").rglob("*.sql"):
        owner[path.stem] = group_of(str(path.relative_to(project)))
    assert set(owner.values()) == set(order)  # every model in one group of the DAG
    for path in (project / "models").rglob("*.sql"):
        for ref in re.findall(r"ref\(\s*'(\w+)'", path.read_text()):
            assert order.index(owner[ref]) <= order.index(owner[path.stem]), (path.name, ref)


def test_a_cycle_between_folders_is_refused(tmp_path):
    for name, other in (("a", "b"), ("b", "a")):
        folder = tmp_path / "models" / "marts" / name
        folder.mkdir(parents=True)
        (folder / f"m_{name}.sql").write_text(f"select * from {{{{ ref('m_{other}') }}}}")
    with pytest.raises(ValueError, match="cycle"):
        build_order(tmp_path)


def test_a_seeds_group_the_build_kept_is_green_and_says_why(caplog):
    """A build that kept the seeds ran no node of the group: not a failure, not a skip."""
    reason = "unchanged since the build of 2026-03-24 02:00 UTC that loaded them"
    summary = {"groups": {"seeds": {"passed": 0, "failed": [], "skipped": [], "extra_tests": [],
                                    "kept": reason}}, "ungrouped": []}
    with caplog.at_level(logging.INFO, logger="pilotage.dbt_groups"):
        assert check(Group("seeds"), summary, try_number=1) == {"rebuilt": False, "passed": 0, "kept": reason}
    assert f"dbt group seeds: 0 node(s) passed in dbt_build; seeds unchanged, kept: {reason}" in caplog.text
    assert check(Group("seeds"), summary, try_number=2) is None  # a retry loads them (rebuild)


def _failure_line(output: str, task_id: str) -> str:
    """The task's failure as its log ends with it (``dag_defaults.on_failure``: task, run, cause)."""
    start = output.index(f"pilotage: task {task_id} failed")
    end = output.find("pilotage: task ", start + 1)
    return output[start:end if end > 0 else None]


@pytest.mark.integration
def test_failing_model_turns_its_folder_red_publishes_nothing_and_a_retry_rebuilds_it(
        tmp_path, monkeypatch, capfd, airflow_db):
    from pilotage import airflow_local, task_logs
    from pilotage.generator import generate
    from task_log_api import task_log

    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    model = project / BROKEN
    good = model.read_text()
    model.write_text(good.replace("{{ ref('kpi_catalogue') }}",
                                  "{{ ref('kpi_catalogue') }} where no_such_column is not null", 1))
    for var, value in (("PILOTAGE_DATA_DIR", tmp_path / "data"), ("PILOTAGE_DBT_PROJECT_DIR", project),
                       ("PILOTAGE_LANDING_SETTLE_SECONDS", 0)):
        monkeypatch.setenv(var, str(value))
    settings = Settings.from_env()
    generate(settings.landing_dir, DAY, DAY, seed=3, contacts_per_day=60)
    dag = airflow_local.load_dag(settings)
    for task in dag.tasks:
        task.retries = 0  # the first try's outcome is the one under test
    logical = datetime.combine(DAY + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.time_zone))
    capfd.readouterr()
    task_logs.install()  # as run_window does
    run = dag.test(logical_date=logical, run_conf={"date_from": None, "date_to": None})
    output = "".join(capfd.readouterr())

    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    order = [f"dbt.{g.task_id}" for g in build_order(PROJECT_ROOT / "dbt_project")]
    broken = order.index(f"dbt.{BROKEN_GROUP.task_id}")
    assert states["dbt_build"].endswith("success"), states
    assert all(states[t].endswith("success") for t in order[:broken]), states
    assert states[order[broken]].endswith("failed"), states
    assert all(states[t].endswith("upstream_failed") for t in order[broken + 1:]), states
    assert states["publish_marts"].endswith("upstream_failed"), states
    assert states["summarize"].endswith("success"), states
    assert states["fail_if_any_task_failed"].endswith("failed"), states
    assert not settings.published_path.exists()
    log = _failure_line(output, order[broken])
    assert "mart_definitions_in_use" in log and "no_such_column" in log, log[-3000:]
    # the UI's log of the red task holds the failure and its traceback (Airflow's runner logs
    # them on the console only, in-process)
    (red,) = [ti for ti in run.get_task_instances() if ti.task_id == order[broken]]
    (failure,) = [line for line in task_log(red) if line.get("level") == "error"]
    assert "mart_definitions_in_use" in failure["event"] and "no_such_column" in failure["event"]
    assert failure["error_detail"][0]["exc_type"] == "GroupFailed"

    # the operator fixes the model and clears the red task: it rebuilds its folder alone
    summary = summarize(target_dir(settings), build_order(PROJECT_ROOT / "dbt_project"))
    entry = summary["groups"][BROKEN_GROUP.name]
    # the model or its unit test (the SQL breaks both; production builds may leave unit tests out)
    assert [f["node"].split(".")[2] for f in entry["failed"]] == ["mart_definitions_in_use"]
    model.write_text(good)
    window = Window(first=DAY, last=DAY, time_zone=settings.time_zone)
    assert check(BROKEN_GROUP, summary, try_number=2) is None  # a retry rebuilds
    assert rebuild(settings, window, BROKEN_GROUP, summary) == {"rebuilt": True}
    rebuilt = json.loads((target_dir(settings) / "run_results.json").read_text())["results"]
    assert {r["status"] for r in rebuilt} <= {"success", "pass"}
    # its model and the tests whose last parent it holds: as many nodes as in the whole build
    assert len(rebuilt) == entry["passed"] + len(entry["failed"]) + len(entry["skipped"])
    publish_marts(settings)
    assert settings.published_path.exists()
