"""Glue between Airflow runs and the pipeline: which days a run covers, what it did."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from pilotage.settings import Settings
from pilotage.window import Window

log = logging.getLogger("pilotage")


def run_window(context: dict[str, Any], time_zone: str) -> Window:
    """The run's business days: ``params.date_from``/``date_to`` (inclusive) when given, else the
    run's data interval read in the center's ``time_zone``."""
    params = context.get("params") or {}
    if params.get("date_from") or params.get("date_to"):
        if not (params.get("date_from") and params.get("date_to")):
            raise ValueError("give both date_from and date_to (inclusive), or neither")
        first = date.fromisoformat(params["date_from"])
        last = date.fromisoformat(params["date_to"])
        if last < first:
            raise ValueError(f"date_to {last} is before date_from {first}")
        return Window(first=first, last=last, time_zone=time_zone)
    return Window.of_interval(context["data_interval_start"], context["data_interval_end"], time_zone)


def summarize_window(settings: Settings, window: Window) -> dict[str, int]:
    """Log each entity's load status over the window and every quarantined or missing day."""
    from pilotage.backend import working_reader

    con = working_reader(settings)  # the DuckDB file or the server warehouse
    try:
        rows = con.execute(
            """select entity, status, count(*) from raw._load_log
               where business_date >= ?::date and business_date < ?::date
               group by entity, status order by entity, status""",
            [window.start, window.end],
        ).fetchall()
        problems = con.execute(
            """select entity, business_date, status, message from raw._load_log
               where business_date >= ?::date and business_date < ?::date
                 and status not in ('loaded', 'not_delivered') order by business_date, entity""",
            [window.start, window.end],
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
