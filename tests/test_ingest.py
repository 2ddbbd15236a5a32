"""Land -> validate (Great Expectations) -> load into DuckDB: idempotency, quarantine, re-delivery."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ctr, query, write_jsonl
from pilotage.ingest import pipeline
from pilotage.window import Window

pytestmark = pytest.mark.integration

D1, D2 = date(2026, 10, 5), date(2026, 10, 6)


def _ingest(settings, start=D1, end=D2):
    manifest = pipeline.land("acd", Window.half_open(start, end), settings)
    decisions = pipeline.validate("acd", manifest, settings)
    summary = pipeline.load("acd", decisions, settings)
    return decisions, summary


def _contacts_file(settings, day: date, records):
    return write_jsonl(settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl", records)


def test_same_day_twice_gives_the_samequery(settings):
    _contacts_file(settings, D1, [ctr("c1", "2026-10-05T08:00:00"), ctr("c2", "2026-10-05T09:00:00")])
    _, first = _ingest(settings)
    snapshot = query(settings, "select * from raw.acd_contacts order by all")
    log = query(settings, "select * from raw._load_log order by all")
    _, second = _ingest(settings)
    assert first["loaded_days"] == 1 and first["rows"] == 2
    assert second["loaded_days"] == 0 and second["unchanged"] == 1
    assert query(settings, "select * from raw.acd_contacts order by all") == snapshot
    assert query(settings, "select * from raw._load_log order by all") == log
    # the day with no agent-interval file is recorded as missing, not as an error
    assert ("acd__agent_intervals", D1, "missing") in query(
        settings, "select entity, business_date, status from raw._load_log")


def test_redelivered_file_replaces_its_day_and_keeps_both_versions(settings):
    path = _contacts_file(settings, D1, [ctr("c1", "2026-10-05T08:00:00")])
    _ingest(settings)
    write_jsonl(path, [ctr("c1", "2026-10-05T08:00:00"), ctr("c3", "2026-10-05T10:00:00")])
    _, summary = _ingest(settings)
    assert summary["loaded_days"] == 1
    assert query(settings, "select contact_id from raw.acd_contacts order by 1") == [("c1",), ("c3",)]
    assert len(list((settings.archive_dir / "acd").rglob("*contacts_20261005.jsonl"))) == 2


def test_bad_file_is_quarantined_naming_file_rule_and_rows_and_other_days_go_on(settings):
    good = [ctr("c1", "2026-10-05T08:00:00")]
    _contacts_file(settings, D1, good)
    _ingest(settings, D1, D2)
    bad = [ctr("c2", "2026-10-06T08:00:00"), ctr("c3", "2026-10-06T08:10:00", channel="FAX"),
           ctr("c4", "2026-10-06T08:20:00"), ctr("c5", "2026-10-06T08:30:00", queue="NEW_QUEUE")]
    bad[2]["InitiationTimestamp"] = "not-a-time"
    _contacts_file(settings, D2, bad)
    # a re-delivery of D1 that breaks a rule must not wipe D1's good rows
    broken_d1 = [ctr("c1", "2026-10-05T08:00:00", wait=-5)]
    _contacts_file(settings, D1, broken_d1)
    decisions, summary = _ingest(settings, D1, date(2026, 10, 7))
    quarantined = {d["day"]: d["message"] for d in decisions if d["action"] == "quarantine"}
    assert set(quarantined) == {"2026-10-05", "2026-10-06"}
    msg = quarantined["2026-10-06"]
    assert "contacts_20261006.jsonl" in msg
    assert "channel is one of" in msg and "row(s) [2]" in msg
    assert "every present value parses" in msg and "row(s) [3]" in msg
    assert "queue_name is a queue configured" in msg and "row(s) [4]" in msg
    assert "queue_seconds between" in quarantined["2026-10-05"]
    assert summary["quarantined"] == 2
    # D1 keeps the rows of its last good delivery; D2 has nothing loaded
    assert query(settings, "select contact_id, _business_date from raw.acd_contacts") == [("c1", D1)]
    log = dict(((e, d), (s, m)) for e, d, s, m in query(
        settings, "select entity, business_date, status, message from raw._load_log"))
    assert log[("acd__contacts", D1)][0] == "quarantined"
    assert log[("acd__contacts", D2)][0] == "quarantined"
    assert (settings.quarantine_dir / "acd" / "2026-10-06" / "contacts_20261006.jsonl").exists()
    reason = settings.quarantine_dir / "acd" / "2026-10-06" / "contacts_20261006.jsonl.acd__contacts.reason.txt"
    assert "channel is one of" in reason.read_text()


def test_an_empty_json_lines_export_is_a_day_with_no_rows_not_a_missing_day(settings):
    path = settings.landing_dir / "qa" / "evaluations_20261005.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    manifest = pipeline.land("qa", Window.half_open(D1, D2), settings)
    summary = pipeline.load("qa", pipeline.validate("qa", manifest, settings), settings)
    assert summary["loaded_days"] == 2 and summary["rows"] == 0 and summary["missing"] == 0
    log = query(settings, "select entity, status, row_count from raw._load_log order by 1")
    assert log == [("qa__evaluation_answers", "loaded", 0), ("qa__evaluations", "loaded", 0)]


def test_identical_files_on_two_days_keep_their_own_business_date(settings):
    """A roster that did not change is the same file, byte for byte, on consecutive days."""
    header = "agent_id,acd_username,first_name,last_name,provider_id,site_id,team_id,hire_date,leave_date,skills\n"
    body = "AG-LYS-0001,a.lys.0001,Ana,Diaz,PRV_A,LYS,LYS-T1,2024-01-02,,VOICE_BILLING\n"
    for day in (D1, D2):
        path = settings.landing_dir / "wfm" / f"roster_{day:%Y%m%d}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + body)
    manifest = pipeline.land("wfm", Window.half_open(D1, date(2026, 10, 7)), settings)
    pipeline.load("wfm", pipeline.validate("wfm", manifest, settings), settings)
    assert query(settings, "select _business_date, agent_id from raw.wfm_roster order by 1") == [
        (D1, "AG-LYS-0001"), (D2, "AG-LYS-0001")]
