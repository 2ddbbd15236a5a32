"""Contract keys: a repeated key within a delivery is never dropped silently (issue 8)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import query
from pilotage.ingest import pipeline
from pilotage.ingest.layout_lookup import DEFAULT_LAYOUTS_DIR
from pilotage.settings import Settings
from pilotage.window import Window

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parent / "fixtures" / "calllog_2026-10-06.tsv"
SHIPPED = DEFAULT_LAYOUTS_DIR / "vendors" / "hosted_pbx__queue_call_log.yml"
DAY = date(2026, 10, 6)


def _settings(tmp_path: Path, monkeypatch, layout_text: str) -> Settings:
    """Settings whose user layouts folder holds ``my_calls`` (this layout) selected for contacts."""
    layouts = tmp_path / "layouts"
    (layouts / "vendors").mkdir(parents=True)
    (layouts / "vendors" / "my_calls.yml").write_text(layout_text, encoding="utf-8")
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PILOTAGE_LAYOUTS_DIR", str(layouts))
    monkeypatch.setenv("PILOTAGE_LAYOUTS", "acd__contacts=my_calls")
    for var in ("PILOTAGE_LANDING_DIR", "PILOTAGE_ARCHIVE_DIR", "PILOTAGE_QUARANTINE_DIR",
                "PILOTAGE_WAREHOUSE", "PILOTAGE_RULES"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings.from_env()
    target = settings.landing_dir / "acd" / FIXTURE.name
    target.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURE, target)
    return settings


def _ingest(settings: Settings):
    manifest = pipeline.land("acd", Window.half_open(DAY, date(2026, 10, 7)), settings)
    decisions = pipeline.validate("acd", manifest, settings)
    return decisions, pipeline.load("acd", decisions, settings)


def test_a_call_id_repeated_across_trunks_quarantines_the_file_naming_the_rows(tmp_path, monkeypatch):
    call_id_only = SHIPPED.read_text().replace("{concat: [TRUNK, CALL_ID], sep: \"-\"}", "{from: CALL_ID}")
    assert "contact_id: {from: CALL_ID}" in call_id_only
    settings = _settings(tmp_path, monkeypatch, call_id_only)
    decisions, summary = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "quarantine" and summary["rows"] == 0
    assert "[duplicate_key]" in contacts["message"] and "contact_id appears once per delivery" in contacts["message"]
    assert "row(s) [1, 2, 3, 4, 5, 6, 8, 9]" in contacts["message"]
    assert query(settings, "select count(*) from raw.acd_contacts") == [(0,)]


def test_with_the_two_field_key_every_call_reaches_raw_and_every_record_is_accounted(tmp_path, monkeypatch):
    settings = _settings(tmp_path, monkeypatch, SHIPPED.read_text())
    decisions, summary = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "load", contacts.get("message")
    assert summary["rows"] == 8
    ids = [r[0] for r in query(settings, "select contact_id from raw.acd_contacts order by _row_number")]
    assert ids == ["T1-5001", "T2-5001", "T1-5002", "T2-5002", "T1-5003", "T2-5003", "T1-5005", "T2-5005"]
    assert query(settings, "select delivered_rows, row_count, rejected_rows, dropped_rows from raw._load_log "
                           "where entity = 'acd__contacts'") == [(9, 8, 0, 1)]
    assert query(settings, "select rule, row_count from raw._dropped_by_rule") == [("internal call", 1)]


def _with_skewed_answer(settings: Settings) -> None:
    """Row 1 answered one second before it started (the PBX's clocks disagree)."""
    path = settings.landing_dir / "acd" / FIXTURE.name
    path.write_text(path.read_text().replace("09:00:00\t09:00:12", "09:00:00\t08:59:59", 1))


def test_clock_skew_is_not_midnight_and_a_reject_rows_rule_loads_the_rest_of_the_day(
        tmp_path, monkeypatch, capsys):
    rules = tmp_path / "rules.yml"
    rules.write_text("acd__contacts:\n  connected_to_agent_at_not_before_enqueued_at:\n"
                     "    severity: reject_rows\n    max_rows: 2\n")
    _settings(tmp_path, monkeypatch, SHIPPED.read_text())
    monkeypatch.setenv("PILOTAGE_RULES", str(rules))
    settings = Settings.from_env()
    _with_skewed_answer(settings)
    decisions, summary = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "load" and summary["rows"] == 7 and summary["rejected"] == 1
    assert query(settings, "select delivered_rows, row_count, rejected_rows, dropped_rows from raw._load_log "
                           "where entity = 'acd__contacts'") == [(9, 7, 1, 1)]
    (bad,) = query(settings, "select source_file, row_number, rules, row_values->>'contact_id', "
                             "row_values->>'connected_to_agent_at' from raw._rejected_rows")
    # one second early is skew, not an answer the next day
    assert bad == (FIXTURE.name, 1, "connected_to_agent_at_not_before_enqueued_at", "T1-5001",
                   "2026-10-06T06:59:59.000")
    from pilotage.cli import main

    capsys.readouterr()
    assert main(["status"]) == 0
    assert "2026-10-06 acd__contacts 1 row(s): connected_to_agent_at_not_before_enqueued_at" in capsys.readouterr().out


def test_more_rejected_rows_than_the_threshold_quarantine_the_file(tmp_path, monkeypatch):
    rules = tmp_path / "rules.yml"
    rules.write_text("acd__contacts:\n  connected_to_agent_at_not_before_enqueued_at:\n"
                     "    {severity: reject_rows, max_rows: 0}\n")
    _settings(tmp_path, monkeypatch, SHIPPED.read_text())
    monkeypatch.setenv("PILOTAGE_RULES", str(rules))
    settings = Settings.from_env()
    _with_skewed_answer(settings)
    decisions, _ = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "quarantine"
    assert "1 of 8 row(s) is above the reject_rows threshold (max_rows 0)" in contacts["message"]


def test_without_a_rules_file_the_suite_severity_holds(tmp_path, monkeypatch):
    settings = _settings(tmp_path, monkeypatch, SHIPPED.read_text())
    _with_skewed_answer(settings)
    decisions, _ = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "quarantine"
    assert "[connected_to_agent_at_not_before_enqueued_at]" in contacts["message"]
    assert "row(s) [1]" in contacts["message"]


def test_declared_versions_load_every_version_but_two_identical_versions_are_ambiguous(settings):
    from conftest import ctr, write_jsonl

    first = ctr("c1", "2026-10-06T08:00:00")
    later = ctr("c1", "2026-10-06T08:00:00", updated="2026-10-06T09:30:00Z")
    path = write_jsonl(settings.landing_dir / "acd" / "contacts_20261006.jsonl",
                       [first, later, ctr("c2", "2026-10-06T08:05:00")])
    decisions, summary = _ingest(settings)
    assert summary["rows"] == 3, decisions  # the CTR layout declares versions: raw keeps them all
    write_jsonl(path, [first, first, ctr("c2", "2026-10-06T08:05:00")])
    decisions, _ = _ingest(settings)
    (contacts,) = [d for d in decisions if d["entity"] == "acd__contacts"]
    assert contacts["action"] == "quarantine"
    assert "[duplicate_version]" in contacts["message"] and "row(s) [1, 2]" in contacts["message"]
