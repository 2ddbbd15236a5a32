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

from pilotage.backend import raw_writer
from pilotage.faults import checkpoint
from pilotage.ingest import gates, landing, loader, validation_docs
from pilotage.ingest.contracts import entities_of
from pilotage.ingest.layout_lookup import layout_of
from pilotage.ingest.multiday import map_split
from pilotage.ingest.reader import Delivered, map_files
from pilotage.progress import Progress
from pilotage.progress import log as progress_log
from pilotage.settings import Settings
from pilotage.window import Window

log = logging.getLogger("pilotage.ingest")
MAX_PAGES_LOGGED = 20  # quarantined files' Data Docs pages named in the validate task's log


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
                _write_reason(settings, source, item, item["message"])
            elif path.name in unfinished:
                item.update(status="missing", reason=f"{path.name} is not complete yet: "
                                                     f"{unfinished[path.name]}")
            elif path.exists():
                sha = landing.sha256_of(path)
                archived = landing.archive_file(path, settings.archive_dir, source, day, sha,
                                                several_days=layout.split_by is not None)
                item.update(status="delivered", file=str(archived), sha256=sha)
            else:
                item.update(status="missing")
            manifest.append(item)
            progress.advance(detail=ent.key)
    count = {s: sum(1 for m in manifest if m["status"] == s) for s in ("delivered", "missing", "refused")}
    log.info("%s: %d file(s) delivered, %d missing, %d refused for %s..%s", source, count["delivered"],
             count["missing"], count["refused"], window.start, window.end)
    return manifest


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
        decisions.extend(_validate_entity(source, entity_key, items, settings, progress))
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


CHUNK_BYTES = 64 * 1024 * 1024  # delivered bytes parsed and validated together (bounds memory)


def chunks_of(deliveries: list[Delivered], budget: int | None = None) -> list[list[int]]:
    """Deliveries grouped, in order, into chunks of about ``budget`` delivered bytes; the days of
    one several-day file stay together (the file is read once)."""
    budget = budget or CHUNK_BYTES
    by_file: dict[Path, list[int]] = {}
    for index, delivered in enumerate(deliveries):
        by_file.setdefault(delivered.path, []).append(index)
    chunks: list[list[int]] = []
    size = 0
    for path, indices in by_file.items():
        file_size = path.stat().st_size if path.exists() else 0
        if not chunks or (size + file_size > budget and chunks[-1]):
            chunks.append([])
            size = 0
        chunks[-1].extend(indices)
        size += file_size
    return chunks


def _parse(layout, deliveries: list[Delivered], indices: list[int], time_zone: str):
    """Rows (``_delivery`` = index into ``deliveries``), unreadable files and dropped records
    of some of the deliveries."""
    mine = [deliveries[i] for i in indices]
    if layout.split_by:
        rows, unreadable, dropped = map_split(layout, mine, time_zone)
    else:
        rows, unreadable = map_files(layout, mine)
        dropped = rows.attrs.get("dropped", {})
    if not rows.empty:
        rows["_delivery"] = [indices[int(i)] for i in rows["_delivery"]]
    return (rows, {indices[i]: reason for i, reason in unreadable.items()},
            {indices[i]: counts for i, counts in dropped.items()})


def _validate_entity(source: str, entity_key: str, items: list[dict[str, Any]],
                     settings: Settings, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Parse and validate one entity's delivered files a chunk at a time (bounded memory), cache
    each chunk's accepted rows (and the rows a reject_rows rule kept out) as Parquet for
    ``load`` and quarantine the rest."""
    from pilotage.ingest.rules import read_rules
    from pilotage.ingest.validation import WindowValidator

    layout = layout_of(entity_key, settings)
    deliveries = [Delivered(Path(i["file"]), date.fromisoformat(i["day"]), i["sha256"], i["name"])
                  for i in items]
    validator = WindowValidator(entity_key, deliveries, settings.expectations_dir,
                                settings.center_dir, settings.time_zone,
                                layout=layout, rules=read_rules(settings.rules_file))
    unreadable: dict[int, str] = {}
    dropped: dict[int, dict[str, int]] = {}
    kept: dict[int, dict[str, Any]] = {}  # accepted file -> rows, rejected, parsed, rejected_file
    for chunk in chunks_of(deliveries):
        rows, bad, drops = _parse(layout, deliveries, chunk, settings.time_zone)
        unreadable.update(bad)
        dropped.update(drops)
        if progress is not None:
            progress.note(f"{entity_key}: {len(rows):,} rows parsed, validating")
        readable = [i for i in chunk if i not in bad]
        verdicts = validator.add(readable, rows)
        accepted = [i for i in readable if verdicts[i].accepted]
        if accepted:
            kept.update(_cache_accepted(entity_key, items, accepted, rows, verdicts, settings))
        del rows

    def reparse(files: list[int]):
        return _parse(layout, deliveries, files, settings.time_zone)[0]

    verdicts = validator.finish(reparse)
    decisions = []
    for index, reason in sorted(unreadable.items()):
        item = items[index]
        text = f"{item['name']} ({entity_key}, {item['day']}): layout: {reason}"
        _quarantine(settings, source, item, text)
        decisions.append({**item, "action": "quarantine", "message": text,
                          "docs": _keep_results(settings, source, item, "quarantined", text, [])})
    for index in sorted(verdicts):
        item, verdict = items[index], verdicts[index]
        if verdict.accepted:
            cached = kept[index]
            drops = dropped.get(index, {})
            decisions.append({**item, "action": "load", "rows": cached["rows"],
                              "rejected": cached["rejected"], "dropped": drops,
                              "delivered": cached["rows"] + cached["rejected"] + sum(drops.values()),
                              "parsed": cached["parsed"],
                              "rejected_file": cached["rejected_file"] if cached["rejected"] else None,
                              "message": "; ".join(verdict.warnings) or None,
                              "docs": _keep_results(settings, source, item, "loaded",
                                                    "; ".join(verdict.warnings), verdict.results,
                                                    reparse, index)})
        else:
            text = f"{item['name']} ({entity_key}, {item['day']}): " + "; ".join(verdict.blocking)
            _quarantine(settings, source, item, text)
            decisions.append({**item, "action": "quarantine", "message": text,
                              "docs": _keep_results(settings, source, item, "quarantined", text,
                                                    verdict.results, reparse, index)})
    return decisions


def _keep_results(settings: Settings, source: str, item: dict[str, Any], status: str, message: str,
                  results: list[dict[str, Any]], reparse=None, index: int | None = None) -> str | None:
    """Store a file's failed GX results for the Data Docs (its rows parsed again through
    ``reparse`` for the offending ones: only failing files pay for it); the page it gets (None
    when clean)."""
    if status == "loaded" and not results:
        return None
    mine = reparse([index]) if results and reparse is not None and index is not None else None
    validation_docs.record(settings, source, item, status, message, results, mine)
    return str(validation_docs.page_path(settings, item["entity"], item["day"], item["name"]))


def _cache_accepted(entity_key: str, items: list[dict[str, Any]], accepted: list[int], rows,
                    verdicts, settings: Settings) -> dict[int, dict[str, Any]]:
    """Write the accepted files' kept rows (and the rows kept out) of one chunk as Parquet."""
    key = hashlib.sha256("|".join(f"{items[i]['day']}:{items[i]['sha256']}" for i in accepted)
                         .encode()).hexdigest()
    cache = settings.data_dir / "parsed" / entity_key / f"{key}.parquet"
    rejected_cache = None
    counts: dict[int, int] = {}
    rejected_counts: dict[int, int] = {}
    if rows.empty:
        kept = _empty_rows(entity_key)
    else:
        rejected = {(i, row): rules for i in accepted for row, rules in verdicts[i].rejected.items()}
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
    return {i: {"rows": int(counts.get(i, 0)), "rejected": int(rejected_counts.get(i, 0)),
                "parsed": str(cache), "rejected_file": str(rejected_cache) if rejected_cache else None}
            for i in accepted}


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

