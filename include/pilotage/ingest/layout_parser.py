"""Export layouts, the parser: a layout YAML document checked against its entity's contract.

Every mistake raises :class:`~pilotage.ingest.layout_spec.LayoutError` naming the file and the key;
the format itself is described in ``layout_spec``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pilotage.ingest.contracts import Entity, entity
from pilotage.ingest.layout_fields import drop_rules, fail, field_ref
from pilotage.ingest.layout_options import (
    ARITHMETIC,
    DERIVED_KEYS,
    derived_column,
    duration_seconds,
    file_pattern,
    split_by_column,
    versions_of,
)
from pilotage.ingest.layout_spec import (
    MISSING,
    ColumnSpec,
    Layout,
    LayoutError,
    parse_path,
    path_fans_out,
)

_TOP_KEYS = {"entity", "format", "delimiter", "quote", "header", "skip_rows", "encoding",
             "line_endings", "records", "explode", "columns", "drop_when", "description", "vendor",
             "versions", "file", "split_by"}
_SOURCES = ("from", "value", "const", "concat", "case", *ARITHMETIC)
_COLUMN_KEYS = {"from", "format", "time_from", "time_format", "time_regex", "tz", "tz_from", "after", "nulls",
                "values", "value", "const", "agg", "duration", "empty_as", "only_if", "regex",
                "default", "scale", "after_tolerance", "concat", "sep", "case", "else", *ARITHMETIC}
_FORMATS = {"csv": ",", "tsv": "\t", "psv": "|", "jsonl": None, "json": None}
_AGGS = {"first", "last", "min", "max", "sum", "count", "join"}
_LINE_ENDINGS = {"auto", "lf", "crlf", "cr"}
_SPECIAL_FORMATS = {"epoch", "epoch_ms", "hms"}


def _column(where, ent: Entity, name: str, spec: Any, fmt: str, header: bool,
            all_columns: dict[str, Any]) -> ColumnSpec:
    key = f"columns.{name}"
    if not isinstance(spec, dict):
        raise fail(where, f"key '{key}': must be a mapping such as {{from: Field}}")
    bad = set(spec) - _COLUMN_KEYS
    if bad:
        raise fail(where, f"key '{key}': unknown option(s) {sorted(bad)}; known: {sorted(_COLUMN_KEYS)}")
    sources = [k for k in _SOURCES if k in spec]
    if not sources:
        raise fail(where, f"key '{key}': needs at least 'from' (or 'value: null' / 'const: ...' "
                           "when the vendor has no such field, or one of concat, case, "
                           f"{', '.join(ARITHMETIC)})")
    if len(sources) > 1:
        raise fail(where, f"key '{key}': give only one of {sources}")
    ctype = ent.columns[name]
    if sources[0] in DERIVED_KEYS:
        return derived_column(where, key, name, ctype, sources[0], spec, fmt, header)
    const: Any = MISSING
    source: str | int | None = None
    if "from" in spec:
        source = field_ref(where, f"{key}.from", spec["from"], fmt, header)
    elif "value" in spec:
        if spec["value"] is not None:
            raise fail(where, f"key '{key}.value': only 'value: null' is allowed; "
                               "use 'const' for a constant")
        const = None
    else:
        const = spec["const"]
        if isinstance(const, dict | list):
            raise fail(where, f"key '{key}.const': must be a scalar, got {const!r}")
    if const is not MISSING:
        extra = set(spec) - {"value", "const", "format", "tz"}
        if extra:
            raise fail(where, f"key '{key}': {sorted(extra)} make no sense with a constant")

    agg = spec.get("agg")
    if agg is not None and agg not in _AGGS:
        raise fail(where, f"key '{key}.agg' must be one of {sorted(_AGGS)}, got {agg!r}")
    if isinstance(source, str) and fmt in ("json", "jsonl"):
        fans = path_fans_out(source)
        if fans and not agg:
            raise fail(where, f"key '{key}.agg': path {source!r} yields a list; say how to reduce it "
                               f"(agg: one of {sorted(_AGGS)})")
        if agg and not fans:
            raise fail(where, f"key '{key}.agg': path {source!r} yields one value, not a list "
                               "(use [*] or [key=value] in 'from')")
    elif agg:
        raise fail(where, f"key '{key}.agg': only JSON paths with [*] or [key=value] yield lists")
    duration = spec.get("duration")
    if duration is not None:
        pair = isinstance(duration, list) and len(duration) == 2
        if not (pair and all(isinstance(d, str) for d in duration)):
            raise fail(where, f"key '{key}.duration' must be [start_field, end_field], got {duration!r}")
        if agg not in ("sum", "min", "max", "first", "last"):
            raise fail(where, f"key '{key}.duration' needs agg sum, min, max, first or last")
        duration = (duration[0], duration[1])
    for opt in ("empty_as", "only_if"):
        if opt in spec and not agg:
            raise fail(where, f"key '{key}.{opt}' only applies with 'agg'")
    only_if = spec.get("only_if")
    if only_if is not None:
        only_if = str(field_ref(where, f"{key}.only_if", only_if, fmt, header))

    fmt_opt = spec.get("format")
    if fmt_opt is not None:
        fmt_opt = str(fmt_opt)
        if fmt_opt in ("epoch", "epoch_ms") and ctype not in ("TIMESTAMP", "DATE"):
            raise fail(where, f"key '{key}.format': {fmt_opt} needs a DATE/TIMESTAMP column, "
                               f"{name} is {ctype}")
        if fmt_opt == "hms" and ctype not in ("INTEGER", "DOUBLE"):
            raise fail(where, f"key '{key}.format': hms (a duration) needs a numeric column, "
                               f"{name} is {ctype}")
        if fmt_opt not in _SPECIAL_FORMATS and ctype not in ("TIMESTAMP", "DATE"):
            raise fail(where, f"key '{key}.format': a date format on {name}, which is {ctype}")
    scale = spec.get("scale")
    if scale is not None:
        is_number = isinstance(scale, int | float) and not isinstance(scale, bool)
        if ctype not in ("INTEGER", "DOUBLE") or not is_number:
            raise fail(where, f"key '{key}.scale' must be a number on a numeric column")
        scale = float(scale)
    regex = spec.get("regex")
    if regex is not None:
        try:
            compiled = re.compile(str(regex))
        except re.error as exc:
            raise fail(where, f"key '{key}.regex': not a valid pattern: {exc}") from None
        if compiled.groups < 1:
            raise fail(where, f"key '{key}.regex' needs a capture group: (...)")
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise fail(where, f"key '{key}.values' must map code -> value")
    if "default" in spec and not values:
        raise fail(where, f"key '{key}.default' only applies with 'values'")
    nulls = spec.get("nulls", ())
    if not isinstance(nulls, list | tuple):
        raise fail(where, f"key '{key}.nulls' must be a list of strings")
    after = spec.get("after")
    tolerance = duration_seconds(where, f"{key}.after_tolerance", spec.get("after_tolerance", 3600))
    if "after_tolerance" in spec and not after:
        raise fail(where, f"key '{key}.after_tolerance' only applies with 'after'")
    if after and after not in all_columns:
        raise fail(where, f"key '{key}.after': no column {after!r}")
    if after and ctype != "TIMESTAMP":
        raise fail(where, f"key '{key}.after' only applies to TIMESTAMP columns")
    time_from = spec.get("time_from")
    if time_from is not None:
        time_from = field_ref(where, f"{key}.time_from", time_from, fmt, header)
    time_regex = spec.get("time_regex")
    if time_regex is not None:
        if time_from is None:
            raise fail(where, f"key '{key}.time_regex' only applies with 'time_from'")
        try:
            groups = re.compile(str(time_regex)).groups
        except re.error as exc:
            raise fail(where, f"key '{key}.time_regex': not a valid pattern: {exc}") from None
        if groups < 1:
            raise fail(where, f"key '{key}.time_regex' needs a capture group: (...)")
    tz_from = spec.get("tz_from")
    if tz_from is not None:
        tz_from = field_ref(where, f"{key}.tz_from", tz_from, fmt, header)
    return ColumnSpec(
        name=name, source=source, type=ctype, format=fmt_opt, time_from=time_from,
        time_format=str(spec.get("time_format", "%H:%M:%S")),
        time_regex=str(time_regex) if time_regex is not None else None, tz=spec.get("tz"), tz_from=tz_from,
        after=after, nulls=tuple(str(v) for v in nulls),
        values={str(k): v for k, v in values.items()}, default=spec.get("default", MISSING),
        const=const, agg=agg, duration=duration, empty_as=spec.get("empty_as"), only_if=only_if,
        regex=str(regex) if regex is not None else None, scale=scale, after_tolerance=tolerance,
    )


def parse_layout(doc: dict[str, Any], where: Path | str = "<memory>") -> Layout:
    """Check a layout document against its entity's contract and build a :class:`Layout`."""
    if not isinstance(doc, dict):
        raise fail(where, "top level must be a mapping")
    try:
        ent = entity(str(doc["entity"]))
    except KeyError as exc:
        raise fail(where, f"key 'entity': {exc}") from None
    unknown_top = set(doc) - _TOP_KEYS
    if unknown_top:
        raise fail(where, f"key '{sorted(unknown_top)[0]}': unknown top-level key; "
                           f"known: {sorted(_TOP_KEYS)}")
    fmt = doc.get("format")
    if fmt not in _FORMATS:
        raise fail(where, f"key 'format' must be one of {sorted(_FORMATS)}, got {fmt!r}")
    delimiter = str(doc.get("delimiter", _FORMATS[fmt] or ","))
    if fmt in ("tsv", "psv"):
        fmt = "csv"
    if fmt == "csv" and len(delimiter) < 1:
        raise fail(where, "key 'delimiter' must not be empty")
    header = doc.get("header", True)
    if not isinstance(header, bool):
        raise fail(where, f"key 'header' must be true or false, got {header!r}")
    encoding = str(doc.get("encoding", "utf-8"))
    try:
        "".encode(encoding)
    except LookupError:
        raise fail(where, f"key 'encoding': unknown encoding {encoding!r}") from None
    line_endings = str(doc.get("line_endings", "auto")).lower()
    if line_endings not in _LINE_ENDINGS:
        raise fail(where, f"key 'line_endings' must be one of {sorted(_LINE_ENDINGS)}, got {line_endings!r}")
    skip_rows = doc.get("skip_rows", 0)
    if isinstance(skip_rows, bool) or not isinstance(skip_rows, int) or skip_rows < 0:
        raise fail(where, f"key 'skip_rows' must be a whole number >= 0, got {skip_rows!r}")
    quote = doc.get("quote", '"')
    if quote is not None and (not isinstance(quote, str) or len(quote) != 1):
        raise fail(where, f"key 'quote' must be one character or null, got {quote!r}")
    records = doc.get("records")
    explode = doc.get("explode")
    for key, value in (("records", records), ("explode", explode)):
        if value is None:
            continue
        if fmt not in ("json", "jsonl"):
            raise fail(where, f"key '{key}' only applies to json/jsonl files")
        try:
            steps = parse_path(str(value))
        except ValueError as exc:
            raise fail(where, f"key '{key}': {exc}") from None
        if any(s.fans_out or s.selector for s in steps):
            raise fail(where, f"key '{key}' must be a plain dotted path to a list, got {value!r}")
    raw_cols = doc.get("columns")
    if not isinstance(raw_cols, dict):
        raise fail(where, "key 'columns' must map canonical column -> spec")
    unknown = set(raw_cols) - set(ent.columns)
    if unknown:
        raise fail(where, f"key 'columns': not in the {ent.key} contract: {sorted(unknown)}")
    specs = [_column(where, ent, name, spec, fmt, header, raw_cols) for name, spec in raw_cols.items()]
    specs += [ColumnSpec(name=c, source=None, type=ent.columns[c], const=None)
              for c in ent.columns if c in ent.optional and c not in raw_cols]
    missing = set(ent.columns) - set(raw_cols) - ent.optional
    if missing:
        raise fail(where, f"key 'columns': contract columns without a mapping: {sorted(missing)} "
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
        drop_when=drop_rules(where, doc.get("drop_when"), ent, fmt, header),
        versions=versions_of(where, doc.get("versions"), ent),
        file=file_pattern(where, doc.get("file"), doc.get("split_by") is not None),
        split_by=split_by_column(where, doc.get("split_by"), ent),
    )


def read_layout_file(path: Path) -> Layout:
    """Parse one layout YAML file (any location)."""
    if not path.exists():
        raise LayoutError(f"layout {path}: file does not exist")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise fail(path, f"not valid YAML: {exc}") from None
    return parse_layout(doc, path)
