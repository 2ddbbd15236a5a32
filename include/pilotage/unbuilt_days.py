"""The ledger of raw days loaded but not yet built: ``raw._unbuilt_days``.

A load records each (entity, business day) whose raw it replaced, in the transaction of the
replacement (:func:`mark`). ``dbt build`` of a window reads it under the writer lock and starts
its own days at the earliest day recorded up to its last day (:func:`own_days`); after dbt exits
0 it removes the rows it built (:func:`clear`). So the days of a load whose build failed, or
that a narrower build left out, are re-ranked by the next build (the incremental staging tables
re-rank only the keys of a build's own days: macro ``raw_changed_bounds``).

Each row counts the loads of its day since the day was last built: on the server warehouse a
load may commit while a build runs (loads take no build lock), and a row whose count changed
after the build read it stays for the next build.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pilotage.settings import Settings
from pilotage.window import Window

TABLE = "raw._unbuilt_days"
DDL = f"""
create table if not exists {TABLE} (
    entity varchar not null,          -- <source>__<entity>
    business_date date not null,      -- a day whose raw a load replaced
    loads integer not null,           -- loads of that day since a build last built it
    primary key (entity, business_date)
)
"""

Row = tuple[str, date, int]


def mark(con: Any, entity_key: str, days: Sequence[date]) -> None:
    """Record the entity's replaced ``days`` (call in the transaction of the replacement)."""
    con.execute(f"insert into {TABLE} (entity, business_date, loads) "
                "select distinct ?, day, 1 from unnest(?::date[]) as days(day) "
                f"on conflict (entity, business_date) do update set loads = {TABLE}.loads + 1",
                [entity_key, list(days)])


def own_days(window: Window | None, unbuilt: Sequence[Row]) -> Window | None:
    """The build's own days: the window's, starting at the earliest unbuilt day up to its last
    day when that day is earlier (the same late-arrival days are then added before it, so the
    marts of that day are rebuilt with their late answers too). Unbuilt days after the window
    are left to the build that covers them. ``None`` (every day) stays ``None``."""
    if window is None:
        return None
    first = min([window.first, *(day for _entity, day, _loads in unbuilt if day <= window.last)])
    return Window(first=first, last=window.last, time_zone=window.time_zone)


def built(window: Window | None, unbuilt: Sequence[Row]) -> list[Row]:
    """The rows a successful build of ``window`` (its own days, :func:`own_days`) built."""
    return [row for row in unbuilt if window is None or window.first <= row[1] <= window.last]


def _connect(settings: Settings, read_only: bool) -> Any:
    if settings.warehouse_url:
        from pilotage import server_warehouse

        return server_warehouse.connect(settings.warehouse_url, read_only=read_only)
    from pilotage.warehouse import connect

    return connect(settings.warehouse_path)  # under the writer lock; a few rows: no memory cap


def pending(settings: Settings) -> list[Row]:
    """The ledger's rows (none before the first load made the table)."""
    if not settings.warehouse_url and not settings.warehouse_path.exists():
        return []
    con = _connect(settings, read_only=True)
    try:
        if not con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                           "and table_name = '_unbuilt_days'").fetchone()[0]:
            return []
        return [(entity, day, loads) for entity, day, loads in
                con.execute(f"select entity, business_date, loads from {TABLE}").fetchall()]
    finally:
        con.close()


def clear(settings: Settings, rows: Sequence[Row]) -> None:
    """Remove ``rows`` (read before the build that built them), unless a load since changed
    their count."""
    if not rows:
        return
    con = _connect(settings, read_only=False)
    try:
        con.execute(f"delete from {TABLE} where exists (select 1 from (select unnest(?::varchar[]) as entity, "
                    "unnest(?::date[]) as business_date, unnest(?::integer[]) as loads) as done "
                    f"where done.entity = {TABLE}.entity and done.business_date = {TABLE}.business_date "
                    f"and done.loads = {TABLE}.loads)",
                    [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    finally:
        con.close()
