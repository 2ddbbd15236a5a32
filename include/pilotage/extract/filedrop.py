"""Pick up delivered files from a drop location into the landing folder.

The drop is any fsspec URL: a local folder (``file:///mnt/share/exports``), SFTP
(``sftp://host/outbound``, needs ``paramiko``: extra ``pilotage[sftp]``), object storage
(``s3://bucket/prefix`` with ``s3fs``, ``gs://`` with ``gcsfs``, ``abfs://`` with ``adlfs``) or
``memory://`` (tests). Configuration, ``settings.drop``: the environment or the Airflow Variable
of the same name in lower case (none of it is needed for the default: exports written straight
into the landing folder, as ``make demo`` does):

``PILOTAGE_DROP_URL``      the drop root, holding ``<source>/<entity>_<YYYYMMDD>.<ext>``
``PILOTAGE_DROP_OPTIONS``  JSON storage options for fsspec (no secrets: see below)
``PILOTAGE_DROP_COMPLETE`` ``stable`` (default: size and modification time unchanged over
                           ``PILOTAGE_DROP_SETTLE_SECONDS``, default 5) or ``marker`` (a file
                           ``<name><PILOTAGE_DROP_MARKER_SUFFIX>``, default ``.done``, exists)
``PILOTAGE_DROP_NAMES``    JSON entity -> vendor file name with ``{yyyymmdd}``, when the vendor
                           names its files differently (``{"acd__agent_intervals": "hagent_{yyyymmdd}.csv"}``)

Credentials come from the Airflow Connection ``pilotage_drop`` when it exists (its fields are in
``settings.connections``, put there by ``dag_defaults.airflow_settings`` or the CLI): ``login``
and ``password`` become ``username``/``password`` (sftp) or ``key``/``secret`` (s3), ``port`` the
port, and its ``extra`` JSON is merged into the storage options.

Only complete files are picked up. Each picked file is hashed (sha256) while it is copied; a
file whose content is already in the landing folder is left alone, a re-delivered file with new
content replaces the landing file of its day (``land`` then archives it under its new hash and
the day is reloaded). ``<data>/pickup/ledger.json`` remembers what was picked, by hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pilotage.ingest.contracts import entities_of
from pilotage.settings import DROP_CONNECTION, Settings
from pilotage.window import Window

log = logging.getLogger("pilotage.extract")

DROP_CONN_ID = DROP_CONNECTION


class DropError(RuntimeError):
    """The drop location is misconfigured or unreachable (names the setting)."""


@dataclass(frozen=True)
class DropConfig:
    url: str
    storage_options: dict[str, Any]
    complete: str = "stable"
    settle_seconds: float = 5.0
    marker_suffix: str = ".done"
    names: dict[str, str] | None = None

    def __repr__(self) -> str:  # storage options may hold secrets
        return f"DropConfig(url={self.url!r}, complete={self.complete!r})"


def _json_setting(env: Mapping[str, str], key: str) -> dict[str, Any]:
    text = env.get(key, "").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DropError(f"{key}: not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise DropError(f"{key}: must be a JSON object")
    return value


def connection_options(url: str, conn: Mapping[str, Any]) -> dict[str, Any]:
    """fsspec storage options from the fields of the Connection ``pilotage_drop``."""
    protocol = url.split("://", 1)[0] if "://" in url else "file"
    options: dict[str, Any] = {}
    if protocol == "sftp":
        if conn.get("login"):
            options["username"] = conn["login"]
        if conn.get("password"):
            options["password"] = conn["password"]
        if conn.get("port"):
            options["port"] = conn["port"]
    elif protocol in ("s3", "s3a"):
        if conn.get("login"):
            options["key"] = conn["login"]
        if conn.get("password"):
            options["secret"] = conn["password"]
    options.update(conn.get("extra") or {})
    return options


def drop_config(env: Mapping[str, str], connection: Mapping[str, Any] | None = None) -> DropConfig | None:
    """The drop configuration from the ``PILOTAGE_DROP_*`` values (``settings.drop``) and the
    fields of the Connection ``pilotage_drop`` if any, or None when ``PILOTAGE_DROP_URL`` is not set."""
    url = env.get("PILOTAGE_DROP_URL", "").strip()
    if not url:
        return None
    options = _json_setting(env, "PILOTAGE_DROP_OPTIONS")
    if connection:
        options.update(connection_options(url, connection))
    complete = env.get("PILOTAGE_DROP_COMPLETE", "stable").strip().lower() or "stable"
    if complete not in ("stable", "marker"):
        raise DropError(f"PILOTAGE_DROP_COMPLETE must be 'stable' or 'marker', got {complete!r}")
    try:
        settle = float(env.get("PILOTAGE_DROP_SETTLE_SECONDS", "5") or 5)
    except ValueError:
        raise DropError("PILOTAGE_DROP_SETTLE_SECONDS must be a number of seconds") from None
    names = {k: str(v) for k, v in _json_setting(env, "PILOTAGE_DROP_NAMES").items()}
    for key, pattern in names.items():
        if "{yyyymmdd}" not in pattern:
            raise DropError(
                f"PILOTAGE_DROP_NAMES: the name of {key} must contain {{yyyymmdd}}, got {pattern!r}"
            )
    return DropConfig(
        url=url,
        storage_options=options,
        complete=complete,
        settle_seconds=settle,
        marker_suffix=env.get("PILOTAGE_DROP_MARKER_SUFFIX", ".done") or ".done",
        names=names or None,
    )


def _filesystem(cfg: DropConfig):
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(cfg.url, **cfg.storage_options)
    except ImportError as exc:
        raise DropError(
            f"PILOTAGE_DROP_URL {cfg.url.split('://')[0]}:// needs a package that is not installed: {exc}"
        ) from None
    except ValueError as exc:
        raise DropError(f"PILOTAGE_DROP_URL {cfg.url!r}: {exc}") from None
    return fs, root.rstrip("/")


def _stamp(info: dict[str, Any]) -> tuple[Any, str]:
    moment = info.get("mtime") or info.get("LastModified") or info.get("updated") or info.get("created")
    return info.get("size"), str(moment)


def incomplete_files(
    fs,
    folder: str,
    listing: Mapping[str, dict[str, Any]],
    names: list[str],
    *,
    complete: str,
    settle_seconds: float,
    marker_suffix: str,
    sleep: Callable[[float], None] = time.sleep,
    now: float | None = None,
) -> dict[str, str]:
    """Which of ``names`` present in ``listing`` (``fs.ls(folder, detail=True)`` by base name)
    are not complete yet, with the reason. ``marker``: no ``<name><marker_suffix>`` beside it.
    ``stable``: size or modification time changed over ``settle_seconds`` (one wait for all).
    With ``now`` (same clock as the files: a local folder), a file last modified more than
    ``settle_seconds`` ago needs no wait, and one modified in the future is not complete."""
    present = [n for n in names if n in listing and listing[n].get("type") != "directory"]
    if complete == "marker":
        return {n: f"no marker {n}{marker_suffix}" for n in present if n + marker_suffix not in listing}
    if now is not None:
        present = [n for n in present
                   if not isinstance(listing[n].get("mtime"), int | float)
                   or now - listing[n]["mtime"] < settle_seconds]
    if not present:
        return {}
    sleep(settle_seconds)
    relisted = {Path(i["name"]).name: i for i in fs.ls(folder, detail=True)}
    reasons = {}
    for name in present:
        after = relisted.get(name, {})
        if _stamp(after) != _stamp(listing[name]):
            reasons[name] = f"still growing (size/time changed within {settle_seconds}s)"
        elif now is not None and isinstance(after.get("mtime"), int | float) and after["mtime"] > now:
            reasons[name] = "modification time in the future (still being written?)"
    return reasons


class Ledger:
    """What was picked up, by drop path: sha256, size and stamp (JSON, rewritten atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def _copy_hashing(fs, remote: str, target: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with fs.open(remote, "rb") as src, open(target, "wb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pickup(
    source: str,
    start: date,
    end_exclusive: date,
    settings: Settings,
    *,
    config: DropConfig | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Copy the complete files of ``source`` for days [start, end) from the drop into the landing
    folder; returns what happened to each expected file."""
    cfg = config or drop_config(settings.drop, settings.connections.get(DROP_CONN_ID))
    if cfg is None:
        return {"source": source, "status": "skipped", "reason": "PILOTAGE_DROP_URL is not set"}
    fs, root = _filesystem(cfg)
    expected: list[tuple[str, date, str, str]] = []  # entity, day, drop name, landing name
    optional = {e.key for e in entities_of(source) if not e.expected}
    seen_globs: set[str] = set()
    for ent in entities_of(source):
        if ent.file_glob in seen_globs:  # two entities read from one file (qa evaluations)
            continue
        seen_globs.add(ent.file_glob)
        pattern = (cfg.names or {}).get(ent.key, ent.file_glob)
        for day in Window.half_open(start, end_exclusive, settings.time_zone):
            stamp = day.strftime("%Y%m%d")
            expected.append(
                (ent.key, day, pattern.format(yyyymmdd=stamp), ent.file_glob.format(yyyymmdd=stamp))
            )
    folder = f"{root}/{source}"
    try:
        listing = {Path(i["name"]).name: i for i in fs.ls(folder, detail=True)} if fs.exists(folder) else {}
    except OSError as exc:
        raise DropError(f"PILOTAGE_DROP_URL {cfg.url}: cannot list {folder}: {exc}") from None
    candidates = {name: info for name, info in listing.items() if info.get("type") != "directory"}
    unsettled = incomplete_files(fs, folder, listing, [e[2] for e in expected], complete=cfg.complete,
                                 settle_seconds=cfg.settle_seconds, marker_suffix=cfg.marker_suffix,
                                 sleep=sleep)
    ledger = Ledger(settings.data_dir / "pickup" / "ledger.json")
    results: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for entity_key, day, drop_name, landing_name in expected:
        item: dict[str, Any] = {"entity": entity_key, "day": day.isoformat(), "name": drop_name}
        info = candidates.get(drop_name)
        if info is None and entity_key in optional:
            continue  # an entity only some centers send (queue interval reports): absent is normal
        if info is None:
            item["status"] = "absent"
        elif drop_name in unsettled:
            item["status"] = "incomplete"
            item["reason"] = unsettled[drop_name]
        else:
            item.update(
                _take(
                    fs,
                    f"{folder}/{drop_name}",
                    info,
                    settings.landing_dir / source / landing_name,
                    ledger,
                    f"{cfg.url.rstrip('/')}/{source}/{drop_name}",
                )
            )
        counts[item["status"]] = counts.get(item["status"], 0) + 1
        results.append(item)
    ledger.save()
    for item in results:
        if item["status"] == "incomplete":
            log.warning("%s: %s not picked up: %s", source, item["name"], item["reason"])
    log.info("%s pickup from %s: %s", source, cfg.url, counts)
    return {"source": source, "status": "picked", "counts": counts, "files": results}


def _take(fs, remote: str, info: dict[str, Any], landing: Path, ledger: Ledger, key: str) -> dict[str, Any]:
    known = ledger.entries.get(key)
    size, stamp = _stamp(info)
    if (
        known
        and known["size"] == size
        and known["stamp"] == stamp
        and landing.exists()
        and _sha256(landing) == known["sha256"]
    ):
        return {"status": "unchanged", "sha256": known["sha256"]}
    partial = landing.with_name(f".{landing.name}.partial{os.getpid()}")
    try:
        sha, copied = _copy_hashing(fs, remote, partial)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return {"status": "failed", "reason": f"copy failed: {exc}"}
    if size is not None and copied != size:
        partial.unlink(missing_ok=True)
        return {"status": "incomplete", "reason": f"copied {copied} bytes, listed {size}"}
    previous = _sha256(landing) if landing.exists() else None
    if previous == sha:
        partial.unlink()
        status = "unchanged"
    else:
        os.replace(partial, landing)
        status = "replaced" if previous else "picked"
    ledger.entries[key] = {
        "sha256": sha,
        "size": size,
        "stamp": stamp,
        "landing": str(landing),
        "picked_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return {"status": status, "sha256": sha, "landing": str(landing)}
