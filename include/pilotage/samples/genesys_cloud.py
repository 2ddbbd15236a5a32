"""ACD contacts as Genesys Cloud analytics conversation details (participants, sessions,
segments), the shape the ``genesys_cloud__conversation_details`` layout reads."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from pilotage.samples.defaults import iso_ms, parse_utc

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
