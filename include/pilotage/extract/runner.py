"""``extract``: one source system's API extraction for a window of business days.

No connection -> nothing to do (the demo has none). Otherwise: check the landing layout the
vendor needs is the one the pipeline will read, open (or resume) the window's run, fetch the
pages the checkpoint does not have yet, then rebuild the records from the archived pages,
de-duplicate them (latest version of each key wins), split them by business day and write one
landing file per entity and day into ``<landing>/<source>/`` (atomically; an unchanged file is
left alone, so ``land`` sees the same hash and nothing is reloaded).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pilotage.extract import config as api_config
from pilotage.extract.http import ApiClient, ExtractError
from pilotage.extract.state import RunState
from pilotage.extract.vendors import EXTRACTORS, Extractor
from pilotage.ingest.layout_lookup import LAYOUT_SELECTION_ENV, layout_selection
from pilotage.settings import Settings
from pilotage.window import Window

log = logging.getLogger("pilotage.extract")


def check_layouts(extractor: type[Extractor], conn_id: str, chosen: Mapping[str, str]) -> None:
    """Fail before any call when the pipeline would read the landing files with another layout
    than the one ``chosen`` (the settings' layout selection) says."""
    for entity_key, needed in extractor.layouts.items():
        current = chosen.get(entity_key)
        if (current or None) != needed:
            raise ExtractError(
                f"{conn_id} is a {extractor.vendor} API: its {entity_key} files need layout "
                f"{needed or '(the default)'}, but {LAYOUT_SELECTION_ENV} (Variable pilotage_layouts) "
                f"selects {current or '(the default)'}; set {entity_key}={needed or ''} there"
                + ("" if needed else " or remove the entry")
            )


def _write_if_changed(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(content)
    os.replace(tmp, path)
    return True


def dedupe(extractor: Extractor, entity_key: str, records: list[Any]) -> tuple[list[Any], int]:
    """Latest version of each key, in first-seen order; returns (records, duplicates dropped)."""
    kept: dict[Any, Any] = {}
    order: list[Any] = []
    unkeyed: list[Any] = []
    for record in records:
        key = extractor.key(entity_key, record)
        if key is None:
            unkeyed.append(record)
            continue
        if key not in kept:
            order.append(key)
            kept[key] = record
        elif extractor.version(entity_key, record) >= extractor.version(entity_key, kept[key]):
            kept[key] = record
    return [kept[k] for k in order] + unkeyed, len(records) - len(order) - len(unkeyed)


def extract(
    source: str,
    start: date,
    end_exclusive: date,
    settings: Settings,
    *,
    config: api_config.ApiConfig | None = None,
    refresh: bool = False,
    on_page: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Extract ``source`` for business days [start, end_exclusive) into the landing folder."""
    config = config or api_config.lookup(source)
    if config is None:
        conn_id = api_config.CONN_ID.format(source=source)
        log.info("%s: no connection %s, no API extraction", source, conn_id)
        return {"source": source, "status": "skipped", "reason": f"no connection {conn_id}"}
    cls = EXTRACTORS.get((source, config.vendor))
    if cls is None:
        known = sorted(v for s, v in EXTRACTORS if s == source)
        raise ExtractError(
            f"{config.conn_id}: extra vendor {config.vendor!r} is not an API this project "
            f"extracts for {source}; known: {known}"
        )
    check_layouts(cls, config.conn_id, layout_selection(settings.layouts))
    window = Window.half_open(start, end_exclusive, settings.time_zone)
    folder = settings.data_dir / "extract" / source / config.vendor / f"{start}_{end_exclusive}"
    run = RunState.open(folder, refresh=refresh)
    client = ApiClient(config, run.archive, **({"sleep": sleep} if sleep else {}))
    extractor = cls(client, run, window)
    resumed = run.resumed
    try:
        if not run.done:
            if resumed:
                log.info(
                    "%s: resuming %s after %d accepted page(s)", source, run.folder, len(run.data["pages"])
                )
            extractor.fetch(on_page or (lambda _n: None))
    finally:
        client.close()
    written, unchanged, outside, duplicates, rows = [], 0, 0, 0, 0
    for entity_key, records in extractor.records().items():
        unique, dupes = dedupe(extractor, entity_key, records)
        duplicates += dupes
        by_day: dict[date, list[Any]] = {}
        for record in unique:
            day = extractor.day_of(entity_key, record)
            if window.contains(day):
                by_day.setdefault(day, []).append(record)
            else:
                outside += 1
        name = extractor.file_names[entity_key]
        for day in sorted(by_day):
            path = settings.landing_dir / source / name.format(yyyymmdd=day.strftime("%Y%m%d"))
            rows += len(by_day[day])
            if _write_if_changed(path, extractor.render(entity_key, day, by_day[day])):
                written.append(str(path))
            else:
                unchanged += 1
    summary = {
        "source": source,
        "status": "extracted",
        "vendor": config.vendor,
        "run": str(run.folder),
        "pages": len(run.data["pages"]),
        "resumed": resumed,
        "records": rows,
        "duplicates_dropped": duplicates,
        "outside_window": outside,
        "files_written": written,
        "files_unchanged": unchanged,
        "http": dict(client.stats),
    }
    run.finish({k: v for k, v in summary.items() if k != "files_written"})
    log.info(
        "%s: %d page(s), %d record(s), %d duplicate(s) dropped, %d file(s) written, %d unchanged",
        source,
        summary["pages"],
        rows,
        duplicates,
        len(written),
        unchanged,
    )
    return summary
