"""Shared fixtures: an isolated data folder, warehouse and landing folder per test."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

# Airflow reads its configuration once per process, at first import: give the whole test session
# its own metadata DB before any test module imports airflow.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="pilotage-test-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}"
# The customer hash key of every dbt build of the session (tests compute expected keys with it).
TEST_HASH_KEY = "pilotage-test-hash-key"
os.environ["PILOTAGE_HASH_KEY"] = TEST_HASH_KEY

import pytest  # noqa: E402  (after the Airflow env above)
from pilotage import airflow_local  # noqa: E402
from pilotage.settings import Settings  # noqa: E402

# and point it at this project before any test imports airflow (a test looking up a Connection
# at collection or early in the run would otherwise fix Airflow's configuration without the
# project's DAG folder, and later dag.test() runs could not serialize their DAG)
airflow_local.configure(Settings.from_env())


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """The session's Airflow metadata DB, migrated once (Airflow 3's DagBag.get_dag reads it)."""
    airflow_local.ensure_metadata_db(Settings.from_env())
    return _AIRFLOW_HOME


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every folder lives under tmp_path (env vars set for child processes too)."""
    data = tmp_path / "data"
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(data))
    monkeypatch.setenv("PILOTAGE_LANDING_SETTLE_SECONDS", "0")  # files written by the test are complete
    for var in ("PILOTAGE_LANDING_DIR", "PILOTAGE_ARCHIVE_DIR", "PILOTAGE_QUARANTINE_DIR",
                "PILOTAGE_WAREHOUSE"):
        monkeypatch.delenv(var, raising=False)
    return Settings.from_env()


def customer_key(value: str) -> str:
    """The staged customer_key / case_number of a raw id under the session's test key."""
    from pilotage.hash_key import keyed_hash

    return keyed_hash(TEST_HASH_KEY, value)


def query(settings: Settings, sql: str, params=()) -> list[tuple]:
    """Rows of a read-only query on the test's warehouse."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def ctr(contact_id: str, start: str, *, queue: str = "VOICE_BILLING", wait: int = 10,
        answered: bool = True, talk: int = 200, hold: int = 0, acw: int = 30,
        channel: str = "VOICE", updated: str | None = None, agent: str = "a.lys.0001") -> dict:
    """A minimal Amazon Connect contact record (times are UTC ISO strings 'YYYY-MM-DDTHH:MM:SS')."""
    from datetime import datetime, timedelta

    t0 = datetime.fromisoformat(start)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    enq, deq = t0 + timedelta(seconds=5), t0 + timedelta(seconds=5 + wait)
    record = {
        "ContactId": contact_id, "InitialContactId": None, "Channel": channel,
        "InitiationMethod": "INBOUND", "InitiationTimestamp": iso(t0),
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "Queue": {"Name": queue, "EnqueueTimestamp": iso(enq), "DequeueTimestamp": iso(deq),
                  "Duration": wait},
        "Agent": None,
        "CustomerEndpoint": {"Type": "TELEPHONE_NUMBER", "Address": "+33600000000"},
        "Attributes": {"customer_id": "CUS1", "case_number": "00000001"},
    }
    end = deq
    if answered:
        acw_start = deq + timedelta(seconds=talk + hold)
        end = acw_start + timedelta(seconds=acw)
        record["Agent"] = {
            "Username": agent, "ConnectedToAgentTimestamp": iso(deq),
            "AgentInteractionDuration": talk, "CustomerHoldDuration": hold,
            "NumberOfHolds": 1 if hold else 0, "AfterContactWorkStartTimestamp": iso(acw_start),
            "AfterContactWorkEndTimestamp": iso(end), "AfterContactWorkDuration": acw,
        }
    record["DisconnectTimestamp"] = iso(end)
    record["LastUpdateTimestamp"] = updated or iso(end)
    return record


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# The longest modules first (measured with --durations on the 2-core CI machine, longest first): with
# `make test`'s xdist workers taking a module at a time, the last module to start is then a short
# one, and the workers finish together. Order inside a module is kept; other modules follow in
# their usual order.
LONGEST_MODULES = ("test_kill_rerun", "test_deploy_topology", "test_incremental_equals_full",
                   "test_publication", "test_dbt_build", "test_end_to_end", "test_server_warehouse",
                   "test_packs_real_data", "test_dbt_generated", "test_packs_pdf", "test_layout_months",
                   "test_dbt_facts", "test_dbt_groups", "test_validation_docs", "test_dbt_committees")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))
