"""The whole pipeline through real Airflow: generated exports -> DAG runs -> marts, checked
against numbers computed independently from the generated files with plain Python."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import query
from pilotage import airflow_local
from pilotage.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

FIRST, LAST = date(2026, 3, 27), date(2026, 3, 30)  # Fri..Mon, across the spring DST change


def _expected_from_files(landing: Path, by: str = "provider_id") -> dict[tuple[str, str], dict[str, float]]:
    """Per (provider or queue, day): contact components straight from the CTR JSON lines."""
    with open(PROJECT_ROOT / "center" / "queues.csv", newline="") as handle:
        queues = {row["queue_name"]: row for row in csv.DictReader(handle)}
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in sorted((landing / "acd").glob("contacts_*.jsonl")):
        day = f"{path.stem[-8:-4]}-{path.stem[-4:-2]}-{path.stem[-2:]}"
        latest: dict[str, dict] = {}
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            kept = latest.get(rec["ContactId"])
            if kept is None or rec["LastUpdateTimestamp"] >= kept["LastUpdateTimestamp"]:
                latest[rec["ContactId"]] = rec
        for rec in latest.values():
            queue = queues[rec["Queue"]["Name"]]
            bucket = out[(queue[by], day)]
            wait = rec["Queue"]["Duration"]
            bucket["offered"] += 1
            if rec.get("Agent"):
                agent = rec["Agent"]
                bucket["answered"] += 1
                bucket["answered_within_threshold"] += wait <= int(queue["sl_threshold_seconds"])
                bucket["handle_seconds"] += (agent["AgentInteractionDuration"]
                                             + agent["CustomerHoldDuration"]
                                             + agent["AfterContactWorkDuration"])
            else:
                bucket["abandoned"] += 1
                bucket["short_abandoned"] += wait < int(queue["short_abandon_seconds"])
    return out


STARTED_AFTER: list[datetime] = []  # wall clock just before the fixture's runs


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory, airflow_db):
    import os

    from pilotage.generator import generate
    from pilotage.settings import Settings

    data = tmp_path_factory.mktemp("e2e") / "data"
    os.environ["PILOTAGE_DATA_DIR"] = str(data)
    try:
        settings = Settings.from_env()
        generate(settings.landing_dir, FIRST, LAST, seed=7, contacts_per_day=400)
        airflow_local.ensure_metadata_db(settings)
        dag = airflow_local.load_dag(settings)
        before = datetime.now(UTC)
        bulk = airflow_local.run_window(settings, FIRST, date(2026, 3, 29), dag=dag)  # 3 days, one run
        daily = airflow_local.run_window(settings, LAST, LAST, dag=dag)  # an ordinary daily run
        STARTED_AFTER.append(before)
        yield settings, bulk, daily
    finally:
        os.environ.pop("PILOTAGE_DATA_DIR", None)


def test_runs_succeed_and_every_task_ran(pipeline_run):
    _, bulk, daily = pipeline_run
    for run in (bulk, daily):
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        assert all(states[t].endswith("success") for t in states if not t.startswith("fail_if")), states
        assert states["fail_if_any_task_failed"].endswith("skipped")


def test_runs_record_their_real_start(pipeline_run):
    """The metadata DB holds when a run started, not its logical date (a 2-minute run of a past
    day showed as lasting days in the UI)."""
    from airflow.models.dagrun import DagRun

    _, bulk, daily = pipeline_run
    for run in (bulk, daily):
        (stored,) = DagRun.find(dag_id=run.dag_id, run_id=run.run_id)
        first_task = min(ti.start_date for ti in stored.get_task_instances() if ti.start_date)
        assert STARTED_AFTER[0] <= stored.start_date <= first_task
        assert stored.start_date <= stored.end_date


OWN_LINES = {  # per kind of task, a line only that task logs (pilotage's loggers)
    "extract": "no API extraction", "land": "file(s) delivered", "validate": "validation:",
    "load": "load:", "dbt_build": "dbt | ", "dbt": "node(s) passed in dbt_build",
    "publish_marts": "published", "summarize": "day(s)",
}


def _kind(task_id: str) -> str:
    """``validate_acd`` -> ``validate``, ``dbt.staging`` -> ``dbt``, ``dbt_build`` as it is."""
    if task_id in OWN_LINES:
        return task_id
    return "dbt" if task_id.startswith("dbt.") else task_id.split("_")[0]


def test_every_task_log_reads_in_the_ui(pipeline_run):
    """The REST API (the UI's Logs tab) serves each task's log of a ``dag.test()`` run, with the
    task's own lines: the tasks ran in-process with no log file, and it answered "Could not read
    served logs"."""
    from airflow.models.dagrun import DagRun
    from task_log_api import task_log

    _, bulk, daily = pipeline_run
    for logical in (bulk.logical_date, daily.logical_date):
        # read back by logical date; this test comes before test_rerunning_a_day_changes_nothing,
        # whose re-run of the daily day replaces that date's run (and skips the files it has)
        (run,) = DagRun.find(dag_id=bulk.dag_id, logical_date=logical)
        ran = [ti for ti in run.get_task_instances() if str(ti.state).endswith("success")]
        assert len(ran) == len(run.get_task_instances()) - 1  # all but fail_if_any_task_failed
        for ti in ran:
            lines = task_log(ti)
            text = "\n".join(str(line["event"]) for line in lines)
            assert "Could not read served logs" not in text, (ti.task_id, text)
            assert f"Task {ti.task_id} started" in text, (ti.task_id, text)
            own = [line for line in lines if str(line.get("logger", "")).startswith("pilotage")]
            kind = _kind(ti.task_id)
            assert any(OWN_LINES[kind] in line["event"] for line in own), (ti.task_id, text)
            if kind in ("land", "validate", "load", "dbt_build"):  # long work reports its progress
                assert any(line["logger"] == "pilotage.progress" for line in own), (ti.task_id, text)


def test_bulk_run_loaded_every_day_of_its_window(pipeline_run):
    settings, _, _ = pipeline_run
    days = query(settings, "select distinct _business_date from raw.acd_contacts order by 1")
    assert [d for (d,) in days] == [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29), LAST]
    statuses = query(settings, "select status, count(*) from raw._load_log group by 1")
    assert dict(statuses).get("quarantined", 0) == 0


def test_mart_matches_numbers_computed_from_the_files(pipeline_run):
    settings, _, _ = pipeline_run
    expected = _expected_from_files(settings.landing_dir)
    rows = query(settings, """
        select provider_id, business_date::varchar, sum(offered), sum(answered),
               sum(answered_within_threshold), sum(abandoned), sum(short_abandoned),
               sum(handle_seconds)
        from marts.mart_production_daily group by 1, 2""")
    actual = {(p, d): dict(zip(("offered", "answered", "answered_within_threshold", "abandoned",
                                "short_abandoned", "handle_seconds"), vals, strict=True))
              for p, d, *vals in rows}
    assert set(actual) == set(expected)
    for key, numbers in expected.items():
        for name, value in numbers.items():
            assert actual[key][name] == pytest.approx(value), (key, name)
    # the service level the mart publishes per queue and day is the documented default variant:
    # answered within the queue's threshold / (offered - short abandons)
    per_queue = _expected_from_files(settings.landing_dir, by="queue_name")
    published = query(settings, """select queue_name, business_date::varchar, service_level
                                    from marts.mart_production_daily where offered > 0""")
    assert len(published) == len(per_queue)
    for queue, day, service_level in published:
        exp = per_queue[(queue, day)]
        assert service_level == pytest.approx(
            exp["answered_within_threshold"] / (exp["offered"] - exp["short_abandoned"])), (queue, day)


def test_rerunning_a_day_changes_nothing(pipeline_run):
    settings, _, _ = pipeline_run
    tables = ["raw.acd_contacts", "raw._load_log", "marts.fct_contacts", "marts.mart_production_daily"]
    before = {t: query(settings, f"select * from {t} order by all") for t in tables}
    airflow_local.run_window(settings, LAST, LAST)
    after = {t: query(settings, f"select * from {t} order by all") for t in tables}
    for table in tables:
        assert after[table] == before[table], table


def test_no_customer_pii_past_raw(pipeline_run):
    settings, _, _ = pipeline_run
    columns = query(settings, """
        select table_schema || '.' || table_name || '.' || column_name
        from information_schema.columns
        where table_schema not in ('raw') and (column_name ilike '%address%'
           or column_name ilike '%email%' or column_name ilike '%phone%'
           or column_name ilike '%first_name%' or column_name ilike '%last_name%'
           or column_name = 'customer_id')""")
    assert columns == []
