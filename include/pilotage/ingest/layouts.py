"""Declarative export layouts: a YAML file maps a vendor's file to one canonical raw table.

A layout names the file format (``csv`` with a delimiter, or ``jsonl``) and, for every canonical
column of the entity's contract, where its value comes from and how to parse it:

``from``          header name (CSV) or dotted path (JSON); with ``explode``, a path starting
                  with ``/`` is read from the parent record instead of the list element
``format``        strptime format for dates and timestamps (default: ISO 8601)
``time_from``     a separate time-of-day field combined with the date (``time_format``)
``tz`` / ``tz_from``  the wall-clock time zone (a name, or a field holding it); converted to UTC
``after``         another timestamp column: a value earlier than it crosses midnight (+1 day)
``nulls``         strings that mean "no value" (the empty string always does)
``values``        code map applied before typing, e.g. ``{ANS: answered, ABN: abandoned}``

The layout is compiled to one DuckDB SELECT over the file; a value that is present but cannot
be parsed becomes NULL and its column name is listed in the row's ``_errors`` field, which the
validation suites treat as a blocking rule. Shipped layouts live in ``pilotage/layouts/``; a
folder of the same shape can replace them (``PILOTAGE_LAYOUTS_DIR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pilotage.ingest.contracts import Entity, entity

DEFAULT_LAYOUTS_DIR = Path(__file__).resolve().parents[1] / "layouts"
_COLUMN_KEYS = {"from", "format", "time_from", "time_format", "tz", "tz_from", "after", "nulls",
                "values"}


class LayoutError(ValueError):
    """A layout file is malformed, or a file does not match its layout."""


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    source: str
    type: str
    format: str | None = None
    time_from: str | None = None
    time_format: str = "%H:%M:%S"
    tz: str | None = None
    tz_from: str | None = None
    after: str | None = None
    nulls: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    entity: Entity
    format: str
    columns: tuple[ColumnSpec, ...]
    delimiter: str = ","
    header: bool = True
    encoding: str = "utf-8"
    explode: str | None = None
    path: Path | None = None

    def source_fields(self) -> set[str]:
        """Top-level fields the file must provide (CSV header names)."""
        names = set()
        for col in self.columns:
            for ref in (col.source, col.time_from, col.tz_from):
                if ref:
                    names.add(ref)
        return names


def _fail(where: Path | str, msg: str) -> LayoutError:
    return LayoutError(f"layout {where}: {msg}")


def parse_layout(doc: dict[str, Any], where: Path | str = "<memory>") -> Layout:
    """Check a layout document against its entity's contract and build a :class:`Layout`."""
    if not isinstance(doc, dict):
        raise _fail(where, "top level must be a mapping")
    try:
        ent = entity(str(doc["entity"]))
    except KeyError as exc:
        raise _fail(where, f"key 'entity': {exc}") from None
    fmt = doc.get("format")
    if fmt not in ("csv", "jsonl"):
        raise _fail(where, f"key 'format' must be csv or jsonl, got {fmt!r}")
    raw_cols = doc.get("columns")
    if not isinstance(raw_cols, dict):
        raise _fail(where, "key 'columns' must map canonical column -> spec")
    unknown = set(raw_cols) - set(ent.columns)
    if unknown:
        raise _fail(where, f"key 'columns': not in the {ent.key} contract: {sorted(unknown)}")
    specs = []
    for name, spec in raw_cols.items():
        if not isinstance(spec, dict) or "from" not in spec:
            raise _fail(where, f"key 'columns.{name}': needs at least 'from'")
        bad = set(spec) - _COLUMN_KEYS
        if bad:
            raise _fail(where, f"key 'columns.{name}': unknown option(s) {sorted(bad)}")
        if spec.get("after") and spec["after"] not in raw_cols:
            raise _fail(where, f"key 'columns.{name}.after': no column {spec['after']!r}")
        specs.append(
            ColumnSpec(
                name=name,
                source=str(spec["from"]),
                type=ent.columns[name],
                format=spec.get("format"),
                time_from=spec.get("time_from"),
                time_format=spec.get("time_format", "%H:%M:%S"),
                tz=spec.get("tz"),
                tz_from=spec.get("tz_from"),
                after=spec.get("after"),
                nulls=tuple(str(v) for v in spec.get("nulls", ())),
                values={str(k): v for k, v in (spec.get("values") or {}).items()},
            )
        )
    missing = set(ent.columns) - set(raw_cols)
    if missing:
        raise _fail(where, f"key 'columns': contract columns without a mapping: {sorted(missing)}")
    return Layout(
        entity=ent,
        format=fmt,
        columns=tuple(specs),
        delimiter=str(doc.get("delimiter", ",")),
        header=bool(doc.get("header", True)),
        encoding=str(doc.get("encoding", "utf-8")),
        explode=doc.get("explode"),
        path=Path(where) if not isinstance(where, Path) else where,
    )


def load_layout(entity_key: str, layouts_dir: Path | None = None) -> Layout:
    """Read ``<layouts_dir>/<entity_key>.yml`` (default: the shipped layouts)."""
    path = (layouts_dir or DEFAULT_LAYOUTS_DIR) / f"{entity_key}.yml"
    if not path.exists():
        raise LayoutError(f"no layout for {entity_key}: {path} does not exist")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from None
    return parse_layout(doc, path)
