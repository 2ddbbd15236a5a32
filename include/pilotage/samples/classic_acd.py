"""ACD voice contacts as a classic tab-separated call log (header-less, cp1252, YYMMDD dates,
unpadded H:MM:SS, NO_SERVER), the shape the ``classic_acd__tab_call_log`` layout reads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pilotage.samples.defaults import clock, hms, local, parse_utc

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
