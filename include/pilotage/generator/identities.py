"""Customers and cases of the contact records: who calls, which contacts open a case, which
follow up an earlier one (picked from the cases of the same or the previous days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.streams import stream

if TYPE_CHECKING:
    from pilotage.generator.model import Model


@dataclass
class Identities:
    customer: np.ndarray  # customer number per contact
    case: np.ndarray  # case number per contact, -1 when none (abandoned first contacts)
    followup: np.ndarray  # bool: follows up an earlier case
    opener: np.ndarray  # bool: the contact opened its case (a CRM case row of this day)
    unresolved: np.ndarray  # bool per contact (meaningful for openers)


@dataclass
class OriginPool:
    customer: np.ndarray
    case: np.ndarray
    queue: np.ndarray
    unresolved: np.ndarray
    initiation: np.ndarray


def base_identities(model: Model, d: date):
    """Identity draws of a day that do not look at other days: follow-up flags, customers,
    unresolved flags, case openers and their case numbers, and the pool later follow-ups pick from."""
    ct = model.contacts(d)
    n = len(ct)
    rng = stream(model.seed, d, "identities")
    fu_rate = np.array([q.followup_rate for q in C.QUEUES])[ct.queue] if n else np.zeros(0)
    unres_rate = np.array([q.unresolved_rate for q in C.QUEUES])[ct.queue] if n else np.zeros(0)
    leg2 = ct.transfer_from >= 0
    followup = (rng.random(n) < fu_rate) & ~leg2
    customer = rng.integers(1, C.CUSTOMER_BASE, n)
    unresolved = rng.random(n) < unres_rate
    opener = ct.answered & ~followup & ~leg2
    n_cases = int(opener.sum())
    if n_cases > model.case_allotment:
        raise RuntimeError("case numbers of a day overflow their allotment")
    base = (d - C.CASE_NUMBER_EPOCH).days * model.case_allotment + 1
    case = np.full(n, -1, dtype=np.int64)
    case[opener] = base + np.arange(n_cases)
    pool = OriginPool(customer=customer[opener], case=case[opener], queue=ct.queue[opener],
                      unresolved=unresolved[opener], initiation=ct.initiation[opener])
    return followup, customer, unresolved, opener, case, pool


def identities_of_day(model: Model, day: date) -> Identities:
    """Customers and cases of the day's contacts: a follow-up picks an earlier case (same day
    before it, or 1-7 days back, mostly of the same queue); a transfer's second leg takes its
    first leg's."""
    ct = model.contacts(day)
    followup, customer, unresolved, opener, case, _ = model._base_identities(day)
    customer, case = customer.copy(), case.copy()
    n = len(ct)
    rng = stream(model.seed, day, "followup-pick")
    w = np.array(C.FOLLOWUP_LAG_WEIGHTS)
    lag = rng.choice(len(w), size=n, p=w / w.sum())
    u_same, u_pick = rng.random(n), rng.random(n)
    pending = followup.copy()
    for _attempt in range(len(w) + 1):
        if not pending.any():
            break
        for k in np.unique(lag[pending]).tolist():
            sel = np.flatnonzero(pending & (lag == k))
            pool = model.origin_pool(day - timedelta(days=int(k)))
            if k > 0:  # only the pool of an earlier day is needed, not its records
                model._drop_heavy(day - timedelta(days=int(k)))
            if len(pool.case) == 0:
                continue
            weight = 1.0 + (C.UNRESOLVED_FOLLOWUP_WEIGHT - 1.0) * pool.unresolved
            cum = np.cumsum(weight)
            if k == 0:
                limit = np.searchsorted(pool.initiation, ct.initiation[sel], side="left")
                ok = limit > 0
                sel, limit = sel[ok], limit[ok]
                pick = np.searchsorted(cum, u_pick[sel] * cum[limit - 1], side="right")
                pick = np.minimum(pick, limit - 1)
            else:
                pick = np.searchsorted(cum, u_pick[sel] * cum[-1], side="right")
                pick = np.minimum(pick, len(cum) - 1)
                # mostly the same queue when that queue has cases on that day
                same = u_same[sel] < C.FOLLOWUP_SAME_QUEUE
                for qi in np.unique(ct.queue[sel[same]]).tolist():
                    sub = np.flatnonzero(pool.queue == qi)
                    if not len(sub):
                        continue
                    rows = np.flatnonzero(same & (ct.queue[sel] == qi))
                    cw = np.cumsum(weight[sub])
                    p2 = np.searchsorted(cw, u_pick[sel[rows]] * cw[-1], side="right")
                    pick[rows] = sub[np.minimum(p2, len(sub) - 1)]
            customer[sel] = pool.customer[pick]
            case[sel] = pool.case[pick]
            pending[sel] = False
        lag = np.where(pending, np.minimum(lag + 1, len(w) - 1), lag)
    # transferred second legs carry the first leg's customer and case
    leg2 = np.flatnonzero(ct.transfer_from >= 0)
    customer[leg2] = customer[ct.transfer_from[leg2]]
    case[leg2] = case[ct.transfer_from[leg2]]
    return Identities(customer=customer, case=case, followup=followup & ~pending, opener=opener,
                      unresolved=unresolved)
