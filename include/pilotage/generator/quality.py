"""QA evaluations (Amazon Connect evaluation-form style) and monthly calibration sessions.

Regular evaluations: each agent who answered voice or chat contacts on a day is evaluated with
probability QA_EVALUATIONS_PER_AGENT_MONTH / 15 on one of them (about four a month), by one of
the provider's evaluators, submitted 1-3 working days later. The file of a day holds the
evaluations of that day's contacts.

Scoring: every graded question's share of points is ``sigmoid(base + agent quality + contact
noise + evaluator bias + question difficulty + noise)``. ``hold_etiquette`` is not applicable
without a hold; other non-critical questions are N/A now and then (``notApplicable: true``,
``points: null``). Critical questions are yes/no (value 1/0, points max/0); a failed one zeroes
the evaluation. ``score.percentage`` = points / applicable max points x 100, rounded to 2 decimals.

Calibration: on the second Tuesday of each month, per provider, CALIBRATION_CONTACTS contacts
of the day are each scored by every evaluator of the provider (role ``participant``) and by the
client's quality lead ``qa-client-ref`` (role ``reference``), session ``cal-<provider>-<yyyy>-<mm>``.
Evaluators keep a stable severity bias, visible as their deviation from the reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import day_grid, iso_utc
from pilotage.generator.model import Contacts, Model
from pilotage.generator.streams import stream

_DIFFICULTY = {"greeting": 0.9, "needs_discovery": -0.1, "solution_accuracy": -0.35, "tone_empathy": 0.2,
               "hold_etiquette": 0.3, "recap_next_steps": -0.25}
_BASE = 1.45
QA_WORKING_DAYS_PER_MONTH = 15.0  # days an agent answers voice/chat contacts, on average


@dataclass
class Evaluation:
    submit: int
    line: str


def is_calibration_day(day: date) -> bool:
    return day.weekday() == 1 and 8 <= day.day <= 14


def _working_day_after(day: date, k: int) -> date:
    d = day
    while k > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            k -= 1
    return d


def _questions(truth: np.ndarray, noise: np.ndarray, na: np.ndarray, crit_fail: np.ndarray):
    """Question dicts and the percentage for one evaluation (``truth`` = latent per question)."""
    out, earned, possible, failed = [], 0, 0, False
    for j, (ref, section, critical, max_points) in enumerate(C.QA_QUESTIONS):
        if critical:
            ok = not crit_fail[j]
            value, points = (1 if ok else 0), (max_points if ok else 0)
            failed |= not ok
            out.append({"questionRefId": ref, "sectionRefId": section, "critical": True,
                        "maxPoints": max_points, "answer": {"value": value, "notApplicable": False},
                        "points": points})
            earned += points
            possible += max_points
        elif na[j]:
            out.append({"questionRefId": ref, "sectionRefId": section, "critical": False,
                        "maxPoints": max_points, "answer": {"value": None, "notApplicable": True},
                        "points": None})
        else:
            share = 1.0 / (1.0 + np.exp(-(truth[j] + noise[j])))
            points = int(np.clip(np.round(share * max_points), 0, max_points))
            out.append({"questionRefId": ref, "sectionRefId": section, "critical": False,
                        "maxPoints": max_points, "answer": {"value": points, "notApplicable": False},
                        "points": points})
            earned += points
            possible += max_points
    pct = 0.0 if failed or possible == 0 else round(100.0 * earned / possible, 2)
    return out, pct


def _contact_truth(rng: np.random.Generator, quality: float, nholds: int, risk: float):
    nq = len(C.QA_QUESTIONS)
    diff = np.array([_DIFFICULTY.get(q[0], 0.0) for q in C.QA_QUESTIONS])
    truth = _BASE + quality + rng.normal(0.0, 0.45) + diff + rng.normal(0.0, 0.35, nq)
    na = np.array([(not q[2]) and (q[0] != "greeting") and (q[0] != "solution_accuracy")
                   and (rng.random() < C.QA_NOT_APPLICABLE_RATE) for q in C.QA_QUESTIONS])
    na |= np.array([q[0] == "hold_etiquette" for q in C.QA_QUESTIONS]) & (nholds == 0)
    crit_fail = np.array([q[2] and rng.random() < C.QA_CRITICAL_FAIL_RATE * risk for q in C.QA_QUESTIONS])
    return truth, na, crit_fail


def _line(eval_id, contact_id, agent, evaluator, submit_iso, pct, session, role, questions) -> str:
    record = {
        "evaluationId": eval_id,
        "metadata": {"contactId": contact_id, "agentId": agent, "evaluatorId": evaluator,
                     "evaluationDefinitionTitle": C.QA_FORM_TITLE,
                     "evaluationDefinitionVersion": C.QA_FORM_VERSION,
                     "evaluationSubmitTimestamp": submit_iso, "score": {"percentage": pct},
                     "calibrationSessionId": session, "calibrationRole": role},
        "questions": questions,
    }
    return json.dumps(record, ensure_ascii=False)


def evaluations_of_day(model: Model, ct: Contacts, day: date) -> list[Evaluation]:
    rng = stream(model.seed, day, "qa")
    h = model.history
    eligible = np.flatnonzero(ct.answered & (ct.queue != C.EMAIL_QUEUE) & (ct.agent >= 0))
    out: list[Evaluation] = []
    if not len(eligible):
        return out
    key = rng.random(len(eligible))
    agents = ct.agent[eligible]
    order = np.lexsort((key, agents))
    first = np.r_[True, agents[order][1:] != agents[order][:-1]]
    picks = eligible[order[first]]  # one random contact per agent
    evaluate = rng.random(len(picks)) < C.QA_EVALUATIONS_PER_AGENT_MONTH / QA_WORKING_DAYS_PER_MONTH
    eval_ids = rng.bytes(12 * len(picks)).hex()
    for k, ci in enumerate(picks.tolist()):
        if not evaluate[k]:
            continue
        a = int(ct.agent[ci])
        provider = C.QUEUES[int(ct.queue[ci])].provider_id
        evaluators = C.EVALUATORS[provider]
        ev_id, bias = evaluators[int(rng.integers(len(evaluators)))]
        truth, na, crit = _contact_truth(rng, float(h.quality[a]), int(ct.nholds[ci]),
                                         float(h.critical_risk[a]))
        noise = bias + rng.normal(0.0, 0.4, len(truth))
        questions, pct = _questions(truth, noise, na, crit)
        sub_day = _working_day_after(day, int(rng.integers(1, 4)))
        submit = int(day_grid(sub_day).epoch(int(rng.integers(540, 1050)))) + int(rng.integers(0, 60))
        submit = max(submit, int(ct.acw_end[ci]) + 3600)
        line = _line("ev-" + eval_ids[k * 24:(k + 1) * 24], ct.contact_id[ci], h.username[a], ev_id,
                     str(iso_utc(np.array([submit]))[0]), pct, None, None, questions)
        out.append(Evaluation(submit, line))
    if is_calibration_day(day):
        out += _calibration(model, ct, day, rng)
    out.sort(key=lambda e: (e.submit, e.line))
    return out


def _calibration(model: Model, ct: Contacts, day: date, rng: np.random.Generator) -> list[Evaluation]:
    h = model.history
    out: list[Evaluation] = []
    grid = day_grid(day)
    session_start = int(grid.epoch(16 * 60))
    for provider, evaluators in C.EVALUATORS.items():
        queues = [i for i, q in enumerate(C.QUEUES) if q.provider_id == provider and q.channel != "EMAIL"]
        cand = np.flatnonzero(ct.answered & np.isin(ct.queue, queues) & (ct.agent >= 0)
                              & (ct.acw_end < session_start - 600))
        if not len(cand):
            continue
        chosen = np.sort(rng.choice(cand, size=min(C.CALIBRATION_CONTACTS, len(cand)), replace=False))
        session = f"cal-{provider}-{day.year:04d}-{day.month:02d}"
        panel = [(e, b, "participant") for e, b in evaluators] + [(C.REFERENCE_EVALUATOR, 0.0, "reference")]
        for n_contact, ci in enumerate(chosen.tolist()):
            a = int(ct.agent[ci])
            truth, na, crit = _contact_truth(rng, float(h.quality[a]), int(ct.nholds[ci]),
                                             float(h.critical_risk[a]))
            for n_eval, (ev_id, bias, role) in enumerate(panel):
                sd = 0.12 if role == "reference" else 0.3
                noise = bias + rng.normal(0.0, sd, len(truth))
                questions, pct = _questions(truth, noise, na, crit)
                submit = session_start + 1200 * n_contact + 60 * n_eval + int(rng.integers(0, 50))
                eval_id = "ev-" + rng.bytes(12).hex()
                out.append(Evaluation(submit, _line(eval_id, ct.contact_id[ci], h.username[a], ev_id,
                                                    str(iso_utc(np.array([submit]))[0]), pct, session,
                                                    role, questions)))
    return out
