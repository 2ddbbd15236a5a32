"""The DuckDB warehouse file: one writer at a time, raw schema created from the contracts."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pilotage.ingest.contracts import ENTITIES

LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    entity varchar not null,          -- <source>__<entity>
    business_date date not null,
    status varchar not null,          -- loaded | quarantined | missing | refused
    source_file varchar,              -- latest delivered file for that day (null when missing)
    file_sha256 varchar,              -- its content hash
    loaded_sha256 varchar,            -- hash of the file whose rows are in raw now (kept when a
                                      -- later delivery is quarantined)
    row_count integer,                -- rows in raw now for that entity and day
    message varchar,                  -- why a file was quarantined, or the warnings it raised
    primary key (entity, business_date)
)
"""


class WriterLockTimeout(RuntimeError):
    """Another process held the warehouse writer lock for longer than the timeout."""


DEFAULT_LOCK_TIMEOUT_SECONDS = 600.0
_LOCK_POLL_SECONDS = 0.2


def lock_timeout_seconds() -> float:
    """``PILOTAGE_LOCK_TIMEOUT_SECONDS`` (seconds to wait for the writer lock), default 10 min."""
    value = os.environ.get("PILOTAGE_LOCK_TIMEOUT_SECONDS")
    return float(value) if value else DEFAULT_LOCK_TIMEOUT_SECONDS


def _holder_line() -> str:
    command = " ".join(sys.argv) or sys.executable
    since = datetime.now(UTC).isoformat(timespec="seconds")
    return f"pid={os.getpid()} host={socket.gethostname()} since={since} command={command}\n"


@contextlib.contextmanager
def writer_lock(warehouse: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock beside the warehouse file while writing (one writer per file).

    Airflow's 1-slot ``duckdb_writer`` pool serializes tasks; this lock also covers the CLI and any
    process outside Airflow. The holder writes its pid, host, command and start time into the lock
    file; a waiter gives up after ``timeout`` seconds (default :func:`lock_timeout_seconds`) with
    :class:`WriterLockTimeout` naming the holder."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_suffix(warehouse.suffix + ".lock")
    wait = lock_timeout_seconds() if timeout is None else timeout
    deadline = time.monotonic() + wait
    # "a+": opening must not truncate the holder's line before the lock is ours
    with open(lock_path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown holder"
                    raise WriterLockTimeout(
                        f"warehouse writer lock {lock_path} still held after {wait:g} s by {holder}; "
                        "if that process is gone or stuck, stop it (the lock is released when it "
                        "exits) — PILOTAGE_LOCK_TIMEOUT_SECONDS sets the wait") from None
                time.sleep(min(_LOCK_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(_holder_line())
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if not read_only:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per contract entity, and the load log (idempotent)."""
    con.execute("create schema if not exists raw")
    for ent in ENTITIES:
        cols = ", ".join(f'"{name}" {typ}' for name, typ in ent.all_columns.items())
        con.execute(f"create table if not exists {ent.table} ({cols})")
    con.execute(LOAD_LOG_DDL)
