"""Run the project's DAGs through real Airflow with a metadata DB inside the project.

No server is needed: ``dag.test()`` creates a real DAG run in the metadata DB (SQLite under
``.airflow/``), resolves dependencies, runs every task with retries, pools and XComs, and records
the states. ``configure()`` must run before anything imports ``airflow``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pilotage import heartbeat, progress
from pilotage.settings import (
    PROJECT_ROOT,
    SERVER_LOAD_POOL,
    WRITER_POOL,
    Settings,
    export_defaults,
    export_interpreter_on_path,
    load_pool,
)

DAG_ID = "pilotage_daily"


def configure(settings: Settings) -> dict[str, str]:
    """Point Airflow at this project (env vars only set when the user has not set them)."""
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    export_defaults(defaults)
    export_interpreter_on_path()
    return defaults


def metadata_db_is_current() -> bool:
    """True when the metadata DB's schema is at the installed Airflow's migration heads (one
    alembic read; no ``airflow db migrate`` subprocess)."""
    from airflow.utils.db import check_migrations

    try:
        check_migrations(timeout=1)  # returns at once when current; waits 1 s then raises when not
    except TimeoutError:
        return False
    return True


def ensure_metadata_db(settings: Settings) -> None:
    """Create or upgrade the metadata DB (``airflow db migrate``, only when its schema is behind
    the installed Airflow) and the 1-slot writer pool."""
    configure(settings)
    if not metadata_db_is_current():
        airflow = str(Path(sys.executable).with_name("airflow"))
        subprocess.run([airflow, "db", "migrate"], check=True, stdout=subprocess.DEVNULL)
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(
        WRITER_POOL, slots=1, description="One writer per DuckDB file", include_deferred=False
    )
    if load_pool() == SERVER_LOAD_POOL:  # a server warehouse: the source loads run at once
        Pool.create_or_update_pool(SERVER_LOAD_POOL, slots=4, include_deferred=False,
                                   description="Raw loads on the server warehouse, one per source")


def load_dag(settings: Settings, dag_id: str = DAG_ID):
    configure(settings)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.get_dag(dag_id)


def _quiet_airflow_logs() -> None:
    for name in ("airflow", "airflow.task", "sqlalchemy", "alembic", "great_expectations"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # third-party deprecation notices (e.g. starlette's httpx notice) are not the user's concern
    logging.getLogger("py.warnings").setLevel(logging.ERROR)


def _record_real_start(run, started: datetime) -> None:
    """``dag.test()`` stamps the run's start with its logical date (a run of a past day then
    shows a duration of days in the UI): record when it really started."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(update(DagRun).where(DagRun.dag_id == run.dag_id, DagRun.run_id == run.run_id)
                        .values(start_date=started))
    run.start_date = started


class NothingScheduled(RuntimeError):
    """A DAG run ended without running any task (e.g. its dates lie before the DAG's start)."""


def run_window(settings: Settings, first: date, last: date, *, dag=None) -> Any:
    """One DAG run covering business days [first, last] in a single pass; returns the DagRun."""
    dag = dag or load_dag(settings)
    from pilotage import task_logs

    _quiet_airflow_logs()
    heartbeat.watch_dag_test_tasks()  # "still working" lines name the running task
    progress.to_terminal()  # the tasks' progress lines (pilotage.progress) on the terminal
    tz = ZoneInfo(settings.time_zone)
    if first == last:
        # an ordinary daily run: its data interval is exactly that day
        logical = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        # explicit nulls: dag.test() in one process keeps the previous run's params otherwise
        conf: dict[str, Any] = {"date_from": None, "date_to": None}
    else:
        logical = datetime.combine(last + timedelta(days=1), time(0, 1), tzinfo=tz)
        conf = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    started = datetime.now(UTC)
    listener = task_logs.install()  # each task's log also goes to the file Airflow's UI reads
    try:
        run = dag.test(logical_date=logical, run_conf=conf)
    finally:
        listener.close()
    if run is not None:
        _record_real_start(run, started)
    ran = [ti for ti in run.get_task_instances() if ti.state is not None] if run else []
    if not ran:
        raise NothingScheduled(
            f"no task ran for {first}..{last}: Airflow created no runnable task instance "
            f"(the DAG starts on {dag.start_date:%Y-%m-%d}; is the window before it?)")
    state = str(getattr(run, "state", "unknown"))
    if not state.endswith("success"):
        failed = [ti.task_id for ti in run.get_task_instances() if str(ti.state).endswith("failed")]
        raise RuntimeError(f"DAG run for {first}..{last} ended {state}; failed tasks: {failed}")
    return run
