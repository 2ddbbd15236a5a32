"""What validation spends its time on: each JSON record parsed once, GX given only the columns
its rules read, and no row-by-row hashing of a batch for a fingerprint nothing reads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pilotage.ingest.layout_lookup import load_layout
from pilotage.ingest.layout_sql import LayoutCompiler
from pilotage.ingest.validation import _gx, _row_numbers, _run, load_suite, suite_columns
from pilotage.settings import Settings

EXPECTATIONS = Settings.build({}).expectations_dir


def _suite(*expectations):
    gx, _ = _gx()
    return gx.ExpectationSuite(name="s", expectations=[dict(e) for e in expectations])


def test_a_json_record_is_parsed_once_for_all_its_fields():
    compiler = LayoutCompiler(load_layout("acd__contacts"))
    columns = compiler.select_list()
    source = compiler.source("records")
    assert "json_extract_string" not in columns  # fields are read from the one extraction
    assert source.count("json_extract_string(_root, [") == 1
    assert compiler.source("records") == source  # asking again extracts nothing more


def test_a_csv_layout_reads_its_columns_as_they_are():
    compiler = LayoutCompiler(load_layout("crm__cases"))
    compiler.select_list()
    assert compiler.source("records") == "records"


def test_gx_is_given_only_the_columns_the_rules_read():
    suite = load_suite(EXPECTATIONS, "crm__surveys")
    wanted = suite_columns(suite)
    assert {"_row_number", "_errors", "score", "scale_max"} <= wanted
    assert "customer_id" not in wanted and "_source_file" not in wanted


@pytest.mark.parametrize("extra", [
    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
    {"type": "expect_column_values_to_not_be_null",
     "kwargs": {"column": "a", "row_condition": 'b=="x"', "condition_parser": "pandas"}},
], ids=["table-rule", "row-condition"])
def test_a_rule_that_may_read_any_column_gets_the_whole_frame(extra):
    rule = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}
    assert suite_columns(_suite(rule)) == {"_row_number", "a"}
    assert suite_columns(_suite(rule, extra)) is None


def test_narrowed_frame_gives_the_same_results_with_row_numbers():
    frame = pd.DataFrame({"a": [1, None, 3], "b": ["x", "y", None], "unread": ["p", "q", "r"],
                          "_row_number": [1, 2, 3]})
    suite = _suite({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
                   {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "b"}})
    results = _run(suite, frame, with_rows=True).results
    assert [_row_numbers(r) for r in results] == [[2], [3]]


def test_a_batch_is_not_hashed_for_a_fingerprint():
    frame = pd.DataFrame({"a": [1, 2], "_row_number": [1, 2], "day": [date(2026, 1, 1)] * 2})
    suite = _suite({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}})
    outcome = _run(suite, frame, with_rows=False)
    assert outcome.success
    assert "pandas_data_fingerprint" not in outcome.meta["batch_markers"]
