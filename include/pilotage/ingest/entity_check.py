"""Validation of one entity's delivered files (the ``validate`` task's work per entity): parse and
check them a chunk at a time (bounded memory), cache each accepted file's rows (and the rows a
``reject_rows`` rule kept out) as Parquet for ``load``, quarantine the rest with the reason, and
store the failing files' results for the validation pages."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from pilotage.ingest import validation_docs
from pilotage.ingest.layout_lookup import layout_of
from pilotage.ingest.multiday import map_split
from pilotage.ingest.reader import Delivered, map_files
from pilotage.progress import Progress
from pilotage.settings import Settings

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


def write_reason(settings: Settings, source: str, item: dict[str, Any], reason: str) -> Path:
    folder = settings.quarantine_dir / source / item["day"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{item['name']}.{item['entity']}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.error("QUARANTINED %s (%s, %s): %s", item["name"], item["entity"], item["day"], reason)
    return folder


def quarantine(settings: Settings, source: str, item: dict[str, Any], reason: str) -> None:
    target = write_reason(settings, source, item, reason) / item["name"]
    if not target.exists():
        target.write_bytes(Path(item["file"]).read_bytes())


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


def validate_entity(source: str, entity_key: str, items: list[dict[str, Any]],
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
        quarantine(settings, source, item, text)
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
            quarantine(settings, source, item, text)
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
