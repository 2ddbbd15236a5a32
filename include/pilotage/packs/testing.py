"""A small warehouse shaped like the committee marts' interface (docs/marts-design.md).

Used by the pack tests (and handy to try the renderers without running the pipeline): three
providers so the anonymous benchmark has enough peers, a few periods of history for trends, a
load log with a missing and a quarantined day, and text values that try formula injection.
Values come from a seeded generator, so the same call always builds the same warehouse."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

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


def _create(con, table: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"create or replace table {table} ({columns})")
    if rows:
        names = [f"c{i}" for i in range(len(rows[0]))]
        frame = pd.DataFrame.from_records(rows, columns=names)  # noqa: F841 (read by DuckDB)
        con.execute(f"insert into {table} select * from frame")


PERIOD_COLS = "period_start date, period_grain varchar, period_label varchar, "
KPI_COLS = ("kpi_id varchar, unit varchar, actual double, numerator double, denominator double, "
            "definition_variant varchar, target_value double, tolerance double, gap double, "
            "is_higher_better boolean, rag_status varchar, priority integer, previous_period_actual double, "
            "trend_vs_previous varchar, same_period_last_year_actual double")


def build_fixture_warehouse(path: Path, *, first: date = date(2025, 10, 1),
                            last: date = date(2026, 11, 29), seed: int = 7) -> Path:
    """Write the fixture warehouse to ``path`` (replaced) and return it."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        for schema in ("raw", "seeds", "marts"):
            con.execute(f"create schema {schema}")
        _create(con, "seeds.providers", "provider_id varchar, provider_name varchar",
                sorted(PROVIDERS.items()))
        _create(con, "seeds.sites", "site_id varchar, site_name varchar, provider_id varchar",
                [(k, v[0], v[1]) for k, v in sorted(SITES.items())])
        _create(con, "seeds.queues", "queue_name varchar, channel varchar, provider_id varchar, "
                "site_id varchar, sl_threshold_seconds integer, short_abandon_seconds integer, "
                "sl_target double", [(k, *v) for k, v in sorted(QUEUES.items())])
        _create(con, "seeds.action_plan", "action_id varchar, provider_id varchar, site_id varchar, "
                "opened_on date, due_on date, closed_on date, owner varchar, kpi_id varchar, "
                "title varchar, status varchar", list(ACTIONS))
        _create(con, "seeds.kpi_catalogue", "kpi_id varchar, label_en varchar, label_fr varchar, "
                "family varchar, unit varchar, higher_is_better boolean",
                [(k, k.replace("_", " ").capitalize(), "FR " + k.replace("_", " "), v[5], v[0], v[1])
                 for k, v in sorted(KPIS.items())])

        # load log: every entity every day, one missing and one quarantined day in 2026-10
        log = []
        day = first
        while day <= last:
            for entity in LOAD_ENTITIES:
                status, message, src = "loaded", None, f"{entity.split('__')[1]}_{day:%Y%m%d}.csv"
                if entity == "crm__surveys" and day == date(2026, 10, 14):
                    status, message, src = "missing", None, None
                if entity == "acd__contacts" and day == date(2026, 10, 20):
                    status, message = "quarantined", "-rule expect_column_values_to_not_be_null: 3 rows"
                sha = None if src is None else hashlib.sha256(f"{entity}{day}".encode()).hexdigest()
                log.append((entity, day, status, src, sha, sha if status == "loaded" else None,
                            rng.randint(10, 999) if status == "loaded" else 0, message))
            day += timedelta(days=1)
        _create(con, "raw._load_log", "entity varchar, business_date date, status varchar, "
                "source_file varchar, file_sha256 varchar, loaded_sha256 varchar, row_count integer, "
                "message varchar", log)

        # production daily (the existing mart) and intervals
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
                forecast = round(offered * rng.uniform(0.9, 1.1), 1)
                net = offered - short
                daily.append((prv, site, queue, day, channel, thr, target, offered, short, net, answered,
                              abandoned, awt, handle, forecast, awt / net, (abandoned - short) / net,
                              handle / answered))
                if day >= date(2026, 10, 1):
                    for slot in range(2):
                        start = f"{day} {9 + slot:02d}:00:00"
                        io = offered // 4
                        intervals.append((prv, site, queue, day, start, io, io - 2, (io - 5) / io,
                                          round(io * 1.05, 1), 4.0 + slot, 4.5))
            day += timedelta(days=1)
        _create(con, "marts.mart_production_daily",
                "provider_id varchar, site_id varchar, queue_name varchar, business_date date, "
                "channel varchar, sl_threshold_seconds integer, sl_target double, offered bigint, "
                "short_abandoned bigint, offered_net bigint, answered bigint, abandoned bigint, "
                "answered_within_threshold bigint, handle_seconds bigint, forecast_contacts double, "
                "service_level double, abandon_rate double, aht_seconds double", daily)
        _create(con, "marts.mart_production_intervals",
                "provider_id varchar, site_id varchar, queue_name varchar, business_date date, "
                "interval_start_local timestamp, offered bigint, answered bigint, service_level double, "
                "forecast_contacts double, scheduled_agents double, erlang_required_agents double",
                intervals)

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
        _create(con, "marts.mart_production_weekly", "provider_id varchar, site_id varchar, "
                "queue_name varchar, " + PERIOD_COLS + KPI_COLS, weekly)
        _create(con, "marts.mart_quality_monthly", "provider_id varchar, site_id varchar, team_id varchar, "
                "breakdown_type varchar, breakdown_value varchar, " + PERIOD_COLS + KPI_COLS, quality)
        _create(con, "marts.mart_calibration_monthly", "provider_id varchar, evaluator_id varchar, "
                + PERIOD_COLS + KPI_COLS, calib)
        _create(con, "marts.mart_steering_monthly", "provider_id varchar, site_id varchar, "
                + PERIOD_COLS + KPI_COLS, steering)
        _create(con, "marts.mart_strategic_semiannual", "provider_id varchar, period_start date, "
                "period_grain varchar, period_label varchar, " + KPI_COLS, strategic)
        _create(con, "marts.mart_steering_action_plan", "period_start date, period_label varchar, "
                "provider_id varchar, site_id varchar, action_id varchar, title varchar, kpi_id varchar, "
                "status_at_month_end varchar, kpi_actual double, kpi_rag_status varchar", plan)
        _create(con, "marts.mart_steering_bonus_malus_monthly", "provider_id varchar, period_start date, "
                "period_label varchar, kpi_id varchar, actual double, band_min double, band_max double, "
                "adjustment_pct double, adjustment_eur double", bonus)
        forecast = [(prv, queue, date(2026, 7 + m, 1), f"2026-{7 + m:02d}", date(2026, 6, 1), m + 1,
                     float(rng.randint(5000, 9000)))
                    for queue, (_c, prv, *_rest) in sorted(QUEUES.items()) for m in range(6)]
        _create(con, "marts.mart_strategic_volume_forecast", "provider_id varchar, queue_name varchar, "
                "period_start date, period_label varchar, anchor_month date, months_ahead integer, "
                "forecast_offered double", forecast)

        # agent facts (supervisors' packs): one row per agent and day / per evaluation
        agent_days, evaluations = [], []
        day = date(2026, 10, 1)
        while day <= last:
            for prv, agents in sorted(AGENTS.items()):
                for agent in agents:
                    site = agent.split(".")[1].upper()
                    handled = rng.randint(20, 60)
                    agent_days.append((agent, day, prv, site, f"T_{site}_1", 25200, handled,
                                       handled * rng.randint(350, 480), 22000, 24000, 0))
                    if day.weekday() < 5:
                        evaluations.append((f"EV-{agent}-{day}", f"C-{agent}-{day}", agent, prv, site,
                                            f"T_{site}_1", day, False, round(rng.uniform(60, 98), 2),
                                            rng.random() < 0.1))
            day += timedelta(days=1)
        _create(con, "marts.fct_agent_days", "agent_id varchar, business_date date, provider_id varchar, "
                "site_id varchar, team_id varchar, staffed_seconds bigint, contacts_handled bigint, "
                "handle_seconds bigint, adherent_seconds bigint, scheduled_open_seconds bigint, "
                "unplanned_absence_seconds bigint", agent_days)
        _create(con, "marts.fct_evaluations", "evaluation_id varchar, contact_id varchar, agent_id varchar, "
                "provider_id varchar, site_id varchar, team_id varchar, business_date date, "
                "is_calibration boolean, score_percentage double, has_critical_error boolean", evaluations)

        # defence in depth: customer data in a mart must never reach a pack, and agent-grain rows
        # of a committee mart only reach a supervisors' pack
        con.execute("alter table marts.mart_steering_monthly add column customer_email varchar "
                    "default 'jane.doe@example.com'")
        con.execute("alter table marts.mart_quality_monthly add column agent_id varchar")
        con.execute("""insert into marts.mart_quality_monthly
                       select * replace (lower(replace(provider_id, 'PRV_', '')) || '.agent.9999' as agent_id)
                       from marts.mart_quality_monthly where kpi_id = 'qa_score' and team_id <> 'ALL'""")
    finally:
        con.close()
    return path
