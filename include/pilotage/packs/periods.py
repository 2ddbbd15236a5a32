"""Reporting periods of the committees: ISO week, month, quarter, half-year.

A period is written the way preparers say it: ``2026-W46`` (ISO week), ``2026-10`` (month),
``2026-Q3`` (quarter), ``2026-H1`` (half-year). Periods know their first and last day, their
predecessor, and which one is the latest complete period for a given last loaded day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

GRAINS = ("week", "month", "quarter", "half_year")
_FORMS = {
    "week": (re.compile(r"^(\d{4})-W(\d{2})$"), "YYYY-Www (ISO week, e.g. 2026-W46)"),
    "month": (re.compile(r"^(\d{4})-(\d{2})$"), "YYYY-MM (e.g. 2026-10)"),
    "quarter": (re.compile(r"^(\d{4})-Q([1-4])$"), "YYYY-Qn (e.g. 2026-Q3)"),
    "half_year": (re.compile(r"^(\d{4})-H([12])$"), "YYYY-Hn (e.g. 2026-H1)"),
}
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6}


def _month_start(year: int, month0: int) -> date:
    """First day of month index ``month0`` (0-based, may overflow into other years)."""
    y, m = divmod(year * 12 + month0, 12)
    return date(y, m + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of local business days [first, last] with its committee label."""

    first: date
    last: date
    grain: str
    label: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same grain."""
        if self.grain == "week":
            return period_of(self.grain, self.first + timedelta(weeks=n))
        months = _MONTHS[self.grain]
        return period_of(self.grain, _month_start(self.first.year, self.first.month - 1 + n * months))

    def previous(self) -> Period:
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        if self.grain == "week":
            year, week, _ = self.first.isocalendar()
            try:
                return parse_period("week", f"{year - 1}-W{week:02d}")
            except ValueError:  # week 53 has no twin the year before
                return period_of("week", self.first - timedelta(weeks=52))
        return period_of(self.grain, date(self.first.year - 1, self.first.month, 1))


def period_of(grain: str, day: date) -> Period:
    """The period of ``grain`` that contains ``day``."""
    if grain == "week":
        first = day - timedelta(days=day.weekday())
        year, week, _ = first.isocalendar()
        return Period(first, first + timedelta(days=6), grain, f"{year}-W{week:02d}")
    if grain not in _MONTHS:
        raise ValueError(f"unknown grain {grain!r}; known: {GRAINS}")
    months = _MONTHS[grain]
    index = (day.month - 1) // months
    first = date(day.year, index * months + 1, 1)
    last = _month_start(day.year, index * months + months) - timedelta(days=1)
    label = {"month": f"{day.year}-{first.month:02d}", "quarter": f"{day.year}-Q{index + 1}",
             "half_year": f"{day.year}-H{index + 1}"}[grain]
    return Period(first, last, grain, label)


def parse_period(grain: str, text: str) -> Period:
    """Parse a period label of ``grain``; raises ValueError with the expected form."""
    if grain not in _FORMS:
        raise ValueError(f"unknown grain {grain!r}; known: {GRAINS}")
    pattern, form = _FORMS[grain]
    match = pattern.match(text.strip())
    if not match:
        raise ValueError(f"period {text!r} is not of the form {form}")
    year, number = int(match.group(1)), int(match.group(2))
    if grain == "week":
        try:
            first = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"{text!r}: year {year} has no ISO week {number}") from None
        return period_of("week", first)
    if grain == "month" and not 1 <= number <= 12:
        raise ValueError(f"{text!r}: month must be 01..12")
    return period_of(grain, date(year, (number - 1) * _MONTHS[grain] + 1, 1))


def detect_grain(text: str) -> str:
    """Grain of a period label (``2026-W46`` -> week ...)."""
    for grain, (pattern, _) in _FORMS.items():
        if pattern.match(text.strip()):
            return grain
    raise ValueError(f"not a period label: {text!r} (2026-W46, 2026-10, 2026-Q3 or 2026-H1)")


def latest_complete(grain: str, through: date) -> Period:
    """The latest period of ``grain`` whose last day is on or before ``through``."""
    current = period_of(grain, through)
    return current if current.last <= through else current.previous()
