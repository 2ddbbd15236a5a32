"""Daily ingestion of the contact center's exports into the KPI warehouse (see ``doc_md``)."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, Param, TriggerRule, dag, task
from pilotage.dag_defaults import DEFAULT_ARGS, MARTS, START_DATE, TIME_ZONE, WRITER_POOL, airflow_settings

SOURCES = ("acd", "crm", "wfm", "qa")

DOC = f"""
### pilotage_daily — exports → Great Expectations → DuckDB raw → dbt marts

Each run processes **every local business day of its data interval** ({TIME_ZONE}), so a
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
   rows — the other files, days and sources go on; a re-delivery that empties or sharply
   shrinks a loaded day is held back as **suspect** (the day keeps its rows) until confirmed
   with `pilotage accept <entity> <day>` or this run's conf `accept: ["<entity>:<day>"]`;
3. **load** (pool `{WRITER_POOL}`, 1 slot): each accepted day replaces itself in `raw.*`.

Then **dbt_build** rebuilds the window's business days in the marts and, only when dbt's
tests pass, publishes them to the read-only copy readers open (`pilotage_published`; a failed
build leaves the last published copy as it was), and **summarize** logs
what was loaded, unchanged, missing or quarantined. Settings (paths, layout selection,
file drop) come from the Airflow Variables `pilotage_*` (e.g. `pilotage_data_dir`,
`pilotage_warehouse`, `pilotage_layouts`) or else the same names in upper case as environment
variables; the time zone from the environment variable `PILOTAGE_TIME_ZONE`.
"""



def _window(context, settings):
    """Business days of this run: conf override, else the data interval."""
    from pilotage.orchestration import run_window

    return run_window(context, settings.time_zone)


@dag(
    dag_id="pilotage_daily",
    description="Land, validate and load the four source exports, then dbt build the marts.",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIME_ZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=["pilotage", "ingestion", "dbt"],
    doc_md=DOC,
    params={
        "date_from": Param(None, type=["null", "string"], format="date",
                           description="First business day to process (manual runs)."),
        "date_to": Param(None, type=["null", "string"], format="date",
                         description="Last business day to process, inclusive (manual runs)."),
        "accept": Param([], type=["null", "array"], items={"type": "string"},
                        description='Suspect deliveries the operator confirms for this run, '
                                    'e.g. ["acd__contacts:2026-11-20"] (see `pilotage status`).'),
    },
    default_args=DEFAULT_ARGS,
)
def pilotage_daily():
    loads = []
    for source in SOURCES:

        @task(task_id=f"extract_{source}")
        def extract(source: str = source, **context) -> dict:
            """File-drop pickup then API extraction for the window; no-op when not configured."""
            from pilotage.extract.filedrop import pickup
            from pilotage.extract.runner import extract as pull

            settings = airflow_settings()
            window = _window(context, settings)
            dropped = pickup(source, window.start, window.end, settings)
            return {"pickup": {k: v for k, v in dropped.items() if k != "files"},
                    "api": pull(source, window.start, window.end, settings)}

        @task(task_id=f"land_{source}")
        def land(source: str = source, **context) -> list[dict]:
            from pilotage.ingest import pipeline

            settings = airflow_settings()
            return pipeline.land(source, _window(context, settings), settings)

        @task(task_id=f"validate_{source}")
        def validate(manifest: list[dict], source: str = source, **context) -> list[dict]:
            from pilotage.ingest import pipeline

            accept = (context.get("params") or {}).get("accept") or ()
            return pipeline.validate(source, manifest, airflow_settings(), accept=accept)

        @task(task_id=f"load_{source}", pool=WRITER_POOL)
        def load(decisions: list[dict], source: str = source) -> dict:
            from pilotage.ingest import pipeline

            return pipeline.load(source, decisions, airflow_settings())

        landed = land()
        extract() >> landed
        loads.append(load(validate(landed)))

    @task(pool=WRITER_POOL, trigger_rule=TriggerRule.ALL_DONE, outlets=[MARTS])
    def dbt_build(**context) -> None:
        """Rebuild the window's business days in every dbt model (runs even if a source failed)."""
        from pilotage.transform import dbt_build as build

        settings = airflow_settings()
        build(settings, _window(context, settings))

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def summarize(**context) -> dict:
        """Log, per entity, the days loaded / missing / quarantined in this window."""
        from pilotage.orchestration import summarize_window

        settings = airflow_settings()
        return summarize_window(settings, _window(context, settings))

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
    def fail_if_any_task_failed() -> None:
        """Keeps the run red when a source failed, although dbt and the summary still ran."""
        raise RuntimeError("at least one task of this run failed; see its log")

    built = dbt_build()
    loads >> built
    built >> summarize()
    [*loads, built] >> fail_if_any_task_failed()


pilotage_daily()
