"""Random streams: every draw of the generator comes from ``stream(seed, day, purpose)``.

A stream is a fresh ``numpy.random.Generator`` seeded by ``SeedSequence([seed, ordinal,
crc32(purpose)])``: the same (seed, day, purpose) always yields the same numbers, whatever else
was generated before, which is what makes a day's files independent of the requested range.
No global random state, no ``hash()`` (salted per process), no wall clock.
"""

from __future__ import annotations

import zlib
from datetime import date

import numpy as np


def purpose_key(purpose: str) -> int:
    return zlib.crc32(purpose.encode("utf-8"))


def stream(seed: int, day: date | int, purpose: str) -> np.random.Generator:
    """The random stream of ``purpose`` on ``day`` (a date or a proleptic ordinal)."""
    ordinal = day.toordinal() if isinstance(day, date) else int(day)
    return np.random.default_rng(np.random.SeedSequence([int(seed), ordinal, purpose_key(purpose)]))


def lognormal_unit_mean(rng: np.random.Generator, sigma: float, size=None) -> np.ndarray:
    """Lognormal multiplier with mean 1."""
    return rng.lognormal(-0.5 * sigma * sigma, sigma, size)


def grouped_rank(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Rank (0-based) of each element within its group when ordered by ``keys``."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((keys, groups))
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first
    return rank
