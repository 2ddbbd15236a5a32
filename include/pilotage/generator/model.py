"""The day model: every stage is a pure function of (seed, contacts_per_day, day).

``Model`` memoizes the stages per day (forecast, schedule, queueing, e-mail handling, contact
records, identities) because several days share them: e-mails received on one day are worked on
the next open day, follow-up contacts look back at the cases opened on the previous seven days.
The memo is only a cache: evaluating the days in any order, or one day alone, gives the same
result, so a day's files never depend on the requested range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import DayGrid, day_grid, is_open
from pilotage.generator.demand import (
    Arrivals,
    Forecast,
    arrivals,
    forecast,
    handling_day_of,
)
from pilotage.generator.email_queue import EmailHandling, work_emails
from pilotage.generator.identities import Identities, OriginPool, base_identities, identities_of_day
from pilotage.generator.queueing import (
    QueueResult,
    make_slots,
    open_seconds,
    simulate_queue,
)
from pilotage.generator.roster import Availability, History, availability, build_history
from pilotage.generator.schedule import DaySchedule, Logged, logged_segments, plan_day
from pilotage.generator.streams import stream

VOICE_QUEUES = tuple(i for i, q in enumerate(C.QUEUES) if q.channel != "EMAIL")
R_CUSTOMER, R_AGENT, R_FLOW = 0, 1, 2
DISCONNECT_REASONS = ("CUSTOMER_DISCONNECT", "AGENT_DISCONNECT", "CONTACT_FLOW_DISCONNECT")


@dataclass
class Contacts:
    """All contact records whose local initiation day is the day (canonical order)."""

    queue: np.ndarray
    initiation: np.ndarray
    enqueue: np.ndarray
    dequeue: np.ndarray
    answered: np.ndarray
    agent: np.ndarray  # history index, -1 if none
    talk: np.ndarray
    hold: np.ndarray
    nholds: np.ndarray
    acw: np.ndarray
    disconnect: np.ndarray
    acw_end: np.ndarray
    last_update: np.ndarray
    reason: np.ndarray
    transfer_from: np.ndarray  # index of the first leg for transferred contacts, else -1
    contact_id: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.queue)


class Model:
    def __init__(self, seed: int, contacts_per_day: int) -> None:
        self.seed = int(seed)
        self.cpd = float(contacts_per_day)
        self.history: History = build_history(self.seed, self.cpd)
        self._memo: dict[tuple[str, int], object] = {}
        self.case_allotment = int(3 * contacts_per_day) + 100

    # --- memo -----------------------------------------------------------------------------
    def _cached(self, kind: str, day: date, fn):
        key = (kind, day.toordinal())
        if key not in self._memo:
            self._memo[key] = fn(day)
        return self._memo[key]

    _LIGHT = ("arrivals", "base-identities", "forecast")

    def _drop_heavy(self, day: date) -> None:
        o = day.toordinal()
        for key in [k for k in self._memo if k[1] == o and k[0] not in self._LIGHT]:
            del self._memo[key]

    def forget_before(self, day: date) -> None:
        """Drop cached stages no later day needs (results would be recomputed identically)."""
        limit = day.toordinal()
        for key in [k for k in self._memo if k[1] < limit - 8 or (k[1] < limit and k[0] not in self._LIGHT)]:
            del self._memo[key]

    # --- stages ---------------------------------------------------------------------------
    def grid(self, day: date) -> DayGrid:
        return day_grid(day)

    def forecast(self, day: date) -> Forecast:
        return self._cached("forecast", day, lambda d: forecast(self.seed, self.cpd, d))

    def arrivals(self, day: date) -> Arrivals:
        return self._cached("arrivals", day, lambda d: arrivals(self.seed, self.cpd, d))

    def availability(self, day: date) -> Availability:
        return self._cached("availability", day, lambda d: availability(self.seed, self.history, d))

    def planned(self, day: date) -> DaySchedule:
        return self._cached("planned", day, lambda d: plan_day(
            self.seed, self.history, day_grid(d), self.forecast(d), self.availability(d)))

    def logged_planned(self, day: date) -> Logged:
        return self._cached("logged", day, lambda d: logged_segments(self.seed, day_grid(d), self.planned(d)))

    def schedule(self, day: date) -> DaySchedule:
        """Final schedule: the plan plus e-mail overtime decided on the day."""
        def build(d: date) -> DaySchedule:
            plan = self.planned(d)
            if not is_open(d):
                return plan
            extra = self.email_handling(d).overtime_rows
            return DaySchedule.from_rows(plan.rows() + extra) if extra else plan
        return self._cached("schedule", day, build)

    def logged(self, day: date) -> Logged:
        def build(d: date) -> Logged:
            base = self.logged_planned(d)
            if not is_open(d):
                return base
            ot = self.email_handling(d).overtime
            return Logged.concat([base, ot]) if len(ot.seg_agent) else base
        return self._cached("logged-final", day, build)

    def speed(self, agents: np.ndarray, day: date, qi: int) -> np.ndarray:
        """Handling-time factor: agent's own speed, new-hire slowness, the day's AHT factor."""
        tenure = day.toordinal() - self.history.hire[agents]
        newbie = 1.0 + 0.25 * np.exp(-tenure / 90.0)
        return self.history.aht_factor[agents] * newbie * self.arrivals(day).aht_factor[qi]

    def voice(self, day: date) -> dict[int, QueueResult]:
        def build(d: date) -> dict[int, QueueResult]:
            out: dict[int, QueueResult] = {}
            if not is_open(d):
                return out
            grid, lg, arr = day_grid(d), self.logged_planned(d), self.arrivals(d)
            for qi in VOICE_QUEUES:
                q = C.QUEUES[qi]
                m = self.history.queue[lg.seg_agent] == qi
                agents = lg.seg_agent[m]
                slots = make_slots(stream(self.seed, d, f"slots/{q.name}"), qi, agents, lg.seg_start[m],
                                   lg.seg_end[m], lg.seg_next_aux[m], self.speed(agents, d, qi))
                staffed = open_seconds(grid, lg.seg_start[m], lg.seg_end[m])
                out[qi] = simulate_queue(stream(self.seed, d, f"queue/{q.name}"), qi, grid, arr.counts[qi],
                                         slots, staffed, q.mean_aht * float(arr.aht_factor[qi]))
            return out
        return self._cached("voice", day, build)

    def email_handling(self, day: date) -> EmailHandling:
        return self._cached("email", day, lambda d: work_emails(self, d))

    # --- contact records ------------------------------------------------------------------
    def contacts(self, day: date) -> Contacts:
        return self._cached("contacts", day, self._contacts)

    def _contacts(self, day: date) -> Contacts:
        parts: dict[str, list[np.ndarray]] = {k: [] for k in (
            "queue", "enqueue", "dequeue", "answered", "agent", "talk", "hold", "nholds", "acw")}

        def add(**cols):
            for k, v in cols.items():
                parts[k].append(np.asarray(v))

        for qi, res in self.voice(day).items():
            n = len(res.enqueue)
            add(queue=np.full(n, qi), enqueue=res.enqueue, dequeue=res.dequeue, answered=res.answered,
                agent=np.where(res.answered, res.slot.agent, -1),
                talk=np.where(res.answered, res.slot.talk, 0), hold=np.where(res.answered, res.slot.hold, 0),
                nholds=np.where(res.answered, res.slot.nholds, 0),
                acw=np.where(res.answered, res.slot.acw, 0))
        # e-mails received today, worked today or on a later open day
        times = self.arrivals(day).email_times
        n_mail = len(times)
        if n_mail:
            hday = handling_day_of(day, times)
            e_enq = times.copy()
            e_deq = np.zeros(n_mail, dtype=np.int64)
            e_ans = np.zeros(n_mail, dtype=bool)
            e_agent = np.full(n_mail, -1, dtype=np.int64)
            e_talk, e_acw = np.zeros(n_mail, dtype=np.int64), np.zeros(n_mail, dtype=np.int64)
            for h in np.unique(hday).tolist():
                eh = self.email_handling(date.fromordinal(h))
                mine = np.flatnonzero(eh.arrival_day == day.toordinal())
                idx = eh.arrival_index[mine]
                ok = eh.served[mine]
                e_ans[idx] = ok
                e_agent[idx] = np.where(ok, eh.slot.agent[mine], -1)
                e_deq[idx] = np.where(ok, eh.slot.t[mine], day_grid(date.fromordinal(h)).open_epochs[1])
                e_talk[idx] = np.where(ok, eh.slot.talk[mine], 0)
                e_acw[idx] = np.where(ok, eh.slot.acw[mine], 0)
            add(queue=np.full(n_mail, C.EMAIL_QUEUE), enqueue=e_enq, dequeue=e_deq, answered=e_ans,
                agent=e_agent, talk=e_talk, hold=np.zeros(n_mail, dtype=np.int64),
                nholds=np.zeros(n_mail, dtype=np.int64), acw=e_acw)
        if not parts["queue"]:
            z = np.zeros(0, dtype=np.int64)
            return Contacts(z, z, z, z, np.zeros(0, dtype=bool), z, z, z, z, z, z, z, z, z, z, [])
        col = {k: np.concatenate(v) for k, v in parts.items()}
        col["answered"] = col["answered"].astype(bool)
        for k in col:
            if k != "answered":
                col[k] = col[k].astype(np.int64)
        n = len(col["queue"])
        rng = stream(self.seed, day, "contact-records")
        channel_voice = np.isin(col["queue"], [i for i, q in enumerate(C.QUEUES) if q.channel == "VOICE"])
        channel_chat = np.isin(col["queue"], [i for i, q in enumerate(C.QUEUES) if q.channel == "CHAT"])
        ivr = np.where(channel_voice, rng.integers(8, 45, n),
                       np.where(channel_chat, rng.integers(2, 12, n), 0))
        initiation = col["enqueue"] - ivr
        # transfers: a few answered voice contacts are second legs of a contact of another queue
        transfer_from = np.full(n, -1, dtype=np.int64)
        talk_end = col["dequeue"] + col["talk"] + col["hold"]
        u = rng.random(n)
        leg2_taken = np.zeros(n, dtype=bool)
        leg1_taken = np.zeros(n, dtype=bool)
        for src_name, dst_name in C.TRANSFERS:
            src, dst = C.QUEUE_INDEX[src_name], C.QUEUE_INDEX[dst_name]
            cand2 = np.flatnonzero((col["queue"] == dst) & col["answered"] & (u < C.TRANSFER_RATE)
                                   & ~leg2_taken & ~leg1_taken)
            src_idx = np.flatnonzero((col["queue"] == src) & col["answered"] & ~leg2_taken & ~leg1_taken
                                     & (u >= C.TRANSFER_RATE))
            if not len(cand2) or not len(src_idx):
                continue
            src_idx = src_idx[np.argsort(talk_end[src_idx], kind="stable")]
            ends = talk_end[src_idx]
            answer2 = col["dequeue"][cand2]
            pos = np.searchsorted(ends, answer2 - 5, side="right") - 1
            okp = pos >= 0
            leg1 = np.where(okp, src_idx[np.maximum(pos, 0)], -1)
            okp &= (leg1 >= 0) & (talk_end[np.maximum(leg1, 0)] >= answer2 - 240)
            cand2, leg1 = cand2[okp], leg1[okp]
            _, first = np.unique(leg1, return_index=True)
            first = np.sort(first)
            cand2, leg1 = cand2[first], leg1[first]
            transfer_from[cand2] = leg1
            leg2_taken[cand2] = True
            leg1_taken[leg1] = True
            initiation[cand2] = talk_end[leg1]
            col["enqueue"][cand2] = talk_end[leg1]
        # canonical order: by initiation
        order = np.lexsort((col["dequeue"], col["enqueue"], col["queue"], initiation))
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)
        for k in col:
            col[k] = col[k][order]
        initiation = initiation[order]
        transfer_from = np.where(transfer_from[order] >= 0, inv[np.maximum(transfer_from[order], 0)], -1)
        leg1_taken = leg1_taken[order]
        answered = col["answered"]
        disconnect = np.where(answered, col["dequeue"] + col["talk"] + col["hold"], col["dequeue"])
        acw_end = np.where(answered, disconnect + col["acw"], disconnect)
        rng2 = stream(self.seed, day, "contact-records-2")
        is_email = col["queue"] == C.EMAIL_QUEUE
        reason = np.where(rng2.random(n) < 0.55, R_CUSTOMER, R_AGENT)
        reason = np.where(~answered, R_CUSTOMER, reason)
        reason = np.where(is_email & answered, R_AGENT, reason)
        reason = np.where(is_email & ~answered, R_FLOW, reason)
        reason = np.where(leg1_taken, R_AGENT, reason)
        last_update = acw_end + np.where(answered, rng2.integers(2, 90, n), rng2.integers(2, 60, n))
        raw = rng2.bytes(16 * n).hex()
        ids = ["c-" + raw[i * 32:(i + 1) * 32] for i in range(n)]
        return Contacts(queue=col["queue"], initiation=initiation, enqueue=col["enqueue"],
                        dequeue=col["dequeue"], answered=answered, agent=col["agent"], talk=col["talk"],
                        hold=col["hold"], nholds=col["nholds"], acw=col["acw"], disconnect=disconnect,
                        acw_end=acw_end, last_update=last_update, reason=reason,
                        transfer_from=transfer_from, contact_id=ids)

    # --- customers and cases --------------------------------------------------------------
    def _base_identities(self, day: date):
        """Identity draws of a day that do not look at other days (cached)."""
        return self._cached("base-identities", day, lambda d: base_identities(self, d))

    def origin_pool(self, day: date) -> OriginPool:
        return self._base_identities(day)[5]

    def identities(self, day: date) -> Identities:
        return self._cached("identities", day, lambda d: identities_of_day(self, d))
