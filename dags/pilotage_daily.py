"""Daily ingestion of the contact center's exports into the KPI warehouse (see ``doc_md``)."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, TriggerRule, dag, task
from pilotage.dag_defaults import DEFAULT_ARGS, MARTS, WRITER_POOL

SOURCES = ("acd", "crm", "wfm", "qa")

DOC = """
### pilotage_daily — exports → Great Expectations → DuckDB raw → dbt marts

Each run processes **every local business day of its data interval** (Europe/Paris), so a
scheduled run handles one day and a run whose interval spans months loads the whole history in
one pass. For a manual run, `date_from` / `date_to` (inclusive) in the run's conf override it.

Per source system (`acd`, `crm`, `wfm`, `qa`):
0. **extract**: pick up complete files from the drop location (`pilotage_drop_url`: local folder,
   SFTP or object store; connection `pilotage_drop` for credentials) and pull the vendor API
   (connection `pilotage_<source>_api`) into the landing folder, resuming an interrupted run
   from its checkpoint; a no-op when neither is configured (files then arrive in the landing
   folder directly);
1. **land**: find `<landing>/<source>/<entity>_<YYYYMMDD>.*`, archive it by content hash;
2. **validate**: parse with the layout mapping, check with the suite in `expectations/`; a file
   breaking a blocking rule is copied to `<data>/quarantine/` with a reason naming file, rule and
   rows — the other files, days and sources go on;
3. **load** (pool `duckdb_writer`, 1 slot): each accepted day replaces itself in `raw.*`.

Then **dbt_build** rebuilds the window's business days in the marts, and **summarize** logs
what was loaded, unchanged, missing or quarantined. Paths come from Airflow Variables
`pilotage_landing_dir`, `pilotage_data_dir`, `pilotage_warehouse` or the same names in
upper case as environment variables.
"""



LAYOUT_VARIABLES = ("pilotage_layouts",)
DROP_VARIABLES = ("pilotage_drop_url", "pilotage_drop_options", "pilotage_drop_complete",
                  "pilotage_drop_settle_seconds", "pilotage_drop_marker_suffix", "pilotage_drop_names")


def _settings(*extra_variables: str):
    """Settings from Airflow Variables first, then environment, then project defaults."""
    import os

    from airflow.sdk import Variable

    for name in ("pilotage_landing_dir", "pilotage_data_dir", "pilotage_warehouse", *extra_variables):
        value = Variable.get(name, default=None)
        if value:
            os.environ[name.upper()] = value
    from pilotage.settings import Settings

    return Settings.from_env()


def _window(context) -> tuple[str, str]:
    """[start, end) business days of this run: conf override, else the data interval."""
    from pilotage.orchestration import run_window

    return run_window(context)


@dag(
    dag_id="pilotage_daily",
    description="Land, validate and load the four source exports, then dbt build the marts.",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Europe/Paris"),
    # any history can be loaded by a manual run; catchup is off, so the scheduler never backfills
    start_date=pendulum.datetime(1970, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["pilotage", "ingestion", "dbt"],
    doc_md=DOC,
    params={
        "date_from": Param(None, type=["null", "string"], format="date",
                           description="First business day to process (manual runs)."),
        "date_to": Param(None, type=["null", "string"], format="date",
                         description="Last business day to process, inclusive (manual runs)."),
    },
    default_args=DEFAULT_ARGS,
)
def pilotage_daily():
    loads = []
    for source in SOURCES:

        @task(task_id=f"extract_{source}")
        def extract(source: str = source, **context) -> dict:
            """File-drop pickup then API extraction for the window; no-op when not configured."""
            from datetime import date

            from pilotage.extract.filedrop import pickup
            from pilotage.extract.runner import extract as pull

            start, end = _window(context)
            settings = _settings(*LAYOUT_VARIABLES, *DROP_VARIABLES)
            first, stop = date.fromisoformat(start), date.fromisoformat(end)
            dropped = pickup(source, first, stop, settings)
            return {"pickup": {k: v for k, v in dropped.items() if k != "files"},
                    "api": pull(source, first, stop, settings)}

        @task(task_id=f"land_{source}")
        def land(source: str = source, **context) -> list[dict]:
            from datetime import date

            from pilotage.ingest import pipeline

            start, end = _window(context)
            return pipeline.land(source, date.fromisoformat(start), date.fromisoformat(end), _settings())

        @task(task_id=f"validate_{source}")
        def validate(manifest: list[dict], source: str = source) -> list[dict]:
            from pilotage.ingest import pipeline

            return pipeline.validate(source, manifest, _settings(*LAYOUT_VARIABLES))

        @task(task_id=f"load_{source}", pool=WRITER_POOL)
        def load(decisions: list[dict], source: str = source) -> dict:
            from pilotage.ingest import pipeline

            return pipeline.load(source, decisions, _settings())

        landed = land()
        extract() >> landed
        loads.append(load(validate(landed)))

    @task(pool=WRITER_POOL, trigger_rule=TriggerRule.ALL_DONE, outlets=[MARTS])
    def dbt_build(**context) -> None:
        """Rebuild the window's business days in every dbt model (runs even if a source failed)."""
        from datetime import date

        from pilotage.transform import dbt_build as build

        start, end = _window(context)
        build(_settings(), date.fromisoformat(start), date.fromisoformat(end) - timedelta(days=1))

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def summarize(**context) -> dict:
        """Log, per entity, the days loaded / missing / quarantined in this window."""
        from pilotage.orchestration import summarize_window

        start, end = _window(context)
        return summarize_window(_settings(), start, end)

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
    def fail_if_any_task_failed() -> None:
        """Keeps the run red when a source failed, although dbt and the summary still ran."""
        raise RuntimeError("at least one task of this run failed; see its log")

    built = dbt_build()
    loads >> built
    built >> summarize()
    [*loads, built] >> fail_if_any_task_failed()


pilotage_daily()
