"""Declarative layout mappings: every option on small hand-made files, and clear errors."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pilotage.ingest.contracts import entity
from pilotage.ingest.layout_lookup import layout_of
from pilotage.ingest.layout_parser import parse_layout
from pilotage.ingest.layout_spec import LayoutError
from pilotage.ingest.reader import Delivered, map_file, read_file
from pilotage.settings import Settings

SURVEY_COLUMNS = ("survey_id", "contact_id", "case_number", "question", "score", "scale_max", "answered_at")


def _read(layout, path: Path):
    return read_file(layout, Delivered(path, date(2026, 10, 25), "sha", path.name))


def _surveys(columns: dict, **top) -> dict:
    cols = {c: {"value": None} for c in SURVEY_COLUMNS}
    cols.update(columns)
    return {"entity": "crm__surveys", "format": "csv", **top, "columns": cols}


def test_headerless_tsv_by_position_in_cp1252_with_crlf(tmp_path):
    doc = _surveys(
        {"survey_id": {"from": 1}, "question": {"from": 3}, "score": {"from": 2}},
        format="tsv",
        header=False,
        encoding="cp1252",
        line_endings="crlf",
    )
    path = tmp_path / "s.tsv"
    path.write_bytes("s1\t4\tCSAT\tRéponse très bien\r\ns2\t5\tCES\t€\r\n".encode("cp1252"))
    frame = _read(parse_layout(doc), path)
    assert frame[["survey_id", "score", "question"]].values.tolist() == [["s1", 4, "CSAT"], ["s2", 5, "CES"]]
    assert frame["_errors"].isna().all()


def test_wrong_encoding_is_a_clear_layout_error(tmp_path):
    doc = _surveys({"survey_id": {"from": "id"}}, encoding="utf-16")
    path = tmp_path / "s.csv"
    path.write_bytes(b"id\nabc\n")  # odd number of bytes: not UTF-16
    with pytest.raises(LayoutError, match="s.csv: cannot be decoded as utf-16"):
        _read(parse_layout(doc), path)


def test_utf16_and_cr_only_line_endings_and_skip_rows(tmp_path):
    doc = _surveys(
        {"survey_id": {"from": "id"}, "score": {"from": "n"}},
        encoding="utf-16",
        line_endings="cr",
        delimiter=";",
        skip_rows=1,
    )
    path = tmp_path / "s.csv"
    path.write_bytes("Report title;\rid;n\rs1;3\rs2;4\r".encode("utf-16"))
    assert _read(parse_layout(doc), path)["score"].tolist() == [3, 4]


def test_epoch_unpadded_times_iso_offsets_and_hms_durations(tmp_path):
    doc = _surveys(
        {
            "survey_id": {"from": "id"},
            "answered_at": {"from": "t", "format": "epoch"},
            "score": {"from": "d", "format": "hms"},
            "scale_max": {"from": "ms", "format": "hms", "scale": 0.5},
        }
    )
    path = tmp_path / "s.csv"
    path.write_text("id,t,d,ms\na,1791442800,1:02:03,0:10\nb,1791442800.5,-0:05,7\n")
    frame = _read(parse_layout(doc), path)
    assert frame["answered_at"].tolist()[0] == datetime(2026, 10, 8, 7, 0)
    assert frame["score"].tolist() == [3723, -5]
    assert frame["scale_max"].tolist() == [5, 4]  # 10 s * 0.5; 7 * 0.5 = 3.5 rounds to 4
    doc["columns"]["answered_at"] = {"from": "t", "format": "epoch_ms"}
    path.write_text("id,t,d,ms\na,1791442800123,0:00,0\n")
    assert _read(parse_layout(doc), path)["answered_at"][0] == datetime(2026, 10, 8, 7, 0, 0, 123000)
    doc["columns"]["answered_at"] = {"from": "t"}
    path.write_text("id,t,d,ms\na,2026-07-04T09:05:00+02:00,0,0\nb,2026-07-04 9:05:00,0,0\n")
    frame = _read(parse_layout(doc), path)
    assert frame["answered_at"][0] == datetime(2026, 7, 4, 7, 5)
    doc["columns"]["answered_at"] = {"from": "t", "format": "%Y-%m-%d %H:%M:%S", "tz": "America/New_York"}
    assert _read(parse_layout(doc), path)["answered_at"][1] == datetime(2026, 7, 4, 13, 5)  # 9:05 EDT


def test_separate_date_and_unpadded_time_in_a_zone_crossing_midnight(tmp_path):
    path = tmp_path / "log.tsv"
    path.write_text(
        "c1\t261024\t23:58:10\t0:03:05\n"  # CEST day, ends after midnight
        "c2\t261025\t9:05:00\t9:10:00\n"
    )  # the DST change day (CET from 03:00)
    doc = {
        "entity": "acd__contacts",
        "format": "tsv",
        "header": False,
        "columns": {c: {"value": None} for c in entity("acd__contacts").columns},
    }
    doc["columns"].update(
        {
            "contact_id": {"from": 1},
            "initiated_at": {"from": 2, "format": "%y%m%d", "time_from": 3, "tz": "Europe/Paris"},
            "disconnected_at": {
                "from": 2,
                "format": "%y%m%d",
                "time_from": 4,
                "tz": "Europe/Paris",
                "after": "initiated_at",
            },
        }
    )
    frame = _read(parse_layout(doc), path)
    assert frame["initiated_at"].tolist() == [
        datetime(2026, 10, 24, 21, 58, 10),
        datetime(2026, 10, 25, 8, 5),
    ]
    assert frame["disconnected_at"].tolist() == [
        datetime(2026, 10, 24, 22, 3, 5),
        datetime(2026, 10, 25, 8, 10),
    ]


def test_null_sentinels_blank_vs_zero_code_maps_with_default_and_constants(tmp_path):
    doc = _surveys(
        {
            "survey_id": {"from": "id"},
            "contact_id": {"from": "agent", "nulls": ["NO_SERVER"]},
            "score": {"from": "talk", "format": "hms", "nulls": ["0:00:00"]},
            "scale_max": {"from": "holds"},
            "question": {
                "from": "outcome",
                "values": {"ANS": "answered", "ABN": "abandoned"},
                "default": "other",
            },
            "case_number": {"const": "N/A"},
        }
    )
    path = tmp_path / "s.csv"
    path.write_text(
        "id,agent,talk,holds,outcome\na,a.b,0:01:00,0,ANS\nb,NO_SERVER,0:00:00,,ABN\nc,x,,3,BUSY\n"
    )
    frame = _read(parse_layout(doc), path)
    assert pd.isna(frame["contact_id"][1])
    assert pd.isna(frame["score"][1]) and frame["score"][0] == 60
    assert frame["scale_max"][0] == 0 and pd.isna(frame["scale_max"][1])  # 0 stays 0, blank is NULL
    assert frame["question"].tolist() == ["answered", "abandoned", "other"]
    assert frame["case_number"].tolist() == ["N/A"] * 3
    assert frame["answered_at"].isna().all()
    assert frame["_errors"].isna().all()


def test_drop_rules_remove_records_and_count_them_per_rule(tmp_path):
    doc = _surveys(
        {"survey_id": {"from": "id"}, "score": {"from": "s"}, "question": {"from": "q"}},
        drop_when=[
            {"name": "test survey", "field": "id", "in": ["TEST"]},
            {
                "name": "empty score on CES",
                "all": [{"column": "score", "is_null": True}, {"field": "q", "equals": "CES"}],
            },
            {
                "name": "out of range",
                "any": [{"column": "score", "above": 10}, {"column": "score", "below": 0}],
            },
        ],
    )
    path = tmp_path / "s.csv"
    path.write_text("id,s,q\na,4,CSAT\nTEST,5,CSAT\nb,,CES\nc,,CSAT\nd,11,CES\ne,-1,CES\n")
    mapped = map_file(parse_layout(doc), Delivered(path, date(2026, 1, 1), "sha", path.name))
    assert mapped.rows["survey_id"].tolist() == ["a", "c"]
    assert mapped.rows["_row_number"].tolist() == [1, 4]  # the file's record numbers are kept
    assert mapped.drop_counts == {"test survey": 1, "empty score on CES": 1, "out of range": 2}
    assert mapped.dropped["_row_number"].tolist() == [2, 3, 5, 6]
    assert _read(parse_layout(doc), path).attrs["dropped"] == mapped.drop_counts


def test_json_whole_file_array_records_path_and_concatenated_objects(tmp_path):
    doc = _surveys({"survey_id": {"from": "id"}, "score": {"from": "answer.score"}}, format="json")
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"id": "a", "answer": {"score": 4}}, {"id": "b", "answer": {"score": 5}}]))
    assert _read(parse_layout(doc), path)["survey_id"].tolist() == ["a", "b"]
    path.write_text('{"id": "a", "answer": {"score": 4}}{"id": "b", "answer": {"score": 5}}')  # Firehose
    assert _read(parse_layout(doc), path)["score"].tolist() == [4, 5]
    doc["records"] = "data.items"
    path.write_text(
        '{"data": {"items": [{"id": "a"}, {"id": "b"}]}, "next": "x"}\n'
        '{"data": {"items": [{"id": "c"}]}, "next": null}\n'
    )  # one API page per line
    frame = _read(parse_layout(doc), path)
    assert frame["survey_id"].tolist() == ["a", "b", "c"] and frame["_row_number"].tolist() == [1, 2, 3]


def test_nested_arrays_filters_and_aggregations(tmp_path):
    conv = {
        "id": "c1",
        "participants": [
            {
                "purpose": "customer",
                "sessions": [{"ani": "tel:+331", "segments": [{"t": "interact", "end": "x"}]}],
            },
            {
                "purpose": "agent",
                "user": "u1",
                "sessions": [
                    {
                        "segments": [
                            {"t": "interact", "s": "2026-01-01T10:00:00Z", "e": "2026-01-01T10:01:00Z"},
                            {"t": "hold", "s": "2026-01-01T10:01:00Z", "e": "2026-01-01T10:01:30Z"},
                        ]
                    },
                    {
                        "segments": [
                            {"t": "hold", "s": "2026-01-01T10:02:00Z", "e": "2026-01-01T10:02:15.500Z"},
                            {"t": "wrapup", "s": "2026-01-01T10:03:00Z", "e": "2026-01-01T10:03:40Z"},
                        ]
                    },
                ],
            },
            {"purpose": "agent", "user": "u2", "sessions": []},
        ],
    }
    abandoned = {
        "id": "c2",
        "participants": [
            {"purpose": "customer", "sessions": [{"ani": "mailto:a@b", "segments": [{"t": "interact"}]}]}
        ],
    }
    doc = _surveys(
        {
            "survey_id": {"from": "id"},
            "contact_id": {"from": "participants[purpose=agent].user", "agg": "last"},
            "question": {
                "from": "participants[purpose=agent|customer].sessions[*].segments[t=hold|wrapup].t",
                "agg": "join",
            },
            "score": {
                "from": "participants[purpose=agent].sessions[*].segments[t=hold]",
                "agg": "sum",
                "duration": ["s", "e"],
                "empty_as": 0,
                "only_if": "participants[purpose=agent]",
            },
            "scale_max": {
                "from": "participants[purpose=agent].sessions[*].segments[t=hold]",
                "agg": "count",
                "only_if": "participants[purpose=agent]",
            },
            "case_number": {"from": "participants[0].sessions[0].ani", "regex": "^(?:tel:|mailto:)(.*)$"},
            "answered_at": {"from": "participants[purpose=agent].sessions[*].segments[*].s", "agg": "min"},
        },
        format="json",
        records="conversations",
    )
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"conversations": [conv, abandoned]}))
    frame = _read(parse_layout(doc), path)
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["contact_id"] == "u2" and first["question"] == "hold,hold,wrapup"
    assert first["score"] == 46 and first["scale_max"] == 2  # 30 s + 15.5 s, rounded; two holds
    assert first["case_number"] == "+331" and first["answered_at"] == datetime(2026, 1, 1, 10, 0)
    assert pd.isna(second["contact_id"]) and pd.isna(second["score"]) and pd.isna(second["scale_max"])
    assert second["case_number"] == "a@b"
    assert frame["_errors"].isna().all()


def test_a_vendor_layout_is_selected_per_entity_by_configuration():
    chosen = Settings.build(env={"PILOTAGE_LAYOUTS": "acd__contacts=genesys_cloud__conversation_details"})
    assert layout_of("acd__contacts", chosen).path.name == "genesys_cloud__conversation_details.yml"
    assert layout_of("crm__cases", chosen).path.name == "crm__cases.yml"
    chosen = Settings.build(env={"PILOTAGE_LAYOUTS": '{"crm__cases": "genesys_cloud__conversation_details"}'})
    with pytest.raises(LayoutError, match="that layout maps acd__contacts"):
        layout_of("crm__cases", chosen)
    chosen = Settings.build(env={"PILOTAGE_LAYOUTS": "crm__cases=nope"})
    with pytest.raises(LayoutError, match="selects 'nope' for crm__cases.*vendor layouts: \\["):
        layout_of("crm__cases", chosen)


def test_a_users_own_vendor_layout_folder(tmp_path, monkeypatch):
    (tmp_path / "vendors").mkdir()
    (tmp_path / "vendors" / "my_survey_tool.yml").write_text(
        "entity: crm__surveys\nformat: psv\ncolumns:\n"
        + "".join(f"  {c}: {{from: {c.upper()}}}\n" for c in SURVEY_COLUMNS)
    )
    chosen = Settings.build(env={"PILOTAGE_LAYOUTS": "crm__surveys=my_survey_tool",
                                 "PILOTAGE_LAYOUTS_DIR": str(tmp_path)})
    layout = layout_of("crm__surveys", chosen)
    assert layout.delimiter == "|" and layout.path.parent.name == "vendors"


def _full(**columns):
    return _surveys({"survey_id": {"from": "id"}, **columns})


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({**_full(), "format": "tsv", "header": "no"}, "header"),
        ({**_full(), "encoding": "klingon"}, "encoding"),
        ({**_full(), "line_endings": "unix"}, "line_endings"),
        ({**_full(), "skip_rows": -1}, "skip_rows"),
        ({**_full(), "quote": "''"}, "quote"),
        ({**_full(), "colums": {}}, "colums"),
        ({**_full(), "records": "data"}, "records"),
        ({**_full(), "format": "tsv", "header": False}, "columns.survey_id.from"),
        ({**_full(score={"from": "s", "format": "epoch"})}, "columns.score.format"),
        ({**_full(answered_at={"from": "t", "format": "hms"})}, "columns.answered_at.format"),
        ({**_full(score={"from": "s", "scale": "x"})}, "columns.score.scale"),
        ({**_full(score={"from": "s", "regex": "[0-9]+"})}, "columns.score.regex"),
        ({**_full(score={"from": "s", "regex": "(["})}, "columns.score.regex"),
        ({**_full(score={"from": "s", "value": 3})}, "columns.score"),
        ({**_full(score={"value": 3})}, "columns.score.value"),
        ({**_full(score={"from": "s", "default": 0})}, "columns.score.default"),
        ({**_full(score={"const": [1]})}, "columns.score.const"),
        ({**_full(score={"const": 1, "nulls": ["x"]})}, "columns.score"),
        ({**_full(score={"from": "s", "agg": "sum"})}, "columns.score.agg"),
        (
            {**_full(), "format": "json", "columns": {**_full()["columns"], "score": {"from": "a[*].b"}}},
            "columns.score.agg",
        ),
        (
            {
                **_full(),
                "format": "json",
                "columns": {**_full()["columns"], "score": {"from": "a.b", "agg": "sum"}},
            },
            "columns.score.agg",
        ),
        (
            {
                **_full(),
                "format": "json",
                "columns": {**_full()["columns"], "score": {"from": "a[*]", "agg": "median"}},
            },
            "columns.score.agg",
        ),
        (
            {
                **_full(),
                "format": "json",
                "columns": {**_full()["columns"], "score": {"from": "a[x]", "agg": "sum"}},
            },
            "columns.score.from",
        ),
        (
            {
                **_full(),
                "format": "json",
                "columns": {
                    **_full()["columns"],
                    "score": {"from": "a[*]", "agg": "count", "duration": ["s"]},
                },
            },
            "columns.score.duration",
        ),
        ({**_full(score={"from": "s", "empty_as": 0})}, "columns.score.empty_as"),
        ({**_full(answered_at={"from": "t", "after": "nope"})}, "columns.answered_at.after"),
        ({**_full(score={"from": "s", "after": "answered_at"})}, "columns.score.after"),
        ({**_full(), "drop_when": {"name": "x"}}, "drop_when"),
        ({**_full(), "drop_when": [{"field": "x", "in": ["a"]}]}, "drop_when[0].name"),
        ({**_full(), "drop_when": [{"name": "a", "field": "x", "in": "a"}]}, "drop_when[0].in"),
        ({**_full(), "drop_when": [{"name": "a", "column": "nope", "is_null": True}]}, "drop_when[0].column"),
        ({**_full(), "drop_when": [{"name": "a", "field": "x"}]}, "drop_when[0]"),
        ({**_full(), "drop_when": [{"name": "a", "field": "x", "is_nul": True}]}, "drop_when[0]"),
        (
            {**_full(), "drop_when": [{"name": "a", "all": [{"field": "x", "below": "3"}]}]},
            "drop_when[0].all[0].below",
        ),
        (
            {
                **_full(),
                "drop_when": [
                    {"name": "a", "field": "x", "is_null": True},
                    {"name": "a", "field": "y", "is_null": True},
                ],
            },
            "drop_when[1].name",
        ),
    ],
)
def test_malformed_mapping_error_names_the_key(doc, key):
    with pytest.raises(LayoutError, match=f"key '{key.replace('[', '.').replace(']', '.')}"):
        parse_layout(doc, "mine.yml")
