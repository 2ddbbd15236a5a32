"""``pilotage status --html <file>``: per entity and day, what the warehouse holds, as a calendar
heat-map (weeks across, Monday to Sunday down), one self-contained page (inline CSS, no script,
no network). A quarantined day links to its file's validation results (Data Docs page)."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pilotage.ingest import validation_docs
from pilotage.settings import Settings

# state -> (legend, colour); the order is the legend's
STATES = {
    "loaded": ("loaded", "#2e7d32"),
    "rejected": ("loaded, rows rejected", "#9ccc65"),
    "suspect": ("suspect (held back)", "#ffb300"),
    "quarantined": ("quarantined", "#c62828"),
    "missing": ("missing (no file when run)", "#8e24aa"),
    "not_delivered": ("not delivered (never run)", "#e0e0e0"),
}


@dataclass(frozen=True)
class Day:
    entity: str
    day: date
    state: str
    source_file: str | None = None
    message: str | None = None
    rejected_rows: int = 0


def read_days(settings: Settings) -> list[Day]:
    """Every (entity, day) of ``raw._load_log`` (the DuckDB file or the server warehouse), with
    the days between none recorded as ``not_delivered`` (from the first to the last recorded day)."""
    from pilotage.backend import working_reader

    con = working_reader(settings)
    try:
        columns = {c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' "
            "and table_name = '_load_log'").fetchall()}
        rejected = "coalesce(rejected_rows, 0)" if "rejected_rows" in columns else "0"
        rows = sorted(con.execute(f"select entity, business_date, status, source_file, message, {rejected} "
                                  "from raw._load_log").fetchall(), key=lambda r: (r[0], r[1]))
    finally:
        con.close()
    days = []
    for entity, day, status, source_file, message, kept_out in rows:
        state = "rejected" if status == "loaded" and kept_out else status
        days.append(Day(entity, day, state, source_file, message, int(kept_out)))
    if not days:
        return days
    first, last = min(d.day for d in days), max(d.day for d in days)
    seen = {(d.entity, d.day) for d in days}
    for entity in sorted({d.entity for d in days}):
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            if (entity, day) not in seen:
                days.append(Day(entity, day, "not_delivered"))
    return days


def _link(settings: Settings, d: Day, out: Path) -> str | None:
    if d.state != "quarantined" or not d.source_file:
        return None
    page = validation_docs.page_path(settings, d.entity, d.day.isoformat(), d.source_file)
    if not page.exists():
        return None
    return Path(os.path.relpath(page.resolve(), out.resolve().parent)).as_posix()


def _calendar(settings: Settings, entity: str, days: list[Day], out: Path) -> str:
    by_day = {d.day: d for d in days}
    first, last = min(by_day), max(by_day)
    monday = first - timedelta(days=first.weekday())
    weeks = (last - monday).days // 7 + 1
    starts = [monday + timedelta(weeks=w) for w in range(weeks)]
    months = "".join(f"<th>{s.strftime('%b %Y') if s.day <= 7 or s == monday else ''}</th>" for s in starts)
    lines = []
    for weekday, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        cells = []
        for w in range(weeks):
            day = monday + timedelta(weeks=w, days=weekday)
            d = by_day.get(day)
            if d is None:
                cells.append("<td></td>")
                continue
            title = f"{day} {entity}: {STATES[d.state][0]}"
            if d.rejected_rows:
                title += f", {d.rejected_rows} row(s) rejected"
            if d.message:
                title += f" - {d.message}"
            box = f'<span class="c {d.state}" title="{html.escape(title)}"></span>'
            link = _link(settings, d, out)
            if link:
                box = f'<a href="{html.escape(link)}" title="{html.escape(title)}">{box}</a>'
            cells.append(f'<td data-day="{day}" data-state="{d.state}">{box}</td>')
        lines.append(f"<tr><th>{name}</th>{''.join(cells)}</tr>")
    counts = {s: sum(1 for d in days if d.state == s) for s in STATES}
    summary = ", ".join(f"{n} {STATES[s][0]}" for s, n in counts.items() if n)
    return (f'<section><h2>{html.escape(entity)}</h2><p>{html.escape(summary)}</p>'
            f'<table class="cal"><tr><th></th>{months}</tr>{"".join(lines)}</table></section>')


def _quarantined_list(settings: Settings, days: list[Day], out: Path) -> str:
    items = []
    for d in sorted((d for d in days if d.state == "quarantined"), key=lambda d: (d.day, d.entity), reverse=True):
        link = _link(settings, d, out)
        name = html.escape(d.source_file or "-")
        target = f'<a href="{html.escape(link)}">{name}</a>' if link else name
        items.append(f"<li>{d.day} {html.escape(d.entity)} {target}: {html.escape(d.message or '')}</li>")
    return f"<h2>Quarantined files</h2><ul>{''.join(items)}</ul>" if items else ""


def _where(settings: Settings) -> str:
    """The DuckDB file, or the server warehouse's host and database (never its credentials)."""
    if settings.warehouse_url:
        return f"PostgreSQL {settings.warehouse_url.rsplit('@', 1)[-1].split('//', 1)[-1]}"
    return str(settings.warehouse_path)


def render(settings: Settings, out: Path) -> str:
    """The status page (links are relative to ``out``)."""
    days = read_days(settings)
    legend = "".join(f'<span class="c {s}"></span> {html.escape(label)} &nbsp; ' for s, (label, _) in STATES.items())
    colours = "".join(f".{s}{{background:{colour}}}" for s, (_, colour) in STATES.items())
    entities = sorted({d.entity for d in days})
    body = "".join(_calendar(settings, e, [d for d in days if d.entity == e], out) for e in entities) \
        or "<p>Nothing recorded yet in raw._load_log.</p>"
    docs = validation_docs.docs_dir(settings) / "index.html"
    docs_link = (f'<p><a href="{html.escape(Path(os.path.relpath(docs.resolve(), out.resolve().parent)).as_posix())}">'
                 "All validation results (Data Docs)</a></p>") if docs.exists() else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pilotage status</title>'
            "<style>body{font:13px system-ui,sans-serif;margin:1.5em}table.cal{border-collapse:separate;"
            "border-spacing:2px}table.cal th{font-weight:normal;color:#666;text-align:left;font-size:11px}"
            ".c{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle}"
            f"{colours}</style></head><body><h1>What the warehouse holds, per entity and day</h1>"
            f"<p>{legend}</p><p>Warehouse: {html.escape(_where(settings))}</p>{docs_link}"
            f"{body}{_quarantined_list(settings, days, out)}</body></html>\n")


def write(settings: Settings, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(settings, out), encoding="utf-8")
    return out
