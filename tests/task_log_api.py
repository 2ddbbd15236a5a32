"""A task instance's log as Airflow's REST API serves it to the UI: the core API app in a
FastAPI TestClient, on the session's metadata DB (the simple auth manager with every user an
admin, so no token is needed)."""

from __future__ import annotations

import os
from functools import cache


@cache
def _client():
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] = "True"
    return TestClient(create_app(apps="core"))


def task_log(ti) -> list[dict]:
    """``GET /api/v2/dags/{dag}/dagRuns/{run}/taskInstances/{task}/logs/{try}``: its lines."""
    response = _client().get(f"/api/v2/dags/{ti.dag_id}/dagRuns/{ti.run_id}/taskInstances/"
                             f"{ti.task_id}/logs/{ti.try_number}", params={"map_index": ti.map_index},
                             headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()["content"]
