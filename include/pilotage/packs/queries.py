"""The query layer: which warehouse rows go into a pack.

Every query that returns rows is filtered on ``provider_id = ?`` in SQL, so a pack can only ever
hold its own provider's rows. The one exception, :func:`benchmark`, returns aggregates over all
providers without any provider column, and only when at least ``MIN_BENCHMARK_PEERS`` providers
contribute (with two providers an "average of the others" would be the other provider's figure).

Columns are read from the warehouse's catalogue rather than hard-coded: a mart that gains a
column shows it in the pack; columns that could identify a customer are never selected, and
agent-level columns are only selected for a supervisors' pack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from pilotage.packs.model import Column, Table
from pilotage.packs.periods import Period

MIN_BENCHMARK_PEERS = 3
SL_VARIANT_DEFAULT = "genesys_excl_short"

# never selected, whatever the audience: customer personal data (even hashed keys)
FORBIDDEN_COLUMN = re.compile(r"customer|phone|e_?mail|address|first_name|last_name|full_name|"
                              r"birth|iban|ssn|survey_comment|verbatim|recording_url|case_number")
# agent-level detail: only in packs for the provider's supervisors
PERSON_COLUMNS = ("agent_id", "agent_name", "agent_login", "employee_id", "username", "user_name")

PERIOD_COLUMNS = {
    "week": ("week_start", "week_start_date", "iso_week", "week", "period_start", "period_label"),
    "month": ("month_start", "month_start_date", "month", "period_start", "period_label"),
    "quarter": ("quarter_start", "quarter", "period_start", "period_label"),
    "half_year": ("half_year_start", "half_year", "period_start", "period_label"),
}
GRAIN_COLUMNS = ("period_grain", "grain", "period_type")
SCOPE_ORDER = ("site_id", "team_id", "queue_name", "channel", "evaluator_id",
               "calibration_session_id", "session_id", "agent_id", "breakdown_type", "breakdown_value")
# the marts' "every value" scope (site_id = 'ALL' is the provider total, team_id = 'ALL' a site row)
TOTAL = "ALL"
# redundant with the catalogue's labels in the pack's language: not copied into packs
DROPPED_COLUMNS = ("kpi_label_fr", "kpi_label_en")
KPI_ORDER = ("kpi_id", "unit", "actual", "target_value", "gap", "rag_status", "tolerance", "priority",
             "previous_period_actual", "trend_vs_previous", "same_period_last_year_actual",
             "numerator", "denominator", "definition_variant", "service_level_variant")
VALUE_COLUMNS = {"actual", "target_value", "tolerance", "gap", "previous_period_actual",
                 "same_period_last_year_actual", "benchmark_mean", "benchmark_median",
                 "drift_vs_previous", "rolling_3m_actual", "previous_rolling_3m_actual", "kpi_actual",
                 "kpi_target_value", "band_min", "band_max"}


def _plain(value: Any) -> Any:
    """DuckDB values as the few types the renderers know: None, bool, int, float, str, date,
    datetime (Decimal -> float, interval -> seconds, time of day and anything else -> text)."""
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def kind_of(name: str, sql_type: str) -> str:
    """Display kind of a column from its name and SQL type."""
    t = sql_type.upper()
    if name == "kpi_id":
        return "kpi"
    if name in VALUE_COLUMNS:
        return "value"
    if name in ("rag_status", "kpi_rag_status") or name.endswith("_rag"):
        return "rag"
    if name.startswith("trend"):
        return "trend"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    if t == "BOOLEAN":
        return "bool"
    if t in ("VARCHAR", "TEXT") or t.startswith("VARCHAR"):
        return "text"
    if name.endswith("_seconds") or name.endswith("_sec"):
        return "seconds"
    if (name.endswith(("_rate", "_share", "_ratio", "_coverage")) or name in ("service_level", "sl_target",
                                                                              "occupancy", "adherence")):
        return "ratio"
    if name.endswith(("_eur", "_cost", "cost_per_contact")):
        return "currency"
    if t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER"):
        return "int"
    return "num"


@dataclass
class Kpi:
    kpi_id: str
    unit: str
    label_en: str | None
    label_fr: str | None


class Warehouse:
    """A read-only view of the warehouse for one pack pull (columns cached per table)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._columns: dict[str, dict[str, str]] = {}
        self._catalogue: dict[str, Kpi] | None = None

    # -- catalogue ---------------------------------------------------------------------------
    def columns(self, table: str) -> dict[str, str]:
        """``{column: SQL type}`` of ``schema.table`` in table order; empty when it does not exist."""
        if table not in self._columns:
            schema, name = table.split(".")
            rows = self.con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall()
            self._columns[table] = dict(rows)
        return self._columns[table]

    def exists(self, table: str) -> bool:
        return bool(self.columns(table))

    def query(self, sql: str, params: list[Any]) -> list[tuple]:
        return [tuple(_plain(v) for v in row) for row in self.con.execute(sql, params).fetchall()]

    def kpi_catalogue(self) -> dict[str, Kpi]:
        if self._catalogue is None:
            self._catalogue = {}
            cols = self.columns("seeds.kpi_catalogue")
            if cols:
                unit = "unit" if "unit" in cols else "null"
                en = "label_en" if "label_en" in cols else "null"
                fr = "label_fr" if "label_fr" in cols else "null"
                for kpi_id, u, le, lf in self.query(
                        f"select kpi_id, {unit}, {en}, {fr} from seeds.kpi_catalogue order by kpi_id", []):
                    self._catalogue[kpi_id] = Kpi(kpi_id, u or guess_unit(kpi_id), le, lf)
        return self._catalogue

    def unit_of(self, kpi_id: str) -> str:
        kpi = self.kpi_catalogue().get(kpi_id)
        return kpi.unit if kpi else guess_unit(kpi_id)

    # -- providers ---------------------------------------------------------------------------
    def providers(self) -> dict[str, str]:
        """``{provider_id: provider_name}`` from the providers seed (or the marts)."""
        if self.exists("seeds.providers"):
            return dict(self.query("select provider_id, provider_name from seeds.providers "
                                   "order by provider_id", []))
        return {p: p for (p,) in self.query("select distinct provider_id from marts.mart_production_daily "
                                            "order by 1", [])}

    def provider_name(self, provider_id: str) -> str:
        if self.exists("seeds.providers"):
            row = self.query("select provider_name from seeds.providers where provider_id = ?",
                             [provider_id])
            if row:
                return row[0][0]
        return provider_id

    # -- selection helpers ---------------------------------------------------------------------
    def period_predicate(self, table: str, period: Period) -> tuple[str, list[Any]]:
        """SQL predicate selecting ``period`` in a mart (date column = first day, or label)."""
        cols = self.columns(table)
        clauses, params = [], []
        for grain_col in GRAIN_COLUMNS:
            if grain_col in cols:
                clauses.append(f'"{grain_col}" = ?')
                params.append(period.grain)
                break
        for name in PERIOD_COLUMNS[period.grain]:
            if name in cols:
                if cols[name].upper() == "DATE":
                    clauses.append(f'"{name}" = ?::date')
                    params.append(period.first)
                else:
                    clauses.append(f'cast("{name}" as varchar) = ?')
                    params.append(period.label)
                return " and ".join(clauses), params
        if "business_date" in cols:
            clauses.append("business_date between ?::date and ?::date")
            return " and ".join(clauses), [*params, period.first, period.last]
        raise LookupError(f"{table} has no column telling the {period.grain} "
                          f"(looked for {PERIOD_COLUMNS[period.grain]})")

    def selectable(self, table: str, person_level: bool) -> dict[str, str]:
        """Columns of ``table`` a pack may show: never customer data, agent columns only for
        supervisors."""
        return {name: typ for name, typ in self.columns(table).items()
                if not FORBIDDEN_COLUMN.search(name) and name not in DROPPED_COLUMNS
                and (person_level or name not in PERSON_COLUMNS)}


def guess_unit(kpi_id: str) -> str:
    if kpi_id.endswith("_seconds") or kpi_id in ("aht", "asa", "att"):
        return "seconds"
    if kpi_id.endswith(("_rate", "_share", "_ratio", "_coverage")) or kpi_id in (
            "service_level", "occupancy", "adherence", "fcr", "csat", "shrinkage", "absenteeism"):
        return "ratio"
    if kpi_id.startswith(("cost", "bonus", "malus", "price", "revenue")):
        return "currency"
    if kpi_id.endswith(("_score", "_points")) or "deviation" in kpi_id:
        return "points"
    return "count"


def _ordered(names: list[str], first: tuple[str, ...]) -> list[str]:
    head = [n for n in first if n in names]
    return head + [n for n in names if n not in head]


def kpi_table(wh: Warehouse, key: str, mart: str, period: Period, provider_id: str, *,
              person_level: bool = False, where: str | None = None) -> Table:
    """Long KPI rows of a committee mart for one provider and period (one row per scope × KPI).

    In a non-supervisors pack, rows at agent grain (agent column not null) are left out."""
    if not wh.exists(mart):
        return Table(key, [Column("kpi_id", "kpi")], [], note="note_mart_missing")
    cols = wh.selectable(mart, person_level)
    pred, params = wh.period_predicate(mart, period)
    hidden = [f'"{c}" is null' for c in PERSON_COLUMNS if c in wh.columns(mart) and not person_level]
    scope = [c for c in SCOPE_ORDER if c in cols]
    names = _ordered([c for c in cols if c != "provider_id"], (*scope, *KPI_ORDER))
    names = ["provider_id", *names] if "provider_id" in cols else names
    order = [f"coalesce(\"{c}\" = '{TOTAL}', true) desc, \"{c}\"" for c in scope]
    if "priority" in cols:
        order.append('"priority" nulls last')
    order += [f'"{c}"' for c in names if c not in scope and c != "priority"]
    sql = (f"select {', '.join(chr(34) + n + chr(34) for n in names)} from {mart} "
           f"where provider_id = ? and {pred}"
           + "".join(f" and {h}" for h in hidden) + (f" and ({where})" if where else "")
           + f" order by {', '.join(order)}")
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
    """Rows of a non-KPI table (daily, intervals, agents) for the provider within the period."""
    if not wh.exists(table):
        return Table(key, [Column(order_by[0], "text")], [], note="note_mart_missing",
                     person_level=person_level)
    cols = wh.selectable(table, person_level)
    if only:
        cols = {n: t for n, t in cols.items() if n in only or n in order_by or n == "provider_id"}
    pred, params = wh.period_predicate(table, period)
    names = _ordered(list(cols), ("provider_id", *order_by, *preferred))
    hidden = [f'"{c}" is null' for c in PERSON_COLUMNS if c in wh.columns(table) and not person_level]
    order = [f'"{c}"' for c in order_by if c in cols] + [f'"{c}"' for c in names if c not in order_by]
    sql = (f"select {', '.join(chr(34) + n + chr(34) for n in names)} from {table} "
           f"where provider_id = ? and {pred}" + "".join(f" and {h}" for h in hidden)
           + f" order by {', '.join(order)}")
    return Table(key, [Column(n, kind_of(n, cols[n])) for n in names],
                 wh.query(sql, [provider_id, *params]), person_level=person_level,
                 report_columns=(*order_by, *preferred) if preferred else None)


INTERVAL_SOURCES = ("marts.mart_production_intervals", "marts.fct_queue_intervals")


def interval_source(wh: Warehouse) -> str:
    """The interval drill-down: the production interval mart, else the interval fact it is built on."""
    return next((t for t in INTERVAL_SOURCES if wh.exists(t)), INTERVAL_SOURCES[0])


def production_daily(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Day × site × queue rows of ``mart_production_daily`` for the week, with the day's
    forecast from the interval mart when the daily mart does not carry it."""
    mart = "marts.mart_production_daily"
    preferred = ("channel", "offered", "forecast_contacts", "answered", "abandoned", "short_abandoned",
                 "service_level", "sl_target", "sl_threshold_seconds", "abandon_rate", "aht_seconds",
                 "asa_seconds", "csat_rate", "qa_score")
    table = detail_table(wh, "daily", mart, period, provider_id, preferred=preferred,
                         order_by=("queue_name", "business_date", "site_id"))
    if table.note or table.has("forecast_contacts"):
        return table
    intervals = interval_source(wh)
    if "forecast_contacts" not in wh.columns(intervals):
        return table
    forecast = dict(((q, d), f) for q, d, f in wh.query(
        f"select queue_name, business_date, sum(forecast_contacts) from {intervals} "
        "where provider_id = ? and business_date between ?::date and ?::date group by all",
        [provider_id, period.first, period.last]))
    qi, di, oi = table.index("queue_name"), table.index("business_date"), table.index("offered")
    table.columns.insert(oi + 1, Column("forecast_contacts", "num"))
    table.report_columns = (*(table.report_columns or ()), "forecast_contacts")
    table.rows = [(*r[:oi + 1], forecast.get((r[qi], r[di])), *r[oi + 1:]) for r in table.rows]
    return table


AGENT_COLUMNS = [Column("agent_id"), Column("site_id"), Column("team_id")]


def agents_from_agent_days(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Per agent over the period, from ``fct_agent_days``: contacts, AHT, adherence, absence."""
    fact = "marts.fct_agent_days"
    columns = [*AGENT_COLUMNS, Column("days_worked", "int"), Column("contacts_handled", "int"),
               Column("aht_seconds", "seconds"), Column("staffed_seconds", "seconds"),
               Column("adherence", "ratio"), Column("unplanned_absence_seconds", "seconds")]
    if not wh.exists(fact):
        return Table("agents", columns, [], person_level=True, note="note_mart_missing")
    rows = wh.query(
        f"""select agent_id, min(site_id), min(team_id),
                   count(case when staffed_seconds > 0 then 1 end),
                   sum(contacts_handled),
                   sum(handle_seconds) / nullif(sum(contacts_handled), 0),
                   sum(staffed_seconds),
                   sum(adherent_seconds) / nullif(sum(scheduled_open_seconds), 0),
                   sum(unplanned_absence_seconds)
            from {fact} where provider_id = ? and business_date between ?::date and ?::date
            group by agent_id order by agent_id""", [provider_id, period.first, period.last])
    return Table("agents", columns, rows, person_level=True)


def agents_from_evaluations(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Per agent over the period, from ``fct_evaluations`` (calibration evaluations excluded)."""
    fact = "marts.fct_evaluations"
    columns = [*AGENT_COLUMNS, Column("evaluations", "int"), Column("qa_score", "points"),
               Column("critical_errors", "int")]
    if not wh.exists(fact):
        return Table("agents", columns, [], person_level=True, note="note_mart_missing")
    calibration = "and not coalesce(is_calibration, false)" if "is_calibration" in wh.columns(fact) else ""
    rows = wh.query(
        f"""select agent_id, min(site_id), min(team_id), count(*), avg(score_percentage),
                   count(case when has_critical_error then 1 end)
            from {fact} where provider_id = ? and business_date between ?::date and ?::date
                 and agent_id is not null {calibration}
            group by agent_id order by agent_id""", [provider_id, period.first, period.last])
    return Table("agents", columns, rows, person_level=True)


def _level_sql(mart: str, cols: dict[str, str], pred: str, kpis: tuple[str, ...],
               by_provider: bool) -> str:
    """Provider-level value of each KPI from a long mart, at the coarsest level the mart has.

    Per KPI and scope column: when the KPI has rows with that column = 'ALL' (or null), only those
    are kept (a total row, never summed with its parts); otherwise the column's values are pooled.
    One row left: its actual, target and RAG. Several: sum(numerator) / sum(denominator) —
    rates are recombined from components, never averaged — or the sum for a plain count."""
    scope = [c for c in SCOPE_ORDER if c in cols and c not in ("breakdown_value",)]
    keys = "provider_id, kpi_id" if by_provider else "kpi_id"
    flags = ", ".join(f"max(case when \"{c}\" is null or \"{c}\" = '{TOTAL}' then 1 else 0 end) as has_{c}"
                      for c in scope) or "1 as has_none"
    keep = " and ".join(f"(levels.has_{c} = 0 or base.\"{c}\" is null or base.\"{c}\" = '{TOTAL}')"
                        for c in scope) or "true"
    breakdown = ("and (breakdown_type is null or breakdown_type = 'total')"
                 if "breakdown_type" in cols else "")
    hidden = "".join(f' and "{c}" is null' for c in PERSON_COLUMNS if c in cols)
    marks = ", ".join("?" for _ in kpis)
    rag = "rag_status" if "rag_status" in cols else "null"
    target = "target_value" if "target_value" in cols else "null"
    num = "numerator" if "numerator" in cols else "null"
    den = "denominator" if "denominator" in cols else "null"
    provider = "" if by_provider else "and provider_id = ?"
    join_keys = " and ".join(f"base.{k.strip()} = levels.{k.strip()}" for k in keys.split(","))
    return f"""
        with base as (
            select * from {mart}
            where {pred} {provider} and kpi_id in ({marks}) {breakdown} {hidden}
        ),
        levels as (select {keys}, {flags} from base group by {keys}),
        kept as (select base.* from base join levels on {join_keys} where {keep})
        select {keys},
               case when count(*) = 1 then max(actual)
                    when count({den}) = count(*) and sum({den}) <> 0 then sum({num}) / sum({den})
                    when count({den}) = 0 then sum(actual) end as actual,
               case when count(*) = 1 then max({target})
                    when min({target}) = max({target}) then min({target}) end as target_value,
               case when count(*) = 1 then max({rag}) end as rag_status
        from kept group by {keys} order by {keys}"""


def kpi_history(wh: Warehouse, key: str, mart: str, periods: list[Period], provider_id: str,
                kpis: tuple[str, ...]) -> Table:
    """Provider-level series of ``kpis`` over ``periods`` (oldest first) from a KPI mart, at the
    coarsest level the mart has (see :func:`_level_sql`)."""
    columns = [Column("period", "text"), Column("kpi_id", "kpi"), Column("unit", "text"),
               Column("actual", "value"), Column("target_value", "value"), Column("rag_status", "rag")]
    if not wh.exists(mart):
        return Table(key, columns, [], note="note_mart_missing")
    cols = wh.columns(mart)
    rows = []
    for period in periods:
        pred, params = wh.period_predicate(mart, period)
        found = wh.query(_level_sql(mart, cols, pred, kpis, by_provider=False),
                         [*params, provider_id, *kpis])
        rows += [(period.label, k, wh.unit_of(k), a, t, r) for k, a, t, r in found]
    rows.sort(key=lambda r: (kpis.index(r[1]), r[0]))
    return Table(key, columns, rows)


def benchmark(wh: Warehouse, mart: str, period: Period, kpis: tuple[str, ...] | None = None) -> Table:
    """Anonymous benchmark: per KPI, the mean and median of the providers' totals, with how many
    providers contributed; only KPIs with at least MIN_BENCHMARK_PEERS providers. No provider
    column, no provider-specific row."""
    columns = [Column("kpi_id", "kpi"), Column("unit", "text"), Column("providers", "int"),
               Column("benchmark_mean", "value"), Column("benchmark_median", "value")]
    if not wh.exists(mart):
        return Table("benchmark", columns, [], note="note_mart_missing")
    cols = wh.columns(mart)
    pred, params = wh.period_predicate(mart, period)
    if kpis is None:
        kpis = tuple(k for (k,) in wh.query(f"select distinct kpi_id from {mart} where {pred} order by 1",
                                            params))
    if not kpis:
        return Table("benchmark", columns, [], note="note_benchmark_too_few")
    rows = wh.query(
        f"""with per_provider as ({_level_sql(mart, cols, pred, kpis, by_provider=True)})
            select kpi_id, count(distinct provider_id), avg(actual), median(actual)
            from per_provider where actual is not null group by kpi_id
            having count(distinct provider_id) >= {MIN_BENCHMARK_PEERS}
            order by kpi_id""", [*params, *kpis])
    rows = [(k, wh.unit_of(k), n, mean, med) for k, n, mean, med in rows]
    return Table("benchmark", columns, rows, note=None if rows else "note_benchmark_too_few")


ACTION_PLAN_MART = "marts.mart_steering_action_plan"


def action_plan(wh: Warehouse, period: Period, provider_id: str,
                kpis: tuple[str, ...] | None = None) -> Table:
    """The provider's action-plan items active during the period: for a month, the steering
    action-plan mart (status at the month end, the KPI's actual and RAG); otherwise, or without
    that mart, the action-plan seed (items open during the period or closed within it)."""
    if period.grain == "month" and wh.exists(ACTION_PLAN_MART):
        return detail_table(wh, "action_plan", ACTION_PLAN_MART, period, provider_id,
                            preferred=("site_id", "kpi_id", "title", "owner", "opened_on", "due_on",
                                       "closed_on", "status_at_month_end", "days_late_at_month_end",
                                       "kpi_actual", "kpi_target_value", "kpi_rag_status"),
                            order_by=("action_id",))
    seed = "seeds.action_plan"
    wanted = ("action_id", "site_id", "kpi_id", "title", "owner", "opened_on", "due_on", "closed_on",
              "status")
    if not wh.exists(seed):
        return Table("action_plan", [Column(c, "text") for c in wanted], [], note="note_no_action_plan")
    cols = wh.selectable(seed, person_level=False)
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
    rows = wh.query(f"select {', '.join(names)} from {seed} where {' and '.join(where)} "
                    f"order by {', '.join(names)}", params)
    return Table("action_plan", [Column(n, kind_of(n, cols[n])) for n in names], rows)


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


FORECAST_MART = "marts.mart_strategic_volume_forecast"


def volume_forecast(wh: Warehouse, period: Period, provider_id: str) -> Table:
    """Volume forecast for the months after the period: the forecast mart's rows whose anchor
    month (last complete month it starts from) falls within the period."""
    columns = [Column("queue_name"), Column("period_label"), Column("forecast_offered", "num")]
    if not wh.exists(FORECAST_MART):
        return Table("forecast", columns, [], note="note_mart_missing")
    cols = wh.selectable(FORECAST_MART, person_level=False)
    names = _ordered([c for c in cols if c != "provider_id"],
                     ("queue_name", "period_label", "period_start", "forecast_offered", "forecast_method",
                      "anchor_month", "months_ahead"))
    names = ["provider_id", *names]
    rows = wh.query(f"select {', '.join(chr(34) + n + chr(34) for n in names)} from {FORECAST_MART} "
                    "where provider_id = ? and anchor_month between ?::date and ?::date "
                    "order by queue_name, period_start", [provider_id, period.first, period.last])
    return Table("forecast", [Column(n, kind_of(n, cols[n])) for n in names], rows,
                 note=None if rows else "note_no_forecast_for_period",
                 report_columns=("queue_name", "period_label", "forecast_offered", "forecast_method",
                                 "months_ahead"))


def definition_variants(wh: Warehouse, mart: str, period: Period, provider_id: str) -> list[tuple[str, str]]:
    """(kpi_id, definition_variant) of every KPI of the pack that has one, sorted."""
    cols = wh.columns(mart)
    if "definition_variant" not in cols or "kpi_id" not in cols:
        return []
    pred, params = wh.period_predicate(mart, period)
    return wh.query(f"select distinct kpi_id, definition_variant from {mart} where provider_id = ? "
                    f"and {pred} and definition_variant is not null order by 1, 2",
                    [provider_id, *params])


def service_level_variant(wh: Warehouse, marts: list[str], period: Period, provider_id: str,
                          default: str) -> str:
    """The service-level definition used by the marts for this pack (their
    ``definition_variant`` on service-level rows), else the dbt var's value."""
    for mart in marts:
        cols = wh.columns(mart)
        for col in ("definition_variant", "service_level_variant"):
            if col in cols and "kpi_id" in cols:
                try:
                    pred, params = wh.period_predicate(mart, period)
                except LookupError:
                    continue
                found = wh.query(f'select distinct "{col}" from {mart} where provider_id = ? and {pred} '
                                 f"and kpi_id like 'service_level%' and \"{col}\" is not null order by 1",
                                 [provider_id, *params])
                if found:
                    return ", ".join(v for (v,) in found)
            elif col in cols:
                found = wh.query(f'select distinct "{col}" from {mart} where "{col}" is not null order by 1',
                                 [])
                if found:
                    return ", ".join(v for (v,) in found)
    return default


def load_log(wh: Warehouse, period: Period) -> list[tuple]:
    """``raw._load_log`` lines of the period: (entity, business_date, status, source_file,
    loaded_sha256, row_count, message), sorted."""
    if not wh.exists("raw._load_log"):
        return []
    return wh.query(
        "select entity, business_date, status, source_file, loaded_sha256, row_count, message "
        "from raw._load_log where business_date between ?::date and ?::date order by entity, business_date",
        [period.first, period.last])


def last_processed_day(wh: Warehouse) -> date | None:
    """Latest business day the pipeline processed (loaded, missing or quarantined alike)."""
    if not wh.exists("raw._load_log"):
        return None
    (day,) = wh.con.execute("select max(business_date) from raw._load_log").fetchone()
    return day.date() if isinstance(day, datetime) else day
