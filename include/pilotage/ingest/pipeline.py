"""The ingestion steps of the daily DAG, one function per task, each keyed by a window of days.

``land`` -> ``validate`` -> ``load`` per source system. They exchange small JSON-able lists (XCom)
and never read the clock for what they load: the window comes from the DAG run's data interval,
so re-running a window gives the same warehouse (``land`` only compares a file's modification
time with now, to leave a file still being written for a later run). Parsed rows of an
accepted file are cached as Parquet under ``<data>/parsed/`` keyed by the file's hash, so
``load`` does not parse twice.
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
from pilotage.ingest.layout_lookup import layout_of, layout_selection
from pilotage.ingest.multiday import map_split
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
    layouts = {e.key: layout_of(e.key, settings) for e in entities_of(source)}
    names = sorted({landing.delivery_path(settings.landing_dir, e, d, layouts[e.key].file).name
                    for e in entities_of(source) for d in window.days()})
    unfinished = landing.unfinished(settings.landing_dir / source, names, settings.gates, sleep)
    for ent in entities_of(source):
        layout = layouts[ent.key]
        for day in window.days():
            path = landing.delivery_path(settings.landing_dir, ent, day, layout.file)
            item: dict[str, Any] = {"entity": ent.key, "day": day.isoformat(), "name": path.name}
            refused = landing.refusal(path, settings.landing_dir)
            if refused:
                item.update(status="refused", message=f"{path.name} ({ent.key}, {day}): {refused}")
                _write_reason(settings, source, item, item["message"])
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
    count = {s: sum(1 for m in manifest if m["status"] == s) for s in ("delivered", "missing", "refused")}
    log.info("%s: %d file(s) delivered, %d missing, %d refused for %s..%s", source, count["delivered"],
             count["missing"], count["refused"], window.start, window.end)
    return manifest


def _expected(ent, settings: Settings) -> bool:
    """Is a day without this entity's file missing? Always for the entities every center sends;
    for the others (``Entity.expected`` false) only when the center selects a layout for it."""
    return ent.expected or ent.key in layout_selection(settings.layouts)


def _write_reason(settings: Settings, source: str, item: dict[str, Any], reason: str) -> Path:
    folder = settings.quarantine_dir / source / item["day"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{item['name']}.{item['entity']}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.error("QUARANTINED %s (%s, %s): %s", item["name"], item["entity"], item["day"], reason)
    return folder


def _quarantine(settings: Settings, source: str, item: dict[str, Any], reason: str) -> None:
    target = _write_reason(settings, source, item, reason) / item["name"]
    if not target.exists():
        target.write_bytes(Path(item["file"]).read_bytes())


def validate(source: str, manifest: list[dict[str, Any]], settings: Settings,
             accept: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Decide for every entity/day: ``load``, ``skip`` (same file already loaded), ``quarantine``,
    ``suspect`` (shrinks a loaded day; ``accept``: ``"<entity>:<day>"`` confirmed by the operator
    for this run), ``missing`` or ``refused`` (a link or a path leaving the landing folder, never
    read). Bad files are copied to the quarantine folder with the reason."""
    accept_conf = gates.parse_accept(accept)
    with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
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
        if item["status"] in ("missing", "refused"):
            decisions.append({**item, "action": item["status"]})
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


def _rejected_frame(entity_key: str, rows, rejected: dict[tuple[int, int], list[str]]):
    """The rows a reject_rows rule kept out, as ``raw._rejected_rows`` lines."""
    import pandas as pd

    if not rejected:
        return pd.Series(False, index=rows.index), pd.DataFrame()
    keys = list(zip(rows["_delivery"].astype(int), rows["_row_number"].astype(int), strict=True))
    mask = pd.Series([k in rejected for k in keys], index=rows.index)
    bad = rows[mask]
    columns = [c for c in rows.columns if not c.startswith("_")]
    values = bad[columns].to_json(orient="records", date_format="iso", lines=True).splitlines() if len(bad) else []
    return mask, pd.DataFrame({
        "entity": entity_key, "business_date": bad["_business_date"].tolist(),
        "source_file": bad["_source_file"].tolist(), "file_sha256": bad["_file_sha256"].tolist(),
        "row_number": bad["_row_number"].astype(int).tolist(),
        "rules": [",".join(rejected[k]) for k, bad_row in zip(keys, mask, strict=True) if bad_row],
        "row_values": values,
    })


def _validate_entity(source: str, entity_key: str, items: list[dict[str, Any]],
                     settings: Settings) -> list[dict[str, Any]]:
    """Parse every delivered file of one entity in one pass, validate them together, cache the
    accepted rows (and the rows a reject_rows rule kept out) as Parquet for ``load`` and
    quarantine the rest."""
    from pilotage.ingest.rules import read_rules
    from pilotage.ingest.validation import validate as run_suite

    layout = layout_of(entity_key, settings)
    deliveries = [Delivered(Path(i["file"]), date.fromisoformat(i["day"]), i["sha256"], i["name"])
                  for i in items]
    if layout.split_by:
        rows, unreadable, dropped = map_split(layout, deliveries, settings.time_zone)
    else:
        rows, unreadable = map_files(layout, deliveries)
        dropped = rows.attrs.get("dropped", {})
    decisions = []
    for index, reason in sorted(unreadable.items()):
        item = items[index]
        text = f"{item['name']} ({entity_key}, {item['day']}): layout: {reason}"
        _quarantine(settings, source, item, text)
        decisions.append({**item, "action": "quarantine", "message": text})
    readable = [i for i in range(len(items)) if i not in unreadable]
    verdicts = run_suite(entity_key, deliveries, readable, rows, settings.expectations_dir,
                         settings.dbt_project_dir / "seeds", settings.time_zone, layout=layout,
                         rules=read_rules(settings.rules_file))
    accepted = [i for i in readable if verdicts[i].accepted]
    rejected = {(i, row): rules for i in accepted for row, rules in verdicts[i].rejected.items()}
    counts: dict[int, int] = {}
    rejected_counts: dict[int, int] = {}
    cache = rejected_cache = None
    if accepted:
        key = hashlib.sha256("|".join(f"{items[i]['day']}:{items[i]['sha256']}" for i in accepted)
                             .encode()).hexdigest()
        cache = settings.data_dir / "parsed" / entity_key / f"{key}.parquet"
        if rows.empty:
            kept = _empty_rows(entity_key)
        else:
            mine = rows[rows["_delivery"].isin(accepted)]
            is_rejected, bad = _rejected_frame(entity_key, mine, rejected)
            kept_rows = mine[~is_rejected]
            counts = kept_rows.groupby("_delivery").size().to_dict()
            rejected_counts = mine[is_rejected].groupby("_delivery").size().to_dict()
            kept = kept_rows.drop(columns=["_errors", "_delivery"])
            if len(bad):
                rejected_cache = cache.with_name(f"{key}.rejected.parquet")
                _write_parquet(bad, rejected_cache)
        _write_parquet(kept, cache)
    for index in readable:
        item, verdict = items[index], verdicts[index]
        if verdict.accepted:
            loaded, kept_out = int(counts.get(index, 0)), int(rejected_counts.get(index, 0))
            drops = dropped.get(index, {})
            decisions.append({**item, "action": "load", "rows": loaded, "rejected": kept_out,
                              "dropped": drops, "delivered": loaded + kept_out + sum(drops.values()),
                              "parsed": str(cache),
                              "rejected_file": str(rejected_cache) if kept_out else None,
                              "message": "; ".join(verdict.warnings) or None})
        else:
            text = f"{item['name']} ({entity_key}, {item['day']}): " + "; ".join(verdict.blocking)
            _quarantine(settings, source, item, text)
            decisions.append({**item, "action": "quarantine", "message": text})
    return decisions


def load(source: str, decisions: list[dict[str, Any]], settings: Settings) -> dict[str, int]:
    """Apply the decisions in the warehouse: one transaction per entity, a day replaces itself."""
    summary = {"loaded_days": 0, "rows": 0, "rejected": 0, "quarantined": 0, "suspect": 0,
               "missing": 0, "refused": 0, "unchanged": 0}
    with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
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
                    loader.replace_accounts(
                        con, ent.key, days, sorted({d["rejected_file"] for d in to_load if d.get("rejected_file")}),
                        {date.fromisoformat(d["day"]): d.get("dropped") or {} for d in to_load})
                    for d in to_load:
                        kept_out = int(d.get("rejected") or 0)
                        dropped = sum((d.get("dropped") or {}).values())
                        summary["rejected"] += kept_out
                        loader.record(con, ent.key, date.fromisoformat(d["day"]), status="loaded",
                                      source_file=d["name"], file_sha256=d["sha256"],
                                      message=d.get("message"), loaded=(d["sha256"], d["rows"]),
                                      accounts=(d["rows"] + kept_out + dropped, kept_out, dropped))
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
                    elif d["action"] == "refused":
                        # recorded as quarantined (what every reader of the log knows); nothing
                        # was read, so the quarantine folder holds only the reason
                        loader.record(con, ent.key, day, status="quarantined", source_file=d["name"],
                                      message=d["message"])
                        summary["refused"] += 1
                    elif d["action"] == "skip":
                        summary["unchanged"] += 1
                con.execute("commit")
        finally:
            con.close()
    log.info("%s load: %s", source, summary)
    return summary

