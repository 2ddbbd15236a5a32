"""Delivery gates: checks on a whole delivery against what is already loaded.

The expectation suites judge a file's rows; these gates judge the delivery as a whole:

* **shrink**: a re-delivery with far fewer rows than the day has loaded (below
  ``gates.shrink_ratio``, or empty) is held back as ``suspect``: the day keeps its rows until
  an operator confirms the delivery (``pilotage accept <entity> <day>``, stored in
  ``raw._load_accept``, or the DAG run conf ``accept: ["<entity>:<day>"]``). A first delivery is
  never suspect.
* **volume** (warning): the day's row count against the median of the same weekday over the
  trailing ``gates.volume_days`` (a contact center's week is its strongest pattern: Sundays
  closed, Saturdays small, so an all-days median would flag every weekend).
* **offsets** (warning): explicit UTC offsets in the file that are neither UTC nor the center's
  offset at that moment (``+05:00`` in a Paris file moves every interval).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from pilotage.settings import Gates

ACCEPT_DDL = """
create table if not exists raw._load_accept (
    entity varchar not null,
    business_date date not null,
    file_sha256 varchar not null,     -- the suspect delivery the operator confirmed
    accepted_at timestamp not null,
    primary key (entity, business_date, file_sha256)
)
"""
# a timestamp with an explicit offset, matched backwards from a candidate offset (see _stamps)
_STAMP = re.compile(rb"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})\Z")
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_SIGNATURES = (b"0+00:00", b"0-00:00", b"0+0000", b"0-0000")  # digit, sign, 4 digits
MAX_EXAMPLES = 3


def loaded_counts(con: duckdb.DuckDBPyConnection, entity_key: str) -> dict[date, int]:
    """Rows in raw now for each loaded day of an entity (from the load log)."""
    rows = con.execute(
        "select business_date, row_count from raw._load_log "
        "where entity = ? and loaded_sha256 is not null and row_count is not null",
        [entity_key],
    ).fetchall()
    return {day: int(n) for day, n in rows}


def confirmed(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(entity, ISO day, sha256) of every delivery an operator accepted."""
    con.execute(ACCEPT_DDL)
    return {(e, d.isoformat(), s) for e, d, s in
            con.execute("select entity, business_date, file_sha256 from raw._load_accept").fetchall()}


def parse_accept(values: Iterable[str] | None) -> set[tuple[str, str]]:
    """``["acd__contacts:2026-11-20", ...]`` (DAG run conf) -> {(entity, ISO day)}."""
    out = set()
    for value in values or ():
        entity_key, _, day = str(value).strip().rpartition(":")
        try:
            if not entity_key:
                raise ValueError
            out.add((entity_key, date.fromisoformat(day).isoformat()))
        except ValueError:
            raise ValueError(f"accept: {value!r} is not '<entity>:<YYYY-MM-DD>'") from None
    return out


def accept(con: duckdb.DuckDBPyConnection, entity_key: str, day: date, now: datetime) -> str:
    """Confirm the suspect delivery of ``entity_key`` on ``day``; returns its file name.
    Raises ValueError when that day is not suspect."""
    con.execute(ACCEPT_DDL)
    row = con.execute("select status, source_file, file_sha256 from raw._load_log "
                      "where entity = ? and business_date = ?", [entity_key, day]).fetchone()
    if row is None or row[0] != "suspect":
        status = row[0] if row else "not in the load log"
        raise ValueError(f"{entity_key} {day} is {status}, not suspect: nothing to accept")
    con.execute("insert into raw._load_accept values (?, ?, ?, ?) on conflict do nothing",
                [entity_key, day, row[2], now.replace(tzinfo=None)])
    return row[1]


def shrink_problem(name: str, rows: int, loaded: int | None, ratio: float) -> str | None:
    """Why a delivery of ``rows`` rows must not replace a day holding ``loaded`` rows, or None."""
    if not loaded or rows >= ratio * loaded:
        return None
    what = "is empty" if rows == 0 else f"has {rows} row(s), {rows / loaded:.0%} of"
    return f"{name} {what} the {loaded} row(s) loaded for that day (below {ratio:.0%})"


def volume_warning(day: date, rows: int, counts: dict[date, int], gates: Gates) -> str | None:
    """A warning when ``rows`` is far from the median of the same weekday's loaded counts over
    the trailing ``gates.volume_days`` (needs at least 2 such days, a median above 0, and the
    day or the median reaching ``gates.volume_min_rows``: small counts are noise)."""
    sample = [counts[d] for d in (day - timedelta(days=k) for k in range(7, gates.volume_days + 1, 7))
              if d in counts]
    if len(sample) < 2:
        return None
    median = statistics.median(sample)
    if median <= 0 or max(rows, median) < gates.volume_min_rows:
        return None
    if gates.volume_low * median <= rows <= gates.volume_high * median:
        return None
    return (f"volume: {rows} row(s) is {rows / median:.2g}x the median ({median:g}) of the same "
            f"weekday over the last {gates.volume_days} days (usual range "
            f"{gates.volume_low:.2g}x..{gates.volume_high:.2g}x)")


def _stamps(data: bytes) -> set[bytes]:
    """Distinct timestamps with an explicit non-zero offset in ``data``. Candidates are found by a literal
    search on a copy whose digits are all ``0`` (C speed, unlike a regex scan of a 100 MB
    export), then each is checked with ``_STAMP``."""
    flat = data.translate(_DIGITS)
    found = set()
    for signature in _SIGNATURES:
        pos = flat.find(signature)
        while pos >= 0:
            end = pos + len(signature)
            nonzero = data[pos + 2:end].strip(b"0:")  # UTC (+00:00) never contradicts
            if nonzero and flat[end:end + 1] not in (b"0", b":"):
                match = _STAMP.search(data, max(0, pos - 32), end)
                if match:
                    found.add(match.group(0))
            pos = flat.find(signature, pos + 1)
    return found


def offset_warning(path: Path, name: str, time_zone: str) -> str | None:
    """A warning naming the explicit UTC offsets of the file that are neither UTC nor the
    center's offset at that moment."""
    zone = ZoneInfo(time_zone)
    wrong = []
    for stamp in sorted(_stamps(path.read_bytes())):
        parts = _STAMP.search(stamp).groups()
        sign, hours, minutes = parts[3], int(parts[4]), int(parts[5])
        offset = (-1 if sign == b"-" else 1) * timedelta(hours=hours, minutes=minutes)
        if not offset:
            continue
        local = datetime.fromisoformat(f"{parts[0].decode()}T{parts[1].decode()}:{parts[2].decode()}")
        instant = (local - offset).replace(tzinfo=ZoneInfo("UTC"))
        if instant.astimezone(zone).utcoffset() != offset:
            wrong.append(stamp.decode())
    if not wrong:
        return None
    return (f"offsets: {name} has {len(wrong)} timestamp(s) whose UTC offset is not the center's "
            f"({time_zone}) at that moment, e.g. {', '.join(wrong[:MAX_EXAMPLES])}; they were "
            "converted with the file's offset")


def apply(decisions: list[dict[str, Any]], counts: dict[str, dict[date, int]],
          accepted: set[tuple[str, str, str]], accept_conf: set[tuple[str, str]],
          gates: Gates, time_zone: str) -> list[dict[str, Any]]:
    """Hold back shrinking deliveries as ``suspect`` and add the volume and offset warnings to
    the message of the deliveries that load."""
    batch: dict[str, dict[date, int]] = {}
    for d in decisions:
        if d["action"] == "load":
            batch.setdefault(d["entity"], {})[date.fromisoformat(d["day"])] = d["rows"]
    offsets: dict[str, str | None] = {}
    out = []
    for d in decisions:
        if d["action"] != "load":
            out.append(d)
            continue
        day = date.fromisoformat(d["day"])
        known = counts.get(d["entity"], {})
        confirmed_here = ((d["entity"], d["day"], d["sha256"]) in accepted
                          or (d["entity"], d["day"]) in accept_conf)
        problem = shrink_problem(d["name"], d["rows"], known.get(day), gates.shrink_ratio)
        if problem and not confirmed_here:
            fix = f"pilotage accept {d['entity']} {d['day']}"
            text = (f"suspect: {problem}; the day keeps its loaded rows until the delivery is "
                    f"accepted (`{fix}`, then re-run the day)")
            out.append({**d, "action": "suspect", "message": text})
            continue
        notes = [d["message"]] if d.get("message") else []
        if problem:
            notes.append(f"accepted by the operator: {problem}")
        volume = volume_warning(day, d["rows"], {**known, **batch.get(d["entity"], {})}, gates)
        if volume:
            notes.append(volume)
        if d["file"] not in offsets:
            offsets[d["file"]] = offset_warning(Path(d["file"]), d["name"], time_zone)
        if offsets[d["file"]]:
            notes.append(offsets[d["file"]])
        out.append({**d, "message": "; ".join(notes) or None})
    return out
