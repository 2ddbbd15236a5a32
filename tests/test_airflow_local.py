"""The local Airflow metadata DB is migrated only when its schema is behind the installed Airflow."""

import pytest
from pilotage import airflow_local
from pilotage.settings import Settings

pytestmark = pytest.mark.integration


def test_a_migrated_db_is_current_and_is_not_migrated_again(airflow_db) -> None:
    assert airflow_local.metadata_db_is_current()
    airflow_local.ensure_metadata_db(Settings.from_env())  # no `airflow db migrate` subprocess
    assert airflow_local.metadata_db_is_current()


def test_a_db_behind_the_installed_airflow_is_not_current(airflow_db) -> None:
    from airflow.settings import Session
    from sqlalchemy import text

    session = Session()
    (revision,) = session.execute(text("select version_num from alembic_version")).one()
    session.execute(text("update alembic_version set version_num = 'behind'"))
    session.commit()
    try:
        assert not airflow_local.metadata_db_is_current()
    finally:
        session.execute(text("update alembic_version set version_num = :r"), {"r": revision})
        session.commit()
        session.close()
    assert airflow_local.metadata_db_is_current()


def test_a_server_warehouse_gets_the_pool_its_parallel_loads_use(airflow_db, monkeypatch) -> None:
    """The load tasks take ``warehouse_loads`` on a server warehouse; the local metadata DB must
    have it (the DuckDB default creates only the 1-slot writer pool)."""
    from airflow.models.pool import Pool
    from pilotage.settings import SERVER_LOAD_POOL, WRITER_POOL, load_pool

    monkeypatch.setenv("PILOTAGE_WAREHOUSE", "postgresql://postgres@127.0.0.1:5432/test")
    assert load_pool() == SERVER_LOAD_POOL
    airflow_local.ensure_metadata_db(Settings.from_env())
    assert Pool.get_pool(SERVER_LOAD_POOL).slots == 4
    assert Pool.get_pool(WRITER_POOL).slots == 1
