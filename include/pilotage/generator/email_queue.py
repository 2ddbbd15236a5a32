"""E-mail handling: the backlog worked first-in-first-out on each open day, with overtime.

E-mails received since the previous open day's cut-off are matched to the e-mail agents'
capacity slots in arrival order; when they cannot all be served, e-mail agents (then other agents
of the site) work an overtime block after closing, one to three hours, until the backlog clears.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import day_grid, previous_open_day
from pilotage.generator.demand import email_window
from pilotage.generator.queueing import Slots, fifo_match, make_slots
from pilotage.generator.schedule import OPEN, DaySchedule, Logged
from pilotage.generator.streams import stream

if TYPE_CHECKING:
    from pilotage.generator.model import Model


@dataclass
class EmailHandling:
    """E-mails worked on one open day, first-in-first-out."""

    arrival_day: np.ndarray  # ordinal of the day each e-mail was received
    arrival_index: np.ndarray  # index among that day's e-mails (sorted by time)
    arrival: np.ndarray  # epochs
    served: np.ndarray  # bool (False only if even overtime could not absorb the backlog)
    slot: Slots  # serving slot per e-mail
    overtime_rows: list[tuple[int, int, int, int]]
    overtime: Logged


def work_emails(model: Model, day: date) -> EmailHandling:
    """The e-mails worked on ``day`` (an open day): received since the previous open day's
    cut-off, matched first-in-first-out to the e-mail agents' slots, with overtime added when
    the backlog exceeds them."""
    qi = C.EMAIL_QUEUE
    lo, hi = email_window(day)
    days, idxs, times = [], [], []
    d = previous_open_day(day)
    while d <= day:
        t = model.arrivals(d).email_times
        inside = np.flatnonzero((t >= lo) & (t < hi))
        days.append(np.full(len(inside), d.toordinal(), dtype=np.int64))
        idxs.append(inside)
        times.append(t[inside])
        d += timedelta(days=1)
    arr_day, arr_idx, arr_t = np.concatenate(days), np.concatenate(idxs), np.concatenate(times)
    grid = day_grid(day)
    lg = model.logged_planned(day)
    m = model.history.queue[lg.seg_agent] == qi
    agents = lg.seg_agent[m]
    slots = make_slots(stream(model.seed, day, "slots/EMAIL_GENERAL"), qi, agents, lg.seg_start[m],
                       lg.seg_end[m], lg.seg_next_aux[m], model.speed(agents, day, qi))
    j = fifo_match(arr_t, slots.t)
    overtime_rows: list[tuple[int, int, int, int]] = []
    overtime = Logged(*(np.zeros(0, dtype=np.int64) for _ in range(3)), np.zeros(0, dtype=bool),
                      *(np.zeros(0, dtype=np.int64) for _ in range(3)))
    n_over = int((j < 0).sum())
    if n_over:
        close = grid.open_minutes[1]
        cand = _overtime_candidates(model, model.planned(day), qi)
        base_slots = slots
        for attempt in (1, 2, 3):
            if not len(cand):
                break
            need = math.ceil(n_over * C.QUEUES[qi].mean_aht * 1.3 * attempt / 3600)
            n_ag = min(len(cand), need)
            hours = min(3, math.ceil(need / n_ag))
            who = cand[:n_ag]
            start_min, end_min = close + 15, close + 15 + 60 * hours
            seg_s = np.full(n_ag, int(grid.epoch(start_min)), dtype=np.int64)
            seg_e = np.full(n_ag, int(grid.epoch(end_min)), dtype=np.int64)
            ot_slots = make_slots(stream(model.seed, day, f"overtime/{attempt}"), qi, who, seg_s, seg_e,
                                  np.zeros(n_ag, dtype=bool), model.speed(who, day, qi))
            slots = Slots.concat([base_slots, ot_slots])  # overtime slots all come later
            j = fifo_match(arr_t, slots.t)
            overtime_rows = [(int(a), OPEN, start_min, end_min) for a in who.tolist()]
            z = np.zeros(0, dtype=np.int64)
            overtime = Logged(who.astype(np.int64), seg_s, seg_e, np.zeros(n_ag, dtype=bool), z, z, z)
            if (j >= 0).all():
                break
    served = j >= 0
    slot = slots.take(np.where(served, j, 0)) if len(slots) else Slots(
        *(np.zeros(len(arr_t), dtype=np.int64) for _ in range(7)), np.zeros(len(arr_t), dtype=bool))
    return EmailHandling(arrival_day=arr_day, arrival_index=arr_idx, arrival=arr_t, served=served,
                         slot=slot, overtime_rows=overtime_rows, overtime=overtime)

def _overtime_candidates(model: Model, sched: DaySchedule, qi: int) -> np.ndarray:
    """E-mail agents working that day, latest shift end first (then any agent of the site)."""
    is_open_row = sched.code == OPEN
    agents = sched.agent[is_open_row]
    ends = sched.end[is_open_row]
    last_end: dict[int, int] = {}
    for a, e in zip(agents.tolist(), ends.tolist(), strict=True):
        last_end[a] = max(e, last_end.get(a, 0))
    site = C.SITE_INDEX[C.QUEUES[qi].site_id]
    def key(a: int) -> tuple[int, int, int]:
        return (0 if model.history.queue[a] == qi else 1, -last_end[a], a)
    cands = [a for a in last_end if model.history.site[a] == site]
    return np.array(sorted(cands, key=key), dtype=np.int64)
