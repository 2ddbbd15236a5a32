"""Queue interval reports (issue 8): a vendor report of averages and percentages loads into
fct_queue_intervals and the production marts; beside contact records, the marts keep the
records and the reconciliation mart shows the difference. The same center's helpdesk tickets
carry a resolution flag that reaches the calls that opened them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import query
from pilotage.ingest import pipeline
from pilotage.settings import Settings
from pilotage.window import Window

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "queue_report_2026-10-06.csv"
CALL_LOG = FIXTURES / "calllog_2026-10-06.tsv"
TICKETS = FIXTURES / "tickets_2026-10-06.csv"
DAY = date(2026, 10, 6)
WINDOW = Window.half_open(DAY, date(2026, 10, 7))
LAYOUTS = "acd__queue_intervals=hosted_pbx__queue_interval_report"


def _settings(tmp: Path, monkeypatch, layouts: str, files: dict[str, list[Path]]) -> Settings:
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(tmp / "data"))
    monkeypatch.setenv("PILOTAGE_LAYOUTS", layouts)
    for var in ("PILOTAGE_LANDING_DIR", "PILOTAGE_ARCHIVE_DIR", "PILOTAGE_QUARANTINE_DIR",
                "PILOTAGE_WAREHOUSE", "PILOTAGE_RULES", "PILOTAGE_LAYOUTS_DIR", "PILOTAGE_TIME_ZONE"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings.from_env()
    for source, paths in files.items():
        (settings.landing_dir / source).mkdir(parents=True)
        for path in paths:
            shutil.copyfile(path, settings.landing_dir / source / path.name)
    return settings


def _load_and_build(settings: Settings) -> list[dict]:
    from pilotage.transform import dbt_build

    decisions = []
    for source in ("acd", "crm"):
        decisions += pipeline.validate(source, pipeline.land(source, WINDOW, settings), settings)
        pipeline.load(source, decisions, settings)
    dbt_build(settings, WINDOW, extra_args=[
        "--select", "+fct_queue_intervals +mart_production_weekly +mart_queue_days_reconciliation "
        "+mart_resolution_variants_compared", "--indirect-selection", "cautious"])
    return decisions


@pytest.fixture(scope="module")
def both_feeds(tmp_path_factory) -> Settings:
    """The PBX's call log (VOICE_BILLING and VOICE_TECH calls) and its interval report
    (VOICE_BILLING, VOICE_TECH and VOICE_SALES) for 6 October: VOICE_SALES is known only from
    the report, as for a center that sends no contact records."""
    layouts = f"{LAYOUTS},acd__contacts=hosted_pbx__queue_call_log,crm__cases=helpdesk__ticket_export"
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = _settings(tmp_path_factory.mktemp("queue_intervals"), monkeypatch, layouts,
                             {"acd": [REPORT, CALL_LOG], "crm": [TICKETS]})
        decisions = _load_and_build(settings)
    (report,) = [d for d in decisions if d["entity"] == "acd__queue_intervals"]
    assert report["action"] == "load", report.get("message")
    assert report["rows"] == 6 and report["dropped"] == {"report totals line": 1}
    return settings


def test_the_report_rebuilds_totals_from_averages_in_raw(both_feeds):
    rows = query(both_feeds, "select offered, answered, answered_queue_seconds, talk_seconds, hold_seconds, "
                             "acw_seconds, handle_seconds, round(service_level_published, 6) "
                             "from raw.acd_queue_intervals order by _row_number")
    # ASA 0:00:15 x 10 answered = 150 s, talk 0:04:06 x 10 = 2460 s, "72.73%" = 0.7273
    assert rows[0] == (12, 10, 150, 2460, 120, 420, 3000, 0.7273)
    assert rows[1] == (8, 7, 77, 1470, 0, 245, 1715, 0.75)
    # no call answered: the averages are blank, so are the totals; no published service level
    assert rows[3] == (0, 0, None, None, None, None, None, None)
    # 09:00 Paris (CEST) = 07:00 UTC
    assert query(both_feeds, "select distinct cast(interval_start_at as varchar) from raw.acd_queue_intervals "
                             "where queue_name = 'VOICE_TECH' order by 1") == [("2026-10-06 07:00:00",),
                                                                             ("2026-10-06 07:30:00",)]


def test_a_queue_day_without_contact_records_comes_from_the_report_in_30_minute_intervals(both_feeds):
    rows = query(both_feeds, "select queue_name, cast(interval_start_local as varchar), volume_source, offered, "
                             "answered, abandoned, short_abandoned, answered_within_threshold, flow_outs, "
                             "answered_queue_seconds, talk_seconds, hold_seconds, acw_seconds, handle_seconds "
                             "from marts.fct_queue_intervals where queue_name = 'VOICE_SALES' and offered > 0")
    # 10:00-10:15 + 10:15-10:30: 4 + 6 offered, 3 + 5 answered, 1 + 0 abandoned (1 short), so one
    # call flowed out; 3 + 4 within 30 s; ASA 8 x 3 + 12 x 5; talk 300 x 3 + 240 x 5; hold 10 x 5;
    # wrap 20 x 3 + 30 x 5
    assert rows == [("VOICE_SALES", "2026-10-06 10:00:00", "interval_report", 10, 8, 1, 1, 7, 1,
                     24 + 60, 900 + 1200, 50, 60 + 150, 2360)]


def test_the_production_mart_computes_the_kpis_from_the_reports_totals(both_feeds):
    kpis = dict(query(both_feeds, "select kpi_id, actual from marts.mart_production_weekly "
                                  "where queue_name = 'VOICE_SALES' and kpi_id in "
                                  "('contacts_offered', 'service_level', 'aht_seconds', 'asa_seconds')"))
    assert kpis["contacts_offered"] == 10
    # genesys_excl_short: 7 / (answered 8 + abandoned 1 - short 1 + flow-outs 1)
    assert kpis["service_level"] == pytest.approx(7 / 9)
    assert kpis["aht_seconds"] == pytest.approx(2360 / 8)
    assert kpis["asa_seconds"] == pytest.approx(84 / 8)


def test_beside_contact_records_the_marts_keep_the_records_and_reconcile(both_feeds):
    sources = query(both_feeds, "select queue_name, min(volume_source), sum(offered), sum(answered) "
                                "from marts.fct_queue_intervals where offered > 0 group by 1 order by 1")
    # the call log: VOICE_BILLING 4 calls (3 answered), VOICE_TECH 4 calls (2 answered)
    assert sources == [("VOICE_BILLING", "contact_records", 4, 3), ("VOICE_SALES", "interval_report", 10, 8),
                       ("VOICE_TECH", "contact_records", 4, 2)]
    recon = query(both_feeds, "select queue_name, volume_source, offered_contact_records, offered_interval_report, "
                              "answered_contact_records, answered_interval_report, is_within_tolerance "
                              "from marts.mart_queue_days_reconciliation order by 1")
    assert recon == [("VOICE_BILLING", "contact_records", 4, 20, 3, 17, False),
                     ("VOICE_SALES", "interval_report", None, 10, None, 8, None),
                     ("VOICE_TECH", "contact_records", 4, 5, 2, 5, False)]


def test_the_helpdesk_resolution_flag_reaches_the_calls_that_opened_the_tickets(both_feeds):
    assert query(both_feeds, "select case_id, is_closed, is_resolved from raw.crm_cases order by 1") == [
        ("4101", True, True), ("4102", True, False), ("4103", False, None), ("4104", True, True)]
    flags = dict(query(both_feeds, "select contact_id, is_case_resolved from marts.fct_contacts "
                                   "where contact_id in ('T1-5001', 'T2-5001', 'T2-5002', 'T1-5003')"))
    # T1-5001 opened 4101 (Oui), T2-5001 opened 4102 (Non), T2-5002's ticket is still open (blank),
    # T1-5003 opened no ticket
    assert flags == {"T1-5001": True, "T2-5001": False, "T2-5002": None, "T1-5003": None}
