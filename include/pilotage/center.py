"""A center's configuration folder (``PILOTAGE_CENTER_DIR``): ``center.yml`` and the center's CSVs.

``center.yml`` holds the center's time zone, the sites whose wall clock differs from it and the
entities the center delivers; the CSVs (providers, sites, queues, targets, pricing, bonus/malus
grid, action plan) become dbt seeds. The sample center ships in the project (``center/``).
Optional CSVs may be absent: dbt then sees them empty (:func:`stage_seeds`) and the KPIs that
need them say "not available". Imports nothing from the pipeline but the entity contracts.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

SAMPLE_CENTER = Path(__file__).resolve().parents[2] / "center"
CENTER_FILE = "center.yml"
REQUIRED_SEEDS = ("providers", "sites", "queues")
OPTIONAL_SEEDS = ("kpi_targets", "contract_pricing", "contract_bonus_malus", "action_plan")
KNOWN_KEYS = {"time_zone", "site_time_zones", "delivers"}


class CenterError(ValueError):
    """The center folder is unusable; the message names the file and the fix."""


def all_entities() -> tuple[str, ...]:
    """Every entity the pipeline knows (``<source>__<entity>``)."""
    from pilotage.ingest.contracts import ENTITIES

    return tuple(e.key for e in ENTITIES)


@dataclass(frozen=True)
class Center:
    """What ``center.yml`` says (a missing key takes its default)."""

    folder: Path
    time_zone: str | None = None  # None: the default zone (or PILOTAGE_TIME_ZONE)
    site_time_zones: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    delivers: tuple[str, ...] = ()  # entity keys; () read as "all"

    def delivered(self) -> tuple[str, ...]:
        return self.delivers or all_entities()

    def is_delivered(self, entity_key: str) -> bool:
        return entity_key in self.delivered()


def _zone(value: object, where: str) -> str:
    text = str(value or "").strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise CenterError(f"{where}: {text!r} is not an IANA time zone (e.g. Europe/Paris)") from None
    return text


def read_center(folder: Path) -> Center:
    """The center of ``folder`` (its ``center.yml``; a folder without one takes every default)."""
    path = folder / CENTER_FILE
    if not folder.is_dir():
        raise CenterError(f"PILOTAGE_CENTER_DIR: {folder} is not a folder (create one with "
                          f"`pilotage init {folder}`)")
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    doc = doc or {}
    if not isinstance(doc, dict):
        raise CenterError(f"{path}: expected a mapping (time_zone, site_time_zones, delivers)")
    unknown = sorted(set(doc) - KNOWN_KEYS)
    if unknown:
        raise CenterError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}")
    zone = _zone(doc["time_zone"], f"{path}: time_zone") if doc.get("time_zone") else None
    sites = doc.get("site_time_zones") or {}
    if not isinstance(sites, dict):
        raise CenterError(f"{path}: site_time_zones must map a site_id to a time zone")
    sites = {str(k): _zone(v, f"{path}: site_time_zones.{k}") for k, v in sites.items()}
    delivers = doc.get("delivers") or []
    if isinstance(delivers, str) or not isinstance(delivers, list):
        raise CenterError(f"{path}: delivers must be a list of entities, e.g. [acd__contacts]")
    known = all_entities()
    wrong = [str(e) for e in delivers if e not in known]
    if wrong:
        raise CenterError(f"{path}: delivers: unknown entit{'y' if len(wrong) == 1 else 'ies'} "
                          f"{', '.join(wrong)}; known: {', '.join(known)}")
    return Center(folder=folder, time_zone=zone, site_time_zones=MappingProxyType(sites),
                  delivers=tuple(str(e) for e in delivers))


def center_zone_of(folder: Path) -> str | None:
    """The ``time_zone`` of ``folder``'s ``center.yml`` (None when unset or unreadable: the
    caller falls back to its default; errors surface when the center is read in full). Reads
    that key only: DAG files call it at parse time, where the pipeline must not be imported."""
    try:
        doc = yaml.safe_load((folder / CENTER_FILE).read_text(encoding="utf-8"))
        zone = doc.get("time_zone") if isinstance(doc, dict) else None
        return _zone(zone, CENTER_FILE) if zone else None
    except (CenterError, OSError, yaml.YAMLError):
        return None


def seed_csv(folder: Path, name: str) -> Path | None:
    """``folder/<name>.csv`` when it exists."""
    path = folder / f"{name}.csv"
    return path if path.is_file() else None


def stage_seeds(center: Center, target: Path) -> Path:
    """Copy the center's CSVs into ``target`` (the folder dbt reads as seeds, outside the
    project): a missing optional CSV becomes its header only (no rows), a missing required one
    raises. Files of an earlier staging are removed first."""
    missing = [n for n in REQUIRED_SEEDS if seed_csv(center.folder, n) is None]
    if missing:
        raise CenterError(f"{center.folder}: missing {', '.join(f'{n}.csv' for n in missing)} "
                          f"(see the sample center {SAMPLE_CENTER})")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (*REQUIRED_SEEDS, *OPTIONAL_SEEDS):
        source = seed_csv(center.folder, name)
        if source is not None:
            shutil.copyfile(source, target / source.name)
        else:
            header = (SAMPLE_CENTER / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
            (target / f"{name}.csv").write_text(header + "\n", encoding="utf-8")
    return target


def dbt_vars(center: Center, time_zone: str) -> dict[str, object]:
    """The dbt vars of this center: local zone, per-site zones, delivered entities."""
    return {"local_time_zone": time_zone,
            "site_time_zones": {k: v for k, v in center.site_time_zones.items() if v != time_zone},
            "delivered_entities": list(center.delivered())}


def write_starter(folder: Path) -> list[Path]:
    """Write a commented starting configuration into ``folder`` (a copy of the sample center:
    ``center.yml`` and its CSVs). Refuses when any of those files already exists there."""
    names = [CENTER_FILE, *(f"{n}.csv" for n in (*REQUIRED_SEEDS, *OPTIONAL_SEEDS))]
    existing = [n for n in names if (folder / n).exists()]
    if existing:
        raise CenterError(f"{folder}: {', '.join(existing)} already exist(s); nothing written "
                          f"(choose an empty folder)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        shutil.copyfile(SAMPLE_CENTER / name, folder / name)
        written.append(folder / name)
    return written
