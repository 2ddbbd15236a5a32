"""Local business days in Europe/Paris: UTC bounds, 30-minute interval grid, wall-clock maths.

All instants inside the generator are integer UTC epoch seconds. A day's interval grid runs from
local midnight to the next local midnight in 1800-second steps, so daylight-saving days have 46
or 50 intervals (the autumn day repeats the local labels 02:00 and 02:30, as IEX exports do).
Opening hours never cross a DST change, so daytime wall-clock minutes convert with the day's
daytime UTC offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from pilotage.generator.center import (
    INTERVAL_SECONDS,
    OPENING_HOURS,
    TIME_ZONE,
)

TZ = ZoneInfo(TIME_ZONE)


def local_epoch(day: date, minutes: int) -> int:
    """UTC epoch seconds of local wall-clock ``minutes`` after midnight of ``day``."""
    wall = datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minutes)
    return int(wall.timestamp())


@dataclass(frozen=True)
class DayGrid:
    day: date
    start: int  # UTC epoch of local midnight
    end: int  # UTC epoch of the next local midnight
    noon: int  # UTC epoch of local 12:00
    noon_offset: int  # UTC offset (seconds) during the day's opening hours
    labels: tuple[str, ...]  # local HH:MM of each interval start
    hours: np.ndarray  # local hour (float) at each interval's midpoint
    open_minutes: tuple[int, int] | None  # voice/chat opening hours, local minutes

    @property
    def n_intervals(self) -> int:
        return (self.end - self.start) // INTERVAL_SECONDS

    @property
    def interval_starts(self) -> np.ndarray:
        return self.start + INTERVAL_SECONDS * np.arange(self.n_intervals, dtype=np.int64)

    def epoch(self, minutes) -> np.ndarray | int:
        """Daytime local minutes -> UTC epoch (valid from 03:00 to 24:00+)."""
        return self.noon + (np.asarray(minutes, dtype=np.int64) - 720) * 60

    @property
    def open_epochs(self) -> tuple[int, int] | None:
        if self.open_minutes is None:
            return None
        return int(self.epoch(self.open_minutes[0])), int(self.epoch(self.open_minutes[1]))

    def open_interval_mask(self) -> np.ndarray:
        mask = np.zeros(self.n_intervals, dtype=bool)
        if self.open_minutes is None:
            return mask
        lo, hi = self.open_epochs
        starts = self.interval_starts
        mask[(starts >= lo) & (starts < hi)] = True
        return mask


@lru_cache(maxsize=4096)
def day_grid(day: date) -> DayGrid:
    start = local_epoch(day, 0)
    end = local_epoch(day + timedelta(days=1), 0)
    n = (end - start) // INTERVAL_SECONDS
    labels, hours = [], []
    for i in range(n):
        t = datetime.fromtimestamp(start + i * INTERVAL_SECONDS, TZ)
        labels.append(t.strftime("%H:%M"))
        hours.append(t.hour + t.minute / 60 + 0.25)
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=TZ)
    return DayGrid(day=day, start=start, end=end, noon=int(noon.timestamp()),
                   noon_offset=int(noon.utcoffset().total_seconds()),
                   labels=tuple(labels), hours=np.array(hours), open_minutes=OPENING_HOURS[day.weekday()])


def is_open(day: date) -> bool:
    return OPENING_HOURS[day.weekday()] is not None


def next_open_day(day: date) -> date:
    """The first open day strictly after ``day``."""
    d = day + timedelta(days=1)
    while not is_open(d):
        d += timedelta(days=1)
    return d


def previous_open_day(day: date) -> date:
    d = day - timedelta(days=1)
    while not is_open(d):
        d -= timedelta(days=1)
    return d


def iso_utc(epochs: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DDTHH:MM:SSZ' strings for integer epoch seconds (vectorized)."""
    text = np.datetime_as_string(np.asarray(epochs, dtype="int64").astype("datetime64[s]"), unit="s")
    return np.char.add(text, "Z")


def salesforce_utc(epochs: np.ndarray) -> np.ndarray:
    """Salesforce '2026-10-05T07:31:12.000+0000' strings."""
    text = np.datetime_as_string(np.asarray(epochs, dtype="int64").astype("datetime64[s]"), unit="s")
    return np.char.add(text, ".000+0000")


def local_iso_with_offset(epochs: np.ndarray, offset_seconds: int) -> np.ndarray:
    """'2026-10-05T09:30:00+02:00' for instants of a day with a known UTC offset."""
    local = (np.asarray(epochs, dtype="int64") + offset_seconds).astype("datetime64[s]")
    sign = "+" if offset_seconds >= 0 else "-"
    off = abs(offset_seconds)
    suffix = f"{sign}{off // 3600:02d}:{off % 3600 // 60:02d}"
    return np.char.add(np.datetime_as_string(local, unit="s"), suffix)


def hhmm(minutes: np.ndarray) -> list[str]:
    """Local minutes -> 'HH:MM' (1440 -> '00:00' of the next day)."""
    return [f"{m // 60 % 24:02d}:{m % 60:02d}" for m in np.asarray(minutes).tolist()]


def slice_intervals(start: np.ndarray, end: np.ndarray, origin: int, width: int = INTERVAL_SECONDS):
    """Split periods [start, end) on an interval grid starting at ``origin``.

    Returns (row, interval, seconds): one triple per (period, interval) overlap, vectorized.
    """
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    valid = end > start
    first = (start - origin) // width
    last = (end - 1 - origin) // width
    span = np.where(valid, last - first + 1, 0)
    total = int(span.sum())
    rows = np.repeat(np.arange(len(start)), span)
    offsets = np.repeat(np.cumsum(span) - span, span)
    k = np.arange(total) - offsets
    iv = first[rows] + k
    lo = np.maximum(start[rows], origin + iv * width)
    hi = np.minimum(end[rows], origin + (iv + 1) * width)
    return rows, iv, hi - lo
