"""A monthly export read as two entities (calls and their satisfaction score), split by day."""

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

FIXTURE = Path(__file__).parent / "fixtures" / "rapport_appels_2026-10.csv"


@pytest.fixture
def month_settings(tmp_path: Path, monkeypatch) -> Settings:
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PILOTAGE_LAYOUTS",
                       "acd__contacts=monthly_report__calls,crm__surveys=monthly_report__satisfaction")
    for var in ("PILOTAGE_LANDING_DIR", "PILOTAGE_ARCHIVE_DIR", "PILOTAGE_QUARANTINE_DIR",
                "PILOTAGE_WAREHOUSE", "PILOTAGE_RULES", "PILOTAGE_LAYOUTS_DIR", "PILOTAGE_TIME_ZONE"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings.from_env()
    for source in ("acd", "crm"):  # the report is dropped for both systems it feeds
        (settings.landing_dir / source).mkdir(parents=True)
        shutil.copyfile(FIXTURE, settings.landing_dir / source / FIXTURE.name)
    return settings


def _ingest(settings: Settings, source: str, start: date, end: date):
    manifest = pipeline.land(source, Window.half_open(start, end), settings)
    decisions = pipeline.validate(source, manifest, settings)
    return decisions, pipeline.load(source, decisions, settings)


def test_a_monthly_file_loads_each_local_day_as_its_own_partition(month_settings):
    settings = month_settings
    _ingest(settings, "acd", date(2026, 10, 1), date(2026, 10, 5))
    per_day = query(settings, "select _business_date, list(contact_id order by _row_number), list(outcome "
                              "order by _row_number) from raw.acd_contacts group by 1 order by 1")
    # A-0004 at 00:30 Paris time is 22:30 UTC the day before: it belongs to 2 October
    assert per_day == [
        (date(2026, 10, 1), ["A-0001", "A-0002", "A-0003"], ["answered", "abandoned", "answered"]),
        (date(2026, 10, 2), ["A-0004", "A-0005", "A-0006"], ["answered", "answered", "abandoned"]),
        (date(2026, 10, 3), ["A-0007"], ["answered"]),
    ]
    log = query(settings, "select business_date, status, row_count from raw._load_log "
                          "where entity = 'acd__contacts' order by 1")
    assert log == [(date(2026, 10, 1), "loaded", 3), (date(2026, 10, 2), "loaded", 3),
                   (date(2026, 10, 3), "loaded", 1), (date(2026, 10, 4), "loaded", 0)]
    assert len(list((settings.archive_dir / "acd").rglob("*rapport_appels_2026-10.csv"))) == 1
    # the same file again: every day is unchanged
    _, again = _ingest(settings, "acd", date(2026, 10, 1), date(2026, 10, 5))
    assert again["unchanged"] == 4 and again["loaded_days"] == 0


def test_the_same_file_read_as_surveys_accounts_for_calls_without_a_score(month_settings):
    settings = month_settings
    _ingest(settings, "crm", date(2026, 10, 1), date(2026, 10, 4))
    assert query(settings, "select _business_date, survey_id, score from raw.crm_surveys order by 2") == [
        (date(2026, 10, 1), "A-0001", 5), (date(2026, 10, 1), "A-0003", 3),
        (date(2026, 10, 2), "A-0005", 4), (date(2026, 10, 3), "A-0007", 2)]
    accounts = query(settings, "select business_date, delivered_rows, row_count, dropped_rows from raw._load_log "
                               "where entity = 'crm__surveys' order by 1")
    assert accounts == [(date(2026, 10, 1), 3, 2, 1), (date(2026, 10, 2), 3, 1, 2), (date(2026, 10, 3), 1, 1, 0)]


def test_the_reports_answered_flag_reaches_fct_contacts_without_an_answer_timestamp(month_settings):
    from pilotage.transform import dbt_build

    settings = month_settings
    _ingest(settings, "acd", date(2026, 10, 1), date(2026, 10, 4))
    dbt_build(settings, Window.half_open(date(2026, 10, 1), date(2026, 10, 4)),
              extra_args=["--select", "+fct_contacts", "--indirect-selection", "cautious"])
    per_day = query(settings, "select business_date, count(*), count(*) filter (is_answered), "
                              "count(*) filter (is_abandoned), sum(handle_seconds) from marts.fct_contacts "
                              "group by 1 order by 1")
    # Répondu Y/N decides; handle = talk + wrap of the answered calls
    assert per_day == [(date(2026, 10, 1), 3, 2, 1, 250 + 30 + 750 + 45),
                       (date(2026, 10, 2), 3, 2, 1, 365 + 20 + 120 + 15),
                       (date(2026, 10, 3), 1, 1, 0, 480 + 60)]
