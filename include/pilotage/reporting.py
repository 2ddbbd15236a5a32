"""Read KPIs back from the marts for the terminal (the committee packs come later), from the
published copy (:mod:`pilotage.publish`): a running pipeline never blocks this read."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from pilotage.backend import published_reader
from pilotage.publish import reader_path
from pilotage.settings import Settings
from pilotage.warehouse import connect

PROVIDER_WEEK_SQL = """
with days as (
    select * from marts.mart_production_daily
    where business_date between ?::date and ?::date
)
select
    provider_id                                                             as provider,
    sum(offered)                                                            as offered,
    sum(answered)                                                           as answered,
    cast(sum(abandoned - short_abandoned) as double precision) / nullif(sum(offered - short_abandoned), 0)
                                                                            as abandon_rate,
    cast(sum(answered_within_threshold) as double precision) / nullif(sum(offered - short_abandoned), 0)
                                                                            as service_level,
    cast(sum(handle_seconds) as double precision) / nullif(sum(answered), 0)    as aht_seconds,
    cast(sum(qa_score_sum) as double precision) / nullif(sum(qa_evaluations), 0) as qa_score,
    cast(sum(csat_satisfied) as double precision) / nullif(sum(csat_responses), 0) as csat
from days
group by provider_id
order by provider_id
"""
# (the casts: Postgres divides integers as integers; DuckDB's `/` is already a float division)

COLUMNS = ("provider", "offered", "answered", "abandon_rate", "service_level", "aht_seconds",
           "qa_score", "csat")


def last_complete_week(today: date) -> tuple[date, date]:
    """Monday..Sunday of the last week that ended before ``today``."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def published_provider_kpis(settings: Settings, first: date, last: date,
                            warn=None) -> tuple[Path | str, list[dict]]:
    """(what was read, KPIs per provider) from the published marts (the DuckDB copy, or the
    server warehouse's ``marts`` schema); before the first DuckDB publication, from the working
    warehouse, passing the reason to ``warn`` (a callable taking a message)."""
    if settings.warehouse_url:
        con, source, _ = published_reader(settings)
        try:
            return source, _rows(con, first, last)
        finally:
            con.close()
    from pilotage.warehouse import idle_writer

    path, fallback = reader_path(settings)
    if not fallback:
        return path, provider_kpis(path, first, last)
    if warn:
        warn(fallback)
    with idle_writer(settings.warehouse_path) as holder:  # never waits, never fails a writer
        if holder is not None:
            raise RuntimeError(f"nothing published yet and a run is writing the warehouse ({holder}); "
                               "retry when it ends")
        return path, provider_kpis(path, first, last)


def _rows(con, first: date, last: date) -> list[dict]:
    rows = con.execute(PROVIDER_WEEK_SQL, [first, last]).fetchall()
    return [dict(zip(COLUMNS, (_number(v) for v in row), strict=True)) for row in rows]


def _number(value):
    """Postgres sums integers as numeric: whole ones back to int, others to float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def provider_kpis(warehouse: Path, first: date, last: date) -> list[dict]:
    con = connect(warehouse, read_only=True)
    try:
        return _rows(con, first, last)
    finally:
        con.close()


def _fmt(key: str, value) -> str:
    if value is None:
        return "n/a"
    if key in ("abandon_rate", "service_level", "csat"):
        return f"{100 * value:.1f} %"
    if key == "qa_score":
        return f"{value:.1f} / 100"
    if key == "aht_seconds":
        return f"{int(value) // 60}m{int(value) % 60:02d}s"
    return f"{value:,}" if isinstance(value, int) else str(value)


def format_table(rows: list[dict]) -> str:
    headers = ("provider", "offered", "answered", "abandon", "SL", "AHT", "QA", "CSAT")
    body = [[_fmt(k, r[k]) for k in COLUMNS] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)
