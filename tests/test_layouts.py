"""Layout mappings: shipped layouts are complete; bad layouts name the key; parsing rules."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pilotage.ingest.contracts import ENTITIES
from pilotage.ingest.layout_lookup import load_layout
from pilotage.ingest.layout_parser import parse_layout
from pilotage.ingest.layout_spec import LayoutError
from pilotage.ingest.reader import Delivered, read_file


def _read(layout, path: Path, day: date = date(2026, 10, 25)):
    return read_file(layout, Delivered(path, day, "sha", path.name))


@pytest.mark.parametrize("ent", ENTITIES, ids=lambda e: e.key)
def test_every_entity_has_a_shipped_layout_covering_its_contract(ent):
    layout = load_layout(ent.key)
    assert {c.name for c in layout.columns} == set(ent.columns)


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"format": "csv", "columns": {}}, "entity"),
        ({"entity": "crm__surveys", "format": "xml", "columns": {}}, "format"),
        ({"entity": "crm__surveys", "format": "csv", "columns": {"nope": {"from": "x"}}}, "columns"),
        ({"entity": "crm__surveys", "format": "csv", "columns": {"survey_id": {"form": "x"}}},
         "columns.survey_id"),
    ],
)
def test_malformed_layout_error_names_the_key(doc, key):
    with pytest.raises(LayoutError, match=f"key '{key}"):
        parse_layout(doc, "test.yml")


def test_local_wall_clock_is_converted_to_utc_across_dst(tmp_path):
    path = tmp_path / "forecasts_20261025.txt"
    path.write_text(
        "DATE|PERIOD|TZ|CT_ID|FCST_CONTACTS|FCST_AHT|FCST_REQ\r\n"
        "20261024|09:00|Europe/Paris|VOICE_BILLING|10|300|4\r\n"  # CEST, UTC+2
        "20261026|09:00|Europe/Paris|VOICE_BILLING|12|300|5\r\n",  # CET, UTC+1
        encoding="utf-8",
    )
    frame = _read(load_layout("wfm__forecasts"), path)
    assert list(frame["interval_start_at"]) == [datetime(2026, 10, 24, 7), datetime(2026, 10, 26, 8)]
    assert list(frame["interval_start_local"]) == [datetime(2026, 10, 24, 9), datetime(2026, 10, 26, 9)]
    assert frame["_errors"].isna().all()


def test_end_before_start_crosses_midnight(tmp_path):
    path = tmp_path / "schedules.txt"
    path.write_text("AGENT_ID|DATE|ACTIVITY|START|END|TZ\nAG-1|20260115|OPEN|18:00|00:30|Europe/Paris\n")
    row = _read(load_layout("wfm__schedules"), path).iloc[0]
    assert row["start_at"] == datetime(2026, 1, 15, 17, 0)
    assert row["end_at"] == datetime(2026, 1, 15, 23, 30)


def test_unparseable_values_are_listed_in_errors_with_their_row(tmp_path):
    path = tmp_path / "surveys.csv"
    path.write_text(
        "survey_id,contact_id,case_number,question,score,scale_max,answered_at\n"
        "s1,c1,1,CSAT,5,5,2026-10-25T10:00:00Z\n"
        "s2,c2,2,CSAT,five,5,yesterday\n"
    )
    frame = _read(load_layout("crm__surveys"), path)
    assert pd.isna(frame.loc[0, "_errors"])
    assert frame.loc[1, "_errors"] == "score,answered_at"
    assert frame["_row_number"].tolist() == [1, 2]


def test_sentinels_code_maps_and_formats(tmp_path):
    doc = {
        "entity": "crm__surveys", "format": "csv", "delimiter": "\t",
        "columns": {
            "survey_id": {"from": "id"}, "contact_id": {"from": "call", "nulls": ["NO_CALL"]},
            "case_number": {"from": "case"}, "question": {"from": "q", "values": {"sat": "CSAT"}},
            "score": {"from": "s"}, "scale_max": {"from": "m"},
            "answered_at": {"from": "d", "format": "%y%m%d", "time_from": "t",
                            "time_format": "%H:%M:%S", "tz": "Europe/Paris"},
        },
    }
    path = tmp_path / "s.tsv"
    path.write_text("id\tcall\tcase\tq\ts\tm\td\tt\nx\tNO_CALL\t9\tsat\t4\t5\t260704\t9:05:00\n")
    row = _read(parse_layout(doc), path).iloc[0]
    assert row["contact_id"] is None
    assert row["question"] == "CSAT"
    assert row["answered_at"] == datetime(2026, 7, 4, 7, 5)  # 09:05 CEST


def test_missing_csv_column_is_a_layout_error_naming_file_and_column(tmp_path):
    path = tmp_path / "surveys_20261025.csv"
    path.write_text("survey_id,contact_id\ns1,c1\n")
    with pytest.raises(LayoutError, match=r"surveys_20261025.csv: missing column\(s\) \['answered_at'"):
        _read(load_layout("crm__surveys"), path)


def test_malformed_json_is_a_layout_error(tmp_path):
    path = tmp_path / "contacts_20261025.jsonl"
    path.write_text('{"ContactId": "c1"}\n{"ContactId": \n')
    with pytest.raises(LayoutError, match="contacts_20261025.jsonl: cannot be read as jsonl"):
        _read(load_layout("acd__contacts"), path)
