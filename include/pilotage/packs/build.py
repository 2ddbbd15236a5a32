"""Assemble a pack: committee × period × provider (× audience) -> :class:`Pack`.

Each committee has a fixed list of tables (sheets) and charts; a table whose source is absent
stays in the pack, empty, with a note, so the structure of a committee's pack never changes.
Agent-level tables exist only in the ``supervisors`` audience."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

import duckdb

from pilotage.packs import queries as q
from pilotage.packs.executive import build_executive
from pilotage.packs.labels import with_thresholds
from pilotage.packs.model import Chart, Column, Cover, Pack, Table
from pilotage.packs.periods import Period, latest_complete, parse_period, period_of

AUDIENCES = ("committee", "supervisors")
STEERING_MART = "marts.mart_steering_monthly"


@dataclass(frozen=True)
class Committee:
    key: str
    grain: str          # period grain of the pack
    mart: str           # the committee mart
    cadence: str        # human description, used in docs and --help
    tables: tuple[str, ...]             # sheet order (committee audience)
    supervisor_tables: tuple[str, ...]  # extra sheets of the supervisors' pack
    history: int = 0    # periods of history in the trend table
    trend_kpis: tuple[str, ...] = ()


COMMITTEES: dict[str, Committee] = {c.key: c for c in (
    Committee("production", "week", "marts.mart_production_weekly", "weekly, Monday morning",
              ("scorecard", "daily", "intervals", "action_plan"), ("agents",)),
    Committee("quality", "month", "marts.mart_quality_monthly", "monthly, first business day",
              ("scorecard", "qa_breakdown", "trend", "action_plan"), ("agents",), history=6,
              trend_kpis=("qa_score", "critical_error_rate", "csat", "ces", "repeat_rate", "fcr_rate",
                          "email_response_time_seconds", "complaint_rate")),
    Committee("calibration", "month", "marts.mart_calibration_monthly", "monthly, first business day",
              ("scorecard", "spread", "trend"), (), history=6,
              trend_kpis=("calibration_deviation_points", "calibration_agreement_rate",
                          "calibration_score_stddev", "calibration_score_range")),
    Committee("steering", "month", "marts.mart_steering_monthly", "monthly, first business day",
              ("scorecard", "bonus_malus", "trend", "benchmark", "action_plan"), (), history=12,
              trend_kpis=("service_level", "abandon_rate", "aht_seconds", "occupancy", "adherence",
                          "qa_score", "csat", "staffing_coverage_rate", "cost_per_contact",
                          "bonus_malus_pct")),
    Committee("strategic", "half_year", "marts.mart_strategic_semiannual", "every six months",
              ("scorecard", "quarters", "targets_summary", "trend", "forecast", "benchmark",
               "action_plan"), (),
              history=24, trend_kpis=("contacts_offered", "service_level", "qa_score", "csat",
                                      "cost_per_contact", "targets_met_rate")),
)}


def committee(key: str) -> Committee:
    try:
        return COMMITTEES[key]
    except KeyError:
        raise ValueError(f"unknown committee {key!r}; known: {', '.join(COMMITTEES)}") from None


def period_for(committee_key: str, text: str) -> Period:
    return parse_period(committee(committee_key).grain, text)


def incomplete_period_message(committee_key: str, period: Period, through: date | None) -> str | None:
    """Why ``period`` cannot be pulled as a final pack (it ends after the last business day the
    warehouse processed), naming the last complete period; ``None`` when it is complete."""
    if through is not None and period.last <= through:
        return None
    c = committee(committee_key)
    if through is None:
        return (f"the {c.key} period {period.label} is not complete: the warehouse has no loaded day "
                "yet. Use --allow-partial for a provisional pack.")
    last = latest_complete(c.grain, through)
    state = "no day of it is loaded yet" if period.first > through else "it is not over yet"
    return (f"the {c.key} period {period.label} is not complete: {state} (data runs to "
            f"{through.isoformat()}). The last complete {c.key} period is {last.label} "
            f"(pilotage pack --committee {c.key} --period {last.label}); "
            "use --allow-partial for a pack marked provisional.")


def queue_thresholds(wh: q.Warehouse, provider_id: str) -> dict[str, int]:
    """Service-level threshold (seconds) of each of the provider's queues, from ``dim_queue``:
    fills the "answered within X s" of the service-level label."""
    for table in ("marts.dim_queue",):
        cols = wh.columns(table)
        if {"queue_name", "provider_id", "sl_threshold_seconds"} <= set(cols):
            return {name: int(s) for name, s in wh.query(
                f"select queue_name, sl_threshold_seconds from {table} where provider_id = ? "
                "and sl_threshold_seconds is not null order by queue_name", [provider_id])}
    return {}


# -- cover -------------------------------------------------------------------------------------

def build_cover(wh: q.Warehouse, c: Committee, period: Period, provider_id: str) -> Cover:
    """Data freshness (mart_pipeline_load_status) and definitions used (the marts'
    definition_variant, mart_definitions_in_use) of the pack, with their fingerprint."""
    lines = q.load_lines(wh, period)
    definitions = q.definitions_used(wh, [c.mart, STEERING_MART], period, provider_id)
    digest = hashlib.sha256()
    for entity, day, status, _file, sha, rows, _msg in lines:
        digest.update(f"{entity}|{day}|{status}|{sha}|{rows}\n".encode())
    for key, value in definitions:
        digest.update(f"{key}={value}\n".encode())
    freshness = Table("freshness", [
        Column("entity"), Column("source"), Column("days_loaded", "int"), Column("days_missing", "int"),
        Column("days_quarantined", "int"), Column("days_suspect", "int"), Column("days_not_processed", "int"),
        Column("first_day", "date"), Column("last_day", "date"), Column("days_not_delivered", "int")],
        q.feed_rows(wh, period))
    issue_rows = q.issue_rows(wh, period)
    issues = Table("data_issues", [Column("business_date", "date"), Column("entity"), Column("status"),
                                   Column("source_file"), Column("message")], issue_rows,
                   note=None if issue_rows else "no_issues")
    return Cover(data_as_of=q.last_processed_day(wh, period), days_expected=len(period.days),
                 days_included=q.complete_days(wh, period), definitions=definitions,
                 fingerprint=digest.hexdigest(), freshness=freshness, issues=issues,
                 sources=q.sources(wh))


# -- derived tables ------------------------------------------------------------------------------

def pivot(source: Table, key: str, index: tuple[str, ...], kpis: list[str] | None = None) -> Table:
    """Wide view of a long KPI table: one row per ``index``, one column per kpi (actual)."""
    if not (source.has("kpi_id") and source.has("actual")):
        return Table(key, [Column(i) for i in index], [], note=source.note or "note_no_rows")
    ki, ai = source.index("kpi_id"), source.index("actual")
    idx = [source.index(i) for i in index if source.has(i)]
    present = {r[ki] for r in source.rows}
    kpis = [k for k in (kpis or []) if k in present] + sorted(present - set(kpis or []))
    cells: dict[tuple, dict] = {}
    for r in source.rows:
        cells.setdefault(tuple(r[i] for i in idx), {})[r[ki]] = r[ai]
    units = {r[ki]: r[source.index("unit")] for r in source.rows} if source.has("unit") else {}
    columns = [source.columns[i] for i in idx] + [
        Column(k, {"ratio": "ratio", "seconds": "seconds", "currency": "currency"}.get(units.get(k), "num"))
        for k in kpis]
    rows = [(*k, *(v.get(kpi) for kpi in kpis)) for k, v in sorted(cells.items(), key=lambda x: str(x[0]))]
    return Table(key, columns, rows)


def targets_summary(scorecard: Table) -> Table:
    """Targets met / missed: KPI rows per priority and RAG status."""
    columns = [Column("priority", "int"), Column("kpis", "int"), Column("green_count", "int"),
               Column("amber_count", "int"), Column("red_count", "int"), Column("grey_count", "int")]
    if not (scorecard.has("rag_status") and scorecard.has("priority")):
        return Table("targets_summary", columns, [], note=scorecard.note or "note_no_rows")
    counts: dict = {}
    pi, ri = scorecard.index("priority"), scorecard.index("rag_status")
    for r in scorecard.rows:
        counts.setdefault(r[pi], Counter())[r[ri]] += 1
    rows = [(p, sum(c.values()), c["green"], c["amber"], c["red"], c["grey"])
            for p, c in sorted(counts.items(), key=lambda x: (x[0] is None, x[0] or 0))]
    return Table("targets_summary", columns, rows)


def _table(wh: q.Warehouse, c: Committee, key: str, period: Period, provider_id: str,
           built: dict[str, Table]) -> Table:
    if key == "scorecard":
        total_only = ("breakdown_type is null or breakdown_type = 'total'"
                      if "breakdown_type" in wh.columns(c.mart) else None)
        return q.kpi_table(wh, "scorecard", c.mart, period, provider_id, where=total_only)
    if key == "qa_breakdown":
        if "breakdown_type" not in wh.columns(c.mart):
            return Table("qa_breakdown", [Column("kpi_id", "kpi")], [], note="note_mart_missing")
        return q.kpi_table(wh, "qa_breakdown", c.mart, period, provider_id,
                           where="breakdown_type is not null and breakdown_type <> 'total'")
    if key == "bonus_malus":
        return q.bonus_malus(wh, period, provider_id)
    if key == "forecast":
        return q.volume_forecast(wh, period, provider_id)
    if key == "daily":
        return q.production_daily(wh, period, provider_id)
    if key == "intervals":
        return q.intervals(wh, period, provider_id)
    if key == "action_plan":
        return q.with_units(wh, q.action_plan(wh, period, provider_id))
    if key == "benchmark":
        return q.benchmark(wh, c.key, period)
    if key == "trend":
        # the strategic trend is monthly over 24 months, from the steering scorecard
        source, last = ((STEERING_MART, period_of("month", period.last)) if c.key == "strategic"
                        else (c.mart, period))
        periods = [last.shift(-i) for i in range(c.history - 1, -1, -1)]
        return q.kpi_history(wh, "trend", source, periods, provider_id, c.trend_kpis)
    if key == "spread":
        return pivot(built["scorecard"], "spread", ("evaluator_id",), list(c.trend_kpis))
    if key == "quarters":
        tables = [q.kpi_table(wh, "quarters", c.mart, period_of("quarter", d), provider_id)
                  for d in (period.first, period.last)]
        return Table("quarters", tables[0].columns, tables[0].rows + tables[1].rows, note=tables[0].note)
    if key == "targets_summary":
        return targets_summary(built["scorecard"])
    if key == "agents":
        return q.agents(wh, c.key, period, provider_id)
    raise KeyError(key)


def _charts(c: Committee, tables: dict[str, Table]) -> list[Chart]:
    charts: list[Chart] = []
    if c.key == "production":
        charts.append(Chart("chart_sl_by_day", "daily", "business_date", lines=("service_level",),
                            target="sl_target", split_by="queue_name", y_kind="ratio"))
        daily = tables["daily"]
        if daily.has("forecast_contacts"):
            charts.append(Chart("chart_volumes_vs_forecast", "daily", "business_date", bars=("offered",),
                                lines=("forecast_contacts",), split_by="queue_name", y_kind="num"))
        else:
            charts.append(Chart("chart_volumes_vs_forecast", "daily", "business_date", bars=("offered",),
                                lines=("answered",), split_by="queue_name", y_kind="num"))
    if "trend" in tables:
        charts.append(Chart("chart_kpi_trend", "trend", "period", lines=("actual",), target="target_value",
                            split_by="kpi_id", y_kind="value"))
    if c.key == "calibration":
        spread = tables["spread"]
        metrics = tuple(col.key for col in spread.columns[1:])
        if metrics:
            charts.append(Chart("chart_calibration_spread", "spread", "evaluator_id", bars=metrics[:1],
                                y_kind="points"))
    return charts


def build_pack(con: duckdb.DuckDBPyConnection, committee_key: str, period: Period | str,
               provider_id: str, *, audience: str = "committee") -> Pack:
    """Read everything a pack needs from the warehouse (read-only) into a :class:`Pack`."""
    c = committee(committee_key)
    if isinstance(period, str):
        period = parse_period(c.grain, period)
    if period.grain != c.grain:
        raise ValueError(f"the {c.key} pack is per {c.grain}, not per {period.grain}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; known: {AUDIENCES}")
    if audience == "supervisors" and not c.supervisor_tables:
        raise ValueError(f"the {c.key} pack has no agent-level detail: use the committee audience")
    wh = q.Warehouse(con)
    providers = wh.providers()
    if provider_id not in providers:
        raise ValueError(f"unknown provider {provider_id!r}; known: {', '.join(providers)}")
    keys = c.tables + (c.supervisor_tables if audience == "supervisors" else ())
    built: dict[str, Table] = {}
    for key in keys:
        built[key] = _table(wh, c, key, period, provider_id, built)
    tables = [built[k] for k in keys]
    executive = build_executive(wh, c.mart, period, provider_id, built["scorecard"],
                                built.get("action_plan"))
    through = q.last_processed_day(wh)
    thresholds = queue_thresholds(wh, provider_id)
    return Pack(committee=c.key, period=period, provider_id=provider_id,
                provider_name=providers[provider_id], audience=audience,
                cover=build_cover(wh, c, period, provider_id), tables=tables,
                charts=_charts(c, built),
                kpi_catalogue=with_thresholds(wh.kpi_catalogue(), sorted(thresholds.values())),
                provisional=incomplete_period_message(c.key, period, through) is not None,
                data_through=through, sl_thresholds=thresholds,
                peers=len(providers), executive=executive)
