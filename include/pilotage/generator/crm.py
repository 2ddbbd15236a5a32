"""CRM side: customers' contact data, Salesforce cases, post-contact surveys.

Customers are numbers (``CUS`` + 8 digits); their phone number and e-mail address are derived
from the number, so every contact of a customer shows the same ones. A case is opened by every
answered first contact (follow-ups reuse its CaseNumber); e-mail cases are created on receipt
(Email-to-Case). Cases that will need a follow-up are exported Open, the others Closed on the
day of the contact or the next morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import day_grid
from pilotage.generator.identities import Identities
from pilotage.generator.model import Contacts, Model
from pilotage.generator.streams import stream

_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_SUFFIX_BYTES = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)
_CUSTOMER_FIRST = ("marie", "jean", "pierre", "sophie", "michel", "isabelle", "alain", "nathalie",
                   "philippe", "sandrine", "eric", "valerie", "olivier", "celine", "david", "julie",
                   "laurent", "aurelie", "stephane", "caroline", "patrick", "emilie", "frederic",
                   "delphine", "christophe", "helene", "sebastien", "claire", "vincent", "lucie")
_CUSTOMER_LAST = ("martin", "bernard", "dubois", "durand", "lefebvre", "moreau", "fournier",
                  "girard", "lambert", "fontaine", "rousseau", "vincent", "muller", "lefevre",
                  "faure", "andre", "mercier", "blanc", "guerin", "boyer", "garnier", "chevalier",
                  "francois", "legrand", "gauthier", "perrin", "robin", "clement", "morin", "nicolas")
_DOMAINS = ("example.com", "example.net", "example.org")


def salesforce_ids(prefix: str, numbers: np.ndarray) -> list[str]:
    """18-character Salesforce ids: 3-char key prefix, pod '7Q', 10 base-62 digits, checksum.

    The 3-character suffix encodes, per 5-character chunk, which characters are upper case
    (the case-insensitive form of a 15-character id), as Salesforce does.
    """
    n = np.asarray(numbers, dtype=np.int64)
    chars = np.empty((len(n), 18), dtype=np.uint8)
    chars[:, :5] = np.frombuffer((prefix + "7Q").encode(), dtype=np.uint8)
    rest = n.copy()
    for i in range(14, 4, -1):
        chars[:, i] = _BASE62[rest % 62]
        rest //= 62
    upper = (chars[:, :15] >= 65) & (chars[:, :15] <= 90)
    weights = 1 << np.arange(5)
    for chunk in range(3):
        bits = (upper[:, chunk * 5:(chunk + 1) * 5] * weights).sum(axis=1)
        chars[:, 15 + chunk] = _SUFFIX_BYTES[bits]
    return chars.view("S18").ravel().astype(str).tolist()


def customer_ids(numbers: np.ndarray) -> list[str]:
    return [f"CUS{x:08d}" for x in np.asarray(numbers).tolist()]


def customer_phones(numbers: np.ndarray) -> list[str]:
    scrambled = (np.asarray(numbers, dtype=np.int64) * 2654435761) % 100_000_000
    mobile = np.where(np.asarray(numbers) % 3 == 0, 7, 6)
    return [f"+33 {m} {x // 1000000:02d} {x // 10000 % 100:02d} {x // 100 % 100:02d} {x % 100:02d}"
            for m, x in zip(mobile.tolist(), scrambled.tolist(), strict=True)]


def customer_emails(numbers: np.ndarray) -> list[str]:
    out = []
    nf, nl = len(_CUSTOMER_FIRST), len(_CUSTOMER_LAST)
    for x in np.asarray(numbers).tolist():
        out.append(f"{_CUSTOMER_FIRST[x % nf]}.{_CUSTOMER_LAST[x // nf % nl]}{x % 97}@{_DOMAINS[x % 3]}")
    return out


@dataclass
class CaseRows:
    index: np.ndarray  # contact index of the opening contact
    case: np.ndarray
    created: np.ndarray
    closed: np.ndarray  # -1 when open
    reason: list[str]
    type: list[str]
    priority: list[str]


def cases_of_day(model: Model, day: date) -> CaseRows:
    ct, idn = model.contacts(day), model.identities(day)
    idx = np.flatnonzero(idn.opener)
    rng = stream(model.seed, day, "cases")
    n = len(idx)
    q = ct.queue[idx]
    is_email = q == C.EMAIL_QUEUE
    created = np.where(is_email, ct.initiation[idx] + rng.integers(5, 60, n),
                       ct.dequeue[idx] + np.minimum(ct.talk[idx], rng.integers(20, 90, n)))
    same_day = rng.random(n) < 0.7
    next_morning = day_grid(day + timedelta(days=1)).epoch(540) + rng.integers(0, 3 * 3600, n)
    closed = np.where(same_day, ct.acw_end[idx] + rng.integers(0, 900, n),
                      np.maximum(next_morning, ct.acw_end[idx] + 600))
    closed = np.where(idn.unresolved[idx], -1, np.maximum(closed, created))
    u, up = rng.random(n), rng.random(n)
    reasons = np.empty(n, dtype=object)
    types = np.empty(n, dtype=object)
    for qi, spec in enumerate(C.QUEUES):
        rows = np.flatnonzero(q == qi)
        if not len(rows):
            continue
        w = np.array([x[2] for x in spec.reasons])
        pick = np.minimum(np.searchsorted(np.cumsum(w / w.sum()), u[rows], side="right"), len(w) - 1)
        reasons[rows] = np.array([x[0] for x in spec.reasons], dtype=object)[pick]
        types[rows] = np.array([x[1] for x in spec.reasons], dtype=object)[pick]
    high = np.array([x.high_priority_rate for x in C.QUEUES])[q] if n else np.zeros(0)
    prios = np.where(up < high, "High", np.where(up > 0.7, "Low", "Medium")).tolist()
    return CaseRows(index=idx, case=idn.case[idx], created=created, closed=closed,
                    reason=reasons.tolist(), type=types.tolist(), priority=prios)


@dataclass
class SurveyRows:
    index: np.ndarray  # contact index
    survey: list[str]
    question: list[str]
    score: np.ndarray
    scale_max: np.ndarray
    answered_at: np.ndarray


def surveys_of_day(model: Model, ct: Contacts, idn: Identities, day: date) -> SurveyRows:
    """CSAT (1-5) and sometimes CES (1-7) answers; kept in the file of the contact's day."""
    rng = stream(model.seed, day, "surveys")
    n = len(ct)
    voice_chat = ct.queue != C.EMAIL_QUEUE
    respond = ct.answered & voice_chat & (rng.random(n) < C.SURVEY_RESPONSE_RATE)
    idx = np.flatnonzero(respond)
    k = len(idx)
    wait_min = np.minimum((ct.dequeue - ct.enqueue)[idx] / 60.0, 4.0)
    fu = idn.followup[idx].astype(float)
    agent_eff = model.history.csat_effect[ct.agent[idx]]
    aht = np.array([q.mean_aht for q in C.QUEUES])[ct.queue[idx]]
    long_call = np.minimum((ct.talk + ct.hold)[idx] / aht, 3.0)
    csat = np.clip(np.round(4.35 + agent_eff - 0.4 * wait_min - 0.7 * fu - 0.15 * long_call
                            + rng.normal(0, 0.85, k)), 1, 5).astype(np.int64)
    ces = np.clip(np.round(2.4 + 1.0 * fu + 0.35 * wait_min + 0.3 * ct.nholds[idx] - 0.5 * agent_eff
                           + rng.normal(0, 1.0, k)), 1, 7).astype(np.int64)
    with_ces = rng.random(k) < C.CES_SHARE
    answered_at = ct.acw_end[idx] + 60 + rng.exponential(1800.0, k).astype(np.int64)
    raw = rng.bytes(8 * k).hex()
    ids = ["sv-" + raw[i * 16:(i + 1) * 16] for i in range(k)]
    ces_rows = np.flatnonzero(with_ces)
    pos = np.r_[np.arange(k), ces_rows]
    is_ces = np.r_[np.zeros(k, dtype=bool), np.ones(len(ces_rows), dtype=bool)]
    order = np.lexsort((is_ces, pos))
    pos, is_ces = pos[order], is_ces[order]
    return SurveyRows(index=idx[pos], survey=[ids[j] for j in pos.tolist()],
                      question=np.where(is_ces, "CES", "CSAT").tolist(),
                      score=np.where(is_ces, ces[pos], csat[pos]), scale_max=np.where(is_ces, 7, 5),
                      answered_at=answered_at[pos] + np.where(is_ces, 5 + pos % 20, 0))
