"""Render one day's eight export files in the layouts of docs/source-layouts.md.

Rendering is column-wise: timestamps are formatted for whole arrays at once with numpy, then each
line is a single f-string, which keeps a 100,000-contact day to a fraction of a second without
any JSON/CSV library on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.clock import (
    day_grid,
    hhmm,
    is_open,
    iso_utc,
    local_iso_with_offset,
    salesforce_utc,
)
from pilotage.generator.crm import (
    cases_of_day,
    customer_emails,
    customer_ids,
    customer_phones,
    salesforce_ids,
    surveys_of_day,
)
from pilotage.generator.intervals import agent_intervals
from pilotage.generator.model import DISCONNECT_REASONS, Model
from pilotage.generator.quality import evaluations_of_day
from pilotage.generator.queueing import Slots
from pilotage.generator.roster import roster_snapshot
from pilotage.generator.schedule import ACTIVITY_NAMES
from pilotage.generator.streams import stream

CONTACTS_HEADER = None  # JSON Lines: no header
AGENT_INTERVALS_HEADER = ("IntervalStart;AgentLogin;QueueGroup;StaffedTime;AvailableTime;TalkTime;"
                          "HoldTime;AcwTime;AuxTime;ContactsHandled")
CASES_HEADER = ("Id,CaseNumber,ContactId,AccountId,Origin,Reason,Type,Status,Priority,IsClosed,"
                "CreatedDate,ClosedDate,Call_Id__c,SuppliedEmail,SuppliedPhone")
SURVEYS_HEADER = "survey_id,contact_id,case_number,question,score,scale_max,answered_at"
FORECASTS_HEADER = "DATE|PERIOD|TZ|CT_ID|FCST_CONTACTS|FCST_AHT|FCST_REQ"
SCHEDULES_HEADER = "AGENT_ID|DATE|ACTIVITY|START|END|TZ"
ROSTER_HEADER = ("agent_id,acd_username,first_name,last_name,provider_id,site_id,team_id,hire_date,"
                 "leave_date,skills")


_CHUNK = 20_000  # lines rendered and written at a time


@dataclass
class DayFile:
    source: str
    entity: str  # entity key, e.g. acd__contacts
    name: str
    chunks: list[str]  # the file's text, in pieces (empty list: no content at all)
    rows: int  # records (lines without header)

    @property
    def content(self) -> bytes:
        return "".join(self.chunks).encode("utf-8")


def _csv_field(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _case_numbers(cases: np.ndarray) -> list[str]:
    return [f"{c:08d}" if c >= 0 else "" for c in cases.tolist()]


def render_contacts(model: Model, day: date) -> tuple[list[str], int]:
    ct, idn = model.contacts(day), model.identities(day)
    n = len(ct)
    if n == 0:
        return [], 0
    h = model.history
    ini, disc, upd = iso_utc(ct.initiation), iso_utc(ct.disconnect), iso_utc(ct.last_update)
    enq, deq, acw_end = iso_utc(ct.enqueue), iso_utc(ct.dequeue), iso_utc(ct.acw_end)
    queue_names = [q.name for q in C.QUEUES]
    channels = [q.channel for q in C.QUEUES]
    cust = customer_ids(idn.customer)
    cases = _case_numbers(idn.case)
    voice = np.array([q.channel == "VOICE" for q in C.QUEUES])[ct.queue]
    phones = customer_phones(idn.customer)
    emails = customer_emails(idn.customer)
    users = h.username[np.maximum(ct.agent, 0)].tolist()
    ids = ct.contact_id
    q_list, tf_list, ans = ct.queue.tolist(), ct.transfer_from.tolist(), ct.answered.tolist()
    talk, hold, nholds, acw = ct.talk.tolist(), ct.hold.tolist(), ct.nholds.tolist(), ct.acw.tolist()
    duration = (ct.dequeue - ct.enqueue).tolist()
    reason = [DISCONNECT_REASONS[r] for r in ct.reason.tolist()]
    voice_l = voice.tolist()
    ini, disc, enq, deq, acw_end = (a.tolist() for a in (ini, disc, enq, deq, acw_end))
    # at-least-once delivery: a few records arrive twice, the copy with a later LastUpdateTimestamp
    rng = stream(model.seed, day, "duplicates")
    dup = np.flatnonzero(rng.random(n) < C.DUPLICATE_RATE)
    later = ct.last_update[dup] + rng.integers(60, 4 * 3600, len(dup))
    all_idx = np.r_[np.arange(n), dup]
    all_upd = np.r_[ct.last_update, later]
    upd_text = np.r_[upd, iso_utc(later)] if len(dup) else upd
    order = np.lexsort((np.arange(len(all_idx)), all_upd))  # delivery order
    out_idx, out_upd = all_idx[order].tolist(), upd_text[order].tolist()

    def line(i: int, updated: str) -> str:
        qi = q_list[i]
        tf = tf_list[i]
        initial = f'"{ids[tf]}"' if tf >= 0 else "null"
        method = "TRANSFER" if tf >= 0 else "INBOUND"
        if ans[i]:
            agent = (f'{{"Username": "{users[i]}", "ConnectedToAgentTimestamp": "{deq[i]}", '
                     f'"AgentInteractionDuration": {talk[i]}, "CustomerHoldDuration": {hold[i]}, '
                     f'"NumberOfHolds": {nholds[i]}, "AfterContactWorkStartTimestamp": "{disc[i]}", '
                     f'"AfterContactWorkEndTimestamp": "{acw_end[i]}", '
                     f'"AfterContactWorkDuration": {acw[i]}}}')
        else:
            agent = "null"
        endpoint = (f'{{"Type": "TELEPHONE_NUMBER", "Address": "{phones[i]}"}}' if voice_l[i]
                    else f'{{"Type": "EMAIL_ADDRESS", "Address": "{emails[i]}"}}')
        case = f'"{cases[i]}"' if cases[i] else "null"
        return (f'{{"ContactId": "{ids[i]}", "InitialContactId": {initial}, '
                f'"Channel": "{channels[qi]}", "InitiationMethod": "{method}", '
                f'"InitiationTimestamp": "{ini[i]}", "DisconnectTimestamp": "{disc[i]}", '
                f'"LastUpdateTimestamp": "{updated}", "DisconnectReason": "{reason[i]}", '
                f'"Queue": {{"Name": "{queue_names[qi]}", "EnqueueTimestamp": "{enq[i]}", '
                f'"DequeueTimestamp": "{deq[i]}", "Duration": {duration[i]}}}, '
                f'"Agent": {agent}, "CustomerEndpoint": {endpoint}, '
                f'"Attributes": {{"customer_id": "{cust[i]}", "case_number": {case}}}}}\n')

    chunks = ["".join([line(i, u) for i, u in zip(out_idx[k:k + _CHUNK], out_upd[k:k + _CHUNK], strict=True)])
              for k in range(0, len(out_idx), _CHUNK)]
    return chunks, len(out_idx)


def render_agent_intervals(model: Model, day: date) -> tuple[str, int]:
    header = AGENT_INTERVALS_HEADER + "\r\n"
    if not is_open(day):
        return header, 0
    grid = day_grid(day)
    parts = []
    for res in model.voice(day).values():
        parts.append(res.slot.take(np.flatnonzero(res.answered)))
    eh = model.email_handling(day)
    parts.append(eh.slot.take(np.flatnonzero(eh.served)))
    rep = agent_intervals(grid, model.logged(day), Slots.concat(parts))
    h = model.history
    starts = local_iso_with_offset(grid.start + rep.interval * C.INTERVAL_SECONDS, grid.noon_offset)
    users = h.username[rep.agent]
    groups = np.array([q.name for q in C.QUEUES], dtype=object)[h.queue[rep.agent]]
    order = np.lexsort((users.astype(str), rep.interval))
    lines = [f"{starts[i]};{users[i]};{groups[i]};{rep.staffed[i]};{rep.available[i]};{rep.talk[i]};"
             f"{rep.hold[i]};{rep.acw[i]};{rep.aux[i]};{rep.handled[i]}" for i in order.tolist()]
    return header + "".join(line + "\r\n" for line in lines), len(lines)


def render_cases(model: Model, day: date) -> tuple[str, int]:
    ct, idn = model.contacts(day), model.identities(day)
    cr = cases_of_day(model, day)
    n = len(cr.index)
    if n == 0:
        return CASES_HEADER + "\n", 0
    cust_num = idn.customer[cr.index]
    ids = salesforce_ids("500", cr.case)
    accounts = salesforce_ids("001", cust_num)
    cust = customer_ids(cust_num)
    cases = _case_numbers(cr.case)
    origin = [C.QUEUES[q].case_origin for q in ct.queue[cr.index].tolist()]
    created = salesforce_utc(cr.created)
    closed = salesforce_utc(np.maximum(cr.closed, 0))
    emails, phones = customer_emails(cust_num), customer_phones(cust_num)
    order = np.lexsort((cr.case, cr.created))
    lines = []
    for i in order.tolist():
        is_closed = cr.closed[i] >= 0
        fields = (ids[i], cases[i], cust[i], accounts[i], origin[i], cr.reason[i], cr.type[i],
                  "Closed" if is_closed else "Open", cr.priority[i], "true" if is_closed else "false",
                  created[i], closed[i] if is_closed else "", ct.contact_id[cr.index[i]], emails[i],
                  phones[i])
        lines.append('"' + '","'.join(fields) + '"')  # no field can contain a quote
    return CASES_HEADER + "\n" + "".join(line + "\n" for line in lines), n


def render_surveys(model: Model, day: date) -> tuple[str, int]:
    ct, idn = model.contacts(day), model.identities(day)
    sv = surveys_of_day(model, ct, idn, day)
    n = len(sv.index)
    if n == 0:
        return SURVEYS_HEADER + "\n", 0
    at = iso_utc(sv.answered_at)
    cases = _case_numbers(idn.case[sv.index])
    order = np.lexsort((np.arange(n), sv.answered_at))
    lines = [f"{sv.survey[i]},{ct.contact_id[sv.index[i]]},{cases[i]},{sv.question[i]},{sv.score[i]},"
             f"{sv.scale_max[i]},{at[i]}" for i in order.tolist()]
    return SURVEYS_HEADER + "\n" + "".join(line + "\n" for line in lines), n


def render_forecasts(model: Model, day: date) -> tuple[str, int]:
    fc = model.forecast(day)
    grid = day_grid(day)
    stamp = day.strftime("%Y%m%d")
    lines = []
    for qi, q in enumerate(C.QUEUES):
        for i in np.flatnonzero(fc.rows[qi]).tolist():
            lines.append(f"{stamp}|{grid.labels[i]}|{C.TIME_ZONE}|{q.name}|{fc.contacts[qi, i]:.2f}|"
                         f"{fc.aht[qi, i]:.1f}|{fc.required[qi, i]:.2f}")
    return FORECASTS_HEADER + "\n" + "".join(line + "\n" for line in lines), len(lines)


def render_schedules(model: Model, day: date) -> tuple[str, int]:
    sched = model.schedule(day)
    h = model.history
    stamp = day.strftime("%Y%m%d")
    ids = h.agent_id[sched.agent]
    start, end = hhmm(sched.start), hhmm(sched.end)
    order = np.lexsort((sched.start, ids.astype(str)))
    lines = [f"{ids[i]}|{stamp}|{ACTIVITY_NAMES[sched.code[i]]}|{start[i]}|{end[i]}|{C.TIME_ZONE}"
             for i in order.tolist()]
    return SCHEDULES_HEADER + "\n" + "".join(line + "\n" for line in lines), len(lines)


def render_roster(model: Model, day: date) -> tuple[str, int]:
    h = model.history
    snap = roster_snapshot(h, day)
    lines = []
    for k, a in enumerate(snap.agents.tolist()):
        site = C.SITES[int(h.site[a])]
        leave = date.fromordinal(int(h.leave[a])).isoformat() if snap.leave_shown[k] else ""
        fields = (h.agent_id[a], h.username[a], h.first_name[a], h.last_name[a], site.provider_id,
                  site.site_id, f"{site.site_id}-T{int(snap.team[k])}",
                  date.fromordinal(int(h.hire[a])).isoformat(), leave, h.skills[a])
        lines.append(",".join(_csv_field(str(f)) for f in fields))
    return ROSTER_HEADER + "\n" + "".join(line + "\n" for line in lines), len(lines)


def render_evaluations(model: Model, day: date) -> tuple[str, int]:
    evals = evaluations_of_day(model, model.contacts(day), day)
    if not evals:
        return "", 0
    return "".join(e.line + "\n" for e in evals), len(evals)


FILES = (
    ("acd", "acd__contacts", "contacts_{}.jsonl", render_contacts),
    ("acd", "acd__agent_intervals", "agent_intervals_{}.csv", render_agent_intervals),
    ("crm", "crm__cases", "cases_{}.csv", render_cases),
    ("crm", "crm__surveys", "surveys_{}.csv", render_surveys),
    ("wfm", "wfm__forecasts", "forecasts_{}.txt", render_forecasts),
    ("wfm", "wfm__schedules", "schedules_{}.txt", render_schedules),
    ("wfm", "wfm__roster", "roster_{}.csv", render_roster),
    ("qa", "qa__evaluations", "evaluations_{}.jsonl", render_evaluations),
)


def render_day(model: Model, day: date) -> list[DayFile]:
    stamp = day.strftime("%Y%m%d")
    out = []
    for source, entity, pattern, render in FILES:
        text, rows = render(model, day)
        chunks = text if isinstance(text, list) else ([text] if text else [])
        out.append(DayFile(source, entity, pattern.format(stamp), chunks, rows))
    return out
