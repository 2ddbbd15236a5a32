"""The warehouse writers' DuckDB runs under a memory cap, spilling under the data folder.

DuckDB's default cap is 80 % of the machine's memory, and a build caches up to it: the dbt
process of a daily run at 100 k contacts/day held 3.0-3.3 GiB. ``PILOTAGE_DUCKDB_MEMORY_LIMIT``
(default ``Settings.duckdb_memory_limit``) caps dbt's connections (``profiles.yml``, through the
environment ``pilotage.transform`` gives dbt) and the raw loads' connection; what exceeds it goes
to ``<PILOTAGE_DATA_DIR>/duckdb_tmp``. Shown on the settings each connection reports.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from pilotage import backend
from pilotage.center import dbt_vars, stage_seeds
from pilotage.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, Settings
from pilotage.transform import center_seeds_dir, dbt_env, dbt_executable

LIMIT = "300MB"  # far below DuckDB's default on any machine that runs the suite
QUERY = "select current_setting('memory_limit') as memory_limit, current_setting('temp_directory') as temp_directory"


def _settings(tmp_path: Path, limit: str | None = LIMIT) -> Settings:
    env = {"PILOTAGE_DATA_DIR": str(tmp_path / "data")}
    if limit:
        env["PILOTAGE_DUCKDB_MEMORY_LIMIT"] = limit
    return Settings.build(env=env)


def _as_duckdb_shows(limit: str) -> str:
    """``limit`` as ``current_setting('memory_limit')`` prints it (e.g. 300MB -> 286.1 MiB)."""
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = '{limit}'")
        return con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()


def test_the_limit_is_a_setting_with_a_default_and_an_airflow_variable() -> None:
    assert Settings.build(env={}).duckdb_memory_limit == DEFAULT_DUCKDB_MEMORY_LIMIT
    assert Settings.build(env={"PILOTAGE_DUCKDB_MEMORY_LIMIT": "3GB"}).duckdb_memory_limit == "3GB"
    by_variable = Settings.build({"pilotage_duckdb_memory_limit": "2GB"},
                                 env={"PILOTAGE_DUCKDB_MEMORY_LIMIT": "3GB"})
    assert by_variable.duckdb_memory_limit == "2GB"


@pytest.mark.integration
def test_dbt_connections_run_under_the_limit(tmp_path: Path) -> None:
    """dbt, started with the environment the pipeline gives it, reports the cap and the spill
    folder on its own DuckDB connection (the profile's ``settings``)."""
    settings = _settings(tmp_path)
    project = settings.dbt_project_dir
    stage_seeds(settings.center(), center_seeds_dir(settings))  # the project's seeds, as a build has them
    settings.warehouse_path.parent.mkdir(parents=True)
    command = [dbt_executable(), "show", "--inline", QUERY, "--output", "json", "--log-format", "json",
               "--project-dir", str(project), "--profiles-dir", str(project),
               "--vars", json.dumps(dbt_vars(settings.center(), settings.time_zone), sort_keys=True)]
    result = subprocess.run(command, cwd=project, env=dbt_env(settings, "test-key"),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    previews = [json.loads(event["data"]["preview"]) for event in map(json.loads, result.stdout.splitlines())
                if event.get("data", {}).get("preview")]
    assert previews == [[{"memory_limit": _as_duckdb_shows(LIMIT),
                          "temp_directory": str(settings.duckdb_temp_dir)}]], result.stdout


def test_the_raw_loads_run_under_the_limit(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with backend.raw_writer(settings) as (con, _loader):
        shown = con.execute(QUERY).fetchone()
    assert shown == (_as_duckdb_shows(LIMIT), str(settings.duckdb_temp_dir))


def test_the_default_limit_applies_without_the_setting(tmp_path: Path) -> None:
    with backend.raw_writer(_settings(tmp_path, limit=None)) as (con, _loader):
        shown = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert shown == _as_duckdb_shows(DEFAULT_DUCKDB_MEMORY_LIMIT)


def test_publication_runs_under_the_limit(tmp_path: Path) -> None:
    from pilotage import publish

    con = publish.connect(_settings(tmp_path))
    try:
        assert con.execute(QUERY).fetchone() == (_as_duckdb_shows(LIMIT), str(_settings(tmp_path).duckdb_temp_dir))
    finally:
        con.close()
