"""The deployment of docker-compose.yml, run natively: Postgres metadata DB, Redis broker, and
api-server, scheduler, dag-processor, triggerer and a Celery worker as separate processes.

Two days of sample exports are loaded by two `pilotage_daily` runs triggered through the REST API
(API v2, JWT from the auth manager); the `pilotage_packs_*` DAGs must then be run by the
`pilotage_marts` Asset events alone, and every task's log must be readable through the API.
Skipped only where PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not running.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from deploy_topology import (
    INIT_SCRIPT,
    PROJECT_ROOT,
    SERVICES,
    SHARED_SETTINGS,
    VOLUMES,
    Process,
    free_port,
    start,
)

pytestmark = pytest.mark.integration

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
TZ = ZoneInfo("Europe/Paris")
# The two local days before today. The second is the interval the scheduler itself would run on
# unpausing (catchup=False): a manual run with its logical date makes it skip that scheduled run, so
# exactly the two triggered runs emit `pilotage_marts` events (run the test away from midnight, Paris).
_YESTERDAY = datetime.now(TZ).date() - timedelta(days=1)
DAYS = (_YESTERDAY - timedelta(days=1), _YESTERDAY)
PACK_DAGS = ("pilotage_packs_weekly", "pilotage_packs_monthly", "pilotage_packs_semiannual")
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = secrets.token_urlsafe(12)


def _services_or_skip() -> tuple[object, object]:
    try:
        import psycopg2
        import redis
    except ImportError as exc:  # the `deploy` extra is part of `make install`
        pytest.skip(f"deploy extra not installed: {exc}")
    try:
        pg = psycopg2.connect(dbname="postgres", connect_timeout=3, **PG)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432 (metadata DB): {exc}")
    try:
        broker = redis.Redis(*REDIS, socket_connect_timeout=3)
        broker.ping()
    except redis.exceptions.ConnectionError as exc:
        pg.close()
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379 (Celery broker): {exc}")
    return pg, broker


def _empty_redis_db() -> int:
    """A Redis DB number nobody uses right now (the broker's queues are then ours alone)."""
    import random

    import redis

    empty = [n for n in range(1, 16) if redis.Redis(*REDIS, db=n).dbsize() == 0]
    if not empty:
        pytest.skip("no empty Redis database (1..15) for the test's Celery broker")
    return random.choice(empty)  # another test run on this Redis picks another one, most likely


class Api:
    """The REST API v2 with a JWT from the auth manager (POST /auth/token)."""

    def __init__(self, base: str) -> None:
        import requests

        self.base, self.http = base, requests.Session()

    def login(self, username: str, password: str) -> None:
        r = self.http.post(f"{self.base}/auth/token", json={"username": username, "password": password},
                           timeout=30)
        assert r.status_code == 201, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def __call__(self, method: str, path: str, **kwargs):
        r = self.http.request(method, f"{self.base}/api/v2{path}", timeout=60, **kwargs)
        assert r.ok, f"{method} {path}: {r.status_code} {r.text[:500]}"
        return r.json()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    pg, broker = _services_or_skip()
    root = tmp_path_factory.mktemp("deploy")
    db = f"pilotage_deploy_{uuid.uuid4().hex[:10]}"
    redis_db = _empty_redis_db()
    pg.autocommit = True
    pg.cursor().execute(f'create database "{db}"')
    procs: list[Process] = []
    try:
        yield _start_deployment(root, db, redis_db, procs)
    finally:
        for proc in reversed(procs):
            proc.stop()
        import redis

        redis.Redis(*REDIS, db=redis_db).flushdb()
        pg.cursor().execute(f'drop database if exists "{db}" with (force)')
        pg.close()
        broker.close()


def _start_deployment(root: Path, db: str, redis_db: int, procs: list[Process]) -> dict:
    api_port = free_port()
    home, volumes = root / "airflow", root / "volumes"
    logs = volumes / "logs"
    for folder in (home, volumes, logs):
        folder.mkdir()
    metadata = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{db}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PILOTAGE_"))}
    from cryptography.fernet import Fernet

    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://postgres@127.0.0.1:5432/{db}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),  # HS512 wants >= 64 bytes
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "auth" / "passwords.json"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        # the compose file's named volumes, as folders (DAGs read the Variables, then these)
        **{var: str(volumes / volume) for var, volume in VOLUMES.items()},
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    assert set(SHARED_SETTINGS) <= set(env)
    # the committed Variables, with the containers' volume root replaced by this test's folder
    settings = root / "settings"
    settings.mkdir()
    (settings / "pools.json").write_text((PROJECT_ROOT / "deploy" / "pools.json").read_text())
    (settings / "variables.yaml").write_text(
        (PROJECT_ROOT / "deploy" / "variables.yaml").read_text().replace("/opt/pilotage/volumes", str(volumes)))
    env["PILOTAGE_AIRFLOW_SETTINGS_DIR"] = str(settings)
    connections = root / "connections.yaml"  # an operator's (secret) file, imported by airflow-init
    connections.write_text("pilotage_deploy_probe:\n  conn_type: http\n  host: https://vendor.invalid\n"
                           "  password: not-a-real-token\n")
    env["PILOTAGE_CONNECTIONS_FILE"] = str(connections)

    init = subprocess.run(["bash", INIT_SCRIPT], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=600)
    assert init.returncode == 0, f"airflow-init failed:\n{init.stdout[-3000:]}\n{init.stderr[-3000:]}"

    generate = subprocess.run(
        [str(BIN / "pilotage"), "generate", "--start", DAYS[0].isoformat(), "--end", DAYS[-1].isoformat(),
         "--contacts-per-day", "120", "--landing", str(volumes / "landing")],
        env=env, capture_output=True, text=True, timeout=300)
    assert generate.returncode == 0, generate.stderr

    for service, args in SERVICES.items():
        extra = ["--celery-hostname", f"pilotage-test-{uuid.uuid4().hex[:6]}@%h"] if service == "airflow-worker" else []
        procs.append(start(service, [str(BIN / "airflow"), *args, *extra], env, root))
    api = Api(f"http://127.0.0.1:{api_port}")
    _wait(lambda: _api_up(api), procs, 240, "the API server to answer /api/v2/version")
    api.login("admin", ADMIN_PASSWORD)
    return {"api": api, "procs": procs, "volumes": volumes, "logs": logs, "root": root, "env": env}


def _api_up(api: Api) -> bool:
    import requests

    try:
        return api.http.get(f"{api.base}/api/v2/version", timeout=5).ok
    except requests.RequestException:
        return False


def _wait(ready, procs: list[Process], bound: float, what: str):
    """Poll ``ready()`` until it is truthy; fail at once if a component died, or after ``bound`` s."""
    deadline = time.monotonic() + bound
    while True:
        value = ready()
        if value:
            return value
        for proc in procs:
            if proc.popen.poll() is not None:
                pytest.fail(f"{proc.name} exited ({proc.popen.returncode}) while waiting for {what}:\n"
                            f"{proc.tail()}")
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p.name}\n{p.tail(15)}" for p in procs)
            pytest.fail(f"gave up after {bound:.0f} s waiting for {what}\n{tails}")
        time.sleep(2)


def _day_interval(day: date) -> tuple[str, str]:
    start = datetime(day.year, day.month, day.day, tzinfo=TZ)
    return start.isoformat(), (start + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def runs(deployment: dict) -> dict:
    """Unpause the four DAGs, trigger pilotage_daily for each day through the API, wait for the
    daily runs and for the pack runs their Asset events caused."""
    api, procs = deployment["api"], deployment["procs"]
    dag_ids = ("pilotage_daily", *PACK_DAGS)

    def parsed():
        found = {d["dag_id"] for d in api("GET", "/dags", params={"dag_id_pattern": "pilotage%"})["dags"]}
        return set(dag_ids) <= found

    _wait(parsed, procs, 180, "the dag-processor to parse the four DAGs")
    for dag_id in PACK_DAGS:
        api("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
    triggered_at = datetime.now(UTC)
    run_ids = []
    for day in DAYS:  # queued while pilotage_daily is still paused, then run one at a time
        start, end = _day_interval(day)
        run = api("POST", "/dags/pilotage_daily/dagRuns", json={
            "dag_run_id": f"deploy_test__{day.isoformat()}", "logical_date": start,
            "data_interval_start": start, "data_interval_end": end, "conf": {}})
        run_ids.append(run["dag_run_id"])
    api("PATCH", "/dags/pilotage_daily", json={"is_paused": False})

    def daily_done():
        states = [api("GET", f"/dags/pilotage_daily/dagRuns/{rid}")["state"] for rid in run_ids]
        if "failed" in states:
            pytest.fail(f"pilotage_daily runs {dict(zip(run_ids, states, strict=True))}: "
                        f"{_task_states(api, 'pilotage_daily', run_ids)}")
        return all(s == "success" for s in states)

    _wait(daily_done, procs, 1200, "the two pilotage_daily runs to succeed")
    marts_events = api("GET", "/assets/events", params={"source_dag_id": "pilotage_daily"})["asset_events"]

    def packs_done():
        result = {}
        for dag_id in PACK_DAGS:
            dag_runs = api("GET", f"/dags/{dag_id}/dagRuns")["dag_runs"]
            if any(r["state"] == "failed" for r in dag_runs):
                pytest.fail(f"{dag_id}: {_task_states(api, dag_id, [r['dag_run_id'] for r in dag_runs])}")
            if not dag_runs or any(r["state"] != "success" for r in dag_runs):
                return None
            consumed = {e["id"] for r in dag_runs for e in
                        api("GET", f"/dags/{dag_id}/dagRuns/{r['dag_run_id']}/upstreamAssetEvents")["asset_events"]}
            if not {e["id"] for e in marts_events} <= consumed:
                return None
            result[dag_id] = dag_runs
        return result

    packs = _wait(packs_done, procs, 900, "the pack DAGs to run on the pilotage_marts Asset events")
    return {"daily": run_ids, "packs": packs, "marts_events": marts_events, "triggered_at": triggered_at}


def _task_states(api: Api, dag_id: str, run_ids: list[str]) -> dict:
    return {rid: {ti["task_id"]: ti["state"] for ti in
                  api("GET", f"/dags/{dag_id}/dagRuns/{rid}/taskInstances")["task_instances"]} for rid in run_ids}


def test_daily_runs_load_both_days_into_the_marts(deployment: dict, runs: dict) -> None:
    import duckdb

    warehouse = deployment["volumes"] / "data" / "warehouse" / "pilotage.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        per_day = dict(con.execute(
            "select business_date, count(*) from marts.mart_production_daily group by 1").fetchall())
        contacts = dict(con.execute("select business_date, count(*) from raw._load_log "
                                    "where status = 'loaded' group by 1").fetchall())
    finally:
        con.close()
    for day in DAYS:
        assert per_day.get(day, 0) > 0, per_day
        assert contacts.get(day, 0) > 0, contacts


def test_daily_runs_have_real_start_dates_and_one_day_intervals(deployment: dict, runs: dict) -> None:
    api = deployment["api"]
    for day, run_id in zip(DAYS, runs["daily"], strict=True):
        run = api("GET", f"/dags/pilotage_daily/dagRuns/{run_id}")
        assert run["run_type"] == "manual"
        start, end = (datetime.fromisoformat(run[k]) for k in ("start_date", "end_date"))
        # the run's duration is wall-clock time, not "since the logical date"
        assert runs["triggered_at"] - timedelta(seconds=5) <= start <= end <= datetime.now(UTC)
        interval = [datetime.fromisoformat(run[k]) for k in ("data_interval_start", "data_interval_end")]
        assert interval == [datetime.fromisoformat(x) for x in _day_interval(day)]


def test_pack_dags_are_run_by_the_marts_asset_and_write_packs(deployment: dict, runs: dict) -> None:
    api = deployment["api"]
    assert len(runs["marts_events"]) == len(DAYS)
    assert {e["asset"]["name"] if "asset" in e else e.get("name") for e in runs["marts_events"]} <= {
        "pilotage_marts", None}
    for dag_id, dag_runs in runs["packs"].items():
        for run in dag_runs:
            assert run["run_type"] == "asset_triggered", (dag_id, run)
            events = api("GET", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}/upstreamAssetEvents")["asset_events"]
            assert events and all(e["source_dag_id"] == "pilotage_daily" for e in events), events
    from pilotage.packs.deliver import latest_period

    packs = deployment["volumes"] / "packs"
    for committee in ("production", "quality", "calibration", "steering", "strategic"):
        period = latest_period(committee, DAYS[-1]).label  # due once the second day is in the marts
        for provider in ("PRV_A", "PRV_B"):
            assert (packs / provider / committee / period / "csv" / "cover.csv").exists(), (committee, period)


def test_every_task_log_is_readable_through_the_api(deployment: dict, runs: dict) -> None:
    api = deployment["api"]
    checked = 0
    targets = [("pilotage_daily", rid) for rid in runs["daily"]]
    targets += [(dag_id, r["dag_run_id"]) for dag_id, rs in runs["packs"].items() for r in rs]
    for dag_id, run_id in targets:
        for ti in api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances")["task_instances"]:
            if ti["state"] not in ("success", "failed", "up_for_retry"):
                continue  # skipped / upstream-failed tasks never ran, so have no log
            body = api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{ti['task_id']}/logs/"
                               f"{ti['try_number']}", params={"map_index": ti["map_index"]},
                       headers={"Accept": "application/json"})
            text = json.dumps(body["content"])
            assert "Could not read" not in text and "No logs found" not in text, (dag_id, ti["task_id"], text[:800])
            assert len(body["content"]) > 3, (dag_id, ti["task_id"], text[:800])
            checked += 1
    assert checked >= 18  # 4 sources x 4 tasks + dbt_build + summarize, per daily run at least


def test_dags_carry_their_docs(deployment: dict, runs: dict) -> None:
    api = deployment["api"]
    for dag_id in ("pilotage_daily", *PACK_DAGS):
        details = api("GET", f"/dags/{dag_id}/details")
        assert details["doc_md"] and dag_id in details["doc_md"], dag_id


def test_init_applied_the_pool_variables_and_connections(deployment: dict) -> None:
    import yaml

    api = deployment["api"]
    assert api("GET", "/pools/duckdb_writer")["slots"] == 1
    committed = yaml.safe_load((PROJECT_ROOT / "deploy" / "variables.yaml").read_text())
    for key in committed:
        value = api("GET", f"/variables/{key}")["value"]
        assert value.startswith(str(deployment["volumes"])), (key, value)
    probe = api("GET", "/connections/pilotage_deploy_probe")
    assert probe["conn_type"] == "http" and probe["host"] == "https://vendor.invalid"
