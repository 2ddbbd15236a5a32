"""The sample-export generator: determinism, file layouts, internal consistency, realism."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pilotage.generator import center, day_files, generate
from pilotage.generator.__main__ import main as cli_main
from pilotage.generator.erlang import erlang_b, erlang_c, required_agents, service_level

TZ = ZoneInfo("Europe/Paris")
FIRST, LAST = date(2026, 4, 6), date(2026, 4, 15)  # Mon..Wed: a Saturday, a Sunday, the 2nd Tuesday
SEED, CPD = 11, 1200
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
QUEUES = {q.name: q for q in center.QUEUES}

HEADERS = {
    "acd/agent_intervals": ("IntervalStart;AgentLogin;QueueGroup;StaffedTime;AvailableTime;TalkTime;"
                            "HoldTime;AcwTime;AuxTime;ContactsHandled"),
    "crm/cases": ("Id,CaseNumber,ContactId,AccountId,Origin,Reason,Type,Status,Priority,IsClosed,"
                  "CreatedDate,ClosedDate,Call_Id__c,SuppliedEmail,SuppliedPhone"),
    "crm/surveys": "survey_id,contact_id,case_number,question,score,scale_max,answered_at",
    "wfm/forecasts": "DATE|PERIOD|TZ|CT_ID|FCST_CONTACTS|FCST_AHT|FCST_REQ",
    "wfm/schedules": "AGENT_ID|DATE|ACTIVITY|START|END|TZ",
    "wfm/roster": ("agent_id,acd_username,first_name,last_name,provider_id,site_id,team_id,hire_date,"
                   "leave_date,skills"),
}
EXTENSIONS = {"acd/contacts": "jsonl", "acd/agent_intervals": "csv", "crm/cases": "csv",
              "crm/surveys": "csv", "wfm/forecasts": "txt", "wfm/schedules": "txt", "wfm/roster": "csv",
              "qa/evaluations": "jsonl"}
CONTACT_KEYS = ["ContactId", "InitialContactId", "Channel", "InitiationMethod", "InitiationTimestamp",
                "DisconnectTimestamp", "LastUpdateTimestamp", "DisconnectReason", "Queue", "Agent",
                "CustomerEndpoint", "Attributes"]
AGENT_KEYS = ["Username", "ConnectedToAgentTimestamp", "AgentInteractionDuration", "CustomerHoldDuration",
              "NumberOfHolds", "AfterContactWorkStartTimestamp", "AfterContactWorkEndTimestamp",
              "AfterContactWorkDuration"]


# --- fixtures and helpers -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("landing-a")
    summary = generate(root, FIRST, LAST, seed=SEED, contacts_per_day=CPD)
    assert summary.days == len(DAYS)
    return root


@pytest.fixture(scope="module")
def data(landing: Path) -> dict:
    """Everything parsed once: {kind: {day: rows}}."""
    out: dict = defaultdict(dict)
    for day in DAYS:
        stamp = day.strftime("%Y%m%d")
        out["contact_lines"][day] = _jsonl(landing / f"acd/contacts_{stamp}.jsonl")
        out["evaluations"][day] = _jsonl(landing / f"qa/evaluations_{stamp}.jsonl")
        out["intervals"][day] = _csv(landing / f"acd/agent_intervals_{stamp}.csv", ";")
        out["cases"][day] = _csv(landing / f"crm/cases_{stamp}.csv", ",")
        out["surveys"][day] = _csv(landing / f"crm/surveys_{stamp}.csv", ",")
        out["forecasts"][day] = _csv(landing / f"wfm/forecasts_{stamp}.txt", "|")
        out["schedules"][day] = _csv(landing / f"wfm/schedules_{stamp}.txt", "|")
        out["roster"][day] = _csv(landing / f"wfm/roster_{stamp}.csv", ",")
        latest: dict[str, dict] = {}
        for rec in out["contact_lines"][day]:
            kept = latest.get(rec["ContactId"])
            if kept is None or rec["LastUpdateTimestamp"] > kept["LastUpdateTimestamp"]:
                latest[rec["ContactId"]] = rec
        out["contacts"][day] = list(latest.values())
    return out


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _csv(path: Path, delimiter: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=ZoneInfo("UTC"))


def _local(text: str) -> datetime:
    return _utc(text).astimezone(TZ)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _all_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- determinism --------------------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path, FIRST, LAST, seed=SEED, contacts_per_day=CPD)
    first, second = _all_files(landing), _all_files(tmp_path)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_a_day_alone_equals_that_day_of_a_range(landing: Path, tmp_path: Path) -> None:
    day = date(2026, 4, 13)  # a Monday: needs Saturday/Sunday e-mails and last week's cases
    generate(tmp_path, day, day, seed=SEED, contacts_per_day=CPD)
    alone = _all_files(tmp_path)
    assert len(alone) == 8
    for name, content in alone.items():
        assert (landing / name).read_bytes() == content, name
    assert day_files(day, seed=SEED, contacts_per_day=CPD) == alone


def test_another_seed_gives_other_files(landing: Path) -> None:
    other = day_files(date(2026, 4, 9), seed=SEED + 1, contacts_per_day=CPD)
    for name, content in other.items():
        assert (landing / name).read_bytes() != content, name


# --- layouts -------------------------------------------------------------------------------------

def test_every_day_has_its_files_with_the_documented_headers(landing: Path) -> None:
    for day in DAYS:
        stamp = day.strftime("%Y%m%d")
        for stem, ext in EXTENSIONS.items():
            path = landing / f"{stem}_{stamp}.{ext}"
            assert path.exists(), path
            if stem == "qa/evaluations" and day.weekday() == 6:
                assert path.stat().st_size == 0  # nothing evaluated on a closed day: empty file
                continue
            raw = path.read_bytes()
            assert raw, path
            if stem in HEADERS:
                first_line = raw.split(b"\n", 1)[0].decode()
                if stem == "acd/agent_intervals":
                    assert first_line.endswith("\r")
                    assert raw.count(b"\n") == raw.count(b"\r\n")  # CRLF everywhere
                    first_line = first_line[:-1]
                else:
                    assert b"\r" not in raw
                assert first_line == HEADERS[stem]


def test_csv_rows_match_their_header_and_formats(data: dict) -> None:
    for day in DAYS:
        stamp = day.strftime("%Y%m%d")
        for row in data["forecasts"][day]:
            assert row["DATE"] == stamp and row["TZ"] == "Europe/Paris" and row["CT_ID"] in QUEUES
            assert len(row["PERIOD"]) == 5 and float(row["FCST_REQ"]) >= 0
        for row in data["schedules"][day]:
            assert row["DATE"] == stamp and row["ACTIVITY"] in {
                "OPEN", "BREAK", "LUNCH", "TRAINING", "MEETING", "SICK", "VACATION"}
            assert _minutes(row["START"]) < (_minutes(row["END"]) or 1440)
        for row in data["cases"][day]:
            assert len(row["Id"]) == 18 and row["Id"].startswith("500")
            assert len(row["CaseNumber"]) == 8 and row["CaseNumber"].isdigit()
            assert row["Origin"] in {"Phone", "Chat", "Email"} and row["IsClosed"] in {"true", "false"}
            assert (row["Status"] == "Closed") == (row["IsClosed"] == "true") == bool(row["ClosedDate"])
            datetime.strptime(row["CreatedDate"], "%Y-%m-%dT%H:%M:%S.000+0000")
            assert row["ContactId"].startswith("CUS")
        for row in data["roster"][day]:
            assert row["agent_id"].startswith(f"AG-{row['site_id']}-")
            assert row["acd_username"] == f"a.{row['site_id'].lower()}.{row['agent_id'][-4:]}"
            assert row["team_id"].startswith(f"{row['site_id']}-T")
            date.fromisoformat(row["hire_date"])
        for row in data["surveys"][day]:
            assert row["question"] in {"CSAT", "CES"}
            assert 1 <= int(row["score"]) <= int(row["scale_max"]) == (5 if row["question"] == "CSAT" else 7)


def test_cases_file_is_fully_quoted(landing: Path) -> None:
    text = (landing / "crm/cases_20260409.csv").read_text(encoding="utf-8").splitlines()
    assert text[1:] and all(line.startswith('"') and line.endswith('"') for line in text[1:])


def test_json_records_have_the_documented_keys(data: dict) -> None:
    for day in DAYS:
        for rec in data["contact_lines"][day]:
            assert list(rec) == CONTACT_KEYS
            assert list(rec["Queue"]) == ["Name", "EnqueueTimestamp", "DequeueTimestamp", "Duration"]
            assert list(rec["CustomerEndpoint"]) == ["Type", "Address"]
            assert list(rec["Attributes"]) == ["customer_id", "case_number"]
            if rec["Agent"] is not None:
                assert list(rec["Agent"]) == AGENT_KEYS
        for ev in data["evaluations"][day]:
            assert list(ev) == ["evaluationId", "metadata", "questions"]
            assert list(ev["metadata"]) == [
                "contactId", "agentId", "evaluatorId", "evaluationDefinitionTitle",
                "evaluationDefinitionVersion", "evaluationSubmitTimestamp", "score",
                "calibrationSessionId", "calibrationRole"]
            for q in ev["questions"]:
                assert list(q) == ["questionRefId", "sectionRefId", "critical", "maxPoints", "answer",
                                   "points"]
                assert list(q["answer"]) == ["value", "notApplicable"]


def test_shipped_layouts_read_the_files_without_errors(landing: Path) -> None:
    reader = pytest.importorskip("pilotage.ingest.reader")
    layouts = pytest.importorskip("pilotage.ingest.layout_lookup")
    from pilotage.ingest.contracts import ENTITIES

    day = date(2026, 4, 14)
    for ent in (e for e in ENTITIES if e.expected):  # the sample center sends no interval reports
        path = landing / ent.source / ent.file_glob.format(yyyymmdd=day.strftime("%Y%m%d"))
        frame = reader.read_file(layouts.load_layout(ent.key),
                                 reader.Delivered(path, day, "sha", path.name))
        assert len(frame) > 0, ent.key
        assert frame["_errors"].isna().all(), (ent.key, frame["_errors"].dropna().head().tolist())


# --- internal consistency ------------------------------------------------------------------------

def test_contacts_are_consistent(data: dict) -> None:
    for day in DAYS:
        for rec in data["contacts"][day]:
            queue = QUEUES[rec["Queue"]["Name"]]
            assert rec["Channel"] == queue.channel
            assert _local(rec["InitiationTimestamp"]).date() == day  # the contact's local day
            enq, deq = _utc(rec["Queue"]["EnqueueTimestamp"]), _utc(rec["Queue"]["DequeueTimestamp"])
            assert rec["Queue"]["Duration"] == (deq - enq).total_seconds() >= 0
            assert _utc(rec["InitiationTimestamp"]) <= enq
            agent = rec["Agent"]
            if agent is None:  # abandoned: no agent, queue time = patience
                assert queue.channel != "EMAIL"
                assert rec["DisconnectTimestamp"] == rec["Queue"]["DequeueTimestamp"]
                continue
            assert agent["ConnectedToAgentTimestamp"] == rec["Queue"]["DequeueTimestamp"]
            talk = agent["AgentInteractionDuration"] + agent["CustomerHoldDuration"]
            talk_end = deq + timedelta(seconds=talk)
            assert _utc(rec["DisconnectTimestamp"]) == talk_end
            assert _utc(agent["AfterContactWorkEndTimestamp"]) == talk_end + timedelta(
                seconds=agent["AfterContactWorkDuration"])
            assert (agent["NumberOfHolds"] == 0) == (agent["CustomerHoldDuration"] == 0)
            assert rec["LastUpdateTimestamp"] >= agent["AfterContactWorkEndTimestamp"]
            assert rec["Attributes"]["case_number"] is not None
            assert agent["Username"].startswith(f"a.{queue.site_id.lower()}.")


def test_duplicates_repeat_a_record_with_a_later_update(data: dict) -> None:
    lines = [rec for day in DAYS for rec in data["contact_lines"][day]]
    by_id = defaultdict(list)
    for rec in lines:
        by_id[rec["ContactId"]].append(rec)
    dups = [recs for recs in by_id.values() if len(recs) > 1]
    assert 0.001 < len(dups) / len(by_id) < 0.015
    for first, second in dups:
        assert first["LastUpdateTimestamp"] < second["LastUpdateTimestamp"]
        assert {**first, "LastUpdateTimestamp": None} == {**second, "LastUpdateTimestamp": None}


def test_emails_are_never_abandoned_and_can_wait_hours(data: dict) -> None:
    emails = [r for d in DAYS for r in data["contacts"][d] if r["Channel"] == "EMAIL"]
    assert emails and all(r["Agent"] is not None for r in emails)
    assert max(r["Queue"]["Duration"] for r in emails) > 12 * 3600  # weekend backlog
    assert min(r["Queue"]["Duration"] for r in emails) < 3600


def test_interval_report_adds_up(data: dict) -> None:
    rows = [r for d in DAYS for r in data["intervals"][d]]
    assert rows
    parts = ("AvailableTime", "TalkTime", "HoldTime", "AcwTime", "AuxTime")
    for r in rows:
        values = {k: int(r[k]) for k in ("StaffedTime", *parts, "ContactsHandled")}
        assert all(v >= 0 for v in values.values()), r
        assert values["StaffedTime"] == sum(values[k] for k in parts), r
        assert 0 < values["StaffedTime"] <= 1800
    keys = [(r["IntervalStart"], r["AgentLogin"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_interval_report_matches_contact_records(data: dict) -> None:
    """Handled contacts per agent and day: interval report = contact records answered that day."""
    for day in DAYS[:5]:
        report = defaultdict(int)
        for r in data["intervals"][day]:
            report[r["AgentLogin"]] += int(r["ContactsHandled"])
        records = defaultdict(int)
        for d in DAYS:
            for rec in data["contacts"][d]:
                if rec["Agent"] and _local(rec["Agent"]["ConnectedToAgentTimestamp"]).date() == day:
                    records[rec["Agent"]["Username"]] += 1
        if day.weekday() == 0:
            continue  # Monday also answers e-mails received before the range
        assert report == records


def test_answered_contacts_are_taken_by_an_agent_on_queue_at_the_right_site(data: dict) -> None:
    open_blocks: dict[tuple[date, str], list[tuple[int, int]]] = defaultdict(list)
    site_of: dict[tuple[date, str], str] = {}
    for day in DAYS:
        agent_of_user = {r["acd_username"]: r["agent_id"] for r in data["roster"][day]}
        for r in data["roster"][day]:
            site_of[(day, r["acd_username"])] = r["site_id"]
        by_agent = defaultdict(list)
        for r in data["schedules"][day]:
            if r["ACTIVITY"] == "OPEN":
                by_agent[r["AGENT_ID"]].append((_minutes(r["START"]), _minutes(r["END"]) or 1440))
        for user, agent_id in agent_of_user.items():
            open_blocks[(day, user)] = by_agent.get(agent_id, [])
    checked = 0
    for d in DAYS:
        for rec in data["contacts"][d]:
            if not rec["Agent"]:
                continue
            at = _local(rec["Agent"]["ConnectedToAgentTimestamp"])
            if at.date() > LAST:
                continue  # worked after the generated range
            user = rec["Agent"]["Username"]
            assert site_of[(at.date(), user)] == QUEUES[rec["Queue"]["Name"]].site_id
            minute = at.hour * 60 + at.minute + at.second / 60
            assert any(lo <= minute < hi for lo, hi in open_blocks[(at.date(), user)]), (rec, at)
            checked += 1
    assert checked > 5000


def test_cases_and_follow_ups(data: dict) -> None:
    cases = {r["CaseNumber"]: r for d in DAYS for r in data["cases"][d]}
    contacts = [r for d in DAYS for r in data["contacts"][d]]
    by_id = {r["ContactId"]: r for r in contacts}
    for case in cases.values():
        opener = by_id[case["Call_Id__c"]]
        assert opener["Attributes"]["case_number"] == case["CaseNumber"]
        assert opener["Attributes"]["customer_id"] == case["ContactId"]
        assert case["Origin"] == {"VOICE": "Phone", "CHAT": "Chat", "EMAIL": "Email"}[opener["Channel"]]
    answered = [r for r in contacts if r["Agent"]]
    repeats = [r for r in answered if r["Attributes"]["case_number"] not in cases
               or cases[r["Attributes"]["case_number"]]["Call_Id__c"] != r["ContactId"]]
    share = len(repeats) / len(answered)
    assert 0.12 <= share <= 0.30  # follow-ups (12-25 % by queue) and transfer second legs
    # a follow-up of a case opened in the range keeps the case's customer
    for r in repeats:
        case = cases.get(r["Attributes"]["case_number"])
        if case:
            assert case["ContactId"] == r["Attributes"]["customer_id"]
    transfers = [r for r in contacts if r["InitiationMethod"] == "TRANSFER"]
    assert transfers and all(by_id[r["InitialContactId"]]["Agent"] for r in transfers
                             if r["InitialContactId"] in by_id)
    tech = [r for r in answered if r["Queue"]["Name"] == "VOICE_TECH"]
    sales = [r for r in answered if r["Queue"]["Name"] == "VOICE_SALES"]
    assert sum(r in repeats for r in tech) / len(tech) > sum(r in repeats for r in sales) / len(sales)


def test_evaluation_scores_follow_the_form(data: dict) -> None:
    evaluations = [e for d in DAYS for e in data["evaluations"][d]]
    assert len(evaluations) > 40
    crit_failed = na = 0
    for ev in evaluations:
        meta = ev["metadata"]
        assert meta["evaluationDefinitionTitle"] == "Voice quality grid"
        assert meta["evaluationDefinitionVersion"] == 3
        earned = possible = 0
        failed = False
        for q in ev["questions"]:
            if q["answer"]["notApplicable"]:
                assert q["points"] is None and q["answer"]["value"] is None and not q["critical"]
                na += 1
                continue
            assert 0 <= q["points"] <= q["maxPoints"]
            earned += q["points"]
            possible += q["maxPoints"]
            if q["critical"] and q["points"] == 0:
                failed = True
        expected = 0.0 if failed else round(100 * earned / possible, 2)
        assert meta["score"]["percentage"] == pytest.approx(expected, abs=0.01)
        crit_failed += failed
        assert {q["sectionRefId"] for q in ev["questions"]} == {"opening", "handling", "closing"}
    assert crit_failed < 0.1 * len(evaluations)
    assert na > 0


# --- realism --------------------------------------------------------------------------------------

def test_service_level_follows_staffing(data: dict) -> None:
    """Intervals scheduled below FCST_REQ answer fewer contacts within the threshold."""
    within, offered = defaultdict(int), defaultdict(int)
    for day in DAYS:
        pool = {r["agent_id"]: r["skills"].split(";")[0] for r in data["roster"][day]}
        staff = defaultdict(float)
        for r in data["schedules"][day]:
            if r["ACTIVITY"] != "OPEN":
                continue
            lo, hi = _minutes(r["START"]), _minutes(r["END"]) or 1440
            for start in range(lo - lo % 30, hi, 30):
                staff[(pool[r["AGENT_ID"]], start)] += (min(hi, start + 30) - max(lo, start)) / 30
        ratio = {}
        for r in data["forecasts"][day]:
            req = float(r["FCST_REQ"])
            if req > 0 and QUEUES[r["CT_ID"]].channel != "EMAIL":
                ratio[(r["CT_ID"], _minutes(r["PERIOD"]))] = staff[(r["CT_ID"], _minutes(r["PERIOD"]))] / req
        for rec in data["contacts"][day]:
            q = QUEUES[rec["Queue"]["Name"]]
            if q.channel == "EMAIL" or rec["InitiationMethod"] == "TRANSFER":
                continue
            t = _local(rec["Queue"]["EnqueueTimestamp"])
            key = (q.name, t.hour * 60 + t.minute - t.minute % 30)
            if key not in ratio:
                continue
            group = "under" if ratio[key] < 0.9 else ("over" if ratio[key] > 1.2 else "plan")
            offered[group] += 1
            within[group] += bool(rec["Agent"]) and rec["Queue"]["Duration"] <= q.sl_threshold_seconds
    sl = {g: within[g] / offered[g] for g in offered}
    assert offered["under"] > 200 and offered["over"] > 200
    assert sl["under"] + 0.05 < sl["over"], sl
    overall = sum(within.values()) / sum(offered.values())
    assert 0.65 < overall < 0.92


def test_monday_is_busier_than_saturday(data: dict) -> None:
    monday, saturday, sunday = (len(data["contacts"][date(2026, 4, d)]) for d in (13, 11, 12))
    assert monday > 1.8 * saturday > 0
    assert all(r["Channel"] == "EMAIL" for r in data["contacts"][date(2026, 4, 12)]) and sunday > 0
    assert data["intervals"][date(2026, 4, 12)] == [] and data["schedules"][date(2026, 4, 12)] == []


def test_calibration_shows_evaluator_severity(data: dict) -> None:
    session_day = date(2026, 4, 14)  # second Tuesday of April
    by_contact = defaultdict(dict)
    for ev in data["evaluations"][session_day]:
        meta = ev["metadata"]
        if meta["calibrationSessionId"]:
            assert meta["calibrationSessionId"] in {"cal-PRV_A-2026-04", "cal-PRV_B-2026-04"}
            by_contact[meta["contactId"]][meta["evaluatorId"]] = (meta["calibrationRole"],
                                                                 meta["score"]["percentage"])
    assert len(by_contact) == 2 * center.CALIBRATION_CONTACTS
    deviation = defaultdict(list)
    for scores in by_contact.values():
        role, reference = scores.pop("qa-client-ref")
        assert role == "reference"
        assert {r for r, _ in scores.values()} == {"participant"}
        for evaluator, (_, pct) in scores.items():
            deviation[evaluator].append(pct - reference)
    mean = {e: sum(v) / len(v) for e, v in deviation.items()}
    assert mean["qa-a-01"] > mean["qa-a-04"] + 5  # lenient vs severe
    assert mean["qa-b-01"] > mean["qa-b-03"] + 5
    other_days = [e for d in DAYS if d != session_day for e in data["evaluations"][d]]
    assert all(e["metadata"]["calibrationSessionId"] is None for e in other_days)


def test_roster_history_has_hires_leavers_and_team_moves() -> None:
    from pilotage.generator.roster import build_history, roster_snapshot

    history = build_history(SEED, CPD)
    first, last = date(2025, 1, 1), date(2026, 1, 31)
    leavers = [a for a in range(history.size) if first.toordinal() <= history.leave[a] <= last.toordinal()]
    hires = [a for a in range(history.size) if first.toordinal() <= history.hire[a] <= last.toordinal()]
    assert 2 <= len(leavers) <= 25 and 2 <= len(hires) <= 25
    a = leavers[0]
    leave = date.fromordinal(int(history.leave[a]))

    def row(day: date):
        snap = roster_snapshot(history, day)
        hit = [k for k, x in enumerate(snap.agents.tolist()) if x == a]
        return (bool(snap.leave_shown[hit[0]]), int(snap.team[hit[0]])) if hit else None

    assert row(leave - timedelta(days=60)) == (False, row(leave - timedelta(days=60))[1])
    assert row(leave - timedelta(days=5))[0] is True
    assert row(leave + timedelta(days=center.LEAVER_VISIBLE_DAYS))[0] is True
    assert row(leave + timedelta(days=center.LEAVER_VISIBLE_DAYS + 1)) is None
    s1, s2 = roster_snapshot(history, first), roster_snapshot(history, last)
    team1 = dict(zip(s1.agents.tolist(), s1.team.tolist(), strict=True))
    moved = [x for x, t in zip(s2.agents.tolist(), s2.team.tolist(), strict=True)
             if x in team1 and team1[x] != t]
    assert moved


def test_daylight_saving_days(tmp_path: Path) -> None:
    files = day_files(date(2026, 10, 25), seed=SEED, contacts_per_day=300)  # Sunday, 25 hours
    rows = list(csv.DictReader(io.StringIO(files["wfm/forecasts_20261025.txt"].decode()), delimiter="|"))
    periods = [r["PERIOD"] for r in rows]
    assert len(periods) == 50 and periods.count("02:00") == 2  # IEX repeats the period
    monday = day_files(date(2026, 10, 26), seed=SEED, contacts_per_day=300)
    text = monday["acd/agent_intervals_20261026.csv"].decode()
    assert "T08:00:00+01:00;" in text


def test_email_backlog_beyond_capacity_is_worked_in_overtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(center, "EMAIL_OCCUPANCY_TARGET", 2.5)  # plan far too few e-mail agents
    day = date(2026, 4, 9)
    files = day_files(day, seed=SEED, contacts_per_day=600)
    schedules = list(csv.DictReader(io.StringIO(files["wfm/schedules_20260409.txt"].decode()), delimiter="|"))
    overtime = {r["AGENT_ID"] for r in schedules if r["ACTIVITY"] == "OPEN" and r["START"] == "20:15"}
    assert overtime and all(a.startswith("AG-RBA-") for a in overtime)
    late = [json.loads(line) for line in files["acd/contacts_20260409.jsonl"].decode().splitlines()]
    late = [r for r in late if r["Agent"] and _local(r["Agent"]["ConnectedToAgentTimestamp"]).hour >= 20]
    assert late and {r["Channel"] for r in late} == {"EMAIL"}
    report = files["acd/agent_intervals_20260409.csv"].decode()
    rows = list(csv.DictReader(io.StringIO(report), delimiter=";"))
    assert any(r["IntervalStart"].startswith("2026-04-09T20:30") for r in rows)


def test_surveys_reflect_waiting(data: dict) -> None:
    contacts = {r["ContactId"]: r for d in DAYS for r in data["contacts"][d]}
    csat = [(contacts[s["contact_id"]]["Queue"]["Duration"], int(s["score"]))
            for d in DAYS for s in data["surveys"][d] if s["question"] == "CSAT"]
    answered_voice_chat = sum(1 for r in contacts.values() if r["Agent"] and r["Channel"] != "EMAIL")
    assert 0.12 < len(csat) / answered_voice_chat < 0.22
    short = [s for w, s in csat if w <= 20]
    long = [s for w, s in csat if w > 90]
    assert sum(short) / len(short) > sum(long) / len(long)


# --- Erlang ---------------------------------------------------------------------------------------

def test_erlang_textbook_values() -> None:
    assert erlang_c(11, 10.0) == pytest.approx(0.682, abs=0.001)
    assert service_level(14, 10.0, 180, 20) == pytest.approx(0.888, abs=0.001)
    assert required_agents(100, 180, 20, 0.8) == 14
    assert service_level(13, 10.0, 180, 20) < 0.8
    assert erlang_b(0, 5.0) == 1.0
    assert erlang_c(10, 10.0) == 1.0  # saturated: everybody waits
    assert list(required_agents([0, 100, 400], 180, 20)) == [0, 14, required_agents(400, 180, 20)]


# --- command line --------------------------------------------------------------------------------

def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["--help"])
    assert exit_info.value.code == 0
    assert "--contacts-per-day" in capsys.readouterr().out
    code = cli_main(["--landing", str(tmp_path), "--start", "2026-04-09", "--end", "2026-04-09",
                     "--seed", str(SEED), "--contacts-per-day", "200"])
    out = capsys.readouterr().out
    assert code == 0 and "generated 2026-04" in out and "acd__contacts" in out
    assert len(list(tmp_path.rglob("*_20260409.*"))) == 8
    assert cli_main(["--landing", str(tmp_path), "--start", "2026-04-09", "--end", "2026-04-01"]) == 2


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError):
        generate(tmp_path, date(2010, 1, 1), date(2010, 1, 1))
    with pytest.raises(ValueError):
        generate(tmp_path, date(2026, 1, 1), date(2026, 1, 1), contacts_per_day=0)
