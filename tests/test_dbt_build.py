"""Integration tests of the dbt project: a real `dbt build` on a small hand-made raw layer.

The fixture warehouse holds one business day (2026-10-05, Paris summer time, UTC+2) on two queues:

    queue          provider site  SL threshold  short-abandon timer
    VOICE_BILLING  PRV_A    LYS   20 s          5 s
    CHAT_SUPPORT   PRV_A    OPO   60 s          10 s

    contact  queue          enqueued UTC (local)  queue s  outcome                     talk hold acw
    c-v1     VOICE_BILLING  07:00:00 (09:00:00)   20       answered exactly at 20 s    200  30   50
             (delivered twice: the first CTR line has an older LastUpdateTimestamp and other durations)
    c-v2     VOICE_BILLING  07:40:00 (09:40:00)   25       answered late               100  0    20
    c-v3     VOICE_BILLING  07:59:59 (09:59:59)   3        short abandon (3 < 5)
    c-v4     VOICE_BILLING  08:10:00 (10:10:00)   45       abandon after threshold
    c-c1     CHAT_SUPPORT   12:00:00 (14:00:00)   45       answered within 60 s        600  0    60
    c-c2     CHAT_SUPPORT   12:31:00 (14:31:00)   8        short abandon (8 < 10)
    c-o1     (no queue)     initiated 09:00 UTC   -        outbound, never queued       60 (ignored)

plus a roster snapshot (2 agents), a CSAT and a CES survey on c-v1, a regular and a calibration
QA evaluation on c-v2. All expected numbers below are computed by hand from this table.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import customer_key
from pilotage.ingest.contracts import ENTITIES
from pilotage.ingest.raw_schema import ensure_raw_schema

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
BUSINESS_DATE = date(2026, 10, 5)
WINDOW_VARS = "{date_from: 2026-10-05, date_to: 2026-10-05}"
PII_COLUMNS = {
    "customer_address",
    "customer_id",
    "supplied_email",
    "supplied_phone",
    "first_name",
    "last_name",
}


def _dbt_executable() -> str:
    candidate = REPO_ROOT / ".venv" / "bin" / "dbt"
    if candidate.exists():
        return str(candidate)
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("dbt")
    if found is None:
        pytest.skip("dbt executable not found")
    return found


def run_dbt(workdir: Path, warehouse: Path, *args: str, check: bool = True,
            window_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real dbt CLI on the project against `warehouse`; fail the test with its output
    unless dbt exits 0 (``check=False``: the caller judges the result). ``window_env``: the
    window in env vars, as the production build passes it (transform.window_env)."""
    env = {
        **os.environ,
        **(window_env or {}),
        "PILOTAGE_WAREHOUSE": str(warehouse),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    command = [
        _dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert not check or result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def utc(day: date, hhmmss: str) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmmss, "%H:%M:%S").time())


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    for row in rows:
        columns = ", ".join(row)
        placeholders = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({columns}) values ({placeholders})", list(row.values()))


def audit(business_date: date, source_file: str, row_number: int) -> dict:
    return {
        "_business_date": business_date,
        "_source_file": source_file,
        "_file_sha256": hashlib.sha256(source_file.encode()).hexdigest(),
        "_row_number": row_number,
    }


def ctr(
    contact_id: str,
    row_number: int,
    *,
    queue: str | None,
    enqueued: str | None,
    queue_seconds: int | None,
    agent: str | None = None,
    talk: int | None = None,
    hold: int | None = None,
    acw: int | None = None,
    last_updated: str = "23:00:00",
    channel: str = "VOICE",
    initiated: str | None = None,
    method: str = "INBOUND",
    day: date = BUSINESS_DATE,
) -> dict:
    """One raw CTR line; answered when an agent is given (connected when dequeued)."""
    initiated_at = utc(day, initiated or enqueued)
    enqueued_at = utc(day, enqueued) if enqueued else None
    dequeued_at = (
        enqueued_at + timedelta(seconds=queue_seconds)
        if enqueued_at is not None and queue_seconds is not None
        else None
    )
    connected_at = (dequeued_at or initiated_at) if agent else None
    return {
        "contact_id": contact_id,
        "initial_contact_id": None,
        "channel": channel,
        "initiation_method": method,
        "queue_name": queue,
        "initiated_at": initiated_at,
        "enqueued_at": enqueued_at,
        "dequeued_at": dequeued_at,
        "connected_to_agent_at": connected_at,
        "disconnected_at": utc(day, "22:00:00"),
        "last_updated_at": utc(day, last_updated),
        "disconnect_reason": "CUSTOMER_DISCONNECT",
        "agent_username": agent,
        "queue_seconds": queue_seconds,
        "talk_seconds": talk,
        "hold_seconds": hold,
        "hold_count": 1 if hold else 0 if agent else None,
        "acw_seconds": acw,
        "customer_endpoint_type": "TELEPHONE_NUMBER",
        "customer_address": "+33600000000",
        "customer_id": "CUS1",
        "case_number": "00010001",
        **audit(day, f"contacts_{day:%Y%m%d}.jsonl", row_number),
    }


def load_fixture(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_schema(con)
    day = BUSINESS_DATE
    voice, chat = "VOICE_BILLING", "CHAT_SUPPORT"
    lys, opo = "a.lys.0001", "a.opo.0001"
    # fmt: off
    insert(con, "raw.acd_contacts", [
        # first delivery of c-v1: older LastUpdateTimestamp, loses to line 7
        ctr("c-v1", 1, queue=voice, enqueued="07:00:00", queue_seconds=20, agent=lys,
            talk=180, hold=0, acw=40, last_updated="07:10:00"),
        ctr("c-v2", 2, queue=voice, enqueued="07:40:00", queue_seconds=25, agent=lys,
            talk=100, hold=0, acw=20),
        ctr("c-v3", 3, queue=voice, enqueued="07:59:59", queue_seconds=3),
        ctr("c-v4", 4, queue=voice, enqueued="08:10:00", queue_seconds=45),
        ctr("c-c1", 5, queue=chat, enqueued="12:00:00", queue_seconds=45, agent=opo,
            talk=600, hold=0, acw=60, channel="CHAT"),
        ctr("c-c2", 6, queue=chat, enqueued="12:31:00", queue_seconds=8, channel="CHAT"),
        # re-delivery of c-v1 with the latest LastUpdateTimestamp: this version wins
        ctr("c-v1", 7, queue=voice, enqueued="07:00:00", queue_seconds=20, agent=lys,
            talk=200, hold=30, acw=50, last_updated="07:20:00"),
        # outbound call, never queued: in fct_contacts, not offered, not in the mart
        ctr("c-o1", 8, queue=None, enqueued=None, queue_seconds=None, initiated="09:00:00",
            agent=lys, talk=60, hold=0, acw=0, method="OUTBOUND"),
    ])
    roster = f"roster_{day:%Y%m%d}.csv"
    insert(con, "raw.wfm_roster", [
        {"agent_id": "AG-LYS-1", "acd_username": lys, "first_name": "Alice", "last_name": "Martin",
         "provider_id": "PRV_A", "site_id": "LYS", "team_id": "T-LYS-1", "hire_date": date(2024, 1, 15),
         "leave_date": None, "skills": voice, **audit(day, roster, 1)},
        {"agent_id": "AG-OPO-1", "acd_username": opo, "first_name": "Bruno", "last_name": "Costa",
         "provider_id": "PRV_A", "site_id": "OPO", "team_id": "T-OPO-1", "hire_date": date(2025, 3, 1),
         "leave_date": None, "skills": f"{chat};VOICE_TECH", **audit(day, roster, 2)},
    ])
    surveys = f"surveys_{day:%Y%m%d}.csv"
    insert(con, "raw.crm_surveys", [
        {"survey_id": "s-1", "contact_id": "c-v1", "case_number": "00010001", "question": "CSAT",
         "score": 4, "scale_max": 5, "answered_at": utc(day, "08:00:00"), **audit(day, surveys, 1)},
        {"survey_id": "s-2", "contact_id": "c-v1", "case_number": "00010001", "question": "CES",
         "score": 2, "scale_max": 7, "answered_at": utc(day, "08:00:00"), **audit(day, surveys, 2)},
    ])
    evaluations = f"evaluations_{day:%Y%m%d}.jsonl"
    evaluated = {"contact_id": "c-v2", "agent_username": lys, "form_title": "Voice quality grid",
                 "form_version": 3}
    insert(con, "raw.qa_evaluations", [
        {"evaluation_id": "ev-1", "evaluator_id": "qa-1", "submitted_at": utc(day, "15:00:00"),
         "score_percentage": 85.5, "calibration_session_id": None, "calibration_role": None,
         **evaluated, **audit(day, evaluations, 1)},
        {"evaluation_id": "ev-2", "evaluator_id": "qa-2", "submitted_at": utc(day, "16:00:00"),
         "score_percentage": 60.0, "calibration_session_id": "cal-1", "calibration_role": "participant",
         **evaluated, **audit(day, evaluations, 2)},
    ])
    insert(con, "raw.qa_evaluation_answers", [
        {"evaluation_id": "ev-1", "question_ref_id": "greeting", "section_ref_id": "opening",
         "is_critical": False, "max_points": 5.0, "answer_value": 4.0, "is_not_applicable": False,
         "points": 4.0, **audit(day, evaluations, 1)},
        {"evaluation_id": "ev-1", "question_ref_id": "gdpr", "section_ref_id": "compliance",
         "is_critical": True, "max_points": 5.0, "answer_value": None, "is_not_applicable": True,
         "points": None, **audit(day, evaluations, 1)},
    ])
    # fmt: on


def read_rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


FCT_COLUMNS = """
    contact_id, queue_name, provider_id, site_id, agent_id, business_date,
    cast(interval_start_local as varchar), is_offered, is_answered, is_abandoned, is_short_abandon,
    is_answered_within_threshold, is_abandoned_within_threshold, queue_seconds,
    talk_seconds, hold_seconds, acw_seconds, handle_seconds
"""
MART_COLUMNS = """
    provider_id, site_id, queue_name, business_date, offered, short_abandoned, offered_net,
    answered, abandoned, answered_within_threshold, abandoned_within_threshold,
    talk_seconds, hold_seconds, acw_seconds, handle_seconds, answered_queue_seconds,
    csat_responses, csat_satisfied, csat_score_sum, qa_evaluations, qa_score_sum,
    service_level, abandon_rate, aht_seconds, asa_seconds, csat_rate, csat_mean, qa_score
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("dbt_build")
    warehouse = workdir / "pilotage.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        load_fixture(con)
    finally:
        con.close()
    run_dbt(workdir, warehouse, "build")
    return {"workdir": workdir, "warehouse": warehouse}


def test_fct_contacts_matches_hand_computed_rows(built: dict) -> None:
    rows = read_rows(built["warehouse"], f"select {FCT_COLUMNS} from marts.fct_contacts order by contact_id")
    d, voice, chat = BUSINESS_DATE, "VOICE_BILLING", "CHAT_SUPPORT"
    # fmt: off
    # (contact, queue, provider, site, agent, business date, interval local,
    #  offered, answered, abandoned, short, answered<=X, abandoned<=X, queue s, talk, hold, acw, handle)
    assert rows == [
        # answered at 45 s <= 60 s; handle 600 + 0 + 60 = 660; 12:00 UTC = 14:00 local (CEST)
        ("c-c1", chat, "PRV_A", "OPO", "AG-OPO-1", d, "2026-10-05 14:00:00",
         True, True, False, False, True, False, 45, 600, 0, 60, 660),
        # abandoned at 8 s < 10 s timer: short abandon, and within the 60 s threshold
        ("c-c2", chat, "PRV_A", "OPO", None, d, "2026-10-05 14:30:00",
         True, False, True, True, False, True, 8, 0, 0, 0, 0),
        # never queued: booked on initiation (09:00 UTC = 11:00 local), no outcome, no durations
        ("c-o1", None, None, None, "AG-LYS-1", d, "2026-10-05 11:00:00",
         False, False, False, False, False, False, None, 0, 0, 0, 0),
        # latest CTR line wins: talk 200, hold 30, acw 50 -> handle 280; exactly 20 s is within
        ("c-v1", voice, "PRV_A", "LYS", "AG-LYS-1", d, "2026-10-05 09:00:00",
         True, True, False, False, True, False, 20, 200, 30, 50, 280),
        # answered late (25 s > 20 s); handle 100 + 0 + 20 = 120
        ("c-v2", voice, "PRV_A", "LYS", "AG-LYS-1", d, "2026-10-05 09:30:00",
         True, True, False, False, False, False, 25, 100, 0, 20, 120),
        # 09:59:59 local books in 09:30; abandoned at 3 s < 5 s: short, and within threshold
        ("c-v3", voice, "PRV_A", "LYS", None, d, "2026-10-05 09:30:00",
         True, False, True, True, False, True, 3, 0, 0, 0, 0),
        # abandoned at 45 s > 20 s: neither short nor within threshold
        ("c-v4", voice, "PRV_A", "LYS", None, d, "2026-10-05 10:00:00",
         True, False, True, False, False, False, 45, 0, 0, 0, 0),
    ]
    # fmt: on
    keys = read_rows(built["warehouse"], "select distinct customer_key from marts.fct_contacts")
    assert keys == [(customer_key("CUS1"),)]


def test_mart_production_daily_matches_hand_computed_rows(built: dict) -> None:
    names = [name.strip() for name in MART_COLUMNS.split(",")]
    rows = read_rows(
        built["warehouse"], f"select {MART_COLUMNS} from marts.mart_production_daily order by queue_name"
    )
    chat, voice = (dict(zip(names, row, strict=True)) for row in rows)
    # fmt: off
    assert chat == pytest.approx({
        "provider_id": "PRV_A", "site_id": "OPO", "queue_name": "CHAT_SUPPORT",
        "business_date": BUSINESS_DATE,
        # offered 2 (c-c1, c-c2); short 1 (c-c2) -> net 1; answered 1 (c-c1), abandoned 1 (c-c2);
        # answered <= 60 s: c-c1; abandoned <= 60 s: c-c2
        "offered": 2, "short_abandoned": 1, "offered_net": 1, "answered": 1, "abandoned": 1,
        "answered_within_threshold": 1, "abandoned_within_threshold": 1,
        "talk_seconds": 600, "hold_seconds": 0, "acw_seconds": 60, "handle_seconds": 660,
        "answered_queue_seconds": 45,
        "csat_responses": 0, "csat_satisfied": 0, "csat_score_sum": 0,
        "qa_evaluations": 0, "qa_score_sum": 0.0,
        "service_level": 1.0,     # 1 / (2 - 1)
        "abandon_rate": 0.0,      # (1 - 1) / (2 - 1)
        "aht_seconds": 660.0,     # 660 / 1
        "asa_seconds": 45.0,      # 45 / 1
        "csat_rate": None, "csat_mean": None, "qa_score": None,
    })
    assert voice == pytest.approx({
        "provider_id": "PRV_A", "site_id": "LYS", "queue_name": "VOICE_BILLING",
        "business_date": BUSINESS_DATE,
        # offered 4 (c-v1..c-v4); short 1 (c-v3) -> net 3; answered 2 (c-v1, c-v2);
        # abandoned 2 (c-v3, c-v4); answered <= 20 s: c-v1 only; abandoned <= 20 s: c-v3 only
        "offered": 4, "short_abandoned": 1, "offered_net": 3, "answered": 2, "abandoned": 2,
        "answered_within_threshold": 1, "abandoned_within_threshold": 1,
        # talk 200 + 100, hold 30 + 0, acw 50 + 20, handle 280 + 120, queue of answered 20 + 25
        "talk_seconds": 300, "hold_seconds": 30, "acw_seconds": 70, "handle_seconds": 400,
        "answered_queue_seconds": 45,
        # one CSAT answer (4 on 5: satisfied); the CES answer is not CSAT
        "csat_responses": 1, "csat_satisfied": 1, "csat_score_sum": 4,
        # ev-1 (85.5) counts; ev-2 is a calibration evaluation and does not
        "qa_evaluations": 1, "qa_score_sum": 85.5,
        "service_level": 1 / 3,   # 1 / (4 - 1)
        "abandon_rate": 1 / 3,    # (2 - 1) / (4 - 1)
        "aht_seconds": 200.0,     # 400 / 2
        "asa_seconds": 22.5,      # 45 / 2
        "csat_rate": 1.0,         # 1 / 1
        "csat_mean": 4.0,         # 4 / 1
        "qa_score": 85.5,         # 85.5 / 1
    })
    # fmt: on


def test_no_pii_past_raw(built: dict) -> None:
    columns = read_rows(
        built["warehouse"],
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in ('staging', 'intermediate', 'marts')
        """,
    )
    staging_tables = {table for schema, table, _ in columns if schema == "staging"}
    # one staging model per raw entity + the pipeline load log
    assert staging_tables == {f"stg_{e.key}" for e in ENTITIES} | {"stg_pipeline__load_log"}
    leaked = [(s, t, c) for s, t, c in columns if c.lower() in PII_COLUMNS]
    assert leaked == []


def test_rerun_same_window_gives_identical_rows(built: dict) -> None:
    warehouse = built["warehouse"]
    fct_sql = "select * from marts.fct_contacts order by contact_id"
    mart_sql = "select * from marts.mart_production_daily order by queue_name"
    fct_before, mart_before = read_rows(warehouse, fct_sql), read_rows(warehouse, mart_sql)

    run_dbt(built["workdir"], warehouse, "build", "--vars", WINDOW_VARS)

    assert read_rows(warehouse, fct_sql) == fct_before
    assert read_rows(warehouse, mart_sql) == mart_before
    assert len(fct_before) == 7 and len(mart_before) == 2


def test_redelivered_day_replaces_itself_and_window_is_respected(built: dict, tmp_path: Path) -> None:
    warehouse = tmp_path / "pilotage.duckdb"
    shutil.copy(built["warehouse"], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        # fmt: off
        insert(con, "raw.acd_contacts", [
            # c-v2 delivered again later with more after-call work: handle 100 + 0 + 80 = 180
            ctr("c-v2", 9, queue="VOICE_BILLING", enqueued="07:40:00", queue_seconds=25,
                agent="a.lys.0001", talk=100, hold=0, acw=80, last_updated="23:30:00"),
            # a contact of the next business day: outside the window, must not be built
            ctr("c-v5", 1, queue="VOICE_BILLING", enqueued="07:00:00", queue_seconds=5,
                agent="a.lys.0001", talk=50, hold=0, acw=0, day=date(2026, 10, 6)),
        ])
        # fmt: on
    finally:
        con.close()

    run_dbt(tmp_path, warehouse, "build", "--vars", WINDOW_VARS)

    fct = read_rows(
        warehouse,
        "select contact_id, handle_seconds from marts.fct_contacts order by contact_id",
    )
    assert [c for c, _ in fct] == ["c-c1", "c-c2", "c-o1", "c-v1", "c-v2", "c-v3", "c-v4"]
    assert dict(fct)["c-v2"] == 180
    voice = read_rows(
        warehouse,
        """
        select business_date, handle_seconds, aht_seconds from marts.mart_production_daily
        where queue_name = 'VOICE_BILLING'
        """,
    )
    # handle 280 + 180 = 460 over 2 answered -> AHT 230; only the window's day is present
    assert voice == [(BUSINESS_DATE, 460, pytest.approx(230.0))]


def test_a_day_emptied_upstream_is_emptied_in_the_incremental_marts(built: dict, tmp_path: Path) -> None:
    """An accepted empty re-delivery leaves the day with no raw rows: a windowed build must not
    keep that day's old fact rows (delete+insert alone only replaces the dates it inserts)."""
    warehouse = tmp_path / "pilotage.duckdb"
    shutil.copy(built["warehouse"], warehouse)
    before = read_rows(warehouse, "select count(*) from marts.fct_contacts")[0][0]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from raw.acd_contacts where _business_date = ?", [BUSINESS_DATE])
    finally:
        con.close()

    run_dbt(tmp_path, warehouse, "build", "--vars", WINDOW_VARS)

    assert before > 0
    assert read_rows(warehouse, "select count(*) from marts.fct_contacts where business_date = "
                                f"'{BUSINESS_DATE}'") == [(0,)]


# a daily run of 2026-10-06 as transform.window_env passes it (late days cut to one here)
OWN_DAY = date(2026, 10, 6)
OWN_DAY_ENV = {"PILOTAGE_DBT_DATE_FROM": str(BUSINESS_DATE), "PILOTAGE_DBT_DATE_TO": str(OWN_DAY),
               "PILOTAGE_DBT_CHANGED_FROM": str(OWN_DAY)}


def _compiled(workdir: Path, model: str) -> str:
    return next((workdir / "target" / "compiled").rglob(f"{model}.sql")).read_text()


def test_staging_of_a_window_run_reads_only_the_days_raw_can_have_changed(built: dict, tmp_path: Path) -> None:
    """With the production env, the staging tables rank the keys of the run's own days
    (PILOTAGE_DBT_CHANGED_FROM), not those of the late-arrival days before; a --vars window
    (manual build) treats every window day as changed; a first changed day outside the window
    is refused."""
    warehouse = tmp_path / "pilotage.duckdb"
    shutil.copy(built["warehouse"], warehouse)
    own, late = f"between cast('{OWN_DAY}' as date)", f"between cast('{BUSINESS_DATE}' as date)"
    staged = ("stg_acd__contacts", "stg_crm__cases", "stg_crm__surveys")
    run_dbt(tmp_path, warehouse, "compile", "--select", *staged, window_env=OWN_DAY_ENV)
    for model in staged:
        sql = _compiled(tmp_path, model)
        assert sql.count(own) == 2 and late not in sql, sql
    shutil.rmtree(tmp_path / "target")
    run_dbt(tmp_path, warehouse, "compile", "--select", "stg_acd__contacts", "--vars",
            f"{{date_from: {BUSINESS_DATE}, date_to: {OWN_DAY}}}", window_env=OWN_DAY_ENV)
    sql = _compiled(tmp_path, "stg_acd__contacts")
    assert sql.count(late) == 2 and own not in sql, sql
    outside = {**OWN_DAY_ENV, "PILOTAGE_DBT_CHANGED_FROM": "2026-10-04"}
    refused = run_dbt(tmp_path, warehouse, "compile", "--select", "stg_acd__contacts",
                      window_env=outside, check=False)
    assert refused.returncode != 0 and "outside the window" in refused.stdout


def test_a_key_staged_before_the_runs_days_is_left_alone_and_results_equal_a_full_build(
        built: dict, tmp_path: Path) -> None:
    """Two runs of 2026-10-06 whose window reaches back to 2026-10-05: the first delivers a later
    version of c-v2 (its winner moves to the 6th) and a new contact c-v5; the re-delivered day
    then withdraws both (c-v2 falls back to the 5th's version, c-v5 leaves raw). c-v1, staged
    from the 5th and untouched, is not re-ranked (a marker on its lineage stays), and staging
    and the marts equal a --full-refresh build of the same raw."""
    import importlib.util

    warehouse = tmp_path / "daily" / "pilotage.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(built["warehouse"], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update staging.stg_acd__contacts set source_row_number = -1 where contact_id = 'c-v1'")
        later = ctr("c-v2", 1, queue="VOICE_BILLING", enqueued="07:40:00", queue_seconds=25,
                    agent="a.lys.0001", talk=100, hold=0, acw=80, last_updated="23:30:00")
        later.update(audit(OWN_DAY, f"contacts_{OWN_DAY:%Y%m%d}.jsonl", 1))
        new = ctr("c-v5", 2, queue="VOICE_BILLING", enqueued="07:00:00", queue_seconds=5,
                  agent="a.lys.0001", talk=50, hold=0, acw=0, day=OWN_DAY)
        insert(con, "raw.acd_contacts", [later, new])
    finally:
        con.close()
    staged_sql = "select contact_id, business_date, source_row_number from staging.stg_acd__contacts "
    run_dbt(tmp_path / "daily", warehouse, "run", window_env=OWN_DAY_ENV)
    assert read_rows(warehouse, staged_sql + "where contact_id in ('c-v1', 'c-v2', 'c-v5') order by 1") == [
        ("c-v1", BUSINESS_DATE, -1), ("c-v2", OWN_DAY, 1), ("c-v5", OWN_DAY, 2)]

    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from raw.acd_contacts where _business_date = ?", [OWN_DAY])
    finally:
        con.close()
    run_dbt(tmp_path / "daily", warehouse, "run", window_env=OWN_DAY_ENV)
    assert read_rows(warehouse, staged_sql + "where contact_id in ('c-v1', 'c-v2', 'c-v5') order by 1") == [
        ("c-v1", BUSINESS_DATE, -1), ("c-v2", BUSINESS_DATE, 2)]

    full = tmp_path / "full" / "pilotage.duckdb"
    full.parent.mkdir()
    shutil.copy(warehouse, full)
    run_dbt(tmp_path / "full", full, "run", "--full-refresh")
    assert read_rows(full, staged_sql + "where contact_id = 'c-v1'") == [("c-v1", BUSINESS_DATE, 7)]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update staging.stg_acd__contacts set source_row_number = 7 where contact_id = 'c-v1'")
    finally:
        con.close()
    spec = importlib.util.spec_from_file_location("compare_marts", REPO_ROOT / "scripts" / "compare_marts.py")
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    for schema in ("staging", "intermediate", "marts"):
        assert compare.main([str(full), str(warehouse), "--schema", schema]) == 0, schema
