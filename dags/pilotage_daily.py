"""Daily ingestion of the contact center's exports into the KPI warehouse (see ``doc_md``)."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, Param, TaskGroup, TriggerRule, dag, task
from pilotage.dag_defaults import DEFAULT_ARGS, MARTS, START_DATE, TIME_ZONE, WRITER_POOL, airflow_settings, load_pool
from pilotage.dbt_groups import build_order
from pilotage.settings import PROJECT_ROOT

DBT_GROUPS = build_order(PROJECT_ROOT / "dbt_project")  # folders of models, in build order

SOURCES = ("acd", "crm", "wfm", "qa")
# DuckDB: the 1-slot writer pool; a server warehouse: loads of different sources at once
LOAD_POOL = load_pool()

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
3. **load** (pool `{LOAD_POOL}`{", 1 slot" if LOAD_POOL == WRITER_POOL else ": the sources at once"}): each
   accepted day replaces itself in `raw.*`.

Then **dbt_build** rebuilds the window's business days in the marts (one `dbt build`; it loads
and tests the seeds only when the center's CSVs or the dbt project changed since they were last
loaded, and **dbt.seeds** then says they were kept), and
one task per folder of dbt models, **dbt.<folder>** in build order (seeds, staging,
intermediate/<topic>, marts/<area>), shows that folder's result: red, with the failing models' and
tests' errors in its log, when one failed; retrying or clearing it runs `dbt build` for that folder
alone, then the folders after it. Only when every folder is green, **publish_marts** publishes the
marts to the read-only copy readers open (`pilotage_published`; a failed build leaves the last
published copy as it was), and **summarize** logs
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

        @task(task_id=f"load_{source}", pool=LOAD_POOL)
        def load(decisions: list[dict], source: str = source) -> dict:
            from pilotage.ingest import pipeline

            return pipeline.load(source, decisions, airflow_settings())

        landed = land()
        extract() >> landed
        loads.append(load(validate(landed)))

    @task(pool=WRITER_POOL, trigger_rule=TriggerRule.ALL_DONE)
    def dbt_build(**context) -> dict:
        """One ``dbt build`` of the window's business days (runs even if a source failed); its
        per-folder results feed the ``dbt.<folder>`` tasks."""
        from pilotage.dbt_groups import build

        settings = airflow_settings()
        return build(settings, _window(context, settings), DBT_GROUPS)

    @task(pool=WRITER_POOL, outlets=[MARTS])
    def publish_marts() -> str:
        """Copy the marts to the read-only published copy, once every dbt folder is green."""
        from pilotage.dbt_groups import publish_marts as publish

        return str(publish(airflow_settings()))

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
    checks = []
    with TaskGroup("dbt", tooltip="dbt models by folder, in build order"):
        for group in DBT_GROUPS:

            @task(task_id=group.task_id, pool=WRITER_POOL, doc_md=f"dbt models in `{group.name}`")
            def check(summary: dict, group=group, **context) -> dict:
                """Green when dbt_build passed this folder's nodes; red with their errors; a retry
                rebuilds the folder."""
                from pilotage.dbt_groups import check as result_in_build
                from pilotage.dbt_groups import rebuild

                result = result_in_build(group, summary, context["ti"].try_number)
                if result is None:
                    settings = airflow_settings()
                    result = rebuild(settings, _window(context, settings), group, summary)
                return result

            checks.append(check(built))
    for before, after in zip(checks, checks[1:], strict=False):
        before >> after
    published = publish_marts()
    checks[-1] >> published
    published >> summarize()
    [*loads, built, *checks, published] >> fail_if_any_task_failed()


pilotage_daily()
