"""A pack's tables as selects from the marts, for one provider and period.

Every select is filtered on ``provider_id = ?`` in SQL, so a pack can only ever hold its own
provider's rows; the one exception, :func:`benchmark`, reads ``mart_kpi_benchmark``, which has
no provider column. Columns are read from the warehouse's catalogue (a mart that gains a column
shows it), filtered by :mod:`pilotage.packs.privacy`."""

from __future__ import annotations

from typing import Any

from pilotage.packs.columns import KPI_ORDER, SCOPE_ORDER, kind_of, ordered, quoted
from pilotage.packs.model import Column, Table
from pilotage.packs.periods import Period
from pilotage.packs.privacy import PERSON_COLUMNS, agent_rows_hidden
from pilotage.packs.warehouse import Warehouse

MIN_BENCHMARK_PEERS = 3
# the marts' "every value" scope (site_id = 'ALL' is the provider total, team_id = 'ALL' a site row)
TOTAL = "ALL"
INTERVAL_MART = "marts.mart_production_intervals"
# the first name is i12's; the second the name before it (drop it once both branches are merged)
BONUS_MALUS_MART = "marts.mart_steering_bonus_malus_monthly"
ACTION_PLAN_MART = "marts.mart_steering_action_plan"
ACTION_ITEMS_MART = "marts.mart_action_plan_items"
FORECAST_MART = "marts.mart_strategic_volume_forecast"
BENCHMARK_MART = "marts.mart_kpi_benchmark"
AGENT_MARTS = {"production": "marts.mart_production_agents_weekly",
               "quality": "marts.mart_quality_agents_monthly"}


def _and(predicates: list[str]) -> str:
    return "".join(f" and {p}" for p in predicates)


def kpi_table(wh: Warehouse, key: str, mart: str, period: Period, provider_id: str, *,
              person_level: bool = False, where: str | None = None) -> Table:
    """Long KPI rows of a committee mart for one provider and period (one row per scope × KPI).

    In a non-supervisors pack, rows at agent grain (agent column not null) are left out."""
    if not wh.exists(mart):
        return Table(key, [Column("kpi_id", "kpi")], [], note="note_mart_missing")
    cols = wh.selectable(mart, person_level)
    pred, params = wh.period_predicate(mart, period)
    hidden = agent_rows_hidden(wh.columns(mart), person_level)
    scope = [c for c in SCOPE_ORDER if c in cols]
    names = ordered([c for c in cols if c != "provider_id"], (*scope, *KPI_ORDER))
    names = ["provider_id", *names] if "provider_id" in cols else names
    order = [f"coalesce(\"{c}\" = '{TOTAL}', true) desc, \"{c}\"" for c in scope]
    if "priority" in cols:
        order.append('"priority" nulls last')
    order += [f'"{c}"' for c in names if c not in scope and c != "priority"]
    sql = (f"select {quoted(names)} from {mart} where provider_id = ? and {pred}"
           + _and(hidden) + (f" and ({where})" if where else "") + f" order by {', '.join(order)}")
    rows = wh.query(sql, [provider_id, *params])
    columns = [Column(n, kind_of(n, cols[n])) for n in names]
    if "kpi_id" in cols and "unit" not in cols:
        i = names.index("kpi_id")
        columns.insert(i + 1, Column("unit", "text"))
        rows = [(*r[:i + 1], wh.unit_of(r[i]), *r[i + 1:]) for r in rows]
    return Table(key, columns, rows, person_level=person_level and any(c in cols for c in PERSON_COLUMNS))


def detail_table(wh: Warehouse, key: str, table: str, period: Period, provider_id: str, *,
                 preferred: tuple[str, ...], order_by: tuple[str, ...], person_level: bool = False,
                 only: tuple[str, ...] | None = None) -> Table:
    """Rows of a non-KPI mart (daily, intervals, bonus-malus...) for the provider within the period."""
    if not wh.exists(table):
        return Table(key, [Column(order_by[0], "text")], [], note="note_mart_missing",
                     person_level=person_level)
    cols = wh.selectable(table, person_level)
    if only:
        cols = {n: t for n, t in cols.items() if n in only or n in order_by or n == "provider_id"}
    pred, params = wh.period_predicate(table, period)
    names = ordered(list(cols), ("provider_id", *order_by, *preferred))
    hidden = agent_rows_hidden(wh.columns(table), person_level)
    order = [f'"{c}"' for c in order_by if c in cols] + [f'"{c}"' for c in names if c not in order_by]
    sql = (f"select {quoted(names)} from {table} where provider_id = ? and {pred}" + _and(hidden)
           + f" order by {', '.join(order)}")
    return Table(key, [Column(n, kind_of(n, cols[n])) for n in names],
                 wh.query(sql, [provider_id, *params]), person_level=person_level,
                 report_columns=(*order_by, *preferred) if preferred else None)


def with_units(wh: Warehouse, table: Table) -> Table:
    """Add the ``unit`` of each row's KPI after ``kpi_id`` when the table has value columns but no
    unit (so ``kpi_actual`` of a service level prints as a percentage)."""
    if table.has("unit") or not table.has("kpi_id") or not table.rows:
        return table
    if not any(c.kind == "value" for c in table.columns):
        return table
    i = table.index("kpi_id")
    table.columns.insert(i + 1, Column("unit", "text"))
    table.rows = [(*r[:i + 1], wh.unit_of(r[i]), *r[i + 1:]) for r in table.rows]
    if table.report_columns:
        table.report_columns = (*table.report_columns, "unit")
    return table


def production_daily(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Day × site × queue rows of ``mart_production_daily`` for the week, with the day's
    forecast (the interval mart's, per queue and day) when the daily mart does not carry it."""
    preferred = ("channel", "offered", "forecast_contacts", "answered", "abandoned", "short_abandoned",
                 "service_level", "sl_target", "sl_threshold_seconds", "abandon_rate", "aht_seconds",
                 "asa_seconds", "csat_rate", "qa_score")
    table = detail_table(wh, "daily", "marts.mart_production_daily", period, provider_id,
                         preferred=preferred, order_by=("queue_name", "business_date", "site_id"))
    if table.note or table.has("forecast_contacts") or "forecast_contacts" not in wh.columns(INTERVAL_MART):
        return table
    forecast = dict(((q, d), f) for q, d, f in wh.query(
        f"select queue_name, business_date, sum(forecast_contacts) from {INTERVAL_MART} "
        "where provider_id = ? and business_date between ?::date and ?::date group by queue_name, business_date",
        [provider_id, period.first, period.last]))
    qi, di, oi = table.index("queue_name"), table.index("business_date"), table.index("offered")
    table.columns.insert(oi + 1, Column("forecast_contacts", "num"))
    table.report_columns = (*(table.report_columns or ()), "forecast_contacts")
    table.rows = [(*r[:oi + 1], forecast.get((r[qi], r[di])), *r[oi + 1:]) for r in table.rows]
    return table


def intervals(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """The interval drill-down (``mart_production_intervals``)."""
    return detail_table(wh, "intervals", INTERVAL_MART, period, provider_id,
                        preferred=("offered", "forecast_contacts", "answered", "abandoned",
                                   "service_level", "answered_within_threshold", "sl_target",
                                   "aht_seconds", "scheduled_agents", "erlang_required_agents"),
                        order_by=("queue_name", "business_date", "interval_start_local", "site_id"))


def bonus_malus(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """The month's contractual bonus-malus lines (steering)."""
    return with_units(wh, detail_table(
        wh, "bonus_malus", BONUS_MALUS_MART, period, provider_id,
        preferred=("actual", "definition_variant", "is_measured", "band_min", "band_max",
                   "band_description", "adjustment_pct", "invoice_amount_eur", "adjustment_eur"),
        order_by=("kpi_id",)))


AGENT_TABLES = {  # the supervisors' agent sheet of each committee: its columns as shown
    "production": [Column("agent_id"), Column("site_id"), Column("team_id"), Column("days_worked", "int"),
                   Column("contacts_handled", "int"), Column("aht_seconds", "seconds"),
                   Column("staffed_seconds", "seconds"), Column("adherence", "ratio"),
                   Column("unplanned_absence_seconds", "seconds")],
    "quality": [Column("agent_id"), Column("site_id"), Column("team_id"), Column("evaluations", "int"),
                Column("qa_score", "points"), Column("critical_errors", "int")],
}


def agents(wh: Warehouse, committee_key: str, period: Period, provider_id: str) -> Table:
    """Per agent over the period (supervisors' packs only), from the committee's agent mart."""
    mart, columns = AGENT_MARTS[committee_key], AGENT_TABLES[committee_key]
    if not wh.exists(mart):
        return Table("agents", columns, [], person_level=True, note="note_mart_missing")
    pred, params = wh.period_predicate(mart, period)
    rows = wh.query(f"select {quoted([c.key for c in columns])} from {mart} "
                    f"where provider_id = ? and {pred} order by agent_id", [provider_id, *params])
    return Table("agents", columns, rows, person_level=True)


def benchmark(wh: Warehouse, committee_key: str, period: Period) -> Table:
    """The anonymous benchmark of ``mart_kpi_benchmark``: per KPI, the mean and median of the
    providers' values and how many contributed (at least MIN_BENCHMARK_PEERS, a rule of the mart
    checked again here). No provider column, no provider-specific row."""
    columns = [Column("kpi_id", "kpi"), Column("unit", "text"), Column("providers", "int"),
               Column("benchmark_mean", "value"), Column("benchmark_median", "value")]
    if not wh.exists(BENCHMARK_MART):
        return Table("benchmark", columns, [], note="note_mart_missing")
    pred, params = wh.period_predicate(BENCHMARK_MART, period)
    rows = wh.query(f"select kpi_id, unit, providers, benchmark_mean, benchmark_median from {BENCHMARK_MART} "
                    f"where committee = ? and {pred} and providers >= ? order by kpi_id",
                    [committee_key, *params, MIN_BENCHMARK_PEERS])
    rows = [(k, unit or wh.unit_of(k), *rest) for k, unit, *rest in rows]
    return Table("benchmark", columns, rows, note=None if rows else "note_benchmark_too_few")


def action_plan(wh: Warehouse, period: Period, provider_id: str,
                kpis: tuple[str, ...] | None = None) -> Table:
    """The provider's action-plan items active during the period: for a month, the steering
    action-plan mart (status at the month end, the KPI's actual and RAG); otherwise, or without
    that mart, the action-plan items (open during the period or closed within it)."""
    if period.grain == "month" and wh.exists(ACTION_PLAN_MART):
        return detail_table(wh, "action_plan", ACTION_PLAN_MART, period, provider_id,
                            preferred=("site_id", "kpi_id", "title", "owner", "opened_on", "due_on",
                                       "closed_on", "status_at_month_end", "days_late_at_month_end",
                                       "kpi_actual", "kpi_target_value", "kpi_rag_status"),
                            order_by=("action_id",))
    wanted = ("action_id", "site_id", "kpi_id", "title", "owner", "opened_on", "due_on", "closed_on",
              "status")
    if not wh.exists(ACTION_ITEMS_MART):
        return Table("action_plan", [Column(c, "text") for c in wanted], [], note="note_no_action_plan")
    cols = wh.selectable(ACTION_ITEMS_MART, person_level=False)
    names = [c for c in wanted if c in cols]
    where = ["provider_id = ?"]
    params: list[Any] = [provider_id]
    if "opened_on" in cols:
        where.append("(opened_on is null or opened_on <= ?::date)")
        params.append(period.last)
    if "closed_on" in cols:
        where.append("(closed_on is null or closed_on >= ?::date)")
        params.append(period.first)
    if kpis and "kpi_id" in cols:
        where.append(f"kpi_id in ({', '.join('?' for _ in kpis)})")
        params += list(kpis)
    rows = wh.query(f"select {', '.join(names)} from {ACTION_ITEMS_MART} where {' and '.join(where)} "
                    f"order by {', '.join(names)}", params)
    return Table("action_plan", [Column(n, kind_of(n, cols[n])) for n in names], rows)


def volume_forecast(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Volume forecast for the months after the period: the forecast mart's rows whose anchor
    month (last complete month it starts from) falls within the period."""
    columns = [Column("queue_name"), Column("period_label"), Column("forecast_offered", "num")]
    if not wh.exists(FORECAST_MART):
        return Table("forecast", columns, [], note="note_mart_missing")
    cols = wh.selectable(FORECAST_MART, person_level=False)
    names = ordered([c for c in cols if c != "provider_id"],
                    ("queue_name", "period_label", "period_start", "forecast_offered", "forecast_method",
                     "anchor_month", "months_ahead"))
    names = ["provider_id", *names]
    rows = wh.query(f"select {quoted(names)} from {FORECAST_MART} "
                    "where provider_id = ? and anchor_month between ?::date and ?::date "
                    "order by queue_name, period_start", [provider_id, period.first, period.last])
    return Table("forecast", [Column(n, kind_of(n, cols[n])) for n in names], rows,
                 note=None if rows else "note_no_forecast_for_period",
                 report_columns=("queue_name", "period_label", "forecast_offered", "forecast_method",
                                 "months_ahead"))
