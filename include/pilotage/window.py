"""The run window: the business days one run processes, in the center's time zone.

One type for every stage (orchestration, ingestion, dbt, extraction): ``first`` and ``last`` are
the first and last business day, both included; ``start``/``end`` give the half-open
``[start, end)`` view (``end`` = the day after ``last``), ``start_utc``/``end_utc`` the local
midnights as UTC instants, and ``to_xcom``/``from_xcom`` the JSON-able form for XCom.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pilotage.settings import DEFAULT_TIME_ZONE


@dataclass(frozen=True, kw_only=True)
class Window:
    """Business days ``first``..``last`` (inclusive) of a center in ``time_zone``.

    Keyword-only on purpose: ``Window(start, end)`` positionally would be ambiguous between an
    inclusive and an exclusive end; use ``Window.half_open(start, end)`` for ``[start, end)``."""

    first: date
    last: date
    time_zone: str = DEFAULT_TIME_ZONE

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"window ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def half_open(cls, start: date, end: date, time_zone: str = DEFAULT_TIME_ZONE) -> Window:
        """The window of business days ``[start, end)``."""
        return cls(first=start, last=end - timedelta(days=1), time_zone=time_zone)

    @classmethod
    def of_interval(cls, start: datetime, end: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> Window:
        """Business days covered by a data interval ``[start, end)``, in local time.

        An interval of zero length (a manual run of a trigger timetable) means the local day before."""
        zone = ZoneInfo(time_zone)
        first, stop = start.astimezone(zone).date(), end.astimezone(zone).date()
        if stop <= first:
            first = stop - timedelta(days=1)
        return cls.half_open(first, stop, time_zone)

    @property
    def start(self) -> date:
        """First business day (alias of ``first``, the half-open view's start)."""
        return self.first

    @property
    def end(self) -> date:
        """The day after ``last``: the exclusive end of ``[start, end)``."""
        return self.last + timedelta(days=1)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def start_utc(self) -> datetime:
        """Local midnight starting ``first``, as a UTC instant."""
        return datetime.combine(self.first, time(0), tzinfo=self.zone).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """Local midnight ending ``last``, as a UTC instant."""
        return datetime.combine(self.end, time(0), tzinfo=self.zone).astimezone(UTC)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """``(start_utc, end_utc)``: the window as a half-open range of instants."""
        return self.start_utc, self.end_utc

    def days(self) -> list[date]:
        """Every business day of the window, in order."""
        return list(iter(self))

    def __iter__(self) -> Iterator[date]:
        for offset in range((self.last - self.first).days + 1):
            yield self.first + timedelta(days=offset)

    def __len__(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.contains(day)

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"

    def to_xcom(self) -> dict[str, str]:
        """ISO dates (inclusive) and the zone: JSON-able for XCom and logs."""
        return {"first": self.first.isoformat(), "last": self.last.isoformat(), "time_zone": self.time_zone}

    @classmethod
    def from_xcom(cls, value: Mapping[str, Any]) -> Window:
        """Inverse of :meth:`to_xcom`."""
        return cls(first=date.fromisoformat(value["first"]), last=date.fromisoformat(value["last"]),
                   time_zone=value.get("time_zone") or DEFAULT_TIME_ZONE)
