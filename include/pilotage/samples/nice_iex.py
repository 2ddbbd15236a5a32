"""WFM schedules as a NICE IEX-style schedule/adherence export (pipe-delimited, US dates,
12-hour clock, segment codes, adherence columns), the shape ``nice_iex__schedule_adherence`` reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

SEG_CODES = {
    "OPEN": "Open",
    "BREAK": "Break",
    "LUNCH": "Lunch",
    "TRAINING": "Trng",
    "MEETING": "Mtg",
    "SICK": "Sick",
    "VACATION": "Vac",
    "OFF": "Off",
}
HEADER = (
    "AgentID",
    "AgentName",
    "Date",
    "SegCode",
    "Start",
    "Stop",
    "SchedMin",
    "ActMin",
    "InAdhMin",
    "OutAdhMin",
    "AdhPct",
)


def _clock12(hhmm: str) -> str:
    return datetime.strptime(hhmm, "%H:%M").strftime("%I:%M %p")


def write_iex_schedule_adherence(
    schedules: list[dict[str, str]], roster: list[dict[str, str]], path: Path
) -> int:
    """One line per scheduled segment; names from the roster; adherence is a stand-in (100 %)."""
    names = {r["agent_id"]: f"{r['last_name']}, {r['first_name']}" for r in roster}
    lines = ["|".join(HEADER)]
    for row in schedules:
        start = datetime.strptime(row["START"], "%H:%M")
        stop = datetime.strptime(row["END"], "%H:%M")
        minutes = int((stop - start).total_seconds() // 60) % (24 * 60)
        day = datetime.strptime(row["DATE"], "%Y%m%d")
        lines.append(
            "|".join(
                [
                    row["AGENT_ID"],
                    names.get(row["AGENT_ID"], ""),
                    day.strftime("%m/%d/%Y"),
                    SEG_CODES.get(row["ACTIVITY"], row["ACTIVITY"]),
                    _clock12(row["START"]),
                    _clock12(row["END"]),
                    str(minutes),
                    str(minutes),
                    str(minutes),
                    "0",
                    "100.0",
                ]
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return len(schedules)
