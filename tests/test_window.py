"""The run window: inclusive business days, the half-open view, UTC bounds across DST, XCom form."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pendulum
import pytest
from pilotage.window import Window

OCT_5, OCT_6, OCT_7 = date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)


def test_inclusive_days_and_the_half_open_view():
    window = Window(first=OCT_5, last=OCT_6)
    assert window == Window.half_open(OCT_5, OCT_7)
    assert (window.start, window.end) == (OCT_5, OCT_7)  # [start, end): end is exclusive
    assert window.days() == list(window) == [OCT_5, OCT_6] and len(window) == 2
    assert window.contains(OCT_6) and OCT_5 in window
    assert not window.contains(OCT_7) and not window.contains(None) and OCT_7 not in window
    assert str(window) == "2026-10-05..2026-10-06"


def test_positional_or_backwards_windows_are_refused():
    with pytest.raises(TypeError):
        Window(OCT_5, OCT_7)  # inclusive or exclusive end? say it with a keyword
    with pytest.raises(ValueError, match="before it starts"):
        Window(first=OCT_6, last=OCT_5)


def test_utc_bounds_are_local_midnights_across_daylight_saving_changes():
    spring = Window(first=date(2026, 3, 29), last=date(2026, 3, 29))  # a 23-hour day in Paris
    assert spring.utc_bounds() == (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 22, tzinfo=UTC))
    autumn = Window(first=date(2026, 10, 25), last=date(2026, 10, 25))  # a 25-hour day
    assert (autumn.end_utc - autumn.start_utc).total_seconds() == 25 * 3600
    montreal = Window(first=OCT_5, last=OCT_5, time_zone="America/Montreal")
    assert montreal.start_utc == datetime(2026, 10, 5, 4, tzinfo=UTC)


def test_window_of_a_data_interval_in_the_center_time_zone():
    paris = "Europe/Paris"
    daily = Window.of_interval(pendulum.datetime(2026, 10, 5, tz=paris), pendulum.datetime(2026, 10, 6, tz=paris))
    assert (daily.first, daily.last) == (OCT_5, OCT_5)
    # 22:00 UTC on Oct 4 is midnight in Paris, Oct 5: the zone decides the day
    utc = Window.of_interval(datetime(2026, 10, 4, 22, tzinfo=UTC), datetime(2026, 10, 6, 22, tzinfo=UTC), paris)
    assert utc.days() == [OCT_5, OCT_6]
    # a zero-length interval (manual trigger) means the local day before
    manual = Window.of_interval(pendulum.datetime(2026, 10, 6, tz=paris), pendulum.datetime(2026, 10, 6, tz=paris))
    assert manual.days() == [OCT_5]


def test_xcom_form_is_json_and_round_trips():
    window = Window(first=OCT_5, last=OCT_6, time_zone="America/Montreal")
    text = json.dumps(window.to_xcom())
    assert json.loads(text) == {"first": "2026-10-05", "last": "2026-10-06", "time_zone": "America/Montreal"}
    assert Window.from_xcom(json.loads(text)) == window


def test_extraction_uses_the_one_window_type():
    """Vendor extractors split records into days with the project's Window (no copy of it)."""
    from pilotage.extract.vendors import base

    assert base.Window is Window
    assert not hasattr(base, "LOCAL_TZ")
