"""The DuckDB warehouse file: connections and one writer at a time. Imports nothing from the
pipeline (the raw schema is ``ingest.raw_schema``'s)."""

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


class WriterLockTimeout(RuntimeError):
    """Another process held the warehouse writer lock for longer than the timeout."""


DEFAULT_LOCK_TIMEOUT_SECONDS = 600.0
_LOCK_POLL_SECONDS = 0.2


def _holder_line() -> str:
    command = " ".join(sys.argv) or sys.executable
    since = datetime.now(UTC).isoformat(timespec="seconds")
    return f"pid={os.getpid()} host={socket.gethostname()} since={since} command={command}\n"


@contextlib.contextmanager
def writer_lock(warehouse: Path, timeout: float | None = None) -> Iterator[int]:
    """Hold an exclusive lock beside the warehouse file while writing (one writer per file).

    Airflow's 1-slot ``duckdb_writer`` pool serializes tasks; this lock also covers the CLI and any
    process outside Airflow. The holder writes its pid, host, command and start time into the lock
    file; a waiter gives up after ``timeout`` seconds (callers pass
    ``settings.lock_timeout_seconds``) with
    :class:`WriterLockTimeout` naming the holder. Yields the lock file's descriptor: a child
    process given it (``pass_fds``) keeps the lock held until it exits too, even if this process
    is killed first."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_suffix(warehouse.suffix + ".lock")
    wait = DEFAULT_LOCK_TIMEOUT_SECONDS if timeout is None else timeout
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
            yield handle.fileno()
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def idle_writer(warehouse: Path) -> Iterator[str | None]:
    """For a reader's short look into the working warehouse (``pilotage status``): take the
    writer lock only if it is free, never waiting. DuckDB refuses a read-write open while any
    other process has the file open, even read-only, so a reader holding the lock for its query
    (milliseconds) is what keeps a writer starting meanwhile from failing: the writer waits for
    the lock instead. Yields None when taken; else the holder's line, and the caller reads
    the published copy instead (a running writer is never blocked)."""
    lock_path = warehouse.with_suffix(warehouse.suffix + ".lock")
    if not warehouse.exists():
        yield None
        return
    with open(lock_path, "a+") as handle:
        holder: str | None = None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown holder"
        try:
            yield holder
        finally:
            if holder is None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def connect(warehouse: Path, read_only: bool = False,
            config: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file; ``config``: DuckDB settings (``Settings.duckdb_config``
    for a writer: its memory cap and spill folder)."""
    if not read_only:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only, config=config or {})
