"""What every pilotage DAG shares: default task arguments, the writer pool, the marts Asset, the
center's time zone and start date, and the one function building a task's :class:`Settings`.

Imported by the DAG files at parse time, so it imports nothing heavy (the Task SDK's Asset and
``pilotage.settings``) and reads no Variable at module level.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset

from pilotage.settings import VARIABLES, WRITER_POOL, Settings, center_time_zone

__all__ = ["DEFAULT_ARGS", "MARTS", "START_DATE", "TIME_ZONE", "WRITER_POOL", "airflow_settings"]

TIME_ZONE = center_time_zone()  # schedules and start dates: environment only (parse time)
START_DATE = pendulum.datetime(2025, 1, 1, tz=TIME_ZONE)
MARTS = Asset(name="pilotage_marts", uri="pilotage://warehouse/marts")  # updated by dbt_build


def airflow_settings() -> Settings:
    """The task's settings: each Airflow Variable of ``settings.VARIABLES`` that is set wins over
    the environment variable of the same name in upper case. Called inside tasks only."""
    from airflow.sdk import Variable

    return Settings.build({name: Variable.get(name, default=None) for name in VARIABLES})


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
