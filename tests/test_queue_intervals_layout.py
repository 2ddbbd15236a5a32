"""Queue interval reports without the warehouse: the vendor layout turns averages into totals
and percentages into shares, interval labels into starts; a center that sends no interval
report is not told one is missing."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pilotage.ingest import pipeline
from pilotage.ingest.layout_lookup import load_layout
from pilotage.ingest.layout_parser import parse_layout
from pilotage.ingest.layout_spec import LayoutError
from pilotage.ingest.reader import Delivered, read_file
from pilotage.window import Window

REPORT = Path(__file__).parent / "fixtures" / "queue_report_2026-10-06.csv"
DAY = date(2026, 10, 6)


def _values(series) -> list:
    return [None if pd.isna(v) else v for v in series.tolist()]


def test_the_vendor_report_is_read_as_totals_per_queue_and_interval():
    layout = load_layout("acd__queue_intervals", None,
                         {"acd__queue_intervals": "hosted_pbx__queue_interval_report"})
    frame = read_file(layout, Delivered(REPORT, DAY, "sha", REPORT.name))
    assert frame["_errors"].isna().all()
    assert frame["queue_name"].tolist() == ["VOICE_BILLING", "VOICE_BILLING", "VOICE_TECH", "VOICE_TECH",
                                            "VOICE_SALES", "VOICE_SALES"]  # the Total line is dropped
    # "09:15 - 09:30" on 6 October, Paris summer time -> 07:15 UTC
    assert frame["interval_start_at"].tolist()[1] == datetime(2026, 10, 6, 7, 15)
    # AHT 0:05:00 x 10 answered; Avg Talk 0:03:30 x 7; "72.73%" -> 0.7273
    assert _values(frame["handle_seconds"])[:2] == [3000, 1715]
    assert _values(frame["talk_seconds"])[:2] == [2460, 1470]
    assert _values(frame["service_level_published"].round(6))[:3] == [0.7273, 0.75, 0.6]
    # an interval with no call: blank averages stay blank (no error), no published service level
    assert _values(frame["talk_seconds"])[3] is None and _values(frame["service_level_published"])[3] is None


def _intervals(columns: dict) -> dict:
    cols = {c: {"value": None} for c in ("queue_name", "interval_start_at", "interval_minutes", "offered",
                                         "answered", "abandoned", "answered_within_threshold", "short_abandoned",
                                         "talk_seconds")}
    cols.update(columns)
    return {"entity": "acd__queue_intervals", "format": "csv", "columns": cols}


@pytest.mark.parametrize(("spec", "message"), [
    ({"from": "d", "time_regex": "^(..)"}, "only applies with 'time_from'"),
    ({"from": "d", "time_from": "t", "time_regex": "^.."}, "needs a capture group"),
    ({"from": "d", "time_from": "t", "time_regex": "^(.."}, "not a valid pattern"),
])
def test_time_regex_mistakes_name_the_key(spec, message):
    with pytest.raises(LayoutError, match="columns.interval_start_at.time_regex") as err:
        parse_layout(_intervals({"interval_start_at": spec}))
    assert message in str(err.value)


def test_an_interval_report_is_missing_only_for_a_center_that_sends_one(settings, monkeypatch):
    window = Window.half_open(DAY, date(2026, 10, 7))
    entities = {m["entity"]: m["status"] for m in pipeline.land("acd", window, settings)}
    assert "acd__queue_intervals" not in entities and entities["acd__contacts"] == "missing"
    chosen = dataclasses.replace(settings, layouts="acd__queue_intervals=hosted_pbx__queue_interval_report")
    entities = {m["entity"]: m["status"] for m in pipeline.land("acd", window, chosen)}
    assert entities["acd__queue_intervals"] == "missing"
