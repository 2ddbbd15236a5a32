"""Integration tests of the core facts and dimensions: real `dbt build`s on a small hand-made raw layer.

Days (Europe/Paris summer time, UTC+2): D1 = Monday 2026-10-05, D2 = Friday 2026-10-09, D3 = Tuesday
2026-10-13. Queues (seed `queues`): VOICE_BILLING (PRV_A / LYS, SL 20 s, short abandon 5 s, target
0.80), CHAT_SUPPORT (PRV_A / OPO, 60 s), EMAIL_GENERAL (PRV_B / RBA, 24 h).

    contact  day  queue           enqueued UTC  queue s  outcome                 talk hold acw  customer case
    v1       D1   VOICE_BILLING   07:00:00      10       answered within 20 s    200  30   50   CUS-A    C-100
    v2       D1   VOICE_BILLING   07:05:00      30       answered late           100  0    20   CUS-B    C-200
    v3       D1   VOICE_BILLING   07:10:00      3        short abandon (3 < 5)                  CUS-C    -
    v4       D1   VOICE_BILLING   07:20:00      25       abandon after 20 s                     CUS-D    -
    e1       D2   EMAIL_GENERAL   08:00:00      7200     answered (2 h)          300  0    60   CUS-E    C-200
    c1       D2   CHAT_SUPPORT    12:00:00      45       answered within 60 s    600  0    60   CUS-A    C-300
    v5       D3   VOICE_BILLING   07:20:00      5        answered                100  0    0    CUS-D    -

Roster: AG-LYS-1 (a.lys.0001) in team T-LYS-1 on the D1 snapshot, T-LYS-2 on the D2 snapshot (a team
move); AG-LYS-2 (a.lys.0002) T-LYS-1; AG-OPO-1 (chat), AG-RBA-1 (e-mail). Schedules, the ACD agent
report, the forecast, two QA evaluations, a calibration session, three cases and three survey answers
are described where they are asserted. The first build loads D1 only and builds D1; the second loads
D2 and D3 and builds 2026-10-02..2026-10-13, as the pipeline does (its window moved back 7 days).
Every expected figure is computed by hand in the comments.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import customer_key
from pilotage.ingest.raw_schema import ensure_raw_schema
from test_dbt_build import audit, insert, read_rows, run_dbt

pytestmark = pytest.mark.integration

D1, D2, D3 = date(2026, 10, 5), date(2026, 10, 9), date(2026, 10, 13)
VOICE, CHAT, EMAIL = "VOICE_BILLING", "CHAT_SUPPORT", "EMAIL_GENERAL"
FIRST_WINDOW = "{date_from: 2026-10-05, date_to: 2026-10-05}"
SECOND_WINDOW = "{date_from: 2026-10-02, date_to: 2026-10-13}"


def at(day: date, hhmmss: str) -> datetime:
    """Naive UTC timestamp."""
    return datetime.combine(day, datetime.strptime(hhmmss, "%H:%M:%S").time())


def key(customer_id: str) -> str:
    """Staged keyed hash (customer_key, case_number) under the session's test key."""
    return customer_key(customer_id)


def contact(
    contact_id: str,
    row: int,
    day: date,
    enqueued: str,
    queue: str,
    queue_seconds: int,
    *,
    customer: str,
    case: str | None,
    agent: str | None = None,
    talk: int = 0,
    hold: int = 0,
    acw: int = 0,
    channel: str = "VOICE",
) -> dict:
    """A raw CTR row, answered when an agent is given (connected when dequeued)."""
    enqueued_at = at(day, enqueued)
    dequeued_at = enqueued_at + timedelta(seconds=queue_seconds)
    end = dequeued_at + timedelta(seconds=talk + hold)
    return {
        "contact_id": contact_id,
        "initial_contact_id": None,
        "channel": channel,
        "initiation_method": "INBOUND",
        "queue_name": queue,
        "initiated_at": enqueued_at,
        "enqueued_at": enqueued_at,
        "dequeued_at": dequeued_at,
        "connected_to_agent_at": dequeued_at if agent else None,
        "acw_started_at": end if agent else None,
        "acw_ended_at": end + timedelta(seconds=acw) if agent else None,
        "disconnected_at": end,
        "last_updated_at": end + timedelta(seconds=acw + 60),
        "disconnect_reason": "CUSTOMER_DISCONNECT",
        "agent_username": agent,
        "queue_seconds": queue_seconds,
        "talk_seconds": talk if agent else None,
        "hold_seconds": hold if agent else None,
        "hold_count": (1 if hold else 0) if agent else None,
        "acw_seconds": acw if agent else None,
        "customer_endpoint_type": "TELEPHONE_NUMBER",
        "customer_address": "+33600000000",
        "customer_id": customer,
        "case_number": case,
        **audit(day, f"contacts_{day:%Y%m%d}.jsonl", row),
    }


def roster(day: date, team_of_lys_1: str) -> list[dict]:
    rows = [
        ("AG-LYS-1", "a.lys.0001", "PRV_A", "LYS", team_of_lys_1, VOICE),
        ("AG-LYS-2", "a.lys.0002", "PRV_A", "LYS", "T-LYS-1", VOICE),
        ("AG-OPO-1", "a.opo.0001", "PRV_A", "OPO", "T-OPO-1", f"{CHAT};VOICE_TECH"),
        ("AG-RBA-1", "a.rba.0001", "PRV_B", "RBA", "T-RBA-1", EMAIL),
    ]
    return [
        {
            "agent_id": a,
            "acd_username": u,
            "first_name": "F",
            "last_name": "L",
            "provider_id": p,
            "site_id": s,
            "team_id": t,
            "hire_date": date(2024, 1, 1),
            "leave_date": None,
            "skills": k,
            **audit(day, f"roster_{day:%Y%m%d}.csv", i),
        }
        for i, (a, u, p, s, t, k) in enumerate(rows, start=1)
    ]


def schedule(day: date, rows: list[tuple[str, str, str, str]]) -> list[dict]:
    return [
        {
            "agent_id": a,
            "schedule_date": day,
            "activity": act,
            "start_at": at(day, s),
            "end_at": at(day, e),
            "time_zone": "Europe/Paris",
            **audit(day, f"schedules_{day:%Y%m%d}.txt", i),
        }
        for i, (a, act, s, e) in enumerate(rows, start=1)
    ]


def agent_intervals(day: date, rows: list[tuple]) -> list[dict]:
    names = (
        "staffed_seconds",
        "available_seconds",
        "talk_seconds",
        "hold_seconds",
        "acw_seconds",
        "aux_seconds",
        "contacts_handled",
    )
    return [
        {
            "interval_start_at": at(day, start),
            "agent_username": user,
            "queue_group": queue,
            **dict(zip(names, values, strict=True)),
            **audit(day, f"agent_intervals_{day:%Y%m%d}.csv", i),
        }
        for i, (start, user, queue, *values) in enumerate(rows, start=1)
    ]


def evaluation(
    evaluation_id: str,
    row: int,
    *,
    contact_id: str,
    agent: str,
    evaluator: str,
    score: float,
    session: str | None = None,
    role: str | None = None,
    minute: int = 0,
) -> dict:
    return {
        "evaluation_id": evaluation_id,
        "contact_id": contact_id,
        "agent_username": agent,
        "evaluator_id": evaluator,
        "form_title": "Voice quality grid",
        "form_version": 3,
        "submitted_at": at(D1, f"15:{minute:02d}:00"),
        "score_percentage": score,
        "calibration_session_id": session,
        "calibration_role": role,
        **audit(D1, f"evaluations_{D1:%Y%m%d}.jsonl", row),
    }


def answers(evaluation_id: str, row: int, items: list[tuple]) -> list[dict]:
    """items: (question, section, critical, max points, points or None for N/A)."""
    return [
        {
            "evaluation_id": evaluation_id,
            "question_ref_id": q,
            "section_ref_id": s,
            "is_critical": crit,
            "max_points": float(mx),
            "answer_value": pts,
            "is_not_applicable": pts is None,
            "points": None if pts is None else float(pts),
            **audit(D1, f"evaluations_{D1:%Y%m%d}.jsonl", row),
        }
        for q, s, crit, mx, pts in items
    ]


def case(
    case_id: str,
    number: str,
    row: int,
    day: date,
    created: str,
    customer: str,
    origin: str,
    origin_contact: str,
    closed: str | None = None,
) -> dict:
    return {
        "case_id": case_id,
        "case_number": number,
        "customer_id": customer,
        "account_id": "ACC1",
        "origin": origin,
        "reason": "Billing",
        "case_type": "Question",
        "status": "Closed" if closed else "Open",
        "priority": "Medium",
        "is_closed": closed is not None,
        "created_at": at(day, created),
        "closed_at": at(day, closed) if closed else None,
        "origin_contact_id": origin_contact,
        "supplied_email": None,
        "supplied_phone": None,
        **audit(day, f"cases_{day:%Y%m%d}.csv", row),
    }


def load_first_day(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_schema(con)
    lys1, lys2 = "a.lys.0001", "a.lys.0002"
    # fmt: off
    insert(con, "raw.acd_contacts", [
        contact("v1", 1, D1, "07:00:00", VOICE, 10, customer="CUS-A", case="C-100", agent=lys1,
                talk=200, hold=30, acw=50),
        contact("v2", 2, D1, "07:05:00", VOICE, 30, customer="CUS-B", case="C-200", agent=lys2,
                talk=100, hold=0, acw=20),
        contact("v3", 3, D1, "07:10:00", VOICE, 3, customer="CUS-C", case=None),
        contact("v4", 4, D1, "07:20:00", VOICE, 25, customer="CUS-D", case=None),
    ])
    insert(con, "raw.wfm_roster", roster(D1, "T-LYS-1"))
    # AG-LYS-1 on queue 07:00-08:00 UTC; AG-LYS-2 on queue 07:00-07:30 and 07:45-08:00, break between
    insert(con, "raw.wfm_schedules", schedule(D1, [
        ("AG-LYS-1", "OPEN", "07:00:00", "08:00:00"),
        ("AG-LYS-2", "OPEN", "07:00:00", "07:30:00"),
        ("AG-LYS-2", "BREAK", "07:30:00", "07:45:00"),
        ("AG-LYS-2", "OPEN", "07:45:00", "08:00:00"),
    ]))
    # (start, login, queue group, staffed, available, talk, hold, acw, aux, handled);
    # staffed = available + talk + hold + acw + aux
    insert(con, "raw.acd_agent_intervals", agent_intervals(D1, [
        ("07:00:00", lys1, VOICE, 1800, 1220, 200, 30, 50, 300, 1),   # on queue 1800 - 300 = 1500
        ("07:30:00", lys1, VOICE, 1800, 1800, 0, 0, 0, 0, 0),         # on queue 1800
        ("07:00:00", lys2, VOICE, 1500, 1380, 100, 0, 20, 0, 1),      # 5 minutes late: on queue 1500
        ("07:30:00", lys2, VOICE, 1800, 600, 0, 0, 0, 1200, 0),       # break overran: on queue 600
    ]))
    insert(con, "raw.wfm_forecasts", [
        {"queue_name": VOICE, "interval_start_at": at(D1, s),
         "interval_start_local": at(D1, s) + timedelta(hours=2),
         "time_zone": "Europe/Paris", "forecast_contacts": f, "forecast_aht_seconds": 180.0,
         "forecast_required_agents": r, **audit(D1, f"forecasts_{D1:%Y%m%d}.txt", i)}
        for i, (s, f, r) in enumerate([("07:00:00", 5.0, 2.0), ("07:30:00", 1.0, 1.0)], start=1)
    ])
    insert(con, "raw.qa_evaluations", [
        evaluation("ev-1", 1, contact_id="v1", agent=lys1, evaluator="qa-1", score=75.0),
        evaluation("ev-2", 2, contact_id="v2", agent=lys2, evaluator="qa-1", score=0.0, minute=5),
        evaluation("cal-ref", 3, contact_id="v2", agent=lys2, evaluator="qa-ref", score=76.0,
                   session="cal-1", role="reference", minute=10),
        evaluation("cal-len", 4, contact_id="v2", agent=lys2, evaluator="qa-len", score=92.0,
                   session="cal-1", role="participant", minute=20),
        evaluation("cal-sev", 5, contact_id="v2", agent=lys2, evaluator="qa-sev", score=72.0,
                   session="cal-1", role="participant", minute=30),
    ])
    insert(con, "raw.qa_evaluation_answers", [
        *answers("ev-1", 1, [("greeting", "opening", False, 5, 4), ("solution", "handling", False, 20, 14),
                             ("tone", "handling", False, 10, None), ("identity", "opening", True, 10, 10),
                             ("recap", "closing", False, 5, 2)]),
        *answers("ev-2", 2, [("greeting", "opening", False, 5, 5), ("identity", "opening", True, 10, 0)]),
        *answers("cal-ref", 3, [("greeting", "opening", False, 5, 4),
                                ("solution", "handling", False, 20, 15)]),
        *answers("cal-len", 4, [("greeting", "opening", False, 5, 5),
                                ("solution", "handling", False, 20, 18)]),
        *answers("cal-sev", 5, [("greeting", "opening", False, 5, 3),
                                ("solution", "handling", False, 20, 15)]),
    ])
    insert(con, "raw.crm_cases", [
        case("500A", "C-100", 1, D1, "07:01:00", "CUS-A", "Phone", "v1", closed="07:30:00"),
        case("500B", "C-200", 2, D1, "07:06:00", "CUS-B", "Phone", "v2"),
    ])
    insert(con, "raw.crm_surveys", [
        {"survey_id": s, "contact_id": c, "case_number": n, "question": q, "score": score, "scale_max": mx,
         "answered_at": at(D1, "09:00:00"), **audit(D1, f"surveys_{D1:%Y%m%d}.csv", i)}
        for i, (s, c, n, q, score, mx) in enumerate([
            ("s-1", "v1", "C-100", "CSAT", 5, 5), ("s-2", "v1", "C-100", "CES", 2, 7),
            ("s-3", "v2", "C-200", "CSAT", 3, 5)], start=1)
    ])
    # fmt: on


def load_later_days(con: duckdb.DuckDBPyConnection) -> None:
    # fmt: off
    insert(con, "raw.acd_contacts", [
        contact("e1", 1, D2, "08:00:00", EMAIL, 7200, customer="CUS-E", case="C-200", agent="a.rba.0001",
                talk=300, acw=60, channel="EMAIL"),
        contact("c1", 2, D2, "12:00:00", CHAT, 45, customer="CUS-A", case="C-300", agent="a.opo.0001",
                talk=600, acw=60, channel="CHAT"),
        contact("v5", 1, D3, "07:20:00", VOICE, 5, customer="CUS-D", case=None, agent="a.lys.0002", talk=100),
    ])
    insert(con, "raw.wfm_roster", roster(D2, "T-LYS-2"))   # AG-LYS-1 moves to T-LYS-2
    insert(con, "raw.wfm_schedules", schedule(D2, [("AG-LYS-1", "OPEN", "07:00:00", "07:30:00")]))
    insert(con, "raw.acd_agent_intervals", agent_intervals(D2, [
        ("07:00:00", "a.lys.0001", VOICE, 1800, 1800, 0, 0, 0, 0, 0),
    ]))
    insert(con, "raw.crm_cases", [case("500C", "C-300", 1, D2, "12:01:00", "CUS-A", "Chat", "c1")])
    # fmt: on


# the facts, dimensions and reconciliation view with everything upstream (committee marts are
# covered by their own tests)
SELECTION = "+path:models/marts/core +path:models/marts/dimensions +int_queue_days_kpi_variants_compared"


def build(workdir: Path, warehouse: Path, window: str) -> None:
    # cautious: only the tests whose every parent is selected
    args = ("--select", SELECTION, "--indirect-selection", "cautious", "--vars", window)
    result = run_dbt(workdir, warehouse, "build", *args)
    assert "WARN=0" in result.stdout and "ERROR=0" in result.stdout, result.stdout[-3000:]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("dbt_facts")
    path = workdir / "pilotage.duckdb"
    con = duckdb.connect(str(path))
    try:
        load_first_day(con)
    finally:
        con.close()
    build(workdir, path, FIRST_WINDOW)
    first = read_rows(path, "select contact_id, has_repeat_within_window from marts.fct_contacts order by 1")
    con = duckdb.connect(str(path))
    try:
        load_later_days(con)
    finally:
        con.close()
    build(workdir, path, SECOND_WINDOW)
    return {"path": path, "first_build_repeats": first}


def rows_as_dicts(path: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def test_repeat_flags_across_channels_and_rebuilt_days(warehouse: dict) -> None:
    # after the first build D1 had no later contact: nobody had a repeat yet
    assert warehouse["first_build_repeats"] == [("v1", False), ("v2", False), ("v3", False), ("v4", False)]
    rows = read_rows(
        warehouse["path"],
        """
        select contact_id, is_repeat_eligible, is_repeat_contact, has_repeat_within_window,
               first_response_seconds, is_flow_out, is_callback
        from marts.fct_contacts order by contact_id""",
    )
    # fmt: off
    assert rows == [
        ("c1", True, True, False, None, False, False),   # CUS-A again 4 days after v1 (chat after voice)
        # e1: another customer on v2's case C-200, 4 days later; e-mail first response = 7200 s in queue
        ("e1", True, True, False, 7200, False, False),
        ("v1", True, False, True, None, False, False),   # rebuilt by the second run (D1 inside its window)
        ("v2", True, False, True, None, False, False),   # followed by e1 on its case
        ("v3", True, False, False, None, False, False),  # CUS-C never comes back
        ("v4", True, False, False, None, False, False),  # CUS-D comes back 8 days later: outside 7 days
        ("v5", True, False, False, None, False, False),
    ]
    # fmt: on


def test_queue_interval_components_staffing_and_erlang(warehouse: dict) -> None:
    rows = rows_as_dicts(
        warehouse["path"],
        """
        select * from marts.fct_queue_intervals
        where queue_name = 'VOICE_BILLING' and business_date = '2026-10-05' order by interval_start_at""",
    )
    assert [str(r["interval_start_local"]) for r in rows] == ["2026-10-05 09:00:00", "2026-10-05 09:30:00"]
    busy, quiet = rows
    # 07:00 UTC: v1..v4 offered; answered v1, v2; abandoned v3 (short), v4; within 20 s: v1 and v3
    assert {
        k: busy[k]
        for k in (
            "offered",
            "answered",
            "abandoned",
            "short_abandoned",
            "answered_within_threshold",
            "abandoned_within_threshold",
            "callbacks",
            "flow_outs",
        )
    } == {
        "offered": 4,
        "answered": 2,
        "abandoned": 2,
        "short_abandoned": 1,
        "answered_within_threshold": 1,
        "abandoned_within_threshold": 1,
        "callbacks": 0,
        "flow_outs": 0,
    }
    # talk 200 + 100, hold 30, acw 50 + 20, handle 280 + 120 = 400; queue time answered 10 + 30
    assert (
        busy["talk_seconds"],
        busy["hold_seconds"],
        busy["acw_seconds"],
        busy["handle_seconds"],
        busy["answered_queue_seconds"],
    ) == (300, 30, 70, 400, 40)
    # schedule: AG-LYS-1 1800 s + AG-LYS-2 1800 s OPEN -> 2 agents; staffed 1800 + 1500 -> 1.8333
    assert busy["scheduled_agents"] == 2.0 and busy["site_scheduled_agents"] == 2.0
    assert busy["logged_in_agents"] == pytest.approx(3300 / 1800)
    assert (busy["forecast_contacts"], busy["forecast_aht_seconds"], busy["forecast_required_agents"]) == (
        5.0,
        180.0,
        2.0,
    )
    # Erlang C on actual volume and AHT: AHT = 400 / 2 = 200 s (hold and ACW included),
    # A = 4 x 200 / 1800 = 0.4444; B(1) = A / (1 + A) = 0.3077; B(2) = A.B(1) / (2 + A.B(1)) = 0.064;
    # C(2) = 2 x 0.064 / (2 - A x 0.936) = 0.0808; SL(2) = 1 - C(2).exp(-(2 - A) x 20 / 200) = 0.9308
    # and SL(1) = 1 - A.exp(-(1 - A) x 0.1) = 0.5796 < 0.80 -> 2 agents required
    a = 4 * 200 / 1800
    b1 = a / (1 + a)
    b2 = a * b1 / (2 + a * b1)
    c2 = 2 * b2 / (2 - a * (1 - b2))
    sl2 = 1 - c2 * math.exp(-(2 - a) * 20 / 200)
    assert busy["erlang_aht_seconds"] == 200.0
    assert busy["traffic_erlangs"] == pytest.approx(a, abs=1e-6)
    assert busy["erlang_wait_probability_at_scheduled"] == pytest.approx(c2, abs=1e-6)
    assert busy["erlang_service_level_at_scheduled"] == pytest.approx(sl2, abs=1e-6)
    assert busy["erlang_required_agents"] == 2
    # 07:30 UTC: no contact, forecast 1; scheduled AG-LYS-1 1800 + AG-LYS-2 900 = 1.5 agents;
    # no traffic -> SL 1, 0 agents needed; AHT falls back on the forecast's 180 s
    assert (
        quiet["offered"],
        quiet["scheduled_agents"],
        quiet["erlang_required_agents"],
        quiet["erlang_service_level_at_scheduled"],
        quiet["erlang_aht_seconds"],
    ) == (0, 1.5, 0, 1.0, 180.0)


def test_service_level_variants_and_forecast_accuracy(warehouse: dict) -> None:
    variants = rows_as_dicts(
        warehouse["path"],
        """
        select * from intermediate.int_queue_days_kpi_variants_compared
        where queue_name = 'VOICE_BILLING' and business_date = '2026-10-05'""",
    )[0]
    # offered 4, answered 2, abandoned 2, short 1, answered <= 20 s 1, abandoned <= 20 s 1 (the short one)
    assert variants == pytest.approx(
        {
            **variants,
            "service_level_connect": (1 + 1 + 0) / 4,
            "service_level_genesys_all": 1 / (2 + 2 + 0),
            "service_level_genesys_excl_short": 1 / (2 + 2 - 1 + 0),
            "service_level_cisco_ignore_abandons": 1 / ((4 - 1) - (1 - 1)),
            "service_level_cisco_abandons_against": 1 / (4 - 1),
            "service_level_cisco_abandons_for": (1 + 1 - 1) / (4 - 1),
            "abandon_rate_over_offered": (2 - 1) / (4 - 1),
            "abandon_rate_over_queued": 2 / 4,
            "service_level_default": 1 / 3,
        }
    )
    accuracy = rows_as_dicts(
        warehouse["path"],
        """
        select actual_contacts, forecast_contacts, abs_error, interval_abs_error, intervals_with_actual,
               mape, wape, actual_aht_seconds, forecast_aht_seconds
        from marts.fct_forecast_accuracy_daily
        where queue_name = 'VOICE_BILLING' and business_date = '2026-10-05'""",
    )
    # intervals 07:00 (actual 4, forecast 5) and 07:30 (actual 0, forecast 1): day 4 vs 6;
    # interval errors 1 + 1 = 2; MAPE over intervals with contacts 1/4; WAPE 2 / 4
    assert accuracy == [
        pytest.approx(
            {
                "actual_contacts": 4,
                "forecast_contacts": 6.0,
                "abs_error": 2.0,
                "interval_abs_error": 2.0,
                "intervals_with_actual": 1,
                "mape": 0.25,
                "wape": 0.5,
                "actual_aht_seconds": 200.0,
                "forecast_aht_seconds": 180.0,
            }
        )
    ]
    monthly = read_rows(
        warehouse["path"],
        """
        select month, actual_contacts, forecast_contacts from marts.fct_forecast_accuracy_monthly
        where queue_name = 'VOICE_BILLING'""",
    )
    # October: D1 4 contacts (forecast 6) + D3 1 contact (no forecast)
    assert monthly == [(date(2026, 10, 1), 5, 6.0)]


def test_agent_days_adherence_and_team_history(warehouse: dict) -> None:
    rows = rows_as_dicts(
        warehouse["path"],
        """
        select agent_id, business_date, team_id, scheduled_seconds, scheduled_open_seconds,
               scheduled_shrinkage_seconds, staffed_seconds, aux_seconds, on_queue_seconds, handle_seconds,
               available_seconds, adherent_seconds
        from marts.fct_agent_days order by agent_id, business_date""",
    )
    # fmt: off
    assert rows == [
        # OPEN 3600 s; on queue 1500 (07:00, aux 300) + 1800 (07:30) = 3300;
        # adherent min(1800, 1500) + min(1800, 1800) = 3300; team of the D1 snapshot
        {"agent_id": "AG-LYS-1", "business_date": D1, "team_id": "T-LYS-1", "scheduled_seconds": 3600,
         "scheduled_open_seconds": 3600, "scheduled_shrinkage_seconds": 0, "staffed_seconds": 3600,
         "aux_seconds": 300, "on_queue_seconds": 3300, "handle_seconds": 280, "available_seconds": 3020,
         "adherent_seconds": 3300},
        # after the team move: T-LYS-2 from the D2 snapshot on; D1 keeps T-LYS-1
        {"agent_id": "AG-LYS-1", "business_date": D2, "team_id": "T-LYS-2", "scheduled_seconds": 1800,
         "scheduled_open_seconds": 1800, "scheduled_shrinkage_seconds": 0, "staffed_seconds": 1800,
         "aux_seconds": 0, "on_queue_seconds": 1800, "handle_seconds": 0, "available_seconds": 1800,
         "adherent_seconds": 1800},
        # OPEN 1800 (07:00) + 900 (07:45-08:00), BREAK 900; on queue 1500 + 600;
        # adherent min(1800, 1500) + min(900, 600) = 2100 of 2700 -> adherence 77.8 %
        {"agent_id": "AG-LYS-2", "business_date": D1, "team_id": "T-LYS-1", "scheduled_seconds": 3600,
         "scheduled_open_seconds": 2700, "scheduled_shrinkage_seconds": 900, "staffed_seconds": 3300,
         "aux_seconds": 1200, "on_queue_seconds": 2100, "handle_seconds": 120, "available_seconds": 1980,
         "adherent_seconds": 2100},
    ]
    versions = read_rows(warehouse["path"], """
        select agent_id, team_id, valid_from, valid_to, is_current from marts.dim_agent
        where agent_id = 'AG-LYS-1' order by valid_from""")
    assert versions == [
        ("AG-LYS-1", "T-LYS-1", D1, D2, False),
        ("AG-LYS-1", "T-LYS-2", D2, None, True),
    ]
    # fmt: on


def test_evaluations_criteria_and_calibration(warehouse: dict) -> None:
    evaluations = read_rows(
        warehouse["path"],
        """
        select evaluation_id, team_id, points_earned, points_applicable, not_applicable_count,
               has_critical_error, score_percentage
        from marts.fct_evaluations order by evaluation_id""",
    )
    # fmt: off
    assert evaluations == [
        ("cal-len", "T-LYS-1", 23.0, 25.0, 0, False, 92.0),   # 5 + 18 of 25
        ("cal-ref", "T-LYS-1", 19.0, 25.0, 0, False, 76.0),   # 4 + 15 of 25
        ("cal-sev", "T-LYS-1", 18.0, 25.0, 0, False, 72.0),   # 3 + 15 of 25
        # 4 + 14 + 10 + 2 = 30 of 5 + 20 + 10 + 5 = 40 (tone N/A out of both) -> 75 %
        ("ev-1", "T-LYS-1", 30.0, 40.0, 1, False, 75.0),
        # identity (critical) 0 of 10: the evaluation scores 0 whatever the other 5 points
        ("ev-2", "T-LYS-1", 5.0, 15.0, 0, True, 0.0),
    ]
    calibrations = read_rows(warehouse["path"], """
        select evaluator_id, question_ref_id, reference_points, evaluator_points, deviation_points,
               deviation_pct_of_max, is_agreement
        from marts.fct_calibrations order by evaluator_id, question_ref_id""")
    assert calibrations == [
        ("qa-len", "greeting", 4.0, 5.0, 1.0, 20.0, False),    # +1 of 5
        ("qa-len", "solution", 15.0, 18.0, 3.0, 15.0, False),  # +3 of 20
        ("qa-sev", "greeting", 4.0, 3.0, -1.0, -20.0, False),
        ("qa-sev", "solution", 15.0, 15.0, 0.0, 0.0, True),
    ]
    evaluators = rows_as_dicts(warehouse["path"], """
        select evaluator_id, mean_score_deviation, agreement_rate, session_score_stddev, session_score_range
        from marts.fct_calibration_evaluators order by evaluator_id""")
    # scores 76 (reference), 92, 72: deviations +16 and -4; spread stddev(76, 92, 72), range 92 - 72
    spread = statistics.stdev([76.0, 92.0, 72.0])  # sqrt((16 + 144 + 64) / 2) = 10.583
    assert evaluators == [
        pytest.approx({"evaluator_id": "qa-len", "mean_score_deviation": 16.0, "agreement_rate": 0.0,
                       "session_score_stddev": spread, "session_score_range": 20.0}),
        pytest.approx({"evaluator_id": "qa-sev", "mean_score_deviation": -4.0, "agreement_rate": 0.5,
                       "session_score_stddev": spread, "session_score_range": 20.0}),
    ]
    # fmt: on


def test_cases(warehouse: dict) -> None:
    rows = read_rows(
        warehouse["path"],
        """
        select case_number, customer_key, provider_id, queue_name, contacts_count, has_repeat_contact,
               is_first_contact_resolved, csat_responses, csat_satisfied, csat_score, ces_score
        from marts.fct_cases""",
    )
    # case numbers past raw are keyed hashes too: compare sorted on the hashes
    # fmt: off
    assert sorted(rows) == sorted([
        # only v1 on the case; CSAT 5 (satisfied, top 2 of 5) and CES 2
        (key("C-100"), key("CUS-A"), "PRV_A", VOICE, 1, False, True, 1, 1, 5.0, 2.0),
        # v2 then e1 four days later on the same case: a repeat, not resolved at first contact; CSAT 3
        (key("C-200"), key("CUS-B"), "PRV_A", VOICE, 2, True, False, 1, 0, 3.0, None),
        (key("C-300"), key("CUS-A"), "PRV_A", CHAT, 1, False, True, 0, 0, None, None),
    ])
    # fmt: on


def test_dimensions(warehouse: dict) -> None:
    path = warehouse["path"]
    assert read_rows(path, "select count(*), min(date_day), max(date_day) from marts.dim_date") == [
        (365, date(2026, 1, 1), date(2026, 12, 31))
    ]
    # Monday 5 October 2026: ISO week 41, Q4, H2, open; Sunday 11 October closed
    assert read_rows(
        path,
        """
        select iso_year_week, week_start_date, year_quarter, year_half, is_open_day from marts.dim_date
        where date_day in ('2026-10-05', '2026-10-11') order by date_day""",
    ) == [("2026-W41", D1, "2026-Q4", "2026-H2", True), ("2026-W41", D1, "2026-Q4", "2026-H2", False)]
    assert read_rows(
        path, "select count(*), min(interval_label), max(interval_label) from marts.dim_interval"
    ) == [(48, "00:00-00:30", "23:30-00:00")]
    assert read_rows(path, "select queue_name, provider_name, site_name from marts.dim_queue order by 1") == [
        ("CHAT_SUPPORT", "Acme Contact", "Porto"),
        ("EMAIL_GENERAL", "Bravo Relation", "Rabat"),
        ("VOICE_BILLING", "Acme Contact", "Lyon"),
        ("VOICE_SALES", "Bravo Relation", "Rabat"),
        ("VOICE_TECH", "Acme Contact", "Porto"),
    ]
