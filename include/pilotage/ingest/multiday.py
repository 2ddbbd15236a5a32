"""Files holding several business days (a month of calls in one export): read once, split by
each row's day.

A layout with ``split_by: <column>`` says so; every row belongs to the center's local date of
that column, and each day of the window becomes its own delivery (same file, same hash), so it
is validated, loaded and replaced as its own partition. Rows of days outside the window wait
for the window that holds them. A row whose day cannot be told blocks every day of its file:
it is never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pilotage.ingest.layout_spec import Layout, LayoutError
from pilotage.ingest.reader import Delivered, map_file

MAX_ROWS_IN_MESSAGE = 10


def local_days(values: pd.Series, column_type: str, time_zone: str) -> pd.Series:
    """The center's local date of each UTC timestamp (or the date itself)."""
    stamps = pd.to_datetime(values, errors="coerce")
    if column_type == "TIMESTAMP":
        stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(time_zone)
    return stamps.dt.date.where(stamps.notna(), None)


def map_split(layout: Layout, deliveries: list[Delivered], time_zone: str
              ) -> tuple[pd.DataFrame, dict[int, str], dict[int, dict[str, int]]]:
    """Rows of several-day files, each with the ``_delivery`` of its day (``deliveries`` are one
    per day, several sharing a file); files that cannot be read as {index: reason}; records
    dropped by layout rules as {index: {rule: count}}."""
    column = layout.split_by
    if column is None:
        raise LayoutError("map_split needs a layout with split_by")
    kind = layout.entity.columns[column]
    by_file: dict[Path, list[int]] = {}
    for index, delivered in enumerate(deliveries):
        by_file.setdefault(delivered.path, []).append(index)
    frames: list[pd.DataFrame] = []
    errors: dict[int, str] = {}
    dropped: dict[int, dict[str, int]] = {}
    for indices in by_file.values():
        first = deliveries[indices[0]]
        try:
            mapped = map_file(layout, first)
        except LayoutError as exc:
            errors.update({i: str(exc) for i in indices})
            continue
        delivery_of_day = {deliveries[i].business_date: i for i in indices}
        days = local_days(mapped.rows[column], kind, time_zone)
        undated = mapped.rows.loc[days.isna(), "_row_number"].tolist()
        if undated:
            reason = (f"{first.source_name}: {len(undated)} row(s) have no {column} to tell their "
                      f"business day (split_by), e.g. row(s) {undated[:MAX_ROWS_IN_MESSAGE]}")
            errors.update({i: reason for i in indices})
            continue
        rows = mapped.rows.assign(_business_date=days, _delivery=days.map(delivery_of_day))
        frames.append(rows[rows["_delivery"].notna()].astype({"_delivery": int}))
        if len(mapped.dropped):
            drop_days = local_days(mapped.dropped[column], kind, time_zone).map(delivery_of_day)
            counts = mapped.dropped.assign(_delivery=drop_days).dropna(subset=["_delivery"])
            for (index, rule), count in counts.groupby(["_delivery", "_dropped_by"]).size().items():
                dropped.setdefault(int(index), {})[str(rule)] = int(count)
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return rows, errors, dropped
