"""Delivery gates: nothing lost, nothing silently wrong (issue 9).

Shrinking re-deliveries are held back as suspect until accepted, files still being written are
not read, rows of another day, contradicting UTC offsets, volume anomalies and wrong encodings
are caught with a message."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

import pytest
from conftest import ctr, query, write_jsonl
from pilotage import cli
from pilotage.generator import generate
from pilotage.ingest import pipeline
from pilotage.transform import dbt_build
from pilotage.window import Window

pytestmark = pytest.mark.integration

MON = date(2026, 10, 5)  # a Monday


def _run(settings, source: str, first: date, last: date | None = None, accept=()):
    window = Window(first=first, last=last or first)
    extra = {"accept": accept} if accept else {}
    decisions = pipeline.validate(source, pipeline.land(source, window, settings), settings, **extra)
    return decisions, pipeline.load(source, decisions, settings)


def _log(settings, entity: str, day: date):
    return query(settings, "select status, row_count, message from raw._load_log "
                           "where entity = ? and business_date = ?", [entity, day])[0]


def _rows(settings, table: str, day: date) -> int:
    return query(settings, f"select count(*) from raw.{table} where _business_date = ?", [day])[0][0]


@pytest.fixture
def generated(settings):
    generate(settings.landing_dir, MON, MON, contacts_per_day=150)
    return settings


def test_an_empty_redelivery_of_a_loaded_day_is_suspect_until_accepted(generated, capsys):
    settings = generated
    _run(settings, "acd", MON)
    loaded = _rows(settings, "acd_contacts", MON)
    assert loaded > 50 and _log(settings, "acd__contacts", MON)[:2] == ("loaded", loaded)

    (settings.landing_dir / "acd" / "contacts_20261005.jsonl").write_bytes(b"")
    decisions, summary = _run(settings, "acd", MON)
    assert summary["suspect"] == 1 and summary["loaded_days"] == 0
    status, row_count, message = _log(settings, "acd__contacts", MON)
    assert (status, row_count) == ("suspect", loaded)
    assert "is empty" in message and "pilotage accept acd__contacts 2026-10-05" in message
    assert _rows(settings, "acd_contacts", MON) == loaded  # the good day is kept

    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "Suspect deliveries" in out and "pilotage accept acd__contacts 2026-10-05" in out
    # the packs' cover reads the load log through this mart: the status passes its tests
    dbt_build(settings, Window(first=MON, last=MON),
              ["--select", "stg_pipeline__load_log", "mart_pipeline_load_status"])
    assert query(settings, "select load_status, message from marts.mart_pipeline_load_status "
                           "where feed_id = 'acd__contacts'")[0] == ("suspect", message)

    assert cli.main(["accept", "acd__contacts", "2026-10-05"]) == 0
    assert cli.main(["accept", "acd__agent_intervals", "2026-10-05"]) == 1  # not suspect
    _run(settings, "acd", MON)
    assert _log(settings, "acd__contacts", MON)[:2] == ("loaded", 0)
    assert _rows(settings, "acd_contacts", MON) == 0


def test_a_header_only_or_cut_csv_redelivery_is_suspect_and_the_run_conf_accepts_it(generated):
    settings = generated
    _run(settings, "crm", MON)
    surveys = settings.landing_dir / "crm" / "surveys_20261005.csv"
    lines = surveys.read_text().splitlines(keepends=True)
    loaded = _rows(settings, "crm_surveys", MON)
    assert loaded == len(lines) - 1 and loaded >= 10
    kept = int((len(lines) - 1) * 0.4)
    surveys.write_text("".join(lines[:1 + kept]))  # the first 40 %, cut at a line boundary
    cases = settings.landing_dir / "crm" / "cases_20261005.csv"
    cases_loaded = _rows(settings, "crm_cases", MON)
    cases.write_text(cases.read_text().splitlines(keepends=True)[0])  # header only

    _run(settings, "crm", MON)
    assert _log(settings, "crm__surveys", MON)[:2] == ("suspect", loaded)
    assert f"has {kept} row(s)" in _log(settings, "crm__surveys", MON)[2]
    assert _log(settings, "crm__cases", MON)[:2] == ("suspect", cases_loaded)
    assert _rows(settings, "crm_surveys", MON) == loaded and _rows(settings, "crm_cases", MON) == cases_loaded

    _run(settings, "crm", MON, accept=["crm__surveys:2026-10-05"])
    status, row_count, message = _log(settings, "crm__surveys", MON)
    assert (status, row_count) == ("loaded", kept) and "accepted by the operator" in message
    assert _rows(settings, "crm_surveys", MON) == kept
    assert _log(settings, "crm__cases", MON)[0] == "suspect"  # not accepted: still held back


def test_a_first_delivery_that_is_small_or_empty_is_not_suspect(settings):
    write_jsonl(settings.landing_dir / "acd" / "contacts_20261005.jsonl", [])
    _, summary = _run(settings, "acd", MON)
    assert summary["suspect"] == 0 and _log(settings, "acd__contacts", MON)[:2] == ("loaded", 0)


def test_a_landing_file_still_being_written_is_not_read(settings, monkeypatch):
    path = write_jsonl(settings.landing_dir / "acd" / "contacts_20261005.jsonl",
                       [ctr("c1", "2026-10-05T08:00:00")])
    # a modification time in the future: being written (same clock), even with no settle time
    os.utime(path, (time.time() + 3600, time.time() + 3600))
    manifest = pipeline.land("acd", Window(first=MON, last=MON), settings)
    item = next(m for m in manifest if m["entity"] == "acd__contacts")
    assert item["status"] == "missing" and "not complete yet" in item["reason"]
    assert not (settings.archive_dir / "acd").exists()
    pipeline.load("acd", pipeline.validate("acd", manifest, settings), settings)
    assert "not complete yet" in _log(settings, "acd__contacts", MON)[2]

    # size or time changing over the settle time (the wait is injected: no real sleep)
    os.utime(path, (time.time(), time.time()))

    def writer_still_busy(_seconds: float) -> None:
        with open(path, "a") as handle:
            handle.write('{"ContactId": "c2"')

    monkeypatch.setenv("PILOTAGE_LANDING_SETTLE_SECONDS", "30")  # the file is younger: wait
    waiting = type(settings).from_env()
    manifest = pipeline.land("acd", Window(first=MON, last=MON), waiting, sleep=writer_still_busy)
    item = next(m for m in manifest if m["entity"] == "acd__contacts")
    assert item["status"] == "missing" and "still growing" in item["reason"]

    # marker mode: taken once <name>.done exists
    write_jsonl(path, [ctr("c1", "2026-10-05T08:00:00")])
    os.utime(path, (time.time() - 60, time.time() - 60))
    monkeypatch.setenv("PILOTAGE_LANDING_SETTLE_SECONDS", "0")
    monkeypatch.setenv("PILOTAGE_LANDING_COMPLETE", "marker")
    marked = type(settings).from_env()
    assert next(m for m in pipeline.land("acd", Window(first=MON, last=MON), marked)
                if m["entity"] == "acd__contacts")["status"] == "missing"
    (path.parent / (path.name + ".done")).write_text("")
    assert next(m for m in pipeline.land("acd", Window(first=MON, last=MON), marked)
                if m["entity"] == "acd__contacts")["status"] == "delivered"


def test_rows_of_another_business_day_block_the_file_naming_the_rows(generated):
    settings = generated
    # contacts: 23:30 UTC on the 5th is already the 6th in Paris
    write_jsonl(settings.landing_dir / "acd" / "contacts_20261005.jsonl",
                [ctr("c1", "2026-10-05T08:00:00"), ctr("c2", "2026-10-05T23:30:00"),
                 ctr("c3", "2026-10-04T21:59:00")])
    schedules = settings.landing_dir / "wfm" / "schedules_20261005.txt"
    lines = schedules.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("|20261005|", "|20261006|")  # a row of tomorrow's schedule
    schedules.write_text("".join(lines))
    decisions, _ = _run(settings, "acd", MON)
    wfm, _ = _run(settings, "wfm", MON)
    contacts = next(d for d in decisions if d["entity"] == "acd__contacts")
    assert contacts["action"] == "quarantine"
    assert "every row belongs to the file's business day" in contacts["message"]
    assert "row(s) [2, 3]" in contacts["message"]  # 01:30 on the 6th, 23:59 on the 4th (Paris)
    sched = next(d for d in wfm if d["entity"] == "wfm__schedules")
    assert sched["action"] == "quarantine" and "row(s) [2]" in sched["message"]
    assert "business day" in sched["message"]
    assert next(d for d in wfm if d["entity"] == "wfm__forecasts")["action"] == "load"
    assert _rows(settings, "wfm_schedules", MON) == 0


def test_offsets_that_contradict_the_center_warn_in_the_load_log(generated):
    settings = generated
    path = settings.landing_dir / "acd" / "agent_intervals_20261005.csv"
    text = path.read_text()
    assert "+02:00" in text  # Paris in October
    path.write_text(text.replace("+02:00", "+05:00"))
    _run(settings, "acd", MON)
    status, _, message = _log(settings, "acd__agent_intervals", MON)
    assert status == "loaded" and "offsets:" in message and "+05:00" in message
    contacts = _log(settings, "acd__contacts", MON)  # UTC ('Z') is not a contradiction
    assert contacts[0] == "loaded" and "offsets:" not in (contacts[2] or "")


def test_a_volume_anomaly_warns_against_the_same_weekday_median(settings, capsys):
    days = [MON - timedelta(days=k) for k in (21, 14, 7)]
    for day in days:
        write_jsonl(settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl",
                    [ctr(f"{day}-{i}", f"{day}T08:{i:02d}:00") for i in range(60)])
    write_jsonl(settings.landing_dir / "acd" / "contacts_20261005.jsonl",
                [ctr(f"big-{i}", f"2026-10-05T{9 + i // 60:02d}:{i % 60:02d}:00") for i in range(600)])
    tue = MON + timedelta(days=1)
    write_jsonl(settings.landing_dir / "acd" / f"contacts_{tue:%Y%m%d}.jsonl",
                [ctr("t1", "2026-10-06T08:00:00")])
    _run(settings, "acd", days[0], tue)  # one pass over the history: the batch is the history
    status, rows, message = _log(settings, "acd__contacts", MON)
    assert (status, rows) == ("loaded", 600) and "volume: 600 row(s) is 10x the median (60)" in message
    assert _log(settings, "acd__contacts", days[-1])[2] is None
    assert _log(settings, "acd__contacts", tue)[2] is None  # no Tuesday history: no judgement
    small = MON + timedelta(days=7)
    write_jsonl(settings.landing_dir / "acd" / f"contacts_{small:%Y%m%d}.jsonl",
                [ctr(f"s{i}", f"{small}T08:0{i}:00") for i in range(6)])
    _run(settings, "acd", small)
    assert "volume: 6 row(s) is 0.1x the median (60)" in _log(settings, "acd__contacts", small)[2]
    assert cli.main(["status"]) == 0
    assert "volume: 6 row(s)" in capsys.readouterr().out


def test_a_csv_in_the_wrong_encoding_is_quarantined_and_the_other_files_go_on(generated):
    settings = generated
    generate(settings.landing_dir, MON + timedelta(days=1), MON + timedelta(days=2), contacts_per_day=150)
    folder = settings.landing_dir / "crm"
    monday = (folder / "surveys_20261005.csv").read_text()
    cp1252 = monday.splitlines(keepends=True)
    cp1252[3] = cp1252[3].replace("CSAT", "CSAT é")
    (folder / "surveys_20261005.csv").write_bytes("".join(cp1252).encode("cp1252"))
    (folder / "surveys_20261006.csv").write_bytes((folder / "surveys_20261006.csv").read_text()
                                                  .encode("utf-16"))
    bom = (folder / "surveys_20261007.csv").read_text()
    (folder / "surveys_20261007.csv").write_bytes(b"\xef\xbb\xbf" + bom.encode("utf-8"))
    decisions, _ = _run(settings, "crm", MON, MON + timedelta(days=2))
    surveys = {d["day"]: d for d in decisions if d["entity"] == "crm__surveys"}
    assert surveys["2026-10-05"]["action"] == "quarantine"
    assert "encoding" in surveys["2026-10-05"]["message"] and "line 4" in surveys["2026-10-05"]["message"]
    assert surveys["2026-10-06"]["action"] == "quarantine" and "encoding" in surveys["2026-10-06"]["message"]
    assert surveys["2026-10-07"]["action"] == "load"  # an Excel UTF-8 BOM is read, not rejected
    assert _rows(settings, "crm_surveys", MON + timedelta(days=2)) == len(bom.splitlines()) - 1
    assert all(d["action"] == "load" for d in decisions if d["entity"] == "crm__cases")
    # a valid re-delivery of the quarantined day loads
    (folder / "surveys_20261005.csv").write_text(monday)
    decisions, _ = _run(settings, "crm", MON)
    assert _log(settings, "crm__surveys", MON)[:2] == ("loaded", len(monday.splitlines()) - 1)
