"""What every pilotage DAG shares: default task arguments, the writer pool, the marts Asset, the
center's time zone and start date, and the one function building a task's :class:`Settings`.

Imported by the DAG files at parse time, so it imports nothing heavy (the Task SDK's Asset and
``pilotage.settings``) and reads no Variable at module level.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset

from pilotage.settings import (
    DROP_CONNECTION,
    VARIABLES,
    WAREHOUSE_CONNECTION,
    WRITER_POOL,
    Settings,
    center_time_zone,
    load_pool,
)

__all__ = ["DEFAULT_ARGS", "MARTS", "START_DATE", "TIME_ZONE", "WRITER_POOL", "airflow_connections",
           "airflow_settings", "load_pool", "with_airflow_connections"]

TIME_ZONE = center_time_zone()  # schedules and start dates: environment only (parse time)
# Any history can be loaded by a manual run; catchup is off, so the scheduler never backfills.
START_DATE = pendulum.datetime(1970, 1, 1, tz="UTC")
MARTS = Asset(name="pilotage_marts", uri="pilotage://warehouse/marts")  # updated by publish_marts


def airflow_connections(*conn_ids: str) -> dict[str, dict[str, Any]]:
    """The fields of each Airflow Connection that exists (conn id -> conn_type, host, login,
    password, port, extra as a dict), for :class:`Settings`; absent ones are left out."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    found: dict[str, dict[str, Any]] = {}
    for conn_id in conn_ids:
        try:
            conn = BaseHook.get_connection(conn_id)
        except AirflowNotFoundException:
            continue
        found[conn_id] = {"conn_type": conn.conn_type, "host": conn.host, "login": conn.login,
                          "password": conn.password, "port": conn.port,
                          "schema": conn.schema, "extra": conn.extra_dejson or {}}
    return found


def airflow_settings() -> Settings:
    """The task's settings: each Airflow Variable of ``settings.VARIABLES`` that is set wins over
    the environment variable of the same name in upper case; with a file drop configured, the
    Connection ``pilotage_drop`` too. Called inside tasks only (reads Variables)."""
    from airflow.sdk import Variable

    return with_airflow_connections(Settings.build({name: Variable.get(name, default=None)
                                                     for name in VARIABLES}))


def with_airflow_connections(settings: Settings) -> Settings:
    """``settings`` plus the Connections they need: ``pilotage_hash_key`` unless the key is in the
    environment, ``pilotage_warehouse`` (a server warehouse) unless ``PILOTAGE_WAREHOUSE`` names one,
    ``pilotage_drop`` when a file drop is set (looked up only then)."""
    wanted = ["pilotage_hash_key"] if not settings.hash_key else []  # the customer hash key's secret
    if not settings.warehouse_dsn:
        wanted.append(WAREHOUSE_CONNECTION)  # a server warehouse, when that Connection exists
    if settings.drop.get("PILOTAGE_DROP_URL"):
        wanted.append(DROP_CONNECTION)
    return settings.with_connections(airflow_connections(*wanted)) if wanted else settings


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
