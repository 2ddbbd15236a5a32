"""The ingestion steps of the daily DAG, one function per task, each keyed by a window of days.

``land`` -> ``validate`` -> ``load`` per source system. They exchange small JSON-able lists (XCom)
and never read the clock for what they load: the window comes from the DAG run's data interval,
so re-running a window gives the same warehouse (``land`` only compares a file's modification
time with now, to leave a file still being written for a later run). Parsed rows of an accepted file are cached as Parquet under
``<data>/parsed/`` keyed by the file's hash, so ``load`` does not parse twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pilotage.ingest import gates, landing, loader
from pilotage.ingest.contracts import entities_of
from pilotage.ingest.layout_lookup import layout_of
from pilotage.ingest.raw_schema import ensure_raw_schema
from pilotage.ingest.reader import Delivered, map_files
from pilotage.settings import Settings
from pilotage.warehouse import connect, writer_lock
from pilotage.window import Window

log = logging.getLogger("pilotage.ingest")


def _write_parquet(frame, path: Path) -> None:
    """Write validated rows atomically (DuckDB's Parquet writer; no pyarrow needed)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        con.execute(f"copy frame to '{tmp}' (format parquet)")
    finally:
        con.close()
    os.replace(tmp, path)


def _empty_rows(entity_key: str):
    import pandas as pd
    from pilotage.ingest.contracts import entity

    return pd.DataFrame({c: pd.Series(dtype="object") for c in entity(entity_key).all_columns})


def land(source: str, window: Window, settings: Settings,
         sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """Archive each entity's complete delivered file for every day of the window; note missing
    days and files still being written (left for a later run)."""
    manifest = []
    names = [landing.delivery_path(settings.landing_dir, e, d).name
             for e in entities_of(source) for d in window.days()]
    unfinished = landing.unfinished(settings.landing_dir / source, names, settings.gates, sleep)
    for ent in entities_of(source):
        for day in window.days():
            path = landing.delivery_path(settings.landing_dir, ent, day)
            item: dict[str, Any] = {"entity": ent.key, "day": day.isoformat(), "name": path.name}
            if path.name in unfinished:
                item.update(status="missing", reason=f"{path.name} is not complete yet: "
                                                     f"{unfinished[path.name]}")
            elif path.exists():
                sha = landing.sha256_of(path)
                archived = landing.archive_file(path, settings.archive_dir, source, day, sha)
                item.update(status="delivered", file=str(archived), sha256=sha)
            else:
                item.update(status="missing")
            manifest.append(item)
    delivered = sum(1 for m in manifest if m["status"] == "delivered")
    log.info("%s: %d file(s) delivered, %d missing for %s..%s", source, delivered,
             len(manifest) - delivered, window.start, window.end)
    return manifest


def _quarantine(settings: Settings, source: str, item: dict[str, Any], reason: str) -> None:
    folder = settings.quarantine_dir / source / item["day"]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / item["name"]
    if not target.exists():
        target.write_bytes(Path(item["file"]).read_bytes())
    (folder / f"{item['name']}.{item['entity']}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.error("QUARANTINED %s (%s, %s): %s", item["name"], item["entity"], item["day"], reason)


def validate(source: str, manifest: list[dict[str, Any]], settings: Settings,
             accept: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Decide for every entity/day: ``load``, ``skip`` (same file already loaded), ``quarantine``,
    ``suspect`` (shrinks a loaded day; ``accept``: ``"<entity>:<day>"`` confirmed by the operator
    for this run) or ``missing``. Bad files are copied to the quarantine folder with the reason."""
    accept_conf = gates.parse_accept(accept)
    with writer_lock(settings.warehouse_path):
        con = connect(settings.warehouse_path)
        try:
            ensure_raw_schema(con)
            loaded = {e.key: loader.loaded_hashes(con, e.key) for e in entities_of(source)}
            loaded_rows = {e.key: gates.loaded_counts(con, e.key) for e in entities_of(source)}
            accepted = gates.confirmed(con)
        finally:
            con.close()

    decisions: list[dict[str, Any]] = []
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for item in manifest:
        day = date.fromisoformat(item["day"])
        if item["status"] == "missing":
            decisions.append({**item, "action": "missing"})
        elif loaded[item["entity"]].get(day) == item["sha256"]:
            decisions.append({**item, "action": "skip"})
        else:
            by_entity.setdefault(item["entity"], []).append(item)

    for entity_key, items in by_entity.items():
        decisions.extend(_validate_entity(source, entity_key, items, settings))
    decisions = gates.apply(decisions, loaded_rows, accepted, accept_conf, settings.gates,
                            settings.time_zone)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d["action"]] = counts.get(d["action"], 0) + 1
    log.info("%s validation: %s", source, counts)
    return decisions


def _validate_entity(source: str, entity_key: str, items: list[dict[str, Any]],
                     settings: Settings) -> list[dict[str, Any]]:
    """Parse every delivered file of one entity in one pass, validate them together, cache the
    accepted rows as one Parquet file for ``load`` and quarantine the rest."""
    from pilotage.ingest.validation import validate as run_suite

    layout = layout_of(entity_key, settings)
    deliveries = [Delivered(Path(i["file"]), date.fromisoformat(i["day"]), i["sha256"], i["name"])
                  for i in items]
    rows, unreadable = map_files(layout, deliveries)
    decisions = []
    for index, reason in sorted(unreadable.items()):
        item = items[index]
        text = f"{item['name']} ({entity_key}, {item['day']}): layout: {reason}"
        _quarantine(settings, source, item, text)
        decisions.append({**item, "action": "quarantine", "message": text})
    readable = [i for i in range(len(items)) if i not in unreadable]
    verdicts = run_suite(entity_key, deliveries, readable, rows, settings.expectations_dir,
                         settings.dbt_project_dir / "seeds", settings.time_zone)
    accepted = [i for i in readable if verdicts[i].accepted]
    counts = rows.groupby("_delivery").size().to_dict() if not rows.empty else {}
    cache = None
    if accepted:
        key = hashlib.sha256("|".join(f"{items[i]['day']}:{items[i]['sha256']}" for i in accepted)
                             .encode()).hexdigest()
        cache = settings.data_dir / "parsed" / entity_key / f"{key}.parquet"
        if rows.empty:
            kept = _empty_rows(entity_key)
        else:
            kept = rows[rows["_delivery"].isin(accepted)].drop(columns=["_errors", "_delivery"])
        _write_parquet(kept, cache)
    for index in readable:
        item, verdict = items[index], verdicts[index]
        if verdict.accepted:
            decisions.append({**item, "action": "load", "rows": int(counts.get(index, 0)),
                              "parsed": str(cache), "message": "; ".join(verdict.warnings) or None})
        else:
            text = f"{item['name']} ({entity_key}, {item['day']}): " + "; ".join(verdict.blocking)
            _quarantine(settings, source, item, text)
            decisions.append({**item, "action": "quarantine", "message": text})
    return decisions


def load(source: str, decisions: list[dict[str, Any]], settings: Settings) -> dict[str, int]:
    """Apply the decisions in the warehouse: one transaction per entity, a day replaces itself."""
    summary = {"loaded_days": 0, "rows": 0, "quarantined": 0, "suspect": 0, "missing": 0, "unchanged": 0}
    with writer_lock(settings.warehouse_path):
        con = connect(settings.warehouse_path)
        try:
            ensure_raw_schema(con)
            for ent in entities_of(source):
                mine = [d for d in decisions if d["entity"] == ent.key]
                to_load = [d for d in mine if d["action"] == "load"]
                already = loader.loaded_hashes(con, ent.key)
                con.execute("begin transaction")
                if to_load:
                    files = sorted({d["parsed"] for d in to_load})
                    days = [date.fromisoformat(d["day"]) for d in to_load]
                    summary["rows"] += loader.replace_days(con, ent, files, days)
                    for d in to_load:
                        loader.record(con, ent.key, date.fromisoformat(d["day"]), status="loaded",
                                      source_file=d["name"], file_sha256=d["sha256"],
                                      message=d.get("message"), loaded=(d["sha256"], d["rows"]))
                    summary["loaded_days"] += len(to_load)
                for d in mine:
                    day = date.fromisoformat(d["day"])
                    if d["action"] in ("quarantine", "suspect"):
                        status = "quarantined" if d["action"] == "quarantine" else "suspect"
                        loader.record(con, ent.key, day, status=status, source_file=d["name"],
                                      file_sha256=d["sha256"], message=d["message"])
                        summary[status] += 1
                    elif d["action"] == "missing":
                        if day not in already:
                            loader.record(con, ent.key, day, status="missing",
                                          message=d.get("reason") or f"no {d['name']} in the landing folder")
                        summary["missing"] += 1
                    elif d["action"] == "skip":
                        summary["unchanged"] += 1
                con.execute("commit")
        finally:
            con.close()
    log.info("%s load: %s", source, summary)
    return summary

