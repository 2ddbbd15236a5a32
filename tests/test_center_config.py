"""A center configured outside the code (issue 8, items 7-9): a folder in tmp_path with its own
time zone (America/Montreal), a site on another clock (Paris), only an ACD contacts feed, two
providers and no pricing. ``pilotage run`` over a 1999 window goes through real Airflow, GX and
dbt: every mart builds, absent feeds are "not delivered", the KPIs needing them and the invoice
KPIs are flagged with the reason, local times follow each site's zone, and no file of the project
tree changes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from conftest import ctr, query, write_jsonl
from pilotage import cli
from pilotage.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.integration

FIRST, LAST = date(1999, 2, 1), date(1999, 2, 2)
SKIP = {".git", ".venv", ".tools", "__pycache__", ".pytest_cache", ".ruff_cache", "data", ".airflow"}

CENTER_YML = """\
time_zone: America/Montreal
site_time_zones:
  PAR: Europe/Paris
delivers: [acd__contacts]
"""
CSVS = {
    "providers.csv": "provider_id,provider_name\nPRV_Q,Québec Contact\nPRV_F,France Relais\n",
    "sites.csv": "site_id,site_name,provider_id\nMTL,Montréal,PRV_Q\nPAR,Paris,PRV_F\n",
    "queues.csv": ("queue_name,channel,provider_id,site_id,sl_threshold_seconds,short_abandon_seconds,sl_target\n"
                   "VOICE_MTL,VOICE,PRV_Q,MTL,20,5,0.80\nVOICE_PAR,VOICE,PRV_F,PAR,30,5,0.80\n"),
}


def project_files() -> dict[str, str]:
    """Every file of the project tree (but caches, venv, git and the default data folder) -> hash."""
    found = {}
    for path in sorted(PROJECT_ROOT.rglob("*")):
        parts = set(path.relative_to(PROJECT_ROOT).parts)
        if path.is_file() and not parts & SKIP and ".egg-info" not in str(path):
            found[str(path.relative_to(PROJECT_ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def montreal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    center = tmp_path_factory.mktemp("center")
    (center / "center.yml").write_text(CENTER_YML, encoding="utf-8")
    for name, text in CSVS.items():
        (center / name).write_text(text, encoding="utf-8")
    return center


@pytest.fixture(scope="module")
def built(montreal: Path, tmp_path_factory: pytest.TempPathFactory, airflow_db):
    """One Airflow run of 1999-02-01..02 with the Montreal center, from a fresh data folder."""
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PILOTAGE_DATA_DIR", str(data))
        mp.setenv("PILOTAGE_CENTER_DIR", str(montreal))
        mp.setenv("PILOTAGE_LANDING_SETTLE_SECONDS", "0")
        for var in ("PILOTAGE_LANDING_DIR", "PILOTAGE_ARCHIVE_DIR", "PILOTAGE_QUARANTINE_DIR",
                    "PILOTAGE_WAREHOUSE", "PILOTAGE_TIME_ZONE"):
            mp.delenv(var, raising=False)
        settings = Settings.from_env()
        landing = settings.landing_dir / "acd"
        # 14:00 UTC = 09:00 in Montreal; 23:30 UTC = 18:30 in Montreal, 00:30 next day in Paris
        write_jsonl(landing / "contacts_19990201.jsonl", [
            ctr("C1", "1999-02-01T14:00:00", queue="VOICE_MTL"),
            ctr("C2", "1999-02-01T23:30:00", queue="VOICE_PAR", answered=False),
        ])
        write_jsonl(landing / "contacts_19990202.jsonl", [
            ctr("C3", "1999-02-02T15:10:00", queue="VOICE_MTL", wait=40)])
        # a file of an entity the center does not deliver is never read
        (settings.landing_dir / "crm").mkdir(parents=True)
        (settings.landing_dir / "crm" / "cases_19990201.csv").write_text("garbage\n", encoding="utf-8")
        before = project_files()
        code = cli.main(["run", "--from", FIRST.isoformat(), "--to", LAST.isoformat()])
        yield settings, code, before, project_files()


def test_the_center_folder_builds_every_mart_and_leaves_the_project_untouched(built):
    settings, code, before, after = built
    assert settings.time_zone == "America/Montreal"
    assert code == 0
    marts = {p.stem for p in (PROJECT_ROOT / "dbt_project" / "models" / "marts").rglob("*.sql")}
    built_marts = {name for (name,) in query(
        settings, "select table_name from information_schema.tables where table_schema = 'marts'")}
    assert marts <= built_marts, marts - built_marts
    assert query(settings, "select provider_id from marts.dim_provider order by 1") == [("PRV_F",), ("PRV_Q",)]
    assert after == before  # no file of the project tree was written or edited


def test_absent_feeds_are_not_delivered_and_their_kpis_flagged(built, capsys):
    settings, *_ = built
    status = dict(query(settings, "select feed_id, load_status from marts.mart_pipeline_load_status "
                                  "where business_date = ?", [FIRST]))
    assert status.pop("acd__contacts") == "loaded"
    assert set(status.values()) == {"not_delivered"} and "crm__cases" in status
    assert query(settings, "select bool_and(is_day_complete) from marts.mart_pipeline_load_status")[0][0]
    reasons = dict(query(settings, "select kpi_id, unavailable_reason from marts.dim_kpi"))
    assert "crm__surveys not delivered" in reasons["csat"]
    assert "no QA feed" in reasons["qa_score"]
    assert "acd__agent_intervals not delivered" in reasons["occupancy"]
    assert "no pricing" in reasons["invoice_amount"]
    assert reasons["service_level"] is None
    invoices = query(settings, "select invoice_amount_eur, unavailable_reason from "
                               "intermediate.int_invoices_priced_by_month where provider_id = 'PRV_Q'")
    assert invoices[0][0] is None and "no pricing" in invoices[0][1]
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "not_delivered" in out and "Not delivered by this center" in out
    assert "Most recent days not loaded" not in out  # not delivered is not a problem day


def test_local_times_follow_the_site_time_zone(built):
    settings, *_ = built
    rows = dict(query(settings, "select queue_name, min(interval_start_local) from "
                                "intermediate.int_contacts_enriched group by 1"))
    assert str(rows["VOICE_MTL"]) == "1999-02-01 09:00:00"  # Montreal, UTC-5
    assert str(rows["VOICE_PAR"]) == "1999-02-02 00:30:00"  # Paris, UTC+1
    offered = query(settings, "select business_date, sum(offered) from marts.fct_queue_intervals "
                              "where queue_name = 'VOICE_PAR' group by 1 having sum(offered) > 0")
    assert offered == [(date(1999, 2, 2), 1)]
