"""A small marts warehouse for the pack tests, its tables generated from the dbt contracts.

Each table is created with the columns and data types its dbt model declares (read from the
models' YAML by model name, :mod:`dbt_contracts`), so the fixture cannot drift from the marts:
a fixture row naming a column the contract lacks fails. Three providers so the anonymous
benchmark has peers, a few periods of history for trends, a load status with a missing and a
quarantined day, and text values that try formula injection. Values come from a seeded
generator, so the same call always builds the same warehouse. Only the ``marts`` schema exists:
packs read nothing else."""

from __future__ import annotations

import hashlib
import random
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from dbt_contracts import contract_columns
from pilotage.packs.periods import period_of

PROVIDERS = {"PRV_A": "Acme Contact", "PRV_B": "Bravo Relation", "PRV_C": "Cerise Services"}
SITES = {"LYS": ("Lyon", "PRV_A"), "OPO": ("Porto", "PRV_A"), "RBA": ("Rabat", "PRV_B"),
         "DKR": ("Dakar", "PRV_C")}
QUEUES = {  # queue -> (channel, provider, site, threshold, short, target)
    "VOICE_BILLING": ("VOICE", "PRV_A", "LYS", 20, 5, 0.80),
    "=HYPERLINK(\"http://x\")": ("CHAT", "PRV_A", "OPO", 60, 10, 0.85),  # injection attempt
    "VOICE_SALES": ("VOICE", "PRV_B", "RBA", 30, 5, 0.80),
    "VOICE_CARE": ("VOICE", "PRV_C", "DKR", 20, 5, 0.80),
}
TEAMS = {"PRV_A": [("LYS", "T_LYS_1"), ("OPO", "T_OPO_1")], "PRV_B": [("RBA", "T_RBA_1")],
         "PRV_C": [("DKR", "T_DKR_1")]}
AGENTS = {"PRV_A": ["a.lys.0001", "a.opo.0002"], "PRV_B": ["b.rba.0001", "b.rba.0002"],
          "PRV_C": ["c.dkr.0001"]}
EVALUATORS = {"PRV_A": ["qa.acme.01", "qa.client.01"], "PRV_B": ["qa.bravo.01", "qa.client.02"],
              "PRV_C": ["qa.cerise.01"]}
# kpi -> (unit, higher_is_better, target, tolerance, priority, family)
KPIS = {
    "service_level": ("ratio", True, 0.80, 0.05, 1, "productivity"),
    "abandon_rate": ("ratio", False, 0.05, 0.02, 2, "productivity"),
    "aht_seconds": ("seconds", False, 420.0, 30.0, 3, "productivity"),
    "contacts_offered": ("count", True, None, None, None, "productivity"),
    "occupancy": ("ratio", True, 0.85, 0.05, 2, "workforce"),
    "qa_score": ("points", True, 80.0, 5.0, 1, "quality"),
    "qa_section_score": ("points", True, 80.0, 5.0, 2, "quality"),
    "critical_error_rate": ("ratio", False, 0.05, 0.02, 2, "quality"),
    "csat": ("ratio", True, 0.80, 0.05, 2, "quality"),
    "calibration_deviation_points": ("points", False, 5.0, 2.0, 1, "quality"),
    "calibration_agreement_rate": ("ratio", True, 0.85, 0.05, 1, "quality"),
    "cost_per_contact": ("currency", False, 4.5, 0.3, 2, "financial"),
    "staffing_coverage_rate": ("ratio", True, 1.0, 0.05, 2, "workforce"),
}
LOAD_ENTITIES = ("acd__contacts", "acd__agent_intervals", "crm__cases", "crm__surveys",
                 "qa__evaluations", "qa__evaluation_answers", "wfm__forecasts", "wfm__roster",
                 "wfm__schedules")
ALL = "ALL"
ACTIONS = (  # action_id, provider, site, opened, due, closed, owner, kpi, title, status
    ("AP-001", "PRV_A", "LYS", date(2026, 9, 1), date(2026, 11, 30), None, "Site manager",
     "service_level", "=cmd|' /C calc'!A0 staffing of late shifts", "in_progress"),
    ("AP-002", "PRV_A", "OPO", date(2026, 6, 1), date(2026, 7, 31), date(2026, 7, 20),
     "Quality lead", "qa_score", "Coaching on greetings", "done"),
    ("AP-003", "PRV_B", "RBA", date(2026, 10, 1), date(2026, 10, 31), None,
     "Bravo ops", "abandon_rate", "Bravo secret plan", "late"),
    ("AP-004", "PRV_C", "DKR", date(2026, 10, 5), date(2026, 12, 31), None,
     "Cerise ops", "csat", "Cerise survey review", "open"),
)


def _rag(actual, target, tolerance, higher):
    if target is None or actual is None:
        return "grey"
    gap = actual - target if higher else target - actual
    return "green" if gap >= 0 else "amber" if -gap <= tolerance else "red"


def _value(rng: random.Random, kpi: str) -> tuple[float, float | None, float | None]:
    unit = KPIS[kpi][0]
    if unit == "ratio":
        den = float(rng.randint(200, 2000))
        base = {"service_level": 0.8, "abandon_rate": 0.05, "critical_error_rate": 0.04, "csat": 0.8,
                "calibration_agreement_rate": 0.86, "staffing_coverage_rate": 1.0, "occupancy": 0.85}[kpi]
        num = round(den * min(0.999, max(0.001, rng.gauss(base, 0.04))))
        return num / den, float(num), den
    if unit == "count":
        value = float(rng.randint(800, 6000))
        return value, value, None
    base = {"aht_seconds": 420.0, "qa_score": 80.0, "qa_section_score": 80.0,
            "calibration_deviation_points": 5.0, "cost_per_contact": 4.5}[kpi]
    den = float(rng.randint(100, 1500))
    value = round(rng.gauss(base, base * 0.06), 4)
    return value, value * den, den


def _kpi_rows(rng: random.Random, keys: tuple, kpis: list[str], period_first: date) -> list[tuple]:
    rows = []
    for kpi in kpis:
        unit, higher, target, tol, prio, _ = KPIS[kpi]
        actual, num, den = _value(rng, kpi)
        prev, _, _ = _value(rng, kpi)
        lastyear = None if period_first < date(2026, 1, 1) else _value(rng, kpi)[0]
        gap = None if target is None else actual - target
        trend = "up" if actual > prev else "down" if actual < prev else "flat"
        variant = {"service_level": "genesys_excl_short", "csat": "top_2_box"}.get(kpi)
        rows.append((*keys, kpi, unit, actual, num, den, variant, target, tol, gap, higher,
                     _rag(actual, target, tol, higher), prio, prev, trend, lastyear))
    return rows


def contract_of(table: str) -> dict[str, str]:
    """``{column: data_type}`` of the dbt model behind ``marts.<model>``."""
    return contract_columns(table.split(".")[1])


def _create(con: duckdb.DuckDBPyConnection, table: str, names: list[str], rows: list[tuple]) -> None:
    """Create ``table`` with its contract's columns and insert ``rows`` (values of ``names``;
    every other column null). A name the contract lacks raises."""
    contract = contract_of(table)
    unknown = [n for n in names if n not in contract]
    if unknown:
        raise AssertionError(f"fixture columns {unknown} are not in the dbt contract of {table}")
    con.execute(f"create table {table} ({', '.join(f'{c} {t}' for c, t in contract.items())})")
    if rows:
        frame = pd.DataFrame.from_records(rows, columns=names)  # noqa: F841 (read by DuckDB)
        con.execute(f"insert into {table} ({', '.join(names)}) select * from frame")


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",")]


PERIOD = _names("period_start, period_grain, period_label")
KPI = _names("kpi_id, unit, actual, numerator, denominator, definition_variant, target_value, tolerance, "
             "gap, is_higher_better, rag_status, priority, previous_period_actual, trend_vs_previous, "
             "same_period_last_year_actual")


def _load_status(rng: random.Random, first: date, last: date) -> list[tuple]:
    """Every feed every day; one missing and one quarantined day in 2026-10."""
    lines = []
    day = first
    while day <= last:
        statuses = []
        for entity in LOAD_ENTITIES:
            status, message, src = "loaded", None, f"{entity.split('__')[1]}_{day:%Y%m%d}.csv"
            if entity == "crm__surveys" and day == date(2026, 10, 14):
                status, message, src = "missing", None, None
            if entity == "acd__contacts" and day == date(2026, 10, 20):
                status, message = "quarantined", "-rule expect_column_values_to_not_be_null: 3 rows"
            sha = None if src is None else hashlib.sha256(f"{entity}{day}".encode()).hexdigest()
            statuses.append((entity, day, entity.split("__")[0], status, src, sha,
                             sha if status == "loaded" else None,
                             rng.randint(10, 999) if status == "loaded" else 0, message))
        loaded = sum(1 for s in statuses if s[3] == "loaded")
        lines += [(*s, loaded, len(LOAD_ENTITIES), loaded == len(LOAD_ENTITIES)) for s in statuses]
        day += timedelta(days=1)
    return lines


def _benchmark(committee: str, rows: list[tuple], names: list[str]) -> list[tuple]:
    """Mean and median of the providers' total rows per period and KPI, with >= 3 providers."""
    at = {n: i for i, n in enumerate(names)}
    values: dict[tuple, list[float]] = {}
    for r in rows:
        if "site_id" in at and r[at["site_id"]] != ALL:
            continue
        key = (r[at["period_grain"]], r[at["period_start"]], r[at["period_label"]], r[at["kpi_id"]],
               r[at["unit"]])
        values.setdefault(key, []).append(r[at["actual"]])
    return [(committee, grain, start, label, kpi, unit, len(v), sum(v) / len(v), statistics.median(v))
            for (grain, start, label, kpi, unit), v in sorted(values.items(), key=str) if len(v) >= 3]


def build_fixture_warehouse(path: Path, *, first: date = date(2025, 10, 1),
                            last: date = date(2026, 11, 29), seed: int = 7) -> Path:
    """Write the fixture warehouse to ``path`` (replaced) and return it."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        _create(con, "marts.dim_provider", ["provider_id", "provider_name"], sorted(PROVIDERS.items()))
        _create(con, "marts.dim_queue", _names("queue_name, channel, provider_id, site_id, "
                                               "sl_threshold_seconds, short_abandon_seconds, sl_target"),
                [(k, *v) for k, v in sorted(QUEUES.items())])
        _create(con, "marts.dim_kpi", _names("kpi_id, label_en, label_fr, family, unit, is_higher_better"),
                [(k, k.replace("_", " ").capitalize(), "FR " + k.replace("_", " "), v[5], v[0], v[1])
                 for k, v in sorted(KPIS.items())])
        _create(con, "marts.mart_action_plan_items",
                _names("action_id, provider_id, site_id, opened_on, due_on, closed_on, owner, kpi_id, "
                       "title, status"), list(ACTIONS))
        _create(con, "marts.mart_definitions_in_use", ["definition_key", "value_in_use"],
                [("service_level_variant", "genesys_excl_short"), ("abandon_rate_variant", "over_offered")])
        _create(con, "marts.mart_pipeline_load_status",
                _names("feed_id, business_date, source_system, load_status, source_file, file_sha256, "
                       "loaded_sha256, row_count, message, feeds_loaded_on_day, feeds_known, "
                       "is_day_complete"), _load_status(rng, first, last))

        # production daily and intervals
        daily, intervals = [], []
        day = first
        while day <= last:
            for queue, (channel, prv, site, thr, _short, target) in sorted(QUEUES.items()):
                offered = rng.randint(100, 700)
                short = rng.randint(0, 10)
                abandoned = short + rng.randint(0, 40)
                answered = offered - abandoned
                awt = int(answered * rng.uniform(0.7, 0.95))
                handle = answered * rng.randint(350, 480)
                net = offered - short
                daily.append((prv, site, queue, day, channel, thr, target, offered, short, net, answered,
                              abandoned, awt, handle, awt / net, (abandoned - short) / net,
                              handle / answered))
                if day >= date(2026, 10, 1):
                    for slot in range(2):
                        start = datetime(day.year, day.month, day.day, 9 + slot)
                        io = offered // 4
                        intervals.append((prv, site, queue, day, start, io, io - 2, (io - 5) / io,
                                          round(io * 1.05, 1), 4.0 + slot, 4.5))
            day += timedelta(days=1)
        _create(con, "marts.mart_production_daily",
                _names("provider_id, site_id, queue_name, business_date, channel, sl_threshold_seconds, "
                       "sl_target, offered, short_abandoned, offered_net, answered, abandoned, "
                       "answered_within_threshold, handle_seconds, service_level, abandon_rate, "
                       "aht_seconds"), daily)
        _create(con, "marts.mart_production_intervals",
                _names("provider_id, site_id, queue_name, business_date, interval_start_local, offered, "
                       "answered, service_level, forecast_contacts, scheduled_agents, "
                       "erlang_required_agents"), intervals)

        weekly, quality, calib, steering, strategic, plan, bonus = [], [], [], [], [], [], []
        week = period_of("week", first)
        while week.last <= last:
            keys = (week.first, "week", week.label)
            for queue, (_c, prv, site, *_rest) in sorted(QUEUES.items()):
                weekly += _kpi_rows(rng, (prv, site, queue, *keys),
                                    ["service_level", "abandon_rate", "aht_seconds", "contacts_offered"],
                                    week.first)
            for site, (_name, prv) in sorted(SITES.items()):  # site rows: agent KPIs
                weekly += _kpi_rows(rng, (prv, site, ALL, *keys), ["occupancy"], week.first)
            week = week.shift(1)
        month = period_of("month", first)
        while month.last <= last:
            keys = (month.first, "month", month.label)
            for prv, teams in sorted(TEAMS.items()):
                for site, team in [*teams, *[(s, ALL) for s in sorted({s for s, _ in teams})]]:
                    quality += _kpi_rows(rng, (prv, site, team, "total", None, *keys),
                                         ["qa_score", "critical_error_rate", "csat"], month.first)
                    quality += _kpi_rows(rng, (prv, site, team, "section", "greeting", *keys),
                                         ["qa_section_score"], month.first)
                for evaluator in [*EVALUATORS[prv], ALL]:
                    calib += _kpi_rows(rng, (prv, evaluator, *keys),
                                       ["calibration_deviation_points", "calibration_agreement_rate"],
                                       month.first)
                for site in [ALL, *sorted({s for s, _ in teams})]:
                    steering += _kpi_rows(rng, (prv, site, *keys),
                                          ["service_level", "abandon_rate", "aht_seconds", "qa_score",
                                           "csat", "cost_per_contact", "staffing_coverage_rate"],
                                          month.first)
                bonus.append((prv, month.first, month.label, "service_level", 0.78, 0.75, 0.80, -1.0,
                              -450.0))
            for action_id, prv, site, opened, _due, closed, _owner, kpi, title, _status in ACTIONS:
                if opened <= month.last and (closed is None or closed >= month.first):
                    plan.append((month.first, month.label, prv, site, action_id, title, kpi,
                                 "late" if _due < month.last else "open", 0.79, "amber"))
            month = month.shift(1)
        for grain in ("half_year", "quarter"):
            period = period_of(grain, first)
            while period.last <= last:
                for prv in sorted(PROVIDERS):
                    strategic += _kpi_rows(rng, (prv, period.first, grain, period.label),
                                           ["service_level", "qa_score", "csat", "cost_per_contact"],
                                           period.first)
                period = period.shift(1)
        _create(con, "marts.mart_production_weekly", ["provider_id", "site_id", "queue_name", *PERIOD, *KPI],
                weekly)
        _create(con, "marts.mart_quality_monthly", ["provider_id", "site_id", "team_id", "breakdown_type",
                                                    "breakdown_value", *PERIOD, *KPI], quality)
        _create(con, "marts.mart_calibration_monthly", ["provider_id", "evaluator_id", *PERIOD, *KPI], calib)
        steering_names = ["provider_id", "site_id", *PERIOD, *KPI]
        _create(con, "marts.mart_steering_monthly", steering_names, steering)
        strategic_names = ["provider_id", "period_start", "period_grain", "period_label", *KPI]
        _create(con, "marts.mart_strategic_semiannual", strategic_names, strategic)
        _create(con, "marts.mart_kpi_benchmark",
                _names("committee, period_grain, period_start, period_label, kpi_id, unit, providers, "
                       "benchmark_mean, benchmark_median"),
                _benchmark("steering", steering, steering_names)
                + _benchmark("strategic", strategic, strategic_names))
        _create(con, "marts.mart_steering_action_plan",
                _names("period_start, period_label, provider_id, site_id, action_id, title, kpi_id, "
                       "status_at_month_end, kpi_actual, kpi_rag_status"), plan)
        _create(con, "marts.mart_steering_bonus_malus_monthly",
                _names("provider_id, period_start, period_label, kpi_id, actual, band_min, band_max, "
                       "adjustment_pct, adjustment_eur"), bonus)
        forecast = [(prv, queue, date(2026, 7 + m, 1), f"2026-{7 + m:02d}", date(2026, 6, 1), m + 1,
                     float(rng.randint(5000, 9000)))
                    for queue, (_c, prv, *_rest) in sorted(QUEUES.items()) for m in range(6)]
        _create(con, "marts.mart_strategic_volume_forecast",
                _names("provider_id, queue_name, period_start, period_label, anchor_month, months_ahead, "
                       "forecast_offered"), forecast)

        # agent marts (supervisors' packs): one row per agent and week / month
        agent_weeks, agent_months = [], []
        for prv, agents in sorted(AGENTS.items()):
            for agent in agents:
                site = agent.split(".")[1].upper()
                week = period_of("week", date(2026, 10, 1))
                while week.last <= last:
                    handled = rng.randint(150, 400)
                    agent_weeks.append((prv, agent, week.first, "week", week.label, site, f"T_{site}_1", 7,
                                        handled, float(rng.randint(350, 480)), 7 * 25200,
                                        rng.uniform(0.85, 0.98), 0))
                    week = week.shift(1)
                for month in (period_of("month", date(2026, 10, 1)), period_of("month", date(2026, 11, 1))):
                    evaluations = rng.randint(15, 23)
                    agent_months.append((prv, agent, month.first, "month", month.label, site, f"T_{site}_1",
                                         evaluations, round(rng.uniform(60, 98), 2), rng.randint(0, 3)))
        _create(con, "marts.mart_production_agents_weekly",
                _names("provider_id, agent_id, period_start, period_grain, period_label, site_id, team_id, "
                       "days_worked, contacts_handled, aht_seconds, staffed_seconds, adherence, "
                       "unplanned_absence_seconds"), agent_weeks)
        _create(con, "marts.mart_quality_agents_monthly",
                _names("provider_id, agent_id, period_start, period_grain, period_label, site_id, team_id, "
                       "evaluations, qa_score, critical_errors"), agent_months)
        _defence_in_depth(con)
    finally:
        con.close()
    return path


def _defence_in_depth(con: duckdb.DuckDBPyConnection) -> None:
    """Deliberate breaches of the contracts, to show the packs hold anyway: customer data in a
    mart never reaches a pack; agent-grain rows of a committee mart only reach a supervisors'
    pack; a benchmark row with fewer than 3 providers is never shown."""
    con.execute("alter table marts.mart_steering_monthly add column customer_email varchar "
                "default 'jane.doe@example.com'")
    con.execute("alter table marts.mart_quality_monthly add column agent_id varchar")
    con.execute("""insert into marts.mart_quality_monthly
                   select * replace (lower(replace(provider_id, 'PRV_', '')) || '.agent.9999' as agent_id)
                   from marts.mart_quality_monthly where kpi_id = 'qa_score' and team_id <> 'ALL'""")
    con.execute("""insert into marts.mart_kpi_benchmark (committee, period_grain, period_start, period_label,
                       kpi_id, unit, providers, benchmark_mean, benchmark_median)
                   values ('steering', 'month', '2026-10-01', '2026-10', 'occupancy', 'ratio', 2, 0.5, 0.5)""")
