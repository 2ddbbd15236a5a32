"""What every pilotage DAG shares: default task arguments, the writer pool, the marts Asset.

Imported by the DAG files at parse time, so it imports nothing heavy (only the Task SDK's Asset).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset

WRITER_POOL = "duckdb_writer"  # 1 slot: one writer per DuckDB file
MARTS = Asset(name="pilotage_marts", uri="pilotage://warehouse/marts")  # updated by dbt_build


def on_failure(context) -> None:
    """Name the task, run and cause in the log line an operator will grep for."""
    ti = context.get("task_instance")
    print(f"pilotage: task {getattr(ti, 'task_id', '?')} failed for run "
          f"{getattr(context.get('dag_run'), 'run_id', '?')}: {context.get('exception')}")


DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": on_failure,
}
