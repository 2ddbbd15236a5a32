"""The DuckDB warehouse file: connections and one writer at a time. Imports nothing from the
pipeline (the raw schema is ``ingest.raw_schema``'s)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

import duckdb


@contextlib.contextmanager
def writer_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the warehouse file while writing (one writer per file).

    Airflow's 1-slot ``duckdb_writer`` pool serializes tasks; this lock also covers the CLI and any
    process outside Airflow."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_suffix(warehouse.suffix + ".lock")
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if not read_only:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)
