"""What a bench run measures: volumes, history lengths, days (quick and full modes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

FIRST_DAY = date(2025, 9, 1)  # a Monday; every bench day follows it


@dataclass(frozen=True)
class Plan:
    """Volumes in contacts/day; a short history, then a long one built on top of it in one run;
    with ``small_days``, also a small center of its own (``small_days`` at the low volume) whose
    low daily runs measure the fixed cost (0: the short history is already at the low volume)."""

    mode: str
    low: int
    high: int
    short_days: int
    short_volume: int
    long_days: int
    long_volume: int
    pairs: int  # interleaved (low, high) daily runs on each history
    high_on_long: bool  # also run the high volume on the long history
    expected_minutes: int
    small_days: int = 0

    def days(self) -> dict[str, list[date] | tuple[date, date]]:
        """The bench's calendar: history windows and the days of the daily runs."""
        day = FIRST_DAY
        short = (day, day + timedelta(days=self.short_days - 1))
        day = short[1] + timedelta(days=1)
        short_daily = [day + timedelta(days=i) for i in range(2 * self.pairs)]
        day = short_daily[-1] + timedelta(days=1)
        long = (day, FIRST_DAY + timedelta(days=self.long_days - 1))
        day = long[1] + timedelta(days=1)
        per_pair = 2 if self.high_on_long else 1
        long_daily = [day + timedelta(days=i) for i in range(per_pair * self.pairs)]
        # the small center's days end where the short history ends: its daily runs fall on the
        # days (so the weekdays) of the low runs on the short history
        small = (short[1] - timedelta(days=self.small_days - 1), short[1]) if self.small_days else None
        small_daily = short_daily[::2] if self.small_days else []
        return {"short": short, "short_daily": short_daily, "long": long, "long_daily": long_daily,
                "small": small, "small_daily": small_daily}

    def volume_of(self, index: int, on_long: bool) -> int:
        """Volume of the ``index``-th daily run on a history: low, high, low, high..."""
        if on_long and not self.high_on_long:
            return self.low
        return self.low if index % 2 == 0 else self.high

    def describe(self) -> str:
        small = (f"; the fixed cost on a small center of its own, {self.small_days} days at "
                 f"{self.low:,}/day (loaded in one run), {self.pairs} daily run(s) at {self.low:,}"
                 if self.small_days else "")
        return (f"{self.mode} mode: daily runs at {self.low:,} and {self.high:,} contacts/day; "
                f"short history {self.short_days} days at {self.short_volume:,}/day (built in one "
                f"run: the rebuild measured against the raw query); long history "
                f"{self.long_days} days (the rest at {self.long_volume:,}/day, loaded in one run); "
                f"{self.pairs} interleaved low/high pair(s) per history{small}; "
                f"expected duration about {self.expected_minutes} min on 2 idle cores")


# A day's volume follows the weekday: the daily runs compared fall on the same weekdays, Mon-Thu.
QUICK = Plan("quick", low=1_000, high=10_000, short_days=2, short_volume=1_000, long_days=30,
             long_volume=1_000, pairs=1, high_on_long=False, expected_minutes=5)
FULL = Plan("full", low=1_000, high=100_000, short_days=28, short_volume=100_000, long_days=371,
            long_volume=1_000, pairs=2, high_on_long=True, expected_minutes=24, small_days=28)
