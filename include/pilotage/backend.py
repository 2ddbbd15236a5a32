"""Which warehouse a process talks to: the DuckDB file (default) or the server warehouse
(``settings.warehouse_url``, Postgres). Writers of the raw layer, readers of the working
warehouse and readers of the published marts open their connection here.

DuckDB: one writer per file (the ``duckdb_writer`` pool and :func:`pilotage.warehouse.writer_lock`).
Postgres: no file lock; writers rely on transactions and row locks, so loads of different
sources run at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from pilotage.settings import Settings


@contextlib.contextmanager
def raw_writer(settings: Settings) -> Iterator[tuple[Any, ModuleType]]:
    """(connection, raw-load module) for writing the raw layer, its schema ensured: the DuckDB
    file under its writer lock with :mod:`pilotage.ingest.loader`, or the server warehouse with
    :mod:`pilotage.server_warehouse` (same functions: ``replace_days``, ``replace_accounts``,
    ``record``)."""
    if settings.warehouse_url:
        from pilotage import server_warehouse

        con = server_warehouse.connect(settings.warehouse_url)
        try:
            server_warehouse.ensure_raw_schema(con)
            yield con, server_warehouse
        finally:
            con.close()
        return
    from pilotage.ingest import loader
    from pilotage.ingest.raw_schema import ensure_raw_schema
    from pilotage.warehouse import connect, writer_lock

    with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
        con = connect(settings.warehouse_path, config=settings.duckdb_config())
        try:
            ensure_raw_schema(con)
            yield con, loader
        finally:
            con.close()


def working_reader(settings: Settings) -> Any:
    """A read-only connection to the working warehouse (raw, staging, marts as built)."""
    if settings.warehouse_url:
        from pilotage import server_warehouse

        return server_warehouse.connect(settings.warehouse_url, read_only=True)
    from pilotage.warehouse import connect

    return connect(settings.warehouse_path, read_only=True)


def published_reader(settings: Settings) -> tuple[Any, str, str | None]:
    """(read-only connection to the published marts, what it reads, a fallback message or None).
    DuckDB: the published copy, or before the first publication the working file (with the
    message). Postgres: the published schema ``marts``, swapped in by each publication."""
    if settings.warehouse_url:
        from pilotage import server_warehouse

        return server_warehouse.connect(settings.warehouse_url, read_only=True), "server warehouse", None
    from pilotage.publish import reader_path
    from pilotage.warehouse import connect

    path, fallback = reader_path(settings)
    return connect(path, read_only=True), str(path), fallback
