"""ACD records re-expressed in vendor layouts: Amazon Connect CTR stream, Genesys Cloud
conversation details, a classic tab-separated call log and an Avaya CMS-style interval report."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from pilotage.samples.defaults import clock, hms, iso_ms, local, parse_utc

MEDIA = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}
DISCONNECT = {
    "CUSTOMER_DISCONNECT": "endpoint",
    "AGENT_DISCONNECT": "peer",
    "CONTACT_FLOW_DISCONNECT": "system",
}


def _uuid(*parts: str) -> str:
    """A stable UUID-looking id (Genesys ids are UUIDs)."""
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _split(total: int, parts: int) -> list[int]:
    """``total`` seconds in ``parts`` whole-second pieces that add up exactly."""
    if parts <= 0:
        return []
    base, extra = divmod(int(total), parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _segment(kind: str, start: datetime, end: datetime, **extra) -> dict:
    return {"segmentStart": iso_ms(start), "segmentEnd": iso_ms(end), "segmentType": kind, **extra}


# ---------------------------------------------------------------- Amazon Connect (Firehose to S3)
def write_connect_ctr_stream(records: list[dict], path: Path, *, instance: str = "pilotage") -> int:
    """CTRs as Kinesis Firehose delivers them to S3: JSON objects concatenated with no separator,
    with the ARN and routing fields the default export leaves out."""
    out = []
    for rec in records:
        rec = json.loads(json.dumps(rec))
        rec.setdefault("AWSAccountId", "123456789012")
        rec.setdefault("InstanceARN", f"arn:aws:connect:eu-west-3:123456789012:instance/{instance}")
        if rec.get("Queue"):
            rec["Queue"].setdefault(
                "ARN",
                f"arn:aws:connect:eu-west-3:123456789012:instance/{instance}"
                f"/queue/{rec['Queue'].get('Name')}",
            )
        rec.setdefault("Recording", None)
        out.append(json.dumps(rec, separators=(",", ":")))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8")
    return len(out)


# ---------------------------------------------------------------- Genesys Cloud
def to_genesys_conversation(ctr: dict) -> dict:
    """One CTR as a Genesys Cloud analytics conversation detail record."""
    cid = ctr["ContactId"]
    media = MEDIA.get(ctr.get("Channel") or "", "voice")
    start, end = parse_utc(ctr["InitiationTimestamp"]), parse_utc(ctr.get("DisconnectTimestamp"))
    queue = ctr.get("Queue") or {}
    agent = ctr.get("Agent")
    endpoint = ctr.get("CustomerEndpoint") or {}
    address = endpoint.get("Address")
    scheme = "tel:" if endpoint.get("Type") == "TELEPHONE_NUMBER" else "mailto:"
    customer_segment = _segment(
        "interact",
        start,
        end or start,
        disconnectType=DISCONNECT.get(ctr.get("DisconnectReason") or "", "system"),
    )
    participants = [
        {
            "participantId": _uuid(cid, "customer"),
            "purpose": "customer",
            "attributes": dict(ctr.get("Attributes") or {}),
            "sessions": [
                {
                    "sessionId": _uuid(cid, "customer", "s"),
                    "mediaType": media,
                    "direction": "inbound",
                    "ani": f"{scheme}{address}" if address else None,
                    "segments": [customer_segment],
                }
            ],
        }
    ]
    if queue.get("Name"):
        enq, deq = parse_utc(queue.get("EnqueueTimestamp")), parse_utc(queue.get("DequeueTimestamp"))
        participants.append(
            {
                "participantId": _uuid(cid, "acd"),
                "purpose": "acd",
                "participantName": queue["Name"],
                "sessions": [
                    {
                        "sessionId": _uuid(cid, "acd", "s"),
                        "mediaType": media,
                        "segments": [
                            _segment(
                                "interact",
                                enq,
                                deq or enq,
                                queueId=_uuid("queue", queue["Name"]),
                                disconnectType="transfer" if agent else "peer",
                            )
                        ],
                    }
                ],
            }
        )
    if agent:
        t = parse_utc(agent["ConnectedToAgentTimestamp"])
        holds = int(agent.get("NumberOfHolds") or 0)
        talks = _split(agent.get("AgentInteractionDuration") or 0, holds + 1)
        held = _split(agent.get("CustomerHoldDuration") or 0, holds)
        segments = []
        for i, talk in enumerate(talks):
            segments.append(_segment("interact", t, t + timedelta(seconds=talk)))
            t += timedelta(seconds=talk)
            if i < holds:
                segments.append(_segment("hold", t, t + timedelta(seconds=held[i])))
                t += timedelta(seconds=held[i])
        acw_start = parse_utc(agent.get("AfterContactWorkStartTimestamp"))
        acw_end = parse_utc(agent.get("AfterContactWorkEndTimestamp"))
        if acw_start and acw_end:
            segments.append(_segment("wrapup", acw_start, acw_end, wrapUpCode="RESOLVED"))
        participants.append(
            {
                "participantId": _uuid(cid, "agent"),
                "purpose": "agent",
                "userId": agent["Username"],
                "sessions": [
                    {"sessionId": _uuid(cid, "agent", "s"), "mediaType": media, "segments": segments}
                ],
            }
        )
    return {
        "conversationId": cid,
        "conversationStart": iso_ms(start),
        "conversationEnd": iso_ms(end),
        # a transferred or called-back leg is an inbound conversation for Genesys
        "originatingDirection": "outbound" if ctr.get("InitiationMethod") == "OUTBOUND" else "inbound",
        "divisionIds": [_uuid("division", "home")],
        "participants": participants,
    }


def write_genesys_conversations(records: list[dict], path: Path) -> int:
    """A conversation details query answer: ``{"conversations": [...], "totalHits": N}``."""
    body = {"conversations": [to_genesys_conversation(r) for r in records], "totalHits": len(records)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1), encoding="utf-8")
    return len(records)


# ---------------------------------------------------------------- classic tab call log
TAB_LOG_COLUMNS = (
    "CALLID",
    "DATE",
    "START",
    "QUEUED",
    "ANSWERED",
    "END",
    "SPLIT",
    "AGENT",
    "ANI",
    "QUEUE_TIME",
    "TALK",
    "HOLD",
    "ACW",
    "DISP",
    "UUI",
    "VDN_NAME",
    "ORIGIN",
)
ORIGIN = {"INBOUND": "IN", "TRANSFER": "XFER", "CALLBACK": "CB", "OUTBOUND": "OUT", "QUEUE_TRANSFER": "QXFER"}


def tab_call_log_lines(records: list[dict], *, phantoms: int = 1, outbound: int = 1) -> list[list[str]]:
    """Voice contacts as lines of a classic ACD call log (positions of TAB_LOG_COLUMNS).

    Local wall-clock times, unpadded ``H:MM:SS``, dates ``YYMMDD``; abandoned calls have agent
    ``NO_SERVER``, answer time ``0:00:00`` and blank talk/hold/ACW. ``phantoms`` records with
    no split and ``outbound`` non-ACD calls are added (the layout's drop rules remove them)."""
    lines = []
    voice = [r for r in records if r.get("Channel") == "VOICE"]
    for rec in voice:
        start = parse_utc(rec["InitiationTimestamp"])
        end = parse_utc(rec.get("DisconnectTimestamp")) or start
        queue = rec.get("Queue") or {}
        enq = parse_utc(queue.get("EnqueueTimestamp"))
        agent = rec.get("Agent")
        attrs = rec.get("Attributes") or {}
        lines.append(
            [
                rec["ContactId"],
                local(start).strftime("%y%m%d"),
                clock(start),
                clock(enq) if enq else "",
                clock(parse_utc(agent["ConnectedToAgentTimestamp"])) if agent else "0:00:00",
                clock(end),
                queue.get("Name") or "",
                agent["Username"] if agent else "NO_SERVER",
                (rec.get("CustomerEndpoint") or {}).get("Address") or "",
                hms(queue.get("Duration")),
                hms(agent.get("AgentInteractionDuration")) if agent else "",
                hms(agent.get("CustomerHoldDuration")) if agent else "",
                hms(agent.get("AfterContactWorkDuration")) if agent else "",
                "ANS" if agent else "ABN",
                f"{attrs.get('customer_id') or ''}/{attrs.get('case_number') or ''}",
                f"Entrée {queue.get('Name') or 'standard'}",
                ORIGIN.get(rec.get("InitiationMethod") or "INBOUND", "IN"),
            ]
        )
    if voice:
        first = parse_utc(voice[0]["InitiationTimestamp"])
        for i in range(phantoms):
            lines.append(
                [
                    f"phantom-{i}",
                    local(first).strftime("%y%m%d"),
                    clock(first),
                    "",
                    "0:00:00",
                    clock(first),
                    "",
                    "NO_SERVER",
                    "",
                    "0:00:00",
                    "",
                    "",
                    "",
                    "ABN",
                    "/",
                    "Entrée",
                    "IN",
                ]
            )
        for i in range(outbound):
            lines.append(
                [
                    f"out-{i}",
                    local(first).strftime("%y%m%d"),
                    clock(first),
                    "",
                    clock(first),
                    clock(first + timedelta(seconds=60)),
                    "OUTBOUND",
                    "a.out.0001",
                    "+33100000000",
                    "0:00:00",
                    "0:01:00",
                    "0:00:00",
                    "0:00:00",
                    "OUT",
                    "/",
                    "Sortant",
                    "OUT",
                ]
            )
    return lines


def write_tab_call_log(records: list[dict], path: Path, **kwargs) -> int:
    """Header-less, tab-separated, Windows-1252, CRLF line ends."""
    lines = tab_call_log_lines(records, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join("\t".join(line) + "\r\n" for line in lines).encode("cp1252"))
    return len(lines)


# ---------------------------------------------------------------- Avaya CMS agent split interval
CMS_HEADER = (
    "row_date",
    "starttime",
    "intrvl",
    "split",
    "logid",
    "ti_stafftime",
    "ti_availtime",
    "i_acdtime",
    "holdacdtime",
    "i_acwtime",
    "ti_auxtime",
    "acdcalls",
)


def write_cms_agent_split_interval(rows: list[dict[str, str]], path: Path, *, report_day=None) -> int:
    """The agent interval report per split (queue) and period, as Avaya CMS exports it: a title
    block, local ``DD/MM/YYYY`` dates and unpadded ``H:MM`` period starts, a totals line."""
    out = [
        f"Agent Split Interval Report,{report_day or ''}",
        "Site: all,Interval: 30 min",
        ",".join(CMS_HEADER),
    ]
    totals = [0] * 7
    for row in rows:
        start = parse_utc(row["IntervalStart"])
        wall = local(start)
        values = [
            row["StaffedTime"],
            row["AvailableTime"],
            row["TalkTime"],
            row["HoldTime"],
            row["AcwTime"],
            row["AuxTime"],
            row["ContactsHandled"],
        ]
        totals = [t + int(float(v or 0)) for t, v in zip(totals, values, strict=True)]
        out.append(
            ",".join(
                [
                    wall.strftime("%d/%m/%Y"),
                    f"{wall.hour}:{wall.minute:02d}",
                    "30",
                    row["QueueGroup"],
                    row["AgentLogin"],
                    *values,
                ]
            )
        )
    out.append(",".join(["Totals", "", "", "", "", *map(str, totals)]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")
    return len(rows)
