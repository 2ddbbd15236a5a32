"""Packs, pure units: period labels, formula-injection guard, CSV value format, labels."""

from __future__ import annotations

from datetime import date

import pytest
from pilotage.packs.csv import csv_value
from pilotage.packs.labels import label
from pilotage.packs.periods import detect_grain, latest_complete, parse_period, period_of
from pilotage.packs.sanitize import is_dangerous, neutralize


@pytest.mark.parametrize(("grain", "text", "first", "last"), [
    ("week", "2026-W46", date(2026, 11, 9), date(2026, 11, 15)),
    ("week", "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
    ("month", "2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("month", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("quarter", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("half_year", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("half_year", "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
])
def test_period_labels_round_trip(grain, text, first, last):
    period = parse_period(grain, text)
    assert (period.first, period.last, period.label) == (first, last, text)
    assert detect_grain(text) == grain
    assert period_of(grain, last) == period
    assert period.shift(1).previous() == period
    assert len(period.days) == (last - first).days + 1


def test_period_navigation():
    assert parse_period("month", "2026-01").previous().label == "2025-12"
    assert parse_period("half_year", "2026-H1").previous().label == "2025-H2"
    assert parse_period("week", "2026-W01").previous().label == "2025-W52"
    assert parse_period("month", "2026-10").same_period_last_year().label == "2025-10"
    # the last complete period for a day that closes it, and for the day before
    assert latest_complete("week", date(2026, 11, 15)).label == "2026-W46"
    assert latest_complete("week", date(2026, 11, 14)).label == "2026-W45"
    assert latest_complete("month", date(2026, 10, 31)).label == "2026-10"
    assert latest_complete("half_year", date(2026, 11, 23)).label == "2026-H1"


@pytest.mark.parametrize(("grain", "bad"), [("month", "2026-13"), ("week", "2026-W54"), ("month", "26-10"),
                                            ("half_year", "2026-H3"), ("month", "october"),
                                            ("week", "2026-10")])
def test_bad_period_labels_are_refused(grain, bad):
    with pytest.raises(ValueError):
        parse_period(grain, bad)


@pytest.mark.parametrize("text", ["=1+1", "+33 6 00", "-2", "@SUM(A1)", "\t=x", "\r=x",
                                  '=HYPERLINK("http://x")', "=cmd|' /C calc'!A0"])
def test_dangerous_text_is_neutralized(text):
    assert is_dangerous(text)
    assert neutralize(text) == "'" + text
    assert not is_dangerous(neutralize(text))
    assert csv_value(text) == "'" + text


def test_safe_values_are_untouched():
    assert neutralize("VOICE_BILLING") == "VOICE_BILLING"
    assert csv_value(-0.05) == "-0.050000"          # numbers stay numbers
    assert csv_value(-0.0000001) == "0.000000"      # no negative zero
    assert csv_value(3) == "3" and csv_value(None) == "" and csv_value(True) == "true"
    assert csv_value(date(2026, 10, 1)) == "2026-10-01"
    assert csv_value(float("nan")) == ""


def test_labels_in_both_languages():
    assert label("steering", "fr") == "Comité de pilotage"
    assert label("steering", "en") == "Steering committee"
    assert label("red", "fr") == "rouge"
    assert label("some_new_column", "en") == "some_new_column"
