"""Glue between Airflow runs and the pipeline: which days a run covers, what it did."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pilotage.settings import LOCAL_TZ, Settings

log = logging.getLogger("pilotage")


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).date()


def window_from_interval(start: datetime, end: datetime) -> tuple[date, date]:
    """Business days [first, end) covered by a data interval, in the center's local time.

    An interval of zero length (a manual run of a trigger timetable) means the local day before."""
    first, stop = _local_day(start), _local_day(end)
    if stop <= first:
        first, stop = stop - timedelta(days=1), stop
    return first, stop


def run_window(context: dict[str, Any]) -> tuple[str, str]:
    """The run's window as ISO dates [start, end): ``params.date_from``/``date_to`` (inclusive)
    when given, else the run's data interval."""
    params = context.get("params") or {}
    if params.get("date_from") or params.get("date_to"):
        if not (params.get("date_from") and params.get("date_to")):
            raise ValueError("give both date_from and date_to (inclusive), or neither")
        first = date.fromisoformat(params["date_from"])
        last = date.fromisoformat(params["date_to"])
        if last < first:
            raise ValueError(f"date_to {last} is before date_from {first}")
        return first.isoformat(), (last + timedelta(days=1)).isoformat()
    first, stop = window_from_interval(context["data_interval_start"], context["data_interval_end"])
    return first.isoformat(), stop.isoformat()


def summarize_window(settings: Settings, start: str, end: str) -> dict[str, int]:
    """Log each entity's load status over [start, end) and every quarantined or missing day."""
    from pilotage.warehouse import connect

    con = connect(settings.warehouse_path, read_only=True)
    try:
        rows = con.execute(
            """select entity, status, count(*) from raw._load_log
               where business_date >= ?::date and business_date < ?::date
               group by all order by all""",
            [start, end],
        ).fetchall()
        problems = con.execute(
            """select entity, business_date, status, message from raw._load_log
               where business_date >= ?::date and business_date < ?::date
                 and status <> 'loaded' order by business_date, entity""",
            [start, end],
        ).fetchall()
    finally:
        con.close()
    counts: dict[str, int] = {}
    for entity_key, status, n in rows:
        log.info("%-28s %-12s %5d day(s)", entity_key, status, n)
        counts[status] = counts.get(status, 0) + n
    for entity_key, day, status, message in problems:
        log.warning("%s %s %s: %s", day, entity_key, status.upper(), message)
    return counts
