"""The warehouse writer lock: a waiter gives up after its timeout and names the holder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pilotage.settings import Settings
from pilotage.warehouse import WriterLockTimeout, writer_lock

HOLDER = """
import sys
from pathlib import Path
from pilotage.warehouse import writer_lock

with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()   # hold until the test closes our stdin
"""


@pytest.fixture
def holder(tmp_path: Path):
    """A second process holding the writer lock of tmp_path/pilotage.duckdb until released."""
    warehouse = tmp_path / "pilotage.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield warehouse, proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_waiting_for_a_held_lock_times_out_naming_the_holder(holder) -> None:
    warehouse, proc = holder
    timeout = Settings.build(env={"PILOTAGE_LOCK_TIMEOUT_SECONDS": "0.3"}).lock_timeout_seconds
    with pytest.raises(WriterLockTimeout) as caught:
        with writer_lock(warehouse, timeout):
            pytest.fail("the lock was granted while another process held it")
    message = str(caught.value)
    assert f"pid={proc.pid}" in message
    assert f"host={socket.gethostname()}" in message
    assert "since=" in message and "command=" in message
    assert "0.3 s" in message


def test_lock_is_granted_once_the_holder_releases_it(holder) -> None:
    warehouse, proc = holder
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    with writer_lock(warehouse, timeout=0.3):
        line = warehouse.with_suffix(".duckdb.lock").read_text()
        assert line.startswith(f"pid={os.getpid()} ")
    assert warehouse.with_suffix(".duckdb.lock").read_text() == ""



def _warehouses(settings: Settings) -> None:
    """A working warehouse with one load-log line, and a published copy with one status line."""
    from datetime import date

    import duckdb
    from pilotage.ingest.loader import record
    from pilotage.ingest.raw_schema import ensure_raw_schema

    con = duckdb.connect(str(settings.warehouse_path))
    try:
        ensure_raw_schema(con)
        record(con, "acd__contacts", date(2026, 10, 5), status="suspect", message="raw line")
    finally:
        con.close()
    con = duckdb.connect(str(settings.published_path))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.mart_pipeline_load_status as select 'acd__contacts' as feed_id, "
                    "date '2026-10-05' as business_date, 'suspect' as load_status, "
                    "'published line' as message, 'contacts_20261005.jsonl' as source_file")
        con.execute("create table marts.dim_provider as select 'PRV_A' as provider_id, 'A' as provider_name")
    finally:
        con.close()


def test_status_while_a_run_writes_reads_the_published_copy_without_waiting(settings, capsys) -> None:
    """A writer holds the lock and its DuckDB connection: ``pilotage status`` neither waits nor
    opens the working warehouse (which would fail, or make a starting writer fail); it prints
    the published load status and says so."""
    import duckdb
    from pilotage.cli import main

    settings.warehouse_path.parent.mkdir(parents=True)
    _warehouses(settings)
    with writer_lock(settings.warehouse_path, 1):
        writer = duckdb.connect(str(settings.warehouse_path))  # the running writer's connection
        try:
            assert main(["status"]) == 0
        finally:
            writer.close()
    captured = capsys.readouterr()
    assert "published line" in captured.out and "raw line" not in captured.out
    assert f"a run is writing the warehouse (pid={os.getpid()} " in captured.err
    assert main(["status"]) == 0  # no writer: the working warehouse's load log
    assert "raw line" in capsys.readouterr().out


def test_packs_read_the_published_copy_only_and_never_wait_for_the_writer(settings) -> None:
    from pilotage.packs.deliver import NothingPublished, due_requests, warehouse_facts

    settings.warehouse_path.parent.mkdir(parents=True)
    _warehouses(settings)
    published = settings.published_path.read_bytes()
    with writer_lock(settings.warehouse_path, 1):
        assert warehouse_facts(settings) == (date_of("2026-10-05"), ["PRV_A"])  # the writer holds the lock
        settings.published_path.unlink()
        with pytest.raises(NothingPublished, match="no published copy"):
            warehouse_facts(settings)  # never the working warehouse, never waiting for its lock
        assert due_requests(settings, ("production",), settings.packs_dir) == []
    settings.published_path.write_bytes(published)


def date_of(text: str):
    from datetime import date

    return date.fromisoformat(text)
