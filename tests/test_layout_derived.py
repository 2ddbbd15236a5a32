"""Derived columns (concat, case, arithmetic), clock-skew tolerance, versions and rules files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pilotage.ingest.layout_parser import parse_layout
from pilotage.ingest.layout_spec import LayoutError
from pilotage.ingest.reader import Delivered, read_file
from pilotage.ingest.rules import RulesError, parse_rules

CONTACT_COLUMNS = (
    "contact_id", "initial_contact_id", "channel", "initiation_method", "queue_name", "initiated_at",
    "enqueued_at", "dequeued_at", "connected_to_agent_at", "acw_started_at", "acw_ended_at",
    "disconnected_at", "last_updated_at", "disconnect_reason", "agent_username", "queue_seconds",
    "talk_seconds", "hold_seconds", "hold_count", "acw_seconds", "customer_endpoint_type",
    "customer_address", "customer_id", "case_number")


def _contacts(columns: dict, **top) -> dict:
    cols = {c: {"value": None} for c in CONTACT_COLUMNS}
    cols.update(columns)
    return {"entity": "acd__contacts", "format": "csv", **top, "columns": cols}


def _values(series) -> list:
    return [None if pd.isna(v) else v for v in series.tolist()]


def _read(doc: dict, path: Path, text: str):
    path.write_text(text, encoding="utf-8")
    return read_file(parse_layout(doc), Delivered(path, date(2026, 10, 6), "sha", path.name))


def test_concat_case_and_arithmetic(tmp_path):
    doc = _contacts({
        "contact_id": {"concat": ["trunk", "id"], "sep": "/"},
        "talk_seconds": {"multiply": ["avg", "n"], "format": "hms"},
        "hold_seconds": {"subtract": ["total", "talk"]},
        "outcome": {"case": [{"when": {"field": "res", "in": ["AGENT"]}, "then": "answered"},
                             {"when": {"any": [{"field": "res", "equals": "ABN"},
                                               {"field": "ans", "in": ["N"]}]}, "then": "abandoned"}],
                    "else": "other"},
        "agent_username": {"case": [{"when": {"field": "res", "in": ["AGENT"]}, "then": {"from": "who"}}]},
    })
    frame = _read(doc, tmp_path / "c.csv", "trunk,id,avg,n,total,talk,res,ans,who\n"
                  "T1,7,0:01:00,2,100,40,AGENT,Y,bob\nT2,7,10,x,5,,ABN,N,amy\n,8,1,1,1,1,VM,N,\n")
    assert _values(frame["contact_id"]) == ["T1/7", "T2/7", None]
    assert frame["talk_seconds"].tolist()[0] == 120
    assert frame["hold_seconds"].tolist()[0] == 60
    assert _values(frame["outcome"]) == ["answered", "abandoned", "abandoned"]
    assert _values(frame["agent_username"]) == ["bob", None, None]
    # n = "x" is present but not a number: the row says which column failed
    assert _values(frame["_errors"]) == [None, "talk_seconds", None]


def test_an_unmapped_optional_column_is_null_and_other_layouts_need_not_name_it(tmp_path):
    frame = _read(_contacts({"contact_id": {"from": "id"}}), tmp_path / "c.csv", "id\nc1\n")
    assert frame["outcome"].isna().all()


@pytest.mark.parametrize(("tolerance", "answered"), [
    (None, datetime(2026, 10, 6, 8, 59, 59)),  # one second early: skew, not the next day
    (0, datetime(2026, 10, 7, 8, 59, 59)),  # no tolerance: the old midnight rule
    ("30m", datetime(2026, 10, 6, 8, 59, 59)),
])
def test_after_crosses_midnight_only_beyond_the_skew_tolerance(tmp_path, tolerance, answered):
    connected = {"from": "d", "time_from": "a", "after": "initiated_at"}
    if tolerance is not None:
        connected["after_tolerance"] = tolerance
    doc = _contacts({"contact_id": {"from": "id"}, "initiated_at": {"from": "d", "time_from": "s"},
                     "connected_to_agent_at": connected,
                     "disconnected_at": {"from": "d", "time_from": "e", "after": "initiated_at"}})
    frame = _read(doc, tmp_path / "c.csv", "id,d,s,a,e\nc1,2026-10-06,09:00:00,08:59:59,00:10:00\n")
    assert frame["connected_to_agent_at"].tolist() == [answered]
    assert frame["disconnected_at"].tolist() == [datetime(2026, 10, 7, 0, 10)]


@pytest.mark.parametrize(("change", "message"), [
    ({"contact_id": {"concat": ["a"]}}, "columns.contact_id.concat' must list two or more"),
    ({"talk_seconds": {"concat": ["a", "b"]}}, "concat' builds text"),
    ({"contact_id": {"concat": ["a", "b"], "regex": "(x)"}}, "cannot be used with 'concat'"),
    ({"queue_name": {"case": [{"when": {"column": "channel", "in": ["X"]}, "then": "Q"}]}},
     "tests source fields"),
    ({"queue_name": {"case": [{"if": {"field": "a", "in": ["X"]}, "then": "Q"}]}}, "{when: <test>, then: <value>}"),
    ({"queue_name": {"multiply": ["a", "b"]}}, "arithmetic needs a numeric column"),
    ({"connected_to_agent_at": {"from": "a", "after_tolerance": 5}}, "only applies with 'after'"),
    ({"connected_to_agent_at": {"from": "a", "after": "initiated_at", "after_tolerance": "soon"}},
     "like 90s, 30m, 1h"),
])
def test_derived_column_mistakes_name_the_key(change, message):
    with pytest.raises(LayoutError, match="layout <memory>: key '"):
        parse_layout(_contacts({"contact_id": {"from": "id"}, **change}))
    with pytest.raises(LayoutError) as err:
        parse_layout(_contacts({"contact_id": {"from": "id"}, **change}))
    assert message in str(err.value)


@pytest.mark.parametrize(("top", "message"), [
    ({"versions": {"order_by": "nope"}}, "versions.order_by' must be a acd__contacts column"),
    ({"versions": {"key": ["nope"], "order_by": "last_updated_at"}}, "versions.key' must list columns"),
    ({"versions": "last_updated_at"}, "must be {order_by: column}"),
    ({"file": "calls.tsv"}, "does not name the day"),
    ({"file": "calls_{yyyy}{date}.tsv"}, "unknown placeholder"),
])
def test_versions_and_file_pattern_mistakes(top, message):
    with pytest.raises(LayoutError) as err:
        parse_layout(_contacts({"contact_id": {"from": "id"}}, **top))
    assert message in str(err.value)


def test_versions_default_to_the_contract_key():
    layout = parse_layout(_contacts({"contact_id": {"from": "id"}}, versions={"order_by": "_row_number"},
                                    file="CALLS_{yymmdd}.TXT"))
    assert (layout.versions.key, layout.versions.order_by, layout.file) == (("contact_id",), "_row_number",
                                                                          "CALLS_{yymmdd}.TXT")


@pytest.mark.parametrize(("doc", "message"), [
    ({"nope__x": {}}, "unknown entity"),
    ({"acd__contacts": {"r": "fatal"}}, "give a severity"),
    ({"acd__contacts": {"r": {"severity": "warning", "max_rows": 3}}}, "only apply to reject_rows"),
    ({"acd__contacts": {"r": {"severity": "reject_rows", "max_share": 5}}}, "share between 0 and 1"),
])
def test_rules_file_mistakes(doc, message):
    with pytest.raises(RulesError) as err:
        parse_rules(doc)
    assert message in str(err.value)


def test_reject_rows_thresholds():
    rules = parse_rules({"acd__contacts": {"a": "reject_rows", "b": {"severity": "reject_rows", "max_rows": 3},
                                           "c": {"severity": "reject_rows", "max_share": 0.5}}})["acd__contacts"]
    assert not rules["a"].too_many(5, 100) and rules["a"].too_many(6, 100)  # default 5 %
    assert not rules["b"].too_many(3, 4) and rules["b"].too_many(4, 100)
    assert not rules["c"].too_many(2, 4) and rules["c"].too_many(3, 4)
