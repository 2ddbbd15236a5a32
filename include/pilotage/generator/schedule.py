"""WFM schedules and what agents actually did with them (adherence, unplanned loss).

Planning, per queue (pool of agents whose primary skill it is) and day:

1. target on-queue agents per interval = FCST_REQ x a staffing decision of the day (mostly on
   plan, some days deliberately under- or over-staffed) x interval noise;
2. greedy shift choice (8 h, 7 h and 4 h part-time templates, every 30 minutes): each available
   agent (random order) takes the shift template that covers
   most of the remaining deficit, until the deficit is covered or nobody is left (agents left
   over have a day off);
3. each shift gets two 15-minute BREAKs and a LUNCH (45-60 min), a 4 h shift one BREAK; sometimes a
   one-hour TRAINING or MEETING; each placed where the plan has most staff to spare; OPEN (on
   queue) is the rest. Sick agents' shifts become SICK (the plan did not know).

Then ``logged_segments`` applies what really happens: late logins, late returns from breaks,
unplanned AUX episodes. The resulting OPEN *segments* are the only times agents take contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import DayGrid
from pilotage.generator.demand import Forecast
from pilotage.generator.roster import Availability, History
from pilotage.generator.streams import stream

OPEN, BREAK, LUNCH, TRAINING, MEETING, SICK, VACATION = range(7)
ACTIVITY_NAMES = ("OPEN", "BREAK", "LUNCH", "TRAINING", "MEETING", "SICK", "VACATION")
AUX_ACTIVITIES = (BREAK, TRAINING, MEETING)  # logged in, not on queue
OVERSTAFF_WEIGHT = 0.3


@dataclass
class DaySchedule:
    agent: np.ndarray  # history index, one row per activity, sorted by (agent, start)
    code: np.ndarray  # activity code
    start: np.ndarray  # local minutes since midnight
    end: np.ndarray

    @staticmethod
    def from_rows(rows: list[tuple[int, int, int, int]]) -> DaySchedule:
        if not rows:
            z = np.zeros(0, dtype=np.int64)
            return DaySchedule(z, z.copy(), z.copy(), z.copy())
        arr = np.array(sorted(rows, key=lambda r: (r[0], r[2], r[1], r[3])), dtype=np.int64)
        return DaySchedule(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])

    def rows(self) -> list[tuple[int, int, int, int]]:
        return list(zip(self.agent.tolist(), self.code.tolist(), self.start.tolist(), self.end.tolist(),
                        strict=True))


def _templates(open_min: int, close_min: int) -> list[tuple[int, int]]:
    out = []
    for span in (480, 420, 240):
        for s in range(open_min, close_min - span + 1, 30):
            out.append((s, span))
    return out


class _Surplus:
    """Planned on-queue agents minus target, per 15-minute slot of the day (for break placement)."""

    def __init__(self, grid: DayGrid, target: np.ndarray) -> None:
        self.first_minute = (grid.epoch(0) - grid.start) // 60  # local minute 0 on the grid
        self.values = -np.repeat(target, 2).astype(float)

    def _slots(self, a: int, b: int) -> slice:
        return slice((a - self.first_minute) // 15, (b - self.first_minute) // 15)

    def add(self, a: int, b: int, value: float) -> None:
        self.values[self._slots(a, b)] += value

    def mean(self, a: int, b: int) -> float:
        return float(self.values[self._slots(a, b)].mean())


def _shift_activities(rng: np.random.Generator, s: int, span: int,
                      surplus: _Surplus) -> list[tuple[int, int, int]]:
    """(code, start, end) of one shift, OPEN filling the gaps between the other activities.

    Like a WFM break optimizer, each break, lunch and meeting goes where the planned staff has
    the largest surplus over the target among its allowed positions (ties broken at random);
    ``surplus`` is updated so the next agents' breaks spread out.
    """
    e = s + span
    if span >= 480:
        lunch_len = 60 if rng.random() < 0.6 else 45
        items = [(BREAK, (90, 105, 120), 15), (LUNCH, (210, 225, 240, 255), lunch_len),
                 (BREAK, (360, 375, 390), 15)]
    elif span >= 420:
        items = [(BREAK, (90, 105, 120), 15), (LUNCH, (195, 210, 225), 45), (BREAK, (315, 330, 345), 15)]
    else:  # part-time: one break
        items = [(BREAK, (105, 120, 135), 15)]
    u = rng.random()
    extra = TRAINING if u < C.TRAINING_PROBABILITY else (
        MEETING if u < C.TRAINING_PROBABILITY + C.MEETING_PROBABILITY else None)
    jitter = rng.random(16) * 0.01
    other: list[tuple[int, int, int]] = []
    for code, offsets, length in items:
        scores = [surplus.mean(s + o, s + o + length) + jitter[k] for k, o in enumerate(offsets)]
        start = s + offsets[int(np.argmax(scores))]
        other.append((code, start, start + length))
        surplus.add(start, start + length, -1.0)
    if extra is not None:
        candidates = [t for t in range(s + 30, e - 90 + 1, 30)
                      if all(t + 60 + 15 <= a or t >= b + 15 for _, a, b in other)]
        if candidates:
            scores = [surplus.mean(t, t + 60) + jitter[k % 16] for k, t in enumerate(candidates)]
            t = candidates[int(np.argmax(scores))]
            other.append((extra, t, t + 60))
            surplus.add(t, t + 60, -1.0)
    other.sort(key=lambda x: x[1])
    out, cur = [], s
    for code, a, b in other:
        if a > cur:
            out.append((OPEN, cur, a))
        out.append((code, a, b))
        cur = b
    if e > cur:
        out.append((OPEN, cur, e))
    return out


def _nominal_coverage(grid: DayGrid, templates: list[tuple[int, int]]) -> np.ndarray:
    """(templates, intervals): on-queue fraction of each interval with typical breaks."""
    cov = np.zeros((len(templates), grid.n_intervals))
    first_minute = (grid.epoch(0) - grid.start) // 60  # local minute 0 relative to grid start
    for ti, (s, span) in enumerate(templates):
        e = s + span
        minutes = np.zeros(grid.n_intervals * 30 + 60)
        lo, hi = s - first_minute, e - first_minute
        minutes[lo:hi] = 1.0
        if span >= 480:
            blocks = ((105, 15), (232, 52), (375, 15))
        elif span >= 420:
            blocks = ((105, 15), (210, 45), (330, 15))
        else:
            blocks = ((120, 15),)
        for off, ln in blocks:
            minutes[lo + off:lo + off + ln] = 0.0
        minutes[lo:hi] *= 1.0 - 0.11 * 60 / span  # expected training/meeting share
        cov[ti] = minutes[:grid.n_intervals * 30].reshape(grid.n_intervals, 30).mean(axis=1)
    return cov


def _loss(deficit: np.ndarray) -> np.ndarray:
    """Squared staffing gap; over-staffing costs OVERSTAFF_WEIGHT of under-staffing."""
    return np.where(deficit > 0, deficit * deficit, OVERSTAFF_WEIGHT * deficit * deficit)


def staffing_factor(seed: int, day: date, queue: int) -> float:
    rng = stream(seed, day, f"staffing/{queue}")
    u = rng.random()
    acc = 0.0
    for p, lo, hi in C.STAFFING_MIX:
        acc += p
        if u < acc:
            return float(rng.uniform(lo, hi))
    return 1.0


def plan_day(seed: int, history: History, grid: DayGrid, fc: Forecast, avail: Availability) -> DaySchedule:
    day = grid.day
    rows: list[tuple[int, int, int, int]] = []
    # planned absences and classroom training first
    for a in np.flatnonzero(avail.on_vacation).tolist():
        rows.append((a, VACATION, 540, 960))
    for a in np.flatnonzero(avail.in_training).tolist():
        rows += [(a, TRAINING, 540, 750), (a, LUNCH, 750, 810), (a, TRAINING, 810, 1020)]
    if grid.open_minutes is None:
        return DaySchedule.from_rows(rows)
    open_min, close_min = grid.open_minutes
    templates = _templates(open_min, close_min)
    cov = _nominal_coverage(grid, templates)
    open_mask = grid.open_interval_mask()
    for qi, q in enumerate(C.QUEUES):
        rng = stream(seed, day, f"plan/{q.name}")
        pool = np.flatnonzero(avail.available & (history.queue == qi))
        pool = pool[rng.permutation(len(pool))]
        factor = staffing_factor(seed, day, qi)
        noise = np.exp(rng.normal(0.0, C.STAFFING_INTERVAL_SIGMA, grid.n_intervals))
        if q.channel == "EMAIL":
            target = fc.required[qi] / C.EMAIL_OCCUPANCY_TARGET * max(factor, 1.0)
        else:
            target = fc.required[qi] * factor * noise / (1.0 - C.UNPLANNED_LOSS_ALLOWANCE)
        target = np.where(open_mask, np.maximum(target, 1.0), 0.0)
        cover = np.zeros(grid.n_intervals)
        chosen: list[tuple[int, int]] = []
        for a in pool.tolist():
            deficit = target - cover
            if deficit.max() < 0.5:
                break
            gain = _loss(deficit).sum() - _loss(deficit[None, :] - cov).sum(axis=1)
            t = int(np.argmax(gain))
            if gain[t] < 1.0:
                break
            cover += cov[t]
            chosen.append((a, t))
        surplus = _Surplus(grid, target)
        for _, t in chosen:
            s, span = templates[t]
            surplus.add(s, s + span, 1.0)
        for a, t in chosen:
            s, span = templates[t]
            if avail.sick[a]:  # planned, then reported sick: the plan never knew
                rows.append((a, SICK, s, s + span))
                continue
            for code, x, y in _shift_activities(rng, s, span, surplus):
                rows.append((a, code, x, y))
    return DaySchedule.from_rows(rows)


@dataclass
class Logged:
    """What agents actually did: OPEN segments (taking contacts) and AUX periods (logged, busy)."""

    seg_agent: np.ndarray
    seg_start: np.ndarray  # UTC epoch
    seg_end: np.ndarray
    seg_next_aux: np.ndarray  # bool: the segment is followed by logged AUX time (else logged out)
    aux_agent: np.ndarray
    aux_start: np.ndarray
    aux_end: np.ndarray

    def of_agents(self, mask_of_agent: np.ndarray) -> Logged:
        s = mask_of_agent[self.seg_agent]
        x = mask_of_agent[self.aux_agent]
        return Logged(self.seg_agent[s], self.seg_start[s], self.seg_end[s], self.seg_next_aux[s],
                      self.aux_agent[x], self.aux_start[x], self.aux_end[x])

    @staticmethod
    def concat(parts: list[Logged]) -> Logged:
        return Logged(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                        ("seg_agent", "seg_start", "seg_end", "seg_next_aux", "aux_agent", "aux_start",
                         "aux_end")))


def logged_segments(seed: int, grid: DayGrid, sched: DaySchedule) -> Logged:
    """Apply late logins, late returns and unplanned AUX to the planned OPEN activities."""
    rng = stream(seed, grid.day, "adherence")
    agent, code = sched.agent, sched.code
    n = len(agent)
    is_open = code == OPEN
    has_open = np.zeros(int(agent.max()) + 1 if n else 0, dtype=bool)
    has_open[agent[is_open]] = True
    same_prev = np.r_[False, agent[1:] == agent[:-1]] if n else np.zeros(0, dtype=bool)
    same_next = np.r_[agent[:-1] == agent[1:], False] if n else np.zeros(0, dtype=bool)
    prev_code = np.where(same_prev, np.r_[-1, code[:-1]] if n else code, -1)
    next_code = np.where(same_next, np.r_[code[1:], -1] if n else code, -1)

    idx = np.flatnonzero(is_open)
    start = np.asarray(grid.epoch(sched.start[idx]), dtype=np.int64)
    end = np.asarray(grid.epoch(sched.end[idx]), dtype=np.int64)
    pc, nc = prev_code[idx], next_code[idx]
    after_aux = np.isin(pc, AUX_ACTIVITIES)
    p_late = np.where(pc < 0, C.LATE_LOGIN_PROBABILITY, C.LATE_RETURN_PROBABILITY)
    u = rng.random(len(idx))
    late = np.minimum(15 + rng.exponential(140.0, len(idx)), 900).astype(np.int64)
    length = end - start
    late = np.where((u < p_late) & (length > late + 900), late, 0)
    seg_start = start + late
    next_aux = np.isin(nc, AUX_ACTIVITIES)
    # late return after a break/training/meeting is logged AUX time; after lunch or at login it is
    # time logged out
    aux_late = after_aux & (late > 0)
    aux_parts = [
        (agent[idx][aux_late], start[aux_late], seg_start[aux_late]),
    ]
    # unplanned AUX inside a segment splits it in two
    u2 = rng.random(len(idx))
    dur = rng.integers(300, 1200, len(idx))
    room = end - seg_start - dur - 1200
    split = (u2 < C.UNPLANNED_AUX_PROBABILITY) & (room > 0)
    pos = seg_start + 600 + (rng.random(len(idx)) * np.maximum(room, 1)).astype(np.int64)
    a_idx = agent[idx]
    seg_agent = np.concatenate([a_idx[~split], a_idx[split], a_idx[split]])
    seg_s = np.concatenate([seg_start[~split], seg_start[split], (pos + dur)[split]])
    seg_e = np.concatenate([end[~split], pos[split], end[split]])
    seg_nx = np.concatenate([next_aux[~split], np.ones(split.sum(), dtype=bool), next_aux[split]])
    aux_parts.append((a_idx[split], pos[split], (pos + dur)[split]))
    # scheduled AUX activities of agents who log in that day
    sched_aux = np.isin(code, AUX_ACTIVITIES) & has_open[agent] if n else np.zeros(0, dtype=bool)
    aux_parts.append((agent[sched_aux], np.asarray(grid.epoch(sched.start[sched_aux]), dtype=np.int64),
                      np.asarray(grid.epoch(sched.end[sched_aux]), dtype=np.int64)))
    order = np.lexsort((seg_s, seg_agent))
    aux_agent = np.concatenate([p[0] for p in aux_parts]).astype(np.int64)
    aux_start = np.concatenate([p[1] for p in aux_parts]).astype(np.int64)
    aux_end = np.concatenate([p[2] for p in aux_parts]).astype(np.int64)
    aorder = np.lexsort((aux_start, aux_agent))
    return Logged(seg_agent[order].astype(np.int64), seg_s[order], seg_e[order], seg_nx[order],
                  aux_agent[aorder], aux_start[aorder], aux_end[aorder])
