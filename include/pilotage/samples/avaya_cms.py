"""ACD agent intervals as an Avaya CMS agent split interval report, the shape the
``avaya_cms__agent_split_interval`` layout reads."""

from __future__ import annotations

from pathlib import Path

from pilotage.samples.defaults import local, parse_utc

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
