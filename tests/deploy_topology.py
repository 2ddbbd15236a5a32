"""The deployment's topology, shared by the native run (test_deploy_topology) and the check of
docker-compose.yml against it (test_deploy_compose): one process per Airflow component, its
command, and the settings every component must agree on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INIT_SCRIPT = "scripts/airflow_init.sh"

# compose service -> `airflow ...` arguments of its long-running process
SERVICES: dict[str, list[str]] = {
    "airflow-api-server": ["api-server"],
    "airflow-scheduler": ["scheduler"],
    "airflow-dag-processor": ["dag-processor"],
    "airflow-triggerer": ["triggerer"],
    "airflow-worker": ["celery", "worker"],
}

# what the pipeline writes, by volume: env var the DAGs read -> compose named volume
VOLUMES: dict[str, str] = {
    "PILOTAGE_LANDING_DIR": "landing",
    "PILOTAGE_DATA_DIR": "data",
    "PILOTAGE_PACKS_DIR": "packs",
    "AIRFLOW__LOGGING__BASE_LOG_FOLDER": "logs",
}

# settings every Airflow process reads; values are schemes / fixed values both runs share
EXECUTOR = "CeleryExecutor"
METADATA_SCHEME = "postgresql+psycopg2://"
RESULT_BACKEND_SCHEME = "db+postgresql+psycopg2://"
BROKER_SCHEME = "redis://"
SECRETS = ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY")
# set identically (in kind) for every component, natively and in docker-compose.yml
SHARED_SETTINGS = (
    "AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__WORKER_CONCURRENCY", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    *SECRETS, "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
    "AIRFLOW__CORE__DAGS_FOLDER", "AIRFLOW__CORE__PLUGINS_FOLDER", "AIRFLOW__CORE__LOAD_EXAMPLES",
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", "AIRFLOW__LOGGING__BASE_LOG_FOLDER",
    "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    """One component started in its own process group, its output in a log file."""

    name: str
    popen: subprocess.Popen
    log: Path
    stopped: bool = field(default=False)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 30.0) -> int | None:
        """SIGTERM to the process group, SIGKILL to it if still there after ``grace`` seconds."""
        if self.stopped:
            return self.popen.returncode
        self.stopped = True
        pgid = self.popen.pid  # start_new_session: the group id is the leader's pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            return self.popen.poll()
        try:
            return self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        finally:
            _kill_group(pgid, grace=grace)
        return self.popen.wait(timeout=10)


def _kill_group(pgid: int, grace: float) -> None:
    """Children that outlive the leader (e.g. gunicorn/uvicorn workers) get the same bound."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start(name: str, args: list[str], env: dict[str, str], log_dir: Path, cwd: Path = PROJECT_ROOT) -> Process:
    log = log_dir / f"{name}.log"
    out = open(log, "wb")  # noqa: SIM115 (kept open by the child)
    popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()
    return Process(name, popen, log)
