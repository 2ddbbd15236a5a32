"""What changed in the marts since the last publication, found by their content.

Each publication leaves a manifest beside the Parquet link (``.<link>.manifest.json``): the
Parquet version folder it published, the identity (inode, size, mtime) of the DuckDB copy it
published, and per mart its columns and, per business day of its partition date (one key for a
mart without one), the row count and the sum of its rows' hashes. The next publication computes
the same on the working marts (a read, no write) and rewrites only the days whose figures differ,
whatever changed them: this run's window, the days an earlier build that failed had already
rebuilt, days outside the window that a model rewrites (moved evaluations, touched cases). A
mart whose columns changed, a new mart, or a manifest that does not describe what is published
(missing, another version, another file) means a whole rewrite.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

log = logging.getLogger("pilotage.publish")

FORMAT = 1
WHOLE = "*"  # the one key of a mart without partition date (or with rows lacking one)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def day_key(column: str) -> str:
    """SQL of a row's business day as ``YYYY-MM-DD`` (its month: the first 7 characters), the
    same text ``strftime`` gives the Parquet partitions."""
    return f"strftime({quote(column)}, '%Y-%m-%d')"


@dataclass(frozen=True)
class Mart:
    """A mart's columns (``{name: type}``, in order), its partition date column and its
    ``{day: [rows, hash sum]}`` (``{WHOLE: ...}`` without partition date)."""

    columns: dict[str, str]
    day: str | None
    days: dict[str, list] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(n for n, _ in self.days.values())

    def to_json(self) -> dict:
        return {"columns": [[c, t] for c, t in self.columns.items()], "day": self.day, "days": self.days}

    @classmethod
    def from_json(cls, value: dict) -> Mart:
        return cls({c: t for c, t in value["columns"]}, value["day"], {k: list(v) for k, v in value["days"].items()})


def fingerprint(con: duckdb.DuckDBPyConnection, source: str, columns: dict[str, str], day: str | None) -> Mart:
    """The mart ``source`` (a qualified table name) summed per business day of ``day``; a mart
    with a row without one is summed whole."""
    if day:  # summed per value first (no text per row), then per day
        rows = con.execute(f"select {day_key('value')}, sum(n), sum(h)::varchar from ("
                           f"select {quote(day)} as value, count(*) as n, sum(hash(t)) as h from {source} as t "
                           "group by 1) group by 1").fetchall()
    else:
        rows = con.execute(f"select '{WHOLE}', count(*), sum(hash(t))::varchar from {source} as t").fetchall()
        rows = [row for row in rows if row[1]]
    if day and any(k is None for k, _, _ in rows):
        return fingerprint(con, source, columns, None)
    return Mart(dict(columns), day, {k: [n, s] for k, n, s in rows})


@dataclass(frozen=True)
class Change:
    """What a publication rewrites of one mart: all of it, or the days in ``days`` (present in
    the working mart, or gone from it); nothing when neither."""

    whole: bool
    days: frozenset[str] = frozenset()

    @property
    def unchanged(self) -> bool:
        return not self.whole and not self.days


def changes(previous: dict[str, Mart] | None, current: dict[str, Mart]) -> dict[str, Change]:
    """Per working mart, what differs from ``previous`` (None: everything)."""
    out = {}
    for name, mart in current.items():
        before = (previous or {}).get(name)
        if before is None or before.columns != mart.columns or before.day != mart.day:
            out[name] = Change(whole=True)
            continue
        days = {d for d in mart.days.keys() | before.days.keys() if mart.days.get(d) != before.days.get(d)}
        out[name] = Change(whole=bool(days) and mart.day is None, days=frozenset(days) if mart.day else frozenset())
    return out


@dataclass(frozen=True)
class Manifest:
    """What the last publication published: its Parquet version folder's name, its DuckDB copy's
    identity, every mart's fingerprint."""

    version: str
    duckdb: list[int]
    marts: dict[str, Mart]

    def describes_parquet(self, version: Path | None) -> bool:
        return version is not None and version.name == self.version

    def describes_duckdb(self, published: Path) -> bool:
        try:
            return identity(published) == self.duckdb
        except OSError:
            return False


def identity(path: Path) -> list[int]:
    """What tells one file from another at the same path: inode, size, modification time."""
    stat = path.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def manifest_path(link: Path) -> Path:
    return link.with_name(f".{link.name}.manifest.json")


def load(link: Path) -> Manifest | None:
    """The manifest of the last publication; None when there is none or it cannot be read."""
    try:
        value = json.loads(manifest_path(link).read_text(encoding="utf-8"))
        if value.get("format") != FORMAT:
            return None
        return Manifest(value["version"], list(value["duckdb"]),
                        {name: Mart.from_json(mart) for name, mart in value["marts"].items()})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("publication manifest %s unreadable (%s): publishing every mart whole",
                        manifest_path(link), exc)
        return None


def save(link: Path, manifest: Manifest) -> None:
    """Write the manifest (a new file renamed into place); on failure remove the old one, which
    would no longer describe the publication (the next one is then whole)."""
    path = manifest_path(link)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    value = {"format": FORMAT, "version": manifest.version, "duckdb": manifest.duckdb,
             "marts": {name: mart.to_json() for name, mart in manifest.marts.items()}}
    try:
        tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write the publication manifest %s (%s): the next publication is whole",
                    path, exc)
        tmp.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
