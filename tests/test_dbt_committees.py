"""Integration tests of the committee marts: a real `dbt build` on a small hand-made raw layer.

Three Mondays on queue VOICE_BILLING (PRV_A, site LYS, threshold 20 s, short-abandon timer 5 s),
agent AG-LYS-1 (a.lys.0001, team T-LYS-1) answering, times in UTC (Paris is UTC+2):

    day         contact  enqueued  queue s  outcome                       talk hold acw  handle
    2026-10-05  v1       07:00     10       answered within 20 s          200  0    40   240
    (W41, Oct)  v2       07:10     30       answered late                 100  20   20   140
                v3       07:35     20       answered exactly at 20 s      150  0    30   180
                v4       07:40     3        short abandon
                v5       08:05     40       abandoned after 20 s
    2026-09-28  w1       07:00     5        answered within               100  0    20   120
    (W40, Sep)  w2       07:10     15       answered within               200  0    40   240
                w3       07:20     30       abandoned after 20 s
    2025-10-06  y1       07:00     10       answered within               100  0    20   120
    (W41 2025)  y2       07:10     50       answered late                 100  0    20   120

plus, on 2026-10-05: one e-mail e1 on EMAIL_GENERAL (PRV_B, RBA) answered after 7,200 s by
AG-RBA-1; customer C1 calls twice (v1, v2: v2 is a repeat, v1 is not resolved at first
contact); CSAT 5 on v1 and 3 on v3, CES 2 on v1; QA evaluations of AG-LYS-1 on v2 (greeting 4/5,
identity check 10/10, solution 15/20: 29/35 = 82.857) and on v3 (greeting 5/5, identity check
failed 0/10: critical error, score 0); a calibration session on v1 (reference 100, qa-a-01 84,
qa-a-02 96); cases K1 (complaint, opened by v1) and K3 (billing, by v3); a WFM forecast of 3 and 2
contacts for the 07:00 and 07:30 intervals; AG-LYS-1 scheduled OPEN 07:00-08:00 and BREAK
08:00-08:15, AG-LYS-2 SICK 07:00-09:00; AG-LYS-1's interval report at 07:00 and 07:30.
Targets, prices, the bonus/malus grid and the action plan are the project's seeds. Every expected
number below is computed by hand from this table.
"""

from __future__ import annotations

import csv
import math
import re
import time
from datetime import date

import duckdb
import pytest
from pilotage.ingest.raw_schema import ensure_raw_schema
from test_dbt_build import DBT_PROJECT_DIR, audit, ctr, insert, read_rows, run_dbt, utc

D2 = date(2026, 10, 5)  # the month and week the committees look at
D1 = date(2026, 9, 28)  # previous week, previous month
D0 = date(2025, 10, 6)  # 52 weeks before D2: same week and month one year before

COMMITTEE_MARTS = {
    "production": "mart_production_weekly",
    "quality": "mart_quality_monthly",
    "calibration": "mart_calibration_monthly",
    "steering": "mart_steering_monthly",
    "strategic": "mart_strategic_semiannual",
}


def contact(contact_id: str, row: int, day: date, enqueued: str, queue_seconds: int, *,
            customer: str, case: str, answered: bool = True, talk: int = 0, hold: int = 0,
            acw: int = 0, queue: str = "VOICE_BILLING", channel: str = "VOICE",
            agent: str = "a.lys.0001") -> dict:
    record = ctr(contact_id, row, queue=queue, enqueued=enqueued, queue_seconds=queue_seconds,
                 agent=agent if answered else None, talk=talk if answered else None,
                 hold=hold if answered else None, acw=acw if answered else None,
                 channel=channel, day=day)
    record.update(customer_id=customer, case_number=case)
    return record


def roster(day: date) -> list[dict]:
    source = f"roster_{day:%Y%m%d}.csv"
    common = {"first_name": "X", "last_name": "Y", "leave_date": None}
    return [
        {"agent_id": "AG-LYS-1", "acd_username": "a.lys.0001", "provider_id": "PRV_A", "site_id": "LYS",
         "team_id": "T-LYS-1", "hire_date": date(2020, 1, 6), "skills": "VOICE_BILLING", **common,
         **audit(day, source, 1)},
        {"agent_id": "AG-LYS-2", "acd_username": "a.lys.0002", "provider_id": "PRV_A", "site_id": "LYS",
         "team_id": "T-LYS-1", "hire_date": date(2021, 3, 1), "skills": "VOICE_BILLING", **common,
         **audit(day, source, 2)},
        {"agent_id": "AG-RBA-1", "acd_username": "a.rba.0001", "provider_id": "PRV_B", "site_id": "RBA",
         "team_id": "T-RBA-1", "hire_date": date(2022, 5, 2), "skills": "EMAIL_GENERAL;VOICE_SALES",
         **common, **audit(day, source, 3)},
    ]


def evaluation(evaluation_id: str, row: int, contact_id: str, evaluator: str, submitted: str, *,
               session: str | None = None, role: str | None = None) -> dict:
    return {"evaluation_id": evaluation_id, "contact_id": contact_id, "agent_username": "a.lys.0001",
            "evaluator_id": evaluator, "form_title": "Voice quality grid", "form_version": 3,
            "submitted_at": utc(D2, submitted), "score_percentage": 0.0,
            "calibration_session_id": session, "calibration_role": role,
            **audit(D2, f"evaluations_{D2:%Y%m%d}.jsonl", row)}


def answer(evaluation_id: str, row: int, question: str, section: str, max_points: float, points: float,
           critical: bool = False) -> dict:
    return {"evaluation_id": evaluation_id, "question_ref_id": question, "section_ref_id": section,
            "is_critical": critical, "max_points": max_points, "answer_value": points,
            "is_not_applicable": False, "points": points,
            **audit(D2, f"evaluations_{D2:%Y%m%d}.jsonl", row)}


def load_committee_fixture(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_schema(con)
    # fmt: off
    insert(con, "raw.acd_contacts", [
        contact("v1", 1, D2, "07:00:00", 10, customer="C1", case="K1", talk=200, acw=40),
        contact("v2", 2, D2, "07:10:00", 30, customer="C1", case="K2", talk=100, hold=20, acw=20),
        contact("v3", 3, D2, "07:35:00", 20, customer="C3", case="K3", talk=150, acw=30),
        contact("v4", 4, D2, "07:40:00", 3, customer="C4", case="K4", answered=False),
        contact("v5", 5, D2, "08:05:00", 40, customer="C5", case="K5", answered=False),
        contact("e1", 6, D2, "06:00:00", 7200, customer="C6", case="K6", talk=300, acw=60,
                queue="EMAIL_GENERAL", channel="EMAIL", agent="a.rba.0001"),
        contact("w1", 1, D1, "07:00:00", 5, customer="W1", case="L1", talk=100, acw=20),
        contact("w2", 2, D1, "07:10:00", 15, customer="W2", case="L2", talk=200, acw=40),
        contact("w3", 3, D1, "07:20:00", 30, customer="W3", case="L3", answered=False),
        contact("y1", 1, D0, "07:00:00", 10, customer="Y1", case="M1", talk=100, acw=20),
        contact("y2", 2, D0, "07:10:00", 50, customer="Y2", case="M2", talk=100, acw=20),
    ])
    for day in (D0, D1, D2):
        insert(con, "raw.wfm_roster", roster(day))
    surveys = f"surveys_{D2:%Y%m%d}.csv"
    insert(con, "raw.crm_surveys", [
        {"survey_id": "s1", "contact_id": "v1", "case_number": "K1", "question": "CSAT", "score": 5,
         "scale_max": 5, "answered_at": utc(D2, "12:00:00"), **audit(D2, surveys, 1)},
        {"survey_id": "s2", "contact_id": "v3", "case_number": "K3", "question": "CSAT", "score": 3,
         "scale_max": 5, "answered_at": utc(D2, "12:00:00"), **audit(D2, surveys, 2)},
        {"survey_id": "s3", "contact_id": "v1", "case_number": "K1", "question": "CES", "score": 2,
         "scale_max": 7, "answered_at": utc(D2, "12:00:00"), **audit(D2, surveys, 3)},
    ])
    cases = f"cases_{D2:%Y%m%d}.csv"
    case_common = {"customer_id": "C1", "account_id": None, "origin": "Phone", "status": "Closed",
                   "priority": "Medium", "is_closed": True, "created_at": utc(D2, "07:05:00"),
                   "closed_at": utc(D2, "09:00:00"), "supplied_email": None, "supplied_phone": None}
    insert(con, "raw.crm_cases", [
        {**case_common, "case_id": "case-1", "case_number": "K1", "reason": "Complaint",
         "case_type": "Complaint", "origin_contact_id": "v1", **audit(D2, cases, 1)},
        {**case_common, "case_id": "case-3", "case_number": "K3", "customer_id": "C3", "reason": "Billing",
         "case_type": "Question", "origin_contact_id": "v3", **audit(D2, cases, 2)},
    ])
    insert(con, "raw.qa_evaluations", [
        evaluation("ev-1", 1, "v2", "qa-a-01", "14:00:00"),
        evaluation("ev-2", 2, "v3", "qa-a-01", "14:30:00"),
        evaluation("cal-ref", 3, "v1", "qa-client-ref", "15:00:00", session="cal-1", role="reference"),
        evaluation("cal-a1", 4, "v1", "qa-a-01", "15:10:00", session="cal-1", role="participant"),
        evaluation("cal-a2", 5, "v1", "qa-a-02", "15:20:00", session="cal-1", role="participant"),
    ])
    insert(con, "raw.qa_evaluation_answers", [
        answer("ev-1", 1, "greeting", "opening", 5, 4),
        answer("ev-1", 1, "identity_check", "opening", 10, 10, critical=True),
        answer("ev-1", 1, "solution_accuracy", "handling", 20, 15),
        answer("ev-2", 2, "greeting", "opening", 5, 5),
        answer("ev-2", 2, "identity_check", "opening", 10, 0, critical=True),
        answer("cal-ref", 3, "greeting", "opening", 5, 5),
        answer("cal-ref", 3, "solution_accuracy", "handling", 20, 20),
        answer("cal-a1", 4, "greeting", "opening", 5, 5),
        answer("cal-a1", 4, "solution_accuracy", "handling", 20, 16),
        answer("cal-a2", 5, "greeting", "opening", 5, 4),
        answer("cal-a2", 5, "solution_accuracy", "handling", 20, 20),
    ])
    forecasts = f"forecasts_{D2:%Y%m%d}.txt"
    insert(con, "raw.wfm_forecasts", [
        {"queue_name": "VOICE_BILLING", "interval_start_at": utc(D2, start),
         "interval_start_local": utc(D2, local), "time_zone": "Europe/Paris", "forecast_contacts": n,
         "forecast_aht_seconds": 200.0, "forecast_required_agents": 2.0, **audit(D2, forecasts, i)}
        for i, (start, local, n) in enumerate(
            [("07:00:00", "09:00:00", 3.0), ("07:30:00", "09:30:00", 2.0)], 1)
    ])
    schedules = f"schedules_{D2:%Y%m%d}.txt"
    insert(con, "raw.wfm_schedules", [
        {"agent_id": agent, "schedule_date": D2, "activity": activity, "start_at": utc(D2, start),
         "end_at": utc(D2, end), "time_zone": "Europe/Paris", **audit(D2, schedules, i)}
        for i, (agent, activity, start, end) in enumerate([
            ("AG-LYS-1", "OPEN", "07:00:00", "08:00:00"),
            ("AG-LYS-1", "BREAK", "08:00:00", "08:15:00"),
            ("AG-LYS-2", "SICK", "07:00:00", "09:00:00"),
        ], 1)
    ])
    intervals = f"agent_intervals_{D2:%Y%m%d}.csv"
    insert(con, "raw.acd_agent_intervals", [
        {"interval_start_at": utc(D2, "07:00:00"), "agent_username": "a.lys.0001",
         "queue_group": "VOICE_BILLING", "staffed_seconds": 1800, "available_seconds": 900,
         "talk_seconds": 600, "hold_seconds": 0, "acw_seconds": 100, "aux_seconds": 200,
         "contacts_handled": 2, **audit(D2, intervals, 1)},
        {"interval_start_at": utc(D2, "07:30:00"), "agent_username": "a.lys.0001",
         "queue_group": "VOICE_BILLING", "staffed_seconds": 1800, "available_seconds": 1200,
         "talk_seconds": 300, "hold_seconds": 20, "acw_seconds": 80, "aux_seconds": 200,
         "contacts_handled": 1, **audit(D2, intervals, 2)},
    ])
    # fmt: on


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("dbt_committees")
    warehouse = workdir / "pilotage.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        load_committee_fixture(con)
    finally:
        con.close()
    started = time.perf_counter()
    run_dbt(workdir, warehouse, "build")
    build_seconds = time.perf_counter() - started
    return {"workdir": workdir, "warehouse": warehouse, "build_seconds": build_seconds}


def kpis(warehouse, mart: str, where: str, columns: str = "actual") -> dict:
    """{kpi_id: value} (or a tuple of values) of the rows of `mart` matching `where`."""
    rows = read_rows(warehouse, f"select kpi_id, {columns} from marts.{mart} where {where}")
    keys = [row[0] for row in rows]
    assert len(keys) == len(set(keys)), f"several rows per KPI for {where}: {keys}"
    return {row[0]: (row[1] if len(row) == 2 else row[1:]) for row in rows}


def approx(value: float) -> pytest.approx:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


@pytest.mark.integration
def test_production_weekly_queue_and_site_rows(built: dict) -> None:
    where = "queue_name = 'VOICE_BILLING' and period_start = date '2026-10-05'"
    actual = kpis(built["warehouse"], "mart_production_weekly", where)
    # W41: offered 5 (v1..v5), handled 3, abandoned 2 (v4 short)
    assert actual["contacts_offered"] == 5
    assert actual["contacts_handled"] == 3
    assert actual["contacts_abandoned"] == 2
    assert actual["service_level"] == approx(2 / 4)  # v1, v3 within / (3 + 2 - 1 short + 0)
    assert actual["abandon_rate"] == approx(1 / 4)  # (2 - 1) / (5 - 1)
    assert actual["answer_rate"] == approx(3 / 5)  # taux de décroché
    assert actual["asa_seconds"] == approx((10 + 30 + 20) / 3)
    assert actual["aht_seconds"] == approx((240 + 140 + 180) / 3)  # DMT
    assert actual["talk_time_seconds"] == approx((200 + 100 + 150) / 3)  # DMC
    assert actual["hold_time_seconds"] == approx(20 / 3)
    assert actual["acw_time_seconds"] == approx((40 + 20 + 30) / 3)
    # intervals 07:00 (v1, v2; forecast 3), 07:30 (v3, v4; forecast 2), 08:00 (v5; no forecast)
    assert actual["forecast_wape"] == approx((1 + 0 + 1) / 5)

    sl = read_rows(built["warehouse"], f"""
        select numerator, denominator, definition_variant, target_id, target_value, tolerance,
            rag_status, previous_period_actual, trend_vs_previous, same_period_last_year_actual
        from marts.mart_production_weekly where {where} and kpi_id = 'service_level'""")
    # week target SL-W-ALL 0.80 +- 0.05: 0.50 is red; W40 = 2 / 3 (down); W41 2025 = 1 / 2
    assert sl == [(2.0, 4.0, "genesys_excl_short", "SL-W-ALL", 0.80, 0.05, "red",
                   approx(2 / 3), "down", 0.5)]
    # no week target for the DMT: the month target of the queue applies (300 s), 186.7 s is green
    aht = kpis(built["warehouse"], "mart_production_weekly", where + " and kpi_id = 'aht_seconds'",
               "target_id, rag_status")
    assert aht == {"aht_seconds": ("AHT-M-BILL", "green")}

    site = kpis(built["warehouse"], "mart_production_weekly",
                "site_id = 'LYS' and queue_name = 'ALL' and period_start = date '2026-10-05'")
    # AG-LYS-1: on contact 600 + 0 + 100 + 300 + 20 + 80 = 1,100 s, available 900 + 1,200
    assert site["occupancy"] == approx(1100 / (1100 + 2100))
    # on queue (staffed - aux) 1,600 s in each interval against 1,800 s scheduled OPEN
    assert site["adherence"] == approx(3200 / 3600)
    assert site["conformance"] == approx(3200 / 3600)
    assert site["contacts_per_productive_hour"] == approx(3 / 1.0)


@pytest.mark.integration
def test_quality_monthly_team_and_site_rows(built: dict) -> None:
    october = "period_start = date '2026-10-01' and site_id = 'LYS'"
    team = kpis(built["warehouse"], "mart_quality_monthly",
                f"{october} and team_id = 'T-LYS-1' and breakdown_type = 'total'")
    # ev-1 = 29 / 35 = 82.857; ev-2 failed the critical identity check: 0
    assert team["qa_evaluations"] == 2
    assert team["qa_score"] == approx((100 * 29 / 35 + 0) / 2)
    assert team["critical_error_rate"] == approx(1 / 2)
    assert team["csat"] == approx(1 / 2)  # 5 is satisfied, 3 is not
    assert team["csat_mean_score"] == approx(4.0)
    assert team["ces"] == approx(2.0)
    assert team["fcr_rate"] == approx(2 / 3)  # v1 came back (v2) within 7 days; v2, v3 did not
    assert "repeat_rate" not in team  # site-level KPI

    site = kpis(built["warehouse"], "mart_quality_monthly",
                f"{october} and team_id = 'ALL' and breakdown_type = 'total'")
    assert site["qa_score"] == team["qa_score"]
    assert site["repeat_rate"] == approx(1 / 5)  # v2 repeats v1
    assert site["complaint_rate"] == approx(1 / 2)  # K1 complaint, K3 billing
    by_section = dict(read_rows(built["warehouse"], f"""
        select breakdown_value, actual from marts.mart_quality_monthly
        where {october} and team_id = 'ALL' and kpi_id = 'qa_section_score'"""))
    assert by_section == {"opening": approx(100 * (4 + 10 + 5 + 0) / 30), "handling": approx(75.0)}
    by_criterion = dict(read_rows(built["warehouse"], f"""
        select breakdown_value, actual from marts.mart_quality_monthly
        where {october} and team_id = 'T-LYS-1' and kpi_id = 'qa_criterion_score'"""))
    assert by_criterion == {"greeting": approx(90.0), "identity_check": approx(50.0),
                            "solution_accuracy": approx(75.0)}
    email = kpis(built["warehouse"], "mart_quality_monthly",
                 "period_start = date '2026-10-01' and site_id = 'RBA' and team_id = 'ALL'")
    assert email["email_response_time_seconds"] == approx(7200.0)
    # QA target QA-M-ALL-H2 (82 +- 3 from July 2026): 41.4 is red
    status = kpis(built["warehouse"], "mart_quality_monthly",
                  f"{october} and team_id = 'T-LYS-1' and kpi_id = 'qa_score'", "target_id, rag_status")
    assert status == {"qa_score": ("QA-M-ALL-H2", "red")}


@pytest.mark.integration
def test_calibration_monthly_evaluators_and_spread(built: dict) -> None:
    october = "provider_id = 'PRV_A' and period_start = date '2026-10-01'"
    a1 = kpis(built["warehouse"], "mart_calibration_monthly", f"{october} and evaluator_id = 'qa-a-01'")
    a2 = kpis(built["warehouse"], "mart_calibration_monthly", f"{october} and evaluator_id = 'qa-a-02'")
    session = kpis(built["warehouse"], "mart_calibration_monthly", f"{october} and evaluator_id = 'ALL'")
    # reference 25 / 25 = 100; qa-a-01 21 / 25 = 84 (severe); qa-a-02 24 / 25 = 96
    assert a1["calibration_deviation_points"] == approx(16.0)
    assert a1["calibration_bias_points"] == approx(-16.0)
    assert a1["calibration_agreement_rate"] == approx(1 / 2)  # greeting agrees, solution does not
    assert a2["calibration_deviation_points"] == approx(4.0)
    assert a2["calibration_agreement_rate"] == approx(1 / 2)  # solution agrees, greeting does not
    assert session["calibration_deviation_points"] == approx((16 + 4) / 2)
    assert session["calibration_agreement_rate"] == approx(2 / 4)
    scores = [100.0, 84.0, 96.0]
    mean = sum(scores) / 3
    assert session["calibration_score_stddev"] == approx(math.sqrt(sum((s - mean) ** 2 for s in scores) / 2))
    assert session["calibration_score_range"] == approx(16.0)


@pytest.mark.integration
def test_steering_monthly_scorecard_money_and_actions(built: dict) -> None:
    provider = kpis(built["warehouse"], "mart_steering_monthly",
                    "provider_id = 'PRV_A' and site_id = 'ALL' and period_start = date '2026-10-01'",
                    "actual, previous_period_actual, same_period_last_year_actual, target_id, rag_status")
    # service level: October 2 / 4; September 2 / 3; October 2025 1 / 2; SL-M-ALL 0.80 +- 0.03
    assert provider["service_level"] == (0.5, approx(2 / 3), 0.5, "SL-M-ALL", "red")
    assert provider["contacts_handled"][0] == 3
    # AG-LYS-2 sick 7,200 s; scheduled 3,600 OPEN + 900 BREAK + 7,200 SICK
    assert provider["absenteeism"][0] == approx(7200 / 11700)
    assert provider["shrinkage"][0] == approx((900 + 7200) / 11700)
    assert provider["headcount"][0] == approx(2.0)
    assert provider["fte_scheduled"][0] == approx(11700 / 3600 / 151.67)
    # invoice: 3 calls x 5.43 (PA-2026-VOICE) + 6,000 fee; grid: SL 0.5 -> -3 %, QA 41.4 -> -1 %,
    # CSAT 0.5 -> -1 %: -5 %
    invoice = 3 * 5.43 + 6000
    assert provider["invoice_amount"][0] == approx(invoice)
    assert provider["bonus_malus_pct"][0] == approx(-0.05)
    assert provider["bonus_malus_amount"][0] == approx(-0.05 * invoice)
    assert provider["cost_per_contact"][0] == approx(invoice * 0.95 / 3)
    # September: 2 calls x 5.43 + 6,000, SL 2 / 3 -> -3 % (no QA, no CSAT)
    assert provider["cost_per_contact"][1] == approx((2 * 5.43 + 6000) * 0.97 / 2)
    # October 2025: 2025 voice price 5.30
    assert provider["cost_per_contact"][2] == approx((2 * 5.30 + 6000) * 0.97 / 2)
    # seed action_plan at 2026-10-31: AP-008 and AP-010 open and late, AP-012 open
    assert provider["action_items_open"][0] == 3
    assert provider["action_items_late"][:2] == (2, 1)
    assert provider["action_items_late"][3:] == ("ACT-M-ALL", "red")

    bravo = kpis(built["warehouse"], "mart_steering_monthly",
                 "provider_id = 'PRV_B' and site_id = 'ALL' and period_start = date '2026-10-01'")
    # 1 e-mail x 2.90 + 4,000 fee; SL 1.0 -> +1 %, abandon rate 0 -> 0 %
    assert bravo["cost_per_contact"] == approx((2.90 + 4000) * 1.01)

    grid = read_rows(built["warehouse"], """
        select kpi_id, actual, adjustment_pct from marts.mart_steering_bonus_malus_monthly
        where provider_id = 'PRV_A' and period_start = date '2026-10-01' order by kpi_id""")
    assert grid == [("csat", 0.5, -1.0), ("qa_score", approx(100 * 29 / 35 / 2), -1.0),
                    ("service_level", 0.5, -3.0)]
    lys = kpis(built["warehouse"], "mart_steering_monthly",
               "provider_id = 'PRV_A' and site_id = 'LYS' and period_start = date '2026-10-01'")
    assert lys["action_items_late"] == 1  # AP-010 (LYS)
    assert "invoice_amount" not in lys  # money is on the provider total only
    items = read_rows(built["warehouse"], """
        select action_id, status_at_month_end from marts.mart_steering_action_plan
        where provider_id = 'PRV_A' and period_start = date '2026-09-01' order by action_id""")
    assert items == [("AP-008", "late"), ("AP-010", "open")]


@pytest.mark.integration
def test_strategic_semiannual_rollup_objectives_and_forecast(built: dict) -> None:
    h2 = kpis(built["warehouse"], "mart_strategic_semiannual",
              "provider_id = 'PRV_A' and period_grain = 'half_year' and period_start = date '2026-07-01'",
              "actual, same_period_last_year_actual")
    # H2 2026 = September + October: offered 3 + 5; SL (2 + 2) / (3 + 4); H2 2025 = October 2025
    assert h2["contacts_offered"] == (8, 2)
    assert h2["service_level"] == (approx(4 / 7), 0.5)
    # forecast anchored on September 2026 (October is not complete): October = October 2025 (2)
    # x trend 1 (no month of the trend window has a year-before value), then the mean of the
    # last 3 complete months (September: 3) for November..March
    assert h2["volume_forecast_next_6_months"][0] == approx(2 + 5 * 3)
    counted = read_rows(built["warehouse"], """
        select
            count(case when rag_status = 'green' then 1 end),
            count(case when rag_status in ('amber', 'red') then 1 end)
        from marts.mart_steering_monthly
        where provider_id = 'PRV_A' and site_id = 'ALL'
            and period_start between date '2026-07-01' and date '2026-12-01'""")[0]
    assert (h2["targets_met_count"][0], h2["targets_missed_count"][0]) == counted
    assert h2["targets_met_rate"][0] == approx(counted[0] / sum(counted))
    months = read_rows(built["warehouse"], """
        select distinct months_with_data, is_complete_period from marts.mart_strategic_semiannual
        where provider_id = 'PRV_A' and period_grain = 'half_year' and period_start = date '2026-07-01'""")
    assert months == [(2, False)]


@pytest.mark.integration
def test_every_published_kpi_is_in_the_catalogue_for_its_committee(built: dict) -> None:
    catalogue = {row["kpi_id"]: row for row in csv.DictReader(
        (DBT_PROJECT_DIR / "seeds" / "kpi_catalogue.csv").open(encoding="utf-8"))}
    for committee, mart in COMMITTEE_MARTS.items():
        rows = read_rows(built["warehouse"], f"select distinct kpi_id from marts.{mart}")
        published = {kpi for (kpi,) in rows}
        assert published, f"{mart} is empty"
        unknown = published - set(catalogue)
        assert not unknown, f"{mart} publishes KPIs missing from the catalogue: {unknown}"
        foreign = {kpi for kpi in published if committee not in catalogue[kpi]["committees"].split(";")}
        assert not foreign, f"{mart} publishes KPIs of other committees: {foreign}"
        assert all(catalogue[kpi]["available"] == "true" for kpi in published)
    statuses = {s for (s,) in read_rows(built["warehouse"], """
        select distinct rag_status from marts.mart_steering_monthly""")}
    assert statuses <= {"green", "amber", "red", "grey"}


@pytest.mark.integration
def test_docs_site_shows_the_catalogue(built: dict) -> None:
    # no timing assertion: machines are shared (make bench prints the figures)
    print(f"dbt build on the committee fixture: {built['build_seconds']:.1f} s")
    run_dbt(built["workdir"], built["warehouse"], "docs", "generate")
    manifest = (built["workdir"] / "target" / "manifest.json").read_text(encoding="utf-8")
    assert "doc.pilotage.kpi_catalogue" in manifest
    assert "Taux de décroché" in manifest or "Taux de d\\u00e9croch\\u00e9" in manifest


def test_docs_block_lists_every_catalogue_kpi() -> None:
    """The docs page mirrors the seed: every kpi_id of kpi_catalogue.csv appears in it."""
    docs = (DBT_PROJECT_DIR / "models" / "kpi_catalogue.md").read_text(encoding="utf-8")
    block = re.search(r"{% docs kpi_catalogue %}(.*?){% enddocs %}", docs, re.S)
    assert block is not None
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", block.group(1), re.M))
    with (DBT_PROJECT_DIR / "seeds" / "kpi_catalogue.csv").open(encoding="utf-8") as handle:
        seeded = {row["kpi_id"] for row in csv.DictReader(handle)}
    assert documented == seeded
