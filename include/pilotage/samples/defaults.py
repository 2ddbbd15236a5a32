"""Read the default-layout files the generator writes (docs/source-layouts.md) as Python records.

The vendor writers of this package start from these records, so every vendor sample carries the
very data the generator produced for that day.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pilotage.generator.center import TIME_ZONE

LOCAL_TZ = ZoneInfo(TIME_ZONE)  # the simulated center, as the generator and vendor layouts


def default_path(landing_dir: Path, source: str, name: str, day: date) -> Path:
    """``<landing>/<source>/<name>_<YYYYMMDD>.<ext>`` of the default layouts."""
    ext = {"contacts": "jsonl", "evaluations": "jsonl", "forecasts": "txt", "schedules": "txt"}.get(
        name, "csv"
    )
    return Path(landing_dir) / source / f"{name}_{day:%Y%m%d}.{ext}"


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_delimited(path: Path, delimiter: str) -> list[dict[str, str]]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def contacts(landing_dir: Path, day: date) -> list[dict]:
    return read_jsonl(default_path(landing_dir, "acd", "contacts", day))


def agent_intervals(landing_dir: Path, day: date) -> list[dict[str, str]]:
    return read_delimited(default_path(landing_dir, "acd", "agent_intervals", day), ";")


def cases(landing_dir: Path, day: date) -> list[dict[str, str]]:
    return read_delimited(default_path(landing_dir, "crm", "cases", day), ",")


def schedules(landing_dir: Path, day: date) -> list[dict[str, str]]:
    return read_delimited(default_path(landing_dir, "wfm", "schedules", day), "|")


def forecasts(landing_dir: Path, day: date) -> list[dict[str, str]]:
    return read_delimited(default_path(landing_dir, "wfm", "forecasts", day), "|")


def roster(landing_dir: Path, day: date) -> list[dict[str, str]]:
    return read_delimited(default_path(landing_dir, "wfm", "roster", day), ",")


def evaluations(landing_dir: Path, day: date) -> list[dict]:
    return read_jsonl(default_path(landing_dir, "qa", "evaluations", day))


def parse_utc(text: str | None) -> datetime | None:
    """An ISO 8601 instant (``Z``, offset, or Salesforce ``+0000``) as an aware UTC datetime."""
    if not text:
        return None
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    elif len(value) > 5 and value[-5] in "+-" and value[-4:].isdigit():
        value = value[:-2] + ":" + value[-2:]
    return datetime.fromisoformat(value).astimezone(UTC)


def iso_ms(moment: datetime | None) -> str | None:
    """``2026-10-05T07:31:12.000Z`` (Genesys / Zendesk style)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_z(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def hms(seconds: int | float | None) -> str:
    """Seconds as an unpadded ``H:MM:SS`` duration (classic ACD reports)."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def clock(moment: datetime) -> str:
    """Local wall-clock time as unpadded ``H:MM:SS``."""
    wall = local(moment)
    return f"{wall.hour}:{wall.minute:02d}:{wall.second:02d}"
