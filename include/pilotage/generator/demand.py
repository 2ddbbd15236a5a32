"""Arrivals and the WFM forecast.

``expected_arrivals`` is the deterministic volume model (no randomness): contacts_per_day x queue
share x weekly profile x seasonality x trend, spread over the day's 30-minute intervals by the
channel's intraday profile. The actual arrivals multiply it by day noise (with rare incident days
the forecast does not know about) and interval noise, then draw Poisson counts. The forecast
multiplies the same expectation by a forecast error and sizes the staff with Erlang C.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import day_grid, is_open, previous_open_day
from pilotage.generator.erlang import required_agents
from pilotage.generator.streams import lognormal_unit_mean, stream

N_QUEUES = len(C.QUEUES)


def seasonality(day: date) -> float:
    """Monthly factors placed mid-month and interpolated linearly, wrapping over the year."""
    next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    month_len = (next_month - date(day.year, day.month, 1)).days
    pos = (day.month - 1) + (day.day - 0.5) / month_len - 0.5
    lo = math.floor(pos)
    frac = pos - lo
    m = C.MONTHLY_SEASONALITY
    return m[lo % 12] * (1 - frac) + m[(lo + 1) % 12] * frac


def trend(day: date) -> float:
    return (1.0 + C.ANNUAL_TREND) ** ((day - C.TREND_REFERENCE).days / 365.25)


@lru_cache(maxsize=64)
def _intraday(day: date) -> np.ndarray:
    """(queues, intervals) intraday shares of the day, each queue's row summing to 1 (or 0)."""
    grid = day_grid(day)
    open_mask = grid.open_interval_mask()
    out = np.zeros((N_QUEUES, grid.n_intervals))
    for qi, q in enumerate(C.QUEUES):
        w = np.array([C.intraday_weight(q.channel, h) for h in grid.hours])
        if q.channel != "EMAIL":
            w = w * open_mask
        total = w.sum()
        if total > 0:
            out[qi] = w / total
    return out


@lru_cache(maxsize=256)
def _expected(day: date, contacts_per_day: float) -> np.ndarray:
    base = contacts_per_day * seasonality(day) * trend(day)
    wd = day.weekday()
    daily = np.array([base * q.share * (C.WEEKLY_EMAIL[wd] if q.channel == "EMAIL" else C.WEEKLY_VOICE[wd])
                      for q in C.QUEUES])
    out = _intraday(day) * daily[:, None]
    out.setflags(write=False)
    return out


def expected_arrivals(day: date, contacts_per_day: float) -> np.ndarray:
    """Expected contacts per (queue, interval) of ``day`` (read-only array)."""
    return _expected(day, float(contacts_per_day))


@dataclass(frozen=True)
class Arrivals:
    counts: np.ndarray  # (queues, intervals) Poisson counts
    rates: np.ndarray  # (queues, intervals) actual intensities
    email_times: np.ndarray  # sorted UTC epochs of the day's e-mail arrivals
    aht_factor: np.ndarray  # (queues,) day factor on handling times


def day_factors(seed: int, day: date) -> tuple[np.ndarray, np.ndarray]:
    """(volume factor per queue, AHT factor per queue) of a day; cheap, used by several stages."""
    rng = stream(seed, day, "volume-day")
    common = lognormal_unit_mean(rng, C.DAY_NOISE_SIGMA)
    if rng.random() < C.EVENT_DAY_PROBABILITY:
        common *= rng.uniform(1.15, 1.35)
    per_queue = common * lognormal_unit_mean(rng, C.QUEUE_DAY_NOISE_SIGMA, N_QUEUES)
    volume = np.clip(per_queue, 0.6, C.MAX_DAY_FACTOR)
    aht = lognormal_unit_mean(rng, 0.03, N_QUEUES)
    return volume, aht


def arrivals(seed: int, contacts_per_day: float, day: date) -> Arrivals:
    grid = day_grid(day)
    expected = expected_arrivals(day, contacts_per_day)
    volume, aht = day_factors(seed, day)
    rng = stream(seed, day, "arrivals")
    noise = rng.gamma(C.INTERVAL_NOISE_SHAPE, 1.0 / C.INTERVAL_NOISE_SHAPE, expected.shape)
    rates = expected * volume[:, None] * noise
    counts = rng.poisson(rates)
    n_email = counts[C.EMAIL_QUEUE]
    interval_of = np.repeat(np.arange(grid.n_intervals), n_email)
    offsets = rng.integers(0, C.INTERVAL_SECONDS, len(interval_of))
    times = grid.start + interval_of * C.INTERVAL_SECONDS + offsets
    return Arrivals(counts=counts, rates=rates, email_times=np.sort(times), aht_factor=aht)


def email_window(day: date) -> tuple[int, int]:
    """[from, to) UTC epochs of the e-mails worked on open ``day`` (FIFO backlog window).

    E-mails received up to EMAIL_CUTOFF_BEFORE_CLOSE_MINUTES before an open day's closing are
    worked that day; later ones, and those of closed days, are worked the next open day.
    """
    cut = C.EMAIL_CUTOFF_BEFORE_CLOSE_MINUTES
    prev = previous_open_day(day)
    lo = day_grid(prev).epoch(C.OPENING_HOURS[prev.weekday()][1] - cut)
    hi = day_grid(day).epoch(C.OPENING_HOURS[day.weekday()][1] - cut)
    return int(lo), int(hi)


def handling_day_of(arrival_day: date, epochs: np.ndarray) -> np.ndarray:
    """Ordinal of the open day on which each e-mail of ``arrival_day`` is worked."""
    out = np.zeros(len(epochs), dtype=np.int64)
    todo = np.ones(len(epochs), dtype=bool)
    d = arrival_day
    for _ in range(10):
        if is_open(d):
            lo, hi = email_window(d)
            hit = todo & (epochs >= lo) & (epochs < hi)
            out[hit] = d.toordinal()
            todo &= ~hit
            if not todo.any():
                break
        d += timedelta(days=1)
    return out


def expected_email_backlog(day: date, contacts_per_day: float) -> float:
    """Expected number of e-mails in the window worked on open ``day``."""
    lo, hi = email_window(day)
    total = 0.0
    d = previous_open_day(day)
    while d <= day:
        grid = day_grid(d)
        starts = grid.interval_starts
        inside = (starts >= lo) & (starts < hi)
        total += float(expected_arrivals(d, contacts_per_day)[C.EMAIL_QUEUE][inside].sum())
        d += timedelta(days=1)
    return total


@dataclass(frozen=True)
class Forecast:
    contacts: np.ndarray  # (queues, intervals)
    aht: np.ndarray  # (queues, intervals)
    required: np.ndarray  # (queues, intervals), 0 where closed
    rows: np.ndarray  # (queues, intervals) bool: written to the forecast file


def forecast(seed: int, contacts_per_day: float, day: date) -> Forecast:
    grid = day_grid(day)
    expected = expected_arrivals(day, contacts_per_day)
    rng = stream(seed, day, "forecast")
    bad = rng.random(N_QUEUES) < C.FORECAST_BAD_DAY_PROBABILITY
    sigma = np.where(bad, C.FORECAST_BAD_DAY_SIGMA, C.FORECAST_DAY_SIGMA)
    day_err = np.exp(rng.normal(-0.5 * sigma**2, sigma))
    int_err = lognormal_unit_mean(rng, C.FORECAST_INTERVAL_SIGMA, expected.shape)
    aht_day = lognormal_unit_mean(rng, C.FORECAST_AHT_SIGMA, N_QUEUES)
    aht_int = lognormal_unit_mean(rng, 0.02, expected.shape)
    mean_aht = np.array([q.mean_aht for q in C.QUEUES])
    contacts = expected * day_err[:, None] * int_err
    aht = mean_aht[:, None] * aht_day[:, None] * aht_int
    open_mask = grid.open_interval_mask()
    required = np.zeros(expected.shape)
    rows = np.zeros(expected.shape, dtype=bool)
    for qi, q in enumerate(C.QUEUES):
        if q.channel == "EMAIL":
            rows[qi] = True
            if open_mask.any():
                backlog = expected_email_backlog(day, contacts_per_day) * day_err[qi]
                workload = backlog * mean_aht[qi] * aht_day[qi] / C.INTERVAL_SECONDS
                required[qi, open_mask] = workload / open_mask.sum()
        else:
            rows[qi] = open_mask
            if open_mask.any():
                required[qi, open_mask] = required_agents(
                    contacts[qi, open_mask], aht[qi, open_mask], q.sl_threshold_seconds,
                    C.SERVICE_LEVEL_TARGET)
    return Forecast(contacts=contacts, aht=aht, required=required, rows=rows)
