"""Queueing, vectorized: who waits how long, who abandons, which agent answers when.

Agents' capacity is laid out first as *slots*: along every OPEN segment of an agent, one
contact after another (handling time drawn with the agent's speed factor, a few seconds of ready
time in between), each slot starting inside the segment and ending at most
OVERRUN_GRACE_SECONDS after it. Slots never overlap for one agent, so the interval report adds
up exactly.

Voice and chat, per queue x 30-minute interval: N = on-queue agents actually logged (seconds /
1800), A = arrivals x AHT / 1800. If floor(N) > A, a contact waits with Erlang C probability
C(N, A), for an exponential time of mean AHT / (N - A) (capped at half the mean patience:
impatient callers leave, which shortens the queue); else (overload) everybody waits, mean half
the patience. Patience is exponential; patience < wait -> abandoned (queue Duration = patience,
no agent). Answered contacts take a randomly chosen slot of their interval; when there are fewer
slots than answers the surplus abandons, and in overload agents stay busy (contacts close to
giving up are answered). So service level follows staffing.

E-mail: never abandoned; the e-mails of a handling day's window are answered first-in-first-out
by the e-mail agents' slots (the overnight and weekend backlog in the morning), with overtime
after closing if the day's slots are not enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import DayGrid, slice_intervals
from pilotage.generator.erlang import erlang_c
from pilotage.generator.streams import grouped_rank


@dataclass
class Slots:
    t: np.ndarray  # start (answer) epoch
    talk: np.ndarray
    hold: np.ndarray
    nholds: np.ndarray
    acw: np.ndarray
    agent: np.ndarray
    seg_end: np.ndarray
    next_aux: np.ndarray

    def take(self, idx: np.ndarray) -> Slots:
        return Slots(*(getattr(self, f)[idx] for f in Slots.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Slots]) -> Slots:
        return Slots(*(np.concatenate([getattr(p, f) for p in parts]) for f in Slots.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.t)


def handling_means(q: C.Queue) -> tuple[float, float, float]:
    """(talk, hold, acw) means whose sum is the queue's mean AHT."""
    hold = q.hold_probability * 1.3 * 55.0
    acw = q.acw_share * q.mean_aht
    return q.mean_aht - hold - acw, hold, acw


def make_slots(rng: np.random.Generator, qi: int, seg_agent: np.ndarray, seg_start: np.ndarray,
               seg_end: np.ndarray, seg_next_aux: np.ndarray, speed: np.ndarray) -> Slots:
    """Back-to-back contact slots along OPEN segments; ``speed`` = handling factor per segment."""
    q = C.QUEUES[qi]
    talk_mean, _, acw_mean = handling_means(q)
    min_talk = 15 if q.channel == "VOICE" else 60
    n = len(seg_start)
    t = seg_start + rng.integers(0, 20, n)
    alive = np.arange(n)
    parts: list[tuple] = []
    grace = C.OVERRUN_GRACE_SECONDS
    while alive.size:
        k = alive.size
        f = speed[alive]
        talk = np.maximum(min_talk, talk_mean * f * rng.lognormal(-0.15125, 0.55, k)).astype(np.int64)
        if q.hold_probability > 0:
            has_hold = rng.random(k) < q.hold_probability
            nholds = np.where(has_hold, 1 + (rng.random(k) < 0.3), 0).astype(np.int64)
            hold = (nholds * 15 + rng.exponential(40.0, k) * nholds).astype(np.int64)
        else:
            nholds = np.zeros(k, dtype=np.int64)
            hold = np.zeros(k, dtype=np.int64)
        acw = np.maximum(3, acw_mean * np.sqrt(f) * rng.lognormal(-0.125, 0.5, k)).astype(np.int64)
        gap = 3 + rng.exponential(10.0, k).astype(np.int64)
        tt = t[alive]
        handle = talk + hold + acw
        ok = (tt < seg_end[alive]) & (tt + handle <= seg_end[alive] + grace)
        sel = alive[ok]
        parts.append((tt[ok], talk[ok], hold[ok], nholds[ok], acw[ok], seg_agent[sel], seg_end[sel],
                      seg_next_aux[sel]))
        t[alive] = tt + handle + gap
        alive = sel
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return Slots(z, z, z, z, z, z, z, np.zeros(0, dtype=bool))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(8)]
    order = np.lexsort((cols[5], cols[0]))
    return Slots(*(c[order] for c in cols))


def open_seconds(grid: DayGrid, seg_start: np.ndarray, seg_end: np.ndarray) -> np.ndarray:
    rows, iv, sec = slice_intervals(seg_start, seg_end, grid.start)
    out = np.zeros(grid.n_intervals)
    keep = (iv >= 0) & (iv < grid.n_intervals)
    np.add.at(out, iv[keep], sec[keep])
    return out


@dataclass
class QueueResult:
    enqueue: np.ndarray
    dequeue: np.ndarray  # answer time, or abandon time
    answered: np.ndarray
    slot: Slots  # the answering slot of each contact (rows of abandoned contacts are zeros)


def simulate_queue(rng: np.random.Generator, qi: int, grid: DayGrid, counts: np.ndarray,
                   slots: Slots, staffed_seconds: np.ndarray, aht: float) -> QueueResult:
    """One voice/chat queue for one day (see module docstring)."""
    q = C.QUEUES[qi]
    pat = float(q.mean_patience)
    lo_open, hi_open = grid.open_epochs
    n_int = grid.n_intervals
    iv = np.repeat(np.arange(n_int), counts)
    n = len(iv)
    N = staffed_seconds / C.INTERVAL_SECONDS
    A = counts * aht / C.INTERVAL_SECONDS
    ni = np.floor(N).astype(np.int64)
    erl = ni > A
    pw = np.where(erl, erlang_c(ni, A), 1.0)
    with np.errstate(divide="ignore"):
        m = np.where(erl, np.minimum(aht / np.maximum(N - A, 1e-9), 0.5 * pat), 0.5 * pat)
    waits = rng.random(n) < pw[iv]
    W = np.where(waits, rng.exponential(1.0, n) * m[iv], 0.0)
    P = rng.exponential(pat, n)
    natural = P >= W
    slot_iv = (slots.t - grid.start) // C.INTERVAL_SECONDS
    n_slots = np.bincount(slot_iv, minlength=n_int)[:n_int]
    n_nat = np.bincount(iv[natural], minlength=n_int)
    target = np.where(erl, np.minimum(n_nat, n_slots), np.minimum(n_slots, counts))
    # which contacts are answered: natural ones first, in random order
    key = rng.random(n) + (~natural)
    rank = grouped_rank(iv, key)
    answered = rank < target[iv]
    promoted = answered & ~natural
    W = np.where(promoted, P * rng.uniform(0.3, 0.95, n), W)
    # which slots: random ones of the interval
    skey = rng.random(len(slots))
    srank = grouped_rank(slot_iv, skey)
    kept = np.flatnonzero(srank < target[slot_iv])
    # pair answered contacts and kept slots interval by interval (same counts per interval)
    a_idx = np.flatnonzero(answered)
    a_order = a_idx[np.lexsort((rank[a_idx], iv[a_idx]))]
    s_order = kept[np.lexsort((srank[kept], slot_iv[kept]))]
    chosen = np.zeros(n, dtype=np.int64)
    chosen[a_order] = s_order
    if len(slots) == 0:  # nobody on queue all day: every contact abandons
        z = np.zeros(n, dtype=np.int64)
        slots = Slots(z, z, z, z, z, z, z, np.zeros(n, dtype=bool))
    answer = slots.t[chosen]
    wait = np.minimum(np.round(W).astype(np.int64), np.maximum(answer - lo_open, 0))
    enq_answered = answer - wait
    # abandoned: arrival uniform in the interval (inside opening hours), leave after patience
    i_lo = np.maximum(grid.start + iv * C.INTERVAL_SECONDS, lo_open)
    i_hi = np.minimum(grid.start + (iv + 1) * C.INTERVAL_SECONDS, hi_open)
    enq_abandon = i_lo + (rng.random(n) * np.maximum(i_hi - i_lo, 1)).astype(np.int64)
    patience = np.maximum(1, np.round(P)).astype(np.int64)
    enqueue = np.where(answered, enq_answered, enq_abandon)
    dequeue = np.where(answered, answer, enq_abandon + patience)
    slot = slots.take(chosen)
    return QueueResult(enqueue=enqueue, dequeue=dequeue, answered=answered, slot=slot)


def fifo_match(arrivals: np.ndarray, slot_times: np.ndarray) -> np.ndarray:
    """First-in-first-out: index of the slot serving each (sorted) arrival, -1 if none left.

    Arrival k takes the first free slot at or after it: j_k = max(first_k, j_{k-1} + 1), which is
    k + cummax(first - k) in closed form.
    """
    n = len(arrivals)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.searchsorted(slot_times, arrivals, side="left")
    k = np.arange(n)
    j = k + np.maximum.accumulate(first - k)
    return np.where(j < len(slot_times), j, -1)
