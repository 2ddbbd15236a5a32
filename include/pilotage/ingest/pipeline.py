"""The ingestion steps of the daily DAG, one function per task, each keyed by a window of days.

``land`` -> ``validate`` -> ``load`` per source system. They exchange small JSON-able lists (XCom)
and never read the clock for what they load: the window comes from the DAG run's data interval,
so re-running a window gives the same warehouse (``land`` only compares a file's modification
time with now, to leave a file still being written for a later run). Parsed rows of an
accepted file are cached as Parquet under ``<data>/parsed/`` keyed by the file's hash, so
``load`` does not parse twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pilotage.backend import raw_writer
from pilotage.faults import checkpoint
from pilotage.ingest import gates, landing, loader, validation_docs
from pilotage.ingest.contracts import entities_of
from pilotage.ingest.entity_check import validate_entity, write_reason
from pilotage.ingest.layout_lookup import layout_of, layout_selection
from pilotage.progress import Progress
from pilotage.progress import log as progress_log
from pilotage.settings import Settings
from pilotage.window import Window

log = logging.getLogger("pilotage.ingest")
MAX_PAGES_LOGGED = 20  # quarantined files' Data Docs pages named in the validate task's log


def land(source: str, window: Window, settings: Settings,
         sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """Archive each entity's complete delivered file for every day of the window; note missing
    days and files still being written (left for a later run). An entity the center does not
    deliver (``center.yml``) is noted ``not_delivered``, never looked for."""
    manifest = []
    center = settings.center()
    delivered = [e for e in entities_of(source) if center.is_delivered(e.key)]
    for ent in entities_of(source):
        if ent not in delivered:
            manifest += [{"entity": ent.key, "day": d.isoformat(), "name": None,
                          "status": "not_delivered"} for d in window.days()]
    layouts = {e.key: layout_of(e.key, settings) for e in delivered}
    names = sorted({landing.delivery_path(settings.landing_dir, e, d, layouts[e.key].file).name
                    for e in delivered for d in window.days()})
    unfinished = landing.unfinished(settings.landing_dir / source, names, settings.gates, sleep)
    progress = Progress(f"{source} land", len(delivered) * len(window.days()), "files")
    for ent in delivered:
        layout = layouts[ent.key]
        for day in window.days():
            path = landing.delivery_path(settings.landing_dir, ent, day, layout.file)
            item: dict[str, Any] = {"entity": ent.key, "day": day.isoformat(), "name": path.name}
            refused = landing.refusal(path, settings.landing_dir)
            if refused:
                item.update(status="refused", message=f"{path.name} ({ent.key}, {day}): {refused}")
                write_reason(settings, source, item, item["message"])
            elif path.name in unfinished:
                item.update(status="missing", reason=f"{path.name} is not complete yet: "
                                                     f"{unfinished[path.name]}")
            elif path.exists():
                sha = landing.sha256_of(path)
                archived = landing.archive_file(path, settings.archive_dir, source, day, sha,
                                                several_days=layout.split_by is not None)
                item.update(status="delivered", file=str(archived), sha256=sha)
            elif not _expected(ent, settings):
                continue  # an entity this center does not send (e.g. queue interval reports)
            else:
                item.update(status="missing")
            manifest.append(item)
            progress.advance(detail=ent.key)
    count = {s: sum(1 for m in manifest if m["status"] == s) for s in ("delivered", "missing", "refused")}
    log.info("%s: %d file(s) delivered, %d missing, %d refused for %s..%s", source, count["delivered"],
             count["missing"], count["refused"], window.start, window.end)
    return manifest


def _expected(ent, settings: Settings) -> bool:
    """Is a day without this entity's file missing? Always for the entities every center sends;
    for the others (``Entity.expected`` false: queue interval reports) only when the center
    lists it in ``center.yml`` ``delivers`` or selects a layout for it."""
    return (ent.expected or ent.key in layout_selection(settings.layouts)
            or ent.key in settings.center().delivers)


def validate(source: str, manifest: list[dict[str, Any]], settings: Settings,
             accept: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Decide for every entity/day: ``load``, ``skip`` (same file already loaded), ``quarantine``,
    ``suspect`` (shrinks a loaded day; ``accept``: ``"<entity>:<day>"`` confirmed by the operator
    for this run), ``missing``, ``not_delivered`` (the center does not deliver the entity) or
    ``refused`` (a link or a path leaving the landing folder, never read). Bad files are copied
    to the quarantine folder with the reason."""
    accept_conf = gates.parse_accept(accept)
    with raw_writer(settings) as (con, _raw):
        loaded = {e.key: loader.loaded_hashes(con, e.key) for e in entities_of(source)}
        loaded_rows = {e.key: gates.loaded_counts(con, e.key) for e in entities_of(source)}
        accepted = gates.confirmed(con)

    decisions: list[dict[str, Any]] = []
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for item in manifest:
        day = date.fromisoformat(item["day"])
        if item["status"] in ("missing", "refused", "not_delivered"):
            decisions.append({**item, "action": item["status"]})
        elif loaded[item["entity"]].get(day) == item["sha256"]:
            decisions.append({**item, "action": "skip"})
        else:
            by_entity.setdefault(item["entity"], []).append(item)

    progress = Progress(f"{source} validate", sum(len(i) for i in by_entity.values()), "files")
    if by_entity:
        progress.start(f"{len(by_entity)} entities")
    for entity_key, items in by_entity.items():
        decisions.extend(validate_entity(source, entity_key, items, settings, progress))
        progress.advance(len(items), detail=entity_key)
    decisions = gates.apply(decisions, loaded_rows, accepted, accept_conf, settings.gates,
                            settings.time_zone)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d["action"]] = counts.get(d["action"], 0) + 1
    log.info("%s validation: %s", source, counts)
    pages = [d for d in decisions if d.get("docs")]
    if pages:  # on the progress logger: in the task log, and on the terminal of a local run
        progress_log.info("validation results (Data Docs): %s", validation_docs.build(settings).as_uri())
        quarantined = [d for d in pages if d["action"] == "quarantine"]
        for d in quarantined[:MAX_PAGES_LOGGED]:
            progress_log.info("  %s %s quarantined: %s", d["day"], d["entity"], Path(d["docs"]).as_uri())
        if len(quarantined) > MAX_PAGES_LOGGED:
            progress_log.info("  ... and %d more quarantined file(s), see the index",
                              len(quarantined) - MAX_PAGES_LOGGED)
    return decisions


def load(source: str, decisions: list[dict[str, Any]], settings: Settings) -> dict[str, int]:
    """Apply the decisions in the warehouse: one transaction per entity, a day replaces itself."""
    summary = {"loaded_days": 0, "rows": 0, "rejected": 0, "quarantined": 0, "suspect": 0,
               "missing": 0, "not_delivered": 0, "refused": 0, "unchanged": 0}
    with raw_writer(settings) as (con, raw):  # DuckDB: under the file lock; Postgres: row locks
        progress = Progress(f"{source} load", len(entities_of(source)), "entities")
        for ent in entities_of(source):
            mine = [d for d in decisions if d["entity"] == ent.key]
            to_load = [d for d in mine if d["action"] == "load"]
            already = loader.loaded_hashes(con, ent.key)
            con.execute("begin transaction")
            if to_load:
                files = sorted({d["parsed"] for d in to_load})
                days = [date.fromisoformat(d["day"]) for d in to_load]
                summary["rows"] += raw.replace_days(con, ent, files, days)
                checkpoint(settings, "load")
                raw.replace_accounts(
                    con, ent.key, days, sorted({d["rejected_file"] for d in to_load if d.get("rejected_file")}),
                    {date.fromisoformat(d["day"]): d.get("dropped") or {} for d in to_load})
                for d in to_load:
                    kept_out = int(d.get("rejected") or 0)
                    dropped = sum((d.get("dropped") or {}).values())
                    summary["rejected"] += kept_out
                    raw.record(con, ent.key, date.fromisoformat(d["day"]), status="loaded",
                               source_file=d["name"], file_sha256=d["sha256"],
                               message=d.get("message"), loaded=(d["sha256"], d["rows"]),
                               accounts=(d["rows"] + kept_out + dropped, kept_out, dropped))
                summary["loaded_days"] += len(to_load)
            for d in mine:
                day = date.fromisoformat(d["day"])
                if d["action"] in ("quarantine", "suspect"):
                    status = "quarantined" if d["action"] == "quarantine" else "suspect"
                    raw.record(con, ent.key, day, status=status, source_file=d["name"],
                               file_sha256=d["sha256"], message=d["message"])
                    summary[status] += 1
                elif d["action"] == "missing":
                    if day not in already:
                        raw.record(con, ent.key, day, status="missing",
                                   message=d.get("reason") or f"no {d['name']} in the landing folder")
                    summary["missing"] += 1
                elif d["action"] == "not_delivered":
                    if day not in already:
                        raw.record(con, ent.key, day, status="not_delivered",
                                   message=f"{ent.key} is not delivered by this center "
                                           f"(center.yml delivers)")
                    summary["not_delivered"] += 1
                elif d["action"] == "refused":
                    # recorded as quarantined (what every reader of the log knows); nothing
                    # was read, so the quarantine folder holds only the reason
                    raw.record(con, ent.key, day, status="quarantined", source_file=d["name"],
                               message=d["message"])
                    summary["refused"] += 1
                elif d["action"] == "skip":
                    summary["unchanged"] += 1
            con.execute("commit")
            progress.advance(detail=f"{ent.key}: {len(to_load)} day(s) loaded")
    log.info("%s load: %s", source, summary)
    return summary

