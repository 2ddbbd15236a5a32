"""Choosing the server warehouse by configuration, and what dbt receives for it (no server)."""

from __future__ import annotations

import re
from pathlib import Path

from pilotage.settings import Settings

URL = "postgresql://loader:s3cret@db.example:5433/pilotage"


def test_a_postgres_url_selects_the_server_warehouse_and_keeps_the_duckdb_default(tmp_path: Path) -> None:
    settings = Settings.build({"PILOTAGE_DATA_DIR": str(tmp_path), "PILOTAGE_WAREHOUSE": URL}, env={})
    assert settings.warehouse_backend == "postgres" and settings.warehouse_url == URL
    assert settings.warehouse_path == tmp_path / "warehouse" / "pilotage.duckdb"  # not a path made of the URL
    assert "s3cret" not in repr(settings)


def test_a_file_path_keeps_duckdb(tmp_path: Path) -> None:
    settings = Settings.build({"PILOTAGE_WAREHOUSE": str(tmp_path / "w.duckdb")}, env={})
    assert settings.warehouse_backend == "duckdb" and settings.warehouse_url is None
    assert settings.warehouse_path == tmp_path / "w.duckdb"


def test_the_airflow_connection_selects_it_too() -> None:
    settings = Settings.build(env={}).with_connections({"pilotage_warehouse": {
        "conn_type": "postgres", "host": "db.example", "login": "loader", "password": "p@ss/word",
        "port": 5433, "schema": "pilotage", "extra": {}}})
    assert settings.warehouse_url == "postgresql://loader:p%40ss%2Fword@db.example:5433/pilotage"
    from_env = Settings.build({"PILOTAGE_WAREHOUSE": URL}, env={}).with_connections(
        {"pilotage_warehouse": {"host": "other"}})
    assert from_env.warehouse_url == URL  # the variable wins over the Connection


def test_dbt_gets_the_connection_fields_and_secrets_in_secret_variables() -> None:
    from pilotage.server_publish import dbt_env

    env = dbt_env("postgresql://loader:p%40ss@db.example:5433/pilotage", "key with space")
    assert env["PILOTAGE_PG_HOST"] == "db.example" and env["PILOTAGE_PG_PORT"] == "5433"
    assert env["PILOTAGE_PG_USER"] == "loader" and env["PILOTAGE_PG_DATABASE"] == "pilotage"
    assert env["DBT_ENV_SECRET_PILOTAGE_PG_PASSWORD"] == "p@ss"
    assert env["PGOPTIONS"] == r"-c pilotage.hash_key=key\ with\ space"


def test_unit_test_names_fit_postgres_identifiers() -> None:
    """dbt names a unit test's relation after the test; Postgres cuts names at 63 bytes and
    dbt-postgres refuses longer ones."""
    models = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
    too_long = []
    for path in models.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        if "unit_tests:" not in text:
            continue
        section = text.split("unit_tests:", 1)[1]
        too_long += [name for name in re.findall(r"^  - name: (\S+)", section, re.M) if len(name) > 63]
    assert not too_long
