"""Fake NICE IEX exporters: ``GET /wfm/exporters/<export>?date=`` answers that day's file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pilotage.samples import defaults, nice_iex

if TYPE_CHECKING:
    from fakes.vendors.server import FakeVendorApis

PREFIX = "/wfm/exporters/"
LANDED = (  # export -> default-layout file it serves as is
    ("agent-schedule-detail", "schedules", "txt"),
    ("ct-active-forecast", "forecasts", "txt"),
    ("agent-roster", "roster", "csv"),
)
EXPORTS = {name for name, _, _ in LANDED} | {"agent-adherence-summary"}


def exporter_files(landing_dir: Path, day: date) -> dict[tuple[str, str], bytes]:
    """``(export, day) -> body`` of one day: the default WFM files, and an adherence export."""
    files: dict[tuple[str, str], bytes] = {}
    stamp = day.strftime("%Y%m%d")
    for export, name, ext in LANDED:
        path = Path(landing_dir) / "wfm" / f"{name}_{stamp}.{ext}"
        if path.exists():
            files[(export, day.isoformat())] = path.read_bytes()
    schedules, roster = defaults.schedules(landing_dir, day), defaults.roster(landing_dir, day)
    if schedules:
        tmp = Path(landing_dir) / ".fake-adherence.txt"
        nice_iex.write_iex_schedule_adherence(schedules, roster, tmp)
        files[("agent-adherence-summary", day.isoformat())] = tmp.read_bytes()
        tmp.unlink()
    return files


def route(fake: FakeVendorApis, method: str, path: str, query: dict[str, str], body: Any):
    if not path.startswith(PREFIX):
        return None
    key = (path.rsplit("/", 1)[-1], query.get("date", ""))
    if key[0] not in EXPORTS:
        return 404, {"error": f"no exporter {key[0]}"}, "application/json"
    return 200, fake.data.exporter_files.get(key, b""), "text/plain; charset=utf-8"
