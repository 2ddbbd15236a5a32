"""Declarative export layouts: a YAML file maps a vendor's file to one canonical raw table.

A layout names the file format and, for every canonical column of the entity's contract, where
its value comes from and how to parse it. Top-level keys:

``entity``        the canonical entity, e.g. ``acd__contacts`` (required)
``format``        ``csv`` (any delimiter), ``tsv``, ``psv`` (pipe), ``jsonl`` (one record per
                  line) or ``json`` (a whole-file array, an object holding the records, several
                  concatenated objects, or one page object per line)
``delimiter`` / ``quote`` / ``header`` / ``skip_rows``   CSV dialect; with ``header: false``
                  columns are taken by position (``from: 3``, 1-based)
``encoding``      any Python codec name (``latin-1``, ``cp1252``, ``utf-16``, ``utf-8-sig``...)
``line_endings``  ``auto`` (default: LF and CRLF), ``lf``, ``crlf`` or ``cr`` (old Mac exports)
``records``       JSON: path of the records list inside each document (``conversations``)
``explode``       JSON: one output row per element of this list (paths starting with ``/`` are
                  then read from the enclosing record)
``drop_when``     rules dropping records, each ``{name, column|field, <test>}`` or
                  ``{name, all: [...]}``/``{name, any: [...]}``; counts are reported per rule
``description`` / ``vendor``   free text

Column keys (``columns.<canonical name>``):

``from``          CSV header name, 1-based position (header-less CSV), or JSON path: dotted
                  names, ``[*]`` (every element), ``[N]`` (0-based element), ``[key=a|b]``
                  (elements whose ``key`` is ``a`` or ``b``); a path with ``[*]``/``[k=v]``
                  yields a list and needs ``agg``
``value: null`` / ``const: X``   the vendor has no such field: a typed NULL or a constant
``agg``           reduce a list: ``first``, ``last`` (non-null), ``min``, ``max``, ``sum``,
                  ``count``, ``join``; ``duration: [start, end]`` first turns each element into
                  the seconds between two of its timestamps; ``empty_as`` is the value of an
                  empty list; ``only_if: <path>`` keeps the column NULL unless that path has a value
``regex``         keep the first capture group of this pattern (applied first)
``nulls``         strings that mean "no value" (the empty string always does)
``values``        code map applied before typing, e.g. ``{ANS: answered, ABN: abandoned}``;
                  ``default`` is the value of any code the map does not list
``format``        strptime format for dates and timestamps (default: ISO 8601, offsets allowed),
                  ``epoch`` / ``epoch_ms`` (UTC seconds / milliseconds), or ``hms`` for a
                  duration ``[H]H:MM:SS`` / ``M:SS`` into seconds (numeric columns)
``scale``         multiply a numeric value (``0.001`` for milliseconds -> seconds)
``time_from``     a separate time-of-day field combined with the date (``time_format``)
``tz`` / ``tz_from``  the wall-clock time zone (a name, or a field holding it); converted to UTC
``after``         another timestamp column: a value earlier than it crosses midnight (+1 day)

The layout is compiled to one DuckDB SELECT over the file; a value that is present but cannot
be parsed becomes NULL and its column name is listed in the row's ``_errors`` field, which the
validation suites treat as a blocking rule. Shipped layouts live in ``pilotage/layouts/``, vendor
layouts in ``pilotage/layouts/vendors/``; a folder of the same shape can replace them
(``PILOTAGE_LAYOUTS_DIR``) and ``PILOTAGE_LAYOUTS`` selects a vendor layout per entity
(``acd__contacts=genesys_cloud__conversation_details,crm__cases=zendesk__tickets``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pilotage.ingest.contracts import Entity, entity

DEFAULT_LAYOUTS_DIR = Path(__file__).resolve().parents[1] / "layouts"
VENDOR_SUBDIR = "vendors"
LAYOUT_SELECTION_ENV = "PILOTAGE_LAYOUTS"

_TOP_KEYS = {"entity", "format", "delimiter", "quote", "header", "skip_rows", "encoding",
             "line_endings", "records", "explode", "columns", "drop_when", "description", "vendor"}
_COLUMN_KEYS = {"from", "format", "time_from", "time_format", "tz", "tz_from", "after", "nulls",
                "values", "value", "const", "agg", "duration", "empty_as", "only_if", "regex",
                "default", "scale"}
_FORMATS = {"csv": ",", "tsv": "\t", "psv": "|", "jsonl": None, "json": None}
_AGGS = {"first", "last", "min", "max", "sum", "count", "join"}
_LINE_ENDINGS = {"auto", "lf", "crlf", "cr"}
_SPECIAL_FORMATS = {"epoch", "epoch_ms", "hms"}
_DROP_TESTS = {"is_null", "in", "not_in", "equals", "below", "above"}
_MISSING = object()


class LayoutError(ValueError):
    """A layout file is malformed, or a file does not match its layout."""


# --------------------------------------------------------------------------- JSON paths
@dataclass(frozen=True)
class PathStep:
    """One step of a JSON path: a field name, then optionally ``[*]``, ``[N]`` or ``[k=v|w]``."""

    name: str | None  # None: the step only selects within the current value
    selector: str | None = None  # "*", "N", or None
    filter_key: str | None = None
    filter_values: tuple[str, ...] = ()

    @property
    def fans_out(self) -> bool:
        return self.selector == "*" or self.filter_key is not None


_STEP = re.compile(r"^(?P<name>[^\[\]]*)(?:\[(?P<sel>[^\]]*)\])?$")


def parse_path(text: str) -> tuple[PathStep, ...]:
    """``a.b[*].c[kind=x|y].d`` -> steps; raises ValueError with the reason."""
    if not text or not text.strip():
        raise ValueError("empty path")
    steps = []
    for raw in text.split("."):
        match = _STEP.match(raw.strip())
        if not match or (not match.group("name") and match.group("sel") is None):
            raise ValueError(f"cannot read path step {raw!r} of {text!r}")
        name = match.group("name") or None
        sel = match.group("sel")
        if sel is None:
            steps.append(PathStep(name))
        elif sel == "*":
            steps.append(PathStep(name, "*"))
        elif sel.isdigit():
            steps.append(PathStep(name, sel))
        elif "=" in sel:
            key, _, values = sel.partition("=")
            if not key.strip() or not values.strip():
                raise ValueError(f"filter [{sel}] in {text!r} must be [key=value|value...]")
            steps.append(PathStep(name, None, key.strip(), tuple(v.strip() for v in values.split("|"))))
        else:
            raise ValueError(f"selector [{sel}] in {text!r} must be [*], [N] or [key=value]")
    return tuple(steps)


def path_fans_out(text: str) -> bool:
    return any(step.fans_out for step in parse_path(text.lstrip("/")))


# --------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class ColumnSpec:
    name: str
    source: str | int | None  # None: ``value``/``const`` column
    type: str
    format: str | None = None
    time_from: str | int | None = None
    time_format: str = "%H:%M:%S"
    tz: str | None = None
    tz_from: str | int | None = None
    after: str | None = None
    nulls: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    default: Any = _MISSING
    const: Any = _MISSING  # a constant (None = typed NULL) instead of a source field
    agg: str | None = None
    duration: tuple[str, str] | None = None
    empty_as: Any = None
    only_if: str | None = None
    regex: str | None = None
    scale: float | None = None

    @property
    def is_constant(self) -> bool:
        return self.source is None

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING


@dataclass(frozen=True)
class DropCondition:
    """A test on a canonical column (typed) or a source field (raw text); or all/any of others."""

    column: str | None = None
    field: str | int | None = None
    test: str | None = None
    operand: Any = None
    all: tuple[DropCondition, ...] = ()
    any: tuple[DropCondition, ...] = ()


@dataclass(frozen=True)
class DropRule:
    name: str
    condition: DropCondition


@dataclass(frozen=True)
class Layout:
    entity: Entity
    format: str  # csv | jsonl | json (tsv/psv are csv with their delimiter)
    columns: tuple[ColumnSpec, ...]
    delimiter: str = ","
    header: bool = True
    encoding: str = "utf-8"
    explode: str | None = None
    path: Path | None = None
    quote: str | None = '"'
    skip_rows: int = 0
    line_endings: str = "auto"
    records: str | None = None
    drop_when: tuple[DropRule, ...] = ()

    def source_fields(self) -> set[str]:
        """Top-level fields the file must provide (CSV header names)."""
        names: set[str] = set()
        for col in self.columns:
            for ref in (col.source, col.time_from, col.tz_from):
                if isinstance(ref, str) and ref:
                    names.add(ref)
        for rule in self.drop_when:
            names.update(f for f in _condition_fields(rule.condition) if isinstance(f, str))
        return names

    def source_positions(self) -> set[int]:
        """1-based positions the file must provide (header-less CSV)."""
        out: set[int] = set()
        for col in self.columns:
            for ref in (col.source, col.time_from, col.tz_from):
                if isinstance(ref, int):
                    out.add(ref)
        for rule in self.drop_when:
            out.update(f for f in _condition_fields(rule.condition) if isinstance(f, int))
        return out


def _condition_fields(cond: DropCondition) -> list[str | int]:
    found: list[str | int] = [cond.field] if cond.field is not None else []
    for sub in (*cond.all, *cond.any):
        found.extend(_condition_fields(sub))
    return found


def _fail(where: Path | str, msg: str) -> LayoutError:
    return LayoutError(f"layout {where}: {msg}")


# --------------------------------------------------------------------------- parsing
def _ref(where, key: str, value: Any, fmt: str, header: bool) -> str | int:
    """A field reference: header name, position (header-less CSV) or JSON path."""
    if isinstance(value, bool) or value is None:
        raise _fail(where, f"key '{key}' must be a field name, path or position, got {value!r}")
    if isinstance(value, int):
        if fmt != "csv":
            raise _fail(where, f"key '{key}': a position ({value}) only works for CSV files")
        if value < 1:
            raise _fail(where, f"key '{key}': positions start at 1, got {value}")
        return value
    text = str(value)
    if fmt == "csv" and not header:
        if text.isdigit():
            return int(text)
        raise _fail(where, f"key '{key}': the file has no header (header: false), so columns are "
                           f"taken by position (an integer), got {text!r}")
    if fmt in ("json", "jsonl"):
        try:
            parse_path(text.lstrip("/"))
        except ValueError as exc:
            raise _fail(where, f"key '{key}': {exc}") from None
    return text


def _column(where, ent: Entity, name: str, spec: Any, fmt: str, header: bool,
            all_columns: dict[str, Any]) -> ColumnSpec:
    key = f"columns.{name}"
    if not isinstance(spec, dict):
        raise _fail(where, f"key '{key}': must be a mapping such as {{from: Field}}")
    bad = set(spec) - _COLUMN_KEYS
    if bad:
        raise _fail(where, f"key '{key}': unknown option(s) {sorted(bad)}; known: {sorted(_COLUMN_KEYS)}")
    sources = [k for k in ("from", "value", "const") if k in spec]
    if not sources:
        raise _fail(where, f"key '{key}': needs at least 'from' (or 'value: null' / 'const: ...' "
                           "when the vendor has no such field)")
    if len(sources) > 1:
        raise _fail(where, f"key '{key}': give only one of {sources}")
    ctype = ent.columns[name]
    const: Any = _MISSING
    source: str | int | None = None
    if "from" in spec:
        source = _ref(where, f"{key}.from", spec["from"], fmt, header)
    elif "value" in spec:
        if spec["value"] is not None:
            raise _fail(where, f"key '{key}.value': only 'value: null' is allowed; "
                               "use 'const' for a constant")
        const = None
    else:
        const = spec["const"]
        if isinstance(const, dict | list):
            raise _fail(where, f"key '{key}.const': must be a scalar, got {const!r}")
    if const is not _MISSING:
        extra = set(spec) - {"value", "const", "format", "tz"}
        if extra:
            raise _fail(where, f"key '{key}': {sorted(extra)} make no sense with a constant")

    agg = spec.get("agg")
    if agg is not None and agg not in _AGGS:
        raise _fail(where, f"key '{key}.agg' must be one of {sorted(_AGGS)}, got {agg!r}")
    if isinstance(source, str) and fmt in ("json", "jsonl"):
        fans = path_fans_out(source)
        if fans and not agg:
            raise _fail(where, f"key '{key}.agg': path {source!r} yields a list; say how to reduce it "
                               f"(agg: one of {sorted(_AGGS)})")
        if agg and not fans:
            raise _fail(where, f"key '{key}.agg': path {source!r} yields one value, not a list "
                               "(use [*] or [key=value] in 'from')")
    elif agg:
        raise _fail(where, f"key '{key}.agg': only JSON paths with [*] or [key=value] yield lists")
    duration = spec.get("duration")
    if duration is not None:
        pair = isinstance(duration, list) and len(duration) == 2
        if not (pair and all(isinstance(d, str) for d in duration)):
            raise _fail(where, f"key '{key}.duration' must be [start_field, end_field], got {duration!r}")
        if agg not in ("sum", "min", "max", "first", "last"):
            raise _fail(where, f"key '{key}.duration' needs agg sum, min, max, first or last")
        duration = (duration[0], duration[1])
    for opt in ("empty_as", "only_if"):
        if opt in spec and not agg:
            raise _fail(where, f"key '{key}.{opt}' only applies with 'agg'")
    only_if = spec.get("only_if")
    if only_if is not None:
        only_if = str(_ref(where, f"{key}.only_if", only_if, fmt, header))

    fmt_opt = spec.get("format")
    if fmt_opt is not None:
        fmt_opt = str(fmt_opt)
        if fmt_opt in ("epoch", "epoch_ms") and ctype not in ("TIMESTAMP", "DATE"):
            raise _fail(where, f"key '{key}.format': {fmt_opt} needs a DATE/TIMESTAMP column, "
                               f"{name} is {ctype}")
        if fmt_opt == "hms" and ctype not in ("INTEGER", "DOUBLE"):
            raise _fail(where, f"key '{key}.format': hms (a duration) needs a numeric column, "
                               f"{name} is {ctype}")
        if fmt_opt not in _SPECIAL_FORMATS and ctype not in ("TIMESTAMP", "DATE"):
            raise _fail(where, f"key '{key}.format': a date format on {name}, which is {ctype}")
    scale = spec.get("scale")
    if scale is not None:
        is_number = isinstance(scale, int | float) and not isinstance(scale, bool)
        if ctype not in ("INTEGER", "DOUBLE") or not is_number:
            raise _fail(where, f"key '{key}.scale' must be a number on a numeric column")
        scale = float(scale)
    regex = spec.get("regex")
    if regex is not None:
        try:
            compiled = re.compile(str(regex))
        except re.error as exc:
            raise _fail(where, f"key '{key}.regex': not a valid pattern: {exc}") from None
        if compiled.groups < 1:
            raise _fail(where, f"key '{key}.regex' needs a capture group: (...)")
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise _fail(where, f"key '{key}.values' must map code -> value")
    if "default" in spec and not values:
        raise _fail(where, f"key '{key}.default' only applies with 'values'")
    nulls = spec.get("nulls", ())
    if not isinstance(nulls, list | tuple):
        raise _fail(where, f"key '{key}.nulls' must be a list of strings")
    after = spec.get("after")
    if after and after not in all_columns:
        raise _fail(where, f"key '{key}.after': no column {after!r}")
    if after and ctype != "TIMESTAMP":
        raise _fail(where, f"key '{key}.after' only applies to TIMESTAMP columns")
    time_from = spec.get("time_from")
    if time_from is not None:
        time_from = _ref(where, f"{key}.time_from", time_from, fmt, header)
    tz_from = spec.get("tz_from")
    if tz_from is not None:
        tz_from = _ref(where, f"{key}.tz_from", tz_from, fmt, header)
    return ColumnSpec(
        name=name, source=source, type=ctype, format=fmt_opt, time_from=time_from,
        time_format=str(spec.get("time_format", "%H:%M:%S")), tz=spec.get("tz"), tz_from=tz_from,
        after=after, nulls=tuple(str(v) for v in nulls),
        values={str(k): v for k, v in values.items()}, default=spec.get("default", _MISSING),
        const=const, agg=agg, duration=duration, empty_as=spec.get("empty_as"), only_if=only_if,
        regex=str(regex) if regex is not None else None, scale=scale,
    )


def _condition(where, key: str, doc: Any, ent: Entity, fmt: str, header: bool) -> DropCondition:
    if not isinstance(doc, dict):
        raise _fail(where, f"key '{key}' must be a mapping")
    if "all" in doc or "any" in doc:
        which = "all" if "all" in doc else "any"
        extra = set(doc) - {which, "name"}
        if extra or not isinstance(doc[which], list) or not doc[which]:
            raise _fail(where, f"key '{key}.{which}' must be a non-empty list of conditions "
                               f"(and nothing else beside it), got {sorted(extra) or doc[which]!r}")
        subs = tuple(_condition(where, f"{key}.{which}[{i}]", sub, ent, fmt, header)
                     for i, sub in enumerate(doc[which]))
        return DropCondition(all=subs) if which == "all" else DropCondition(any=subs)
    targets = [k for k in ("column", "field") if k in doc]
    if len(targets) != 1:
        raise _fail(where, f"key '{key}': give exactly one of 'column' (canonical) or 'field' (source)")
    tests = [k for k in doc if k in _DROP_TESTS]
    unknown = set(doc) - _DROP_TESTS - {"column", "field", "name"}
    if unknown:
        raise _fail(where, f"key '{key}': unknown option(s) {sorted(unknown)}; tests: {sorted(_DROP_TESTS)}")
    if len(tests) != 1:
        raise _fail(where, f"key '{key}': give exactly one test of {sorted(_DROP_TESTS)}")
    test = tests[0]
    operand = doc[test]
    if test in ("in", "not_in") and not isinstance(operand, list):
        raise _fail(where, f"key '{key}.{test}' must be a list")
    if test == "is_null" and not isinstance(operand, bool):
        raise _fail(where, f"key '{key}.is_null' must be true or false")
    if test in ("below", "above") and (isinstance(operand, bool) or not isinstance(operand, int | float)):
        raise _fail(where, f"key '{key}.{test}' must be a number")
    if "column" in doc:
        if doc["column"] not in ent.columns:
            raise _fail(where, f"key '{key}.column': {doc['column']!r} is not in the {ent.key} contract")
        return DropCondition(column=str(doc["column"]), test=test, operand=operand)
    return DropCondition(field=_ref(where, f"{key}.field", doc["field"], fmt, header), test=test,
                         operand=operand)


def _drop_rules(where, doc: Any, ent: Entity, fmt: str, header: bool) -> tuple[DropRule, ...]:
    if doc is None:
        return ()
    if not isinstance(doc, list):
        raise _fail(where, "key 'drop_when' must be a list of rules, each with a 'name'")
    rules, names = [], set()
    for i, item in enumerate(doc):
        if not isinstance(item, dict) or not item.get("name"):
            raise _fail(where, f"key 'drop_when[{i}].name': every rule needs a name (it is reported)")
        name = str(item["name"])
        if name in names:
            raise _fail(where, f"key 'drop_when[{i}].name': duplicate rule name {name!r}")
        names.add(name)
        rules.append(DropRule(name, _condition(where, f"drop_when[{i}]", item, ent, fmt, header)))
    return tuple(rules)


def parse_layout(doc: dict[str, Any], where: Path | str = "<memory>") -> Layout:
    """Check a layout document against its entity's contract and build a :class:`Layout`."""
    if not isinstance(doc, dict):
        raise _fail(where, "top level must be a mapping")
    try:
        ent = entity(str(doc["entity"]))
    except KeyError as exc:
        raise _fail(where, f"key 'entity': {exc}") from None
    unknown_top = set(doc) - _TOP_KEYS
    if unknown_top:
        raise _fail(where, f"key '{sorted(unknown_top)[0]}': unknown top-level key; "
                           f"known: {sorted(_TOP_KEYS)}")
    fmt = doc.get("format")
    if fmt not in _FORMATS:
        raise _fail(where, f"key 'format' must be one of {sorted(_FORMATS)}, got {fmt!r}")
    delimiter = str(doc.get("delimiter", _FORMATS[fmt] or ","))
    if fmt in ("tsv", "psv"):
        fmt = "csv"
    if fmt == "csv" and len(delimiter) < 1:
        raise _fail(where, "key 'delimiter' must not be empty")
    header = doc.get("header", True)
    if not isinstance(header, bool):
        raise _fail(where, f"key 'header' must be true or false, got {header!r}")
    encoding = str(doc.get("encoding", "utf-8"))
    try:
        "".encode(encoding)
    except LookupError:
        raise _fail(where, f"key 'encoding': unknown encoding {encoding!r}") from None
    line_endings = str(doc.get("line_endings", "auto")).lower()
    if line_endings not in _LINE_ENDINGS:
        raise _fail(where, f"key 'line_endings' must be one of {sorted(_LINE_ENDINGS)}, got {line_endings!r}")
    skip_rows = doc.get("skip_rows", 0)
    if isinstance(skip_rows, bool) or not isinstance(skip_rows, int) or skip_rows < 0:
        raise _fail(where, f"key 'skip_rows' must be a whole number >= 0, got {skip_rows!r}")
    quote = doc.get("quote", '"')
    if quote is not None and (not isinstance(quote, str) or len(quote) != 1):
        raise _fail(where, f"key 'quote' must be one character or null, got {quote!r}")
    records = doc.get("records")
    explode = doc.get("explode")
    for key, value in (("records", records), ("explode", explode)):
        if value is None:
            continue
        if fmt not in ("json", "jsonl"):
            raise _fail(where, f"key '{key}' only applies to json/jsonl files")
        try:
            steps = parse_path(str(value))
        except ValueError as exc:
            raise _fail(where, f"key '{key}': {exc}") from None
        if any(s.fans_out or s.selector for s in steps):
            raise _fail(where, f"key '{key}' must be a plain dotted path to a list, got {value!r}")
    raw_cols = doc.get("columns")
    if not isinstance(raw_cols, dict):
        raise _fail(where, "key 'columns' must map canonical column -> spec")
    unknown = set(raw_cols) - set(ent.columns)
    if unknown:
        raise _fail(where, f"key 'columns': not in the {ent.key} contract: {sorted(unknown)}")
    specs = [_column(where, ent, name, spec, fmt, header, raw_cols) for name, spec in raw_cols.items()]
    missing = set(ent.columns) - set(raw_cols)
    if missing:
        raise _fail(where, f"key 'columns': contract columns without a mapping: {sorted(missing)} "
                           "(use 'value: null' for a field the vendor does not have)")
    return Layout(
        entity=ent,
        format=fmt,
        columns=tuple(specs),
        delimiter=delimiter,
        header=header,
        encoding=encoding,
        explode=str(explode) if explode is not None else None,
        path=Path(where) if not isinstance(where, Path) else where,
        quote=quote,
        skip_rows=skip_rows,
        line_endings=line_endings,
        records=str(records) if records is not None else None,
        drop_when=_drop_rules(where, doc.get("drop_when"), ent, fmt, header),
    )


def read_layout_file(path: Path) -> Layout:
    """Parse one layout YAML file (any location)."""
    if not path.exists():
        raise LayoutError(f"layout {path}: file does not exist")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from None
    return parse_layout(doc, path)


def layout_selection(text: str | None = None) -> dict[str, str]:
    """``PILOTAGE_LAYOUTS``: entity -> vendor layout name, as JSON or ``key=name,key=name``."""
    text = os.environ.get(LAYOUT_SELECTION_ENV, "") if text is None else text
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            chosen = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: not valid JSON: {exc}") from None
        if not isinstance(chosen, dict):
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: must be a JSON object entity -> layout")
        return {str(k): str(v) for k, v in chosen.items()}
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, name = part.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: {part!r} is not entity=layout_name")
        out[key.strip()] = name.strip()
    return out


def vendor_layout_path(name: str, layouts_dir: Path | None = None) -> Path:
    """Where the vendor layout ``name`` lives: a path, or ``vendors/<name>.yml`` of the layouts
    folder (the user's first, then the shipped one)."""
    if name.endswith((".yml", ".yaml")) or "/" in name:
        candidate = Path(name).expanduser()
        if not candidate.is_absolute() and layouts_dir is not None:
            candidate = layouts_dir / candidate
        return candidate
    for folder in filter(None, (layouts_dir, DEFAULT_LAYOUTS_DIR)):
        candidate = folder / VENDOR_SUBDIR / f"{name}.yml"
        if candidate.exists():
            return candidate
    return DEFAULT_LAYOUTS_DIR / VENDOR_SUBDIR / f"{name}.yml"


def vendor_layouts(layouts_dir: Path | None = None) -> dict[str, Path]:
    """Every vendor layout by name (the user's folder overrides the shipped ones)."""
    found: dict[str, Path] = {}
    for folder in filter(None, (DEFAULT_LAYOUTS_DIR, layouts_dir)):
        for path in sorted((folder / VENDOR_SUBDIR).glob("*.yml")):
            found[path.stem] = path
    return found


def load_layout(entity_key: str, layouts_dir: Path | None = None) -> Layout:
    """The layout of an entity: the vendor layout selected in ``PILOTAGE_LAYOUTS`` if any, else
    ``<layouts_dir>/<entity_key>.yml`` (default: the shipped layouts)."""
    chosen = layout_selection().get(entity_key)
    if chosen:
        path = vendor_layout_path(chosen, layouts_dir)
        if not path.exists():
            known = sorted(vendor_layouts(layouts_dir))
            raise LayoutError(f"{LAYOUT_SELECTION_ENV} selects {chosen!r} for {entity_key}, but {path} "
                              f"does not exist; vendor layouts: {known}")
        layout = read_layout_file(path)
        if layout.entity.key != entity_key:
            raise LayoutError(f"{LAYOUT_SELECTION_ENV} selects {chosen!r} for {entity_key}, but that "
                              f"layout maps {layout.entity.key}")
        return layout
    path = (layouts_dir or DEFAULT_LAYOUTS_DIR) / f"{entity_key}.yml"
    if not path.exists():
        raise LayoutError(f"no layout for {entity_key}: {path} does not exist")
    return read_layout_file(path)
