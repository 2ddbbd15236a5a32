"""The per-agent 30-minute interval report, built from what agents actually did.

Booking rule: talk, hold and after-contact work are booked in the intervals where they happen
(time-sliced: a call answered at 09:25 lasting 10 minutes books 5 minutes in 09:00 and 5 in
09:30); ``ContactsHandled`` is booked in the interval of the answer. StaffedTime is the time
logged in: OPEN segments, logged AUX (breaks, training, meetings, late returns, unplanned AUX)
and a contact overrunning into lunch or past the end of the shift. Then

    AuxTime = logged AUX not spent finishing a contact
    AvailableTime = StaffedTime - TalkTime - HoldTime - AcwTime - AuxTime  (>= 0 by construction)

so ``StaffedTime = AvailableTime + TalkTime + HoldTime + AcwTime + AuxTime`` holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import DayGrid, slice_intervals
from pilotage.generator.queueing import Slots
from pilotage.generator.schedule import Logged


@dataclass
class IntervalReport:
    agent: np.ndarray  # history index
    interval: np.ndarray  # interval index in the day grid
    staffed: np.ndarray
    available: np.ndarray
    talk: np.ndarray
    hold: np.ndarray
    acw: np.ndarray
    aux: np.ndarray
    handled: np.ndarray


def agent_intervals(grid: DayGrid, logged: Logged, handled: Slots) -> IntervalReport:
    agents = np.unique(np.concatenate([logged.seg_agent, logged.aux_agent, handled.agent]))
    n_int = grid.n_intervals
    dense = {int(a): i for i, a in enumerate(agents.tolist())}
    lookup = np.vectorize(dense.__getitem__, otypes=[np.int64]) if len(agents) else None
    size = len(agents) * n_int

    def acc(agent_idx: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        out = np.zeros(size, dtype=np.int64)
        if len(agent_idx) == 0:
            return out
        rows, iv, sec = slice_intervals(start, end, grid.start)
        keep = (iv >= 0) & (iv < n_int)
        d = lookup(agent_idx)[rows[keep]]
        np.add.at(out, d * n_int + iv[keep], sec[keep])
        return out

    open_s = acc(logged.seg_agent, logged.seg_start, logged.seg_end)
    aux_s = acc(logged.aux_agent, logged.aux_start, logged.aux_end)
    t0 = handled.t
    th = handled.talk + handled.hold
    t1 = t0 + th
    t2 = t1 + handled.acw
    talk_hold = acc(handled.agent, t0, t1)
    acw = acc(handled.agent, t1, t2)
    # hold share of each slice, by cumulative rounding so each contact's slices sum to its hold
    hold = np.zeros(size, dtype=np.int64)
    if len(handled):
        rows, iv, sec = slice_intervals(t0, t1, grid.start)
        keep = (iv >= 0) & (iv < n_int)
        rows, iv = rows[keep], iv[keep]
        lo = np.maximum(t0[rows], grid.start + iv * C.INTERVAL_SECONDS) - t0[rows]
        hi = np.minimum(t1[rows], grid.start + (iv + 1) * C.INTERVAL_SECONDS) - t0[rows]
        h, tot = handled.hold[rows], np.maximum(th[rows], 1)
        part = (h * hi) // tot - (h * lo) // tot
        d = lookup(handled.agent)[rows]
        np.add.at(hold, d * n_int + iv, part)
    talk = talk_hold - hold
    # contact time past the end of its OPEN segment: eats logged AUX or extends the logged time
    over_start = np.maximum(handled.seg_end, t0)
    over_end = np.maximum(t2, over_start)
    nx = handled.next_aux.astype(bool)
    ov_aux = acc(handled.agent[nx], over_start[nx], over_end[nx])
    ov_out = acc(handled.agent[~nx], over_start[~nx], over_end[~nx])
    n_handled = np.zeros(size, dtype=np.int64)
    if len(handled):
        iv = (t0 - grid.start) // C.INTERVAL_SECONDS
        np.add.at(n_handled, lookup(handled.agent) * n_int + iv, 1)
    staffed = open_s + aux_s + ov_out
    aux = aux_s - ov_aux
    available = staffed - talk - hold - acw - aux
    if (available < 0).any() or (aux < 0).any() or (staffed > C.INTERVAL_SECONDS).any():
        raise AssertionError("agent interval accounting is inconsistent")
    keep = np.flatnonzero(staffed > 0)
    return IntervalReport(agent=agents[keep // n_int] if len(agents) else keep, interval=keep % n_int,
                          staffed=staffed[keep], available=available[keep], talk=talk[keep],
                          hold=hold[keep], acw=acw[keep], aux=aux[keep], handled=n_handled[keep])
