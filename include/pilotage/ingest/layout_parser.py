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
from pilotage.ingest.layout_spec import (
    MISSING,
    CaseBranch,
    ColumnSpec,
    DropCondition,
    DropRule,
    Layout,
    LayoutError,
    Versions,
    parse_path,
    path_fans_out,
)

_TOP_KEYS = {"entity", "format", "delimiter", "quote", "header", "skip_rows", "encoding",
             "line_endings", "records", "explode", "columns", "drop_when", "description", "vendor",
             "versions", "file", "split_by"}
_ARITHMETIC = ("multiply", "add", "subtract")
_SOURCES = ("from", "value", "const", "concat", "case", *_ARITHMETIC)
_COLUMN_KEYS = {"from", "format", "time_from", "time_format", "tz", "tz_from", "after", "nulls",
                "values", "value", "const", "agg", "duration", "empty_as", "only_if", "regex",
                "default", "scale", "after_tolerance", "concat", "sep", "case", "else", *_ARITHMETIC}
_DERIVED_KEYS = {"concat": {"sep", "nulls"}, "case": {"else", "format", "tz", "time_format"},
                 **{op: {"format", "scale", "nulls"} for op in _ARITHMETIC}}
_FILE_PLACEHOLDERS = ("{yyyymmdd}", "{yymmdd}", "{yyyy}", "{mm}", "{dd}")
_FORMATS = {"csv": ",", "tsv": "\t", "psv": "|", "jsonl": None, "json": None}
_AGGS = {"first", "last", "min", "max", "sum", "count", "join"}
_LINE_ENDINGS = {"auto", "lf", "crlf", "cr"}
_SPECIAL_FORMATS = {"epoch", "epoch_ms", "hms"}
_DROP_TESTS = {"is_null", "in", "not_in", "equals", "below", "above"}


def _fail(where: Path | str, msg: str) -> LayoutError:
    return LayoutError(f"layout {where}: {msg}")



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
    sources = [k for k in _SOURCES if k in spec]
    if not sources:
        raise _fail(where, f"key '{key}': needs at least 'from' (or 'value: null' / 'const: ...' "
                           "when the vendor has no such field, or one of concat, case, "
                           f"{', '.join(_ARITHMETIC)})")
    if len(sources) > 1:
        raise _fail(where, f"key '{key}': give only one of {sources}")
    ctype = ent.columns[name]
    if sources[0] in _DERIVED_KEYS:
        return _derived(where, key, name, ctype, sources[0], spec, fmt, header)
    const: Any = MISSING
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
    if const is not MISSING:
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
    tolerance = _seconds(where, f"{key}.after_tolerance", spec.get("after_tolerance", 3600))
    if "after_tolerance" in spec and not after:
        raise _fail(where, f"key '{key}.after_tolerance' only applies with 'after'")
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
        values={str(k): v for k, v in values.items()}, default=spec.get("default", MISSING),
        const=const, agg=agg, duration=duration, empty_as=spec.get("empty_as"), only_if=only_if,
        regex=str(regex) if regex is not None else None, scale=scale, after_tolerance=tolerance,
    )


_UNITS = {"s": 1, "m": 60, "h": 3600}


def _seconds(where, key: str, value: Any) -> int:
    """A duration: whole seconds, or ``90s`` / ``30m`` / ``1h``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = str(value).strip().lower()
    if text[:-1].isdigit() and text[-1:] in _UNITS:
        return int(text[:-1]) * _UNITS[text[-1]]
    raise _fail(where, f"key '{key}' must be seconds or a duration like 90s, 30m, 1h, got {value!r}")


def _outcome(where, key: str, value: Any, fmt: str, header: bool) -> Any:
    """A ``then``/``else`` of ``case``: a scalar constant or ``{from: field}``."""
    if isinstance(value, dict):
        if set(value) != {"from"}:
            raise _fail(where, f"key '{key}' must be a constant or {{from: field}}, got {value!r}")
        return {"from": _ref(where, f"{key}.from", value["from"], fmt, header)}
    if isinstance(value, list):
        raise _fail(where, f"key '{key}' must be a constant or {{from: field}}, got a list")
    return value


def _derived(where, key: str, name: str, ctype: str, kind: str, spec: dict, fmt: str,
             header: bool) -> ColumnSpec:
    """A column built from several fields: ``concat``, ``case`` or arithmetic."""
    extra = set(spec) - {kind} - _DERIVED_KEYS[kind]
    if extra:
        raise _fail(where, f"key '{key}': {sorted(extra)} cannot be used with '{kind}' "
                           f"(allowed beside it: {sorted(_DERIVED_KEYS[kind])})")
    nulls = tuple(str(v) for v in spec.get("nulls", ()))
    fmt_opt = spec.get("format")
    if kind == "concat":
        parts = spec["concat"]
        if not isinstance(parts, list) or len(parts) < 2:
            raise _fail(where, f"key '{key}.concat' must list two or more fields, got {parts!r}")
        if ctype != "VARCHAR":
            raise _fail(where, f"key '{key}.concat' builds text; {name} is {ctype}")
        refs = tuple(_ref(where, f"{key}.concat[{i}]", p, fmt, header) for i, p in enumerate(parts))
        return ColumnSpec(name=name, source=None, type=ctype, concat=refs, nulls=nulls,
                          sep=str(spec.get("sep", "-")))
    if kind == "case":
        branches = spec["case"]
        if not isinstance(branches, list) or not branches:
            raise _fail(where, f"key '{key}.case' must be a list of {{when: ..., then: ...}}")
        parsed = []
        for i, branch in enumerate(branches):
            here = f"{key}.case[{i}]"
            if not isinstance(branch, dict) or set(branch) != {"when", "then"}:
                raise _fail(where, f"key '{here}' must be {{when: <test>, then: <value>}}")
            when = _condition(where, f"{here}.when", branch["when"], None, fmt, header)
            parsed.append(CaseBranch(when, _outcome(where, f"{here}.then", branch["then"], fmt, header)))
        return ColumnSpec(name=name, source=None, type=ctype, cases=tuple(parsed),
                          otherwise=_outcome(where, f"{key}.else", spec.get("else"), fmt, header),
                          format=str(fmt_opt) if fmt_opt is not None else None, tz=spec.get("tz"),
                          time_format=str(spec.get("time_format", "%H:%M:%S")))
    operands = spec[kind]
    if not isinstance(operands, list) or len(operands) < 2:
        raise _fail(where, f"key '{key}.{kind}' must list two or more fields, got {operands!r}")
    if ctype not in ("INTEGER", "DOUBLE"):
        raise _fail(where, f"key '{key}.{kind}': arithmetic needs a numeric column, {name} is {ctype}")
    if fmt_opt is not None and fmt_opt != "hms":
        raise _fail(where, f"key '{key}.format': arithmetic operands are numbers or hms durations")
    scale = spec.get("scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int | float)):
        raise _fail(where, f"key '{key}.scale' must be a number")
    refs = tuple(_ref(where, f"{key}.{kind}[{i}]", p, fmt, header) for i, p in enumerate(operands))
    return ColumnSpec(name=name, source=None, type=ctype, operation=kind, operands=refs, nulls=nulls,
                      format=fmt_opt, scale=float(scale) if scale is not None else None)


def _condition(where, key: str, doc: Any, ent: Entity | None, fmt: str, header: bool) -> DropCondition:
    """A test; ``ent`` None: on source fields only (derived columns)."""
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
        if ent is None:
            raise _fail(where, f"key '{key}': a derived column tests source fields ('field'), "
                               "not canonical columns")
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
    specs += [ColumnSpec(name=c, source=None, type=ent.columns[c], const=None)
              for c in ent.columns if c in ent.optional and c not in raw_cols]
    missing = set(ent.columns) - set(raw_cols) - ent.optional
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
        versions=_versions(where, doc.get("versions"), ent),
        file=_file_pattern(where, doc.get("file"), doc.get("split_by") is not None),
        split_by=_split_by(where, doc.get("split_by"), ent),
    )


def _split_by(where, value: Any, ent: Entity) -> str | None:
    """``split_by: initiated_at``: the file holds several days; each row's day is this column's
    local date."""
    if value is None:
        return None
    if ent.columns.get(str(value)) not in ("TIMESTAMP", "DATE"):
        raise _fail(where, f"key 'split_by' must be a TIMESTAMP or DATE column of {ent.key}, got {value!r}")
    return str(value)


def _versions(where, doc: Any, ent: Entity) -> Versions | None:
    """``versions: {order_by: column, key: [columns]}``: repeats of the key are versions."""
    if doc is None:
        return None
    if not isinstance(doc, dict) or "order_by" not in doc or set(doc) - {"key", "order_by"}:
        raise _fail(where, "key 'versions' must be {order_by: column} (and optionally key: [columns])")
    key = doc.get("key", list(ent.unique_key))
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not key or any(k not in ent.columns for k in key):
        raise _fail(where, f"key 'versions.key' must list columns of the {ent.key} contract, got {key!r}")
    order_by = str(doc["order_by"])
    if order_by not in ent.columns and order_by != "_row_number":
        raise _fail(where, f"key 'versions.order_by' must be a {ent.key} column or _row_number, "
                           f"got {order_by!r}")
    return Versions(tuple(str(k) for k in key), order_by)


def _file_pattern(where, value: Any, several_days: bool) -> str | None:
    """``file: CALLS_{yyyymmdd}.TXT``: the delivered name; a file of one day names its day, a
    file of several days (``split_by``) may name only its month, or nothing."""
    if value is None:
        return None
    text = str(value)
    if "/" in text or not text.strip():
        raise _fail(where, f"key 'file' must be a file name, got {text!r}")
    try:
        text.format(yyyymmdd="", yymmdd="", yyyy="", mm="", dd="")
    except (KeyError, IndexError, ValueError) as exc:
        raise _fail(where, f"key 'file': unknown placeholder in {text!r}: {exc}") from None
    names_day = any(p in text for p in ("{yyyymmdd}", "{yymmdd}", "{dd}"))
    if not names_day and not several_days:
        raise _fail(where, f"key 'file': {text!r} does not name the day ({', '.join(_FILE_PLACEHOLDERS)}); "
                           "a file holding several days needs 'split_by: <timestamp column>'")
    return text


def read_layout_file(path: Path) -> Layout:
    """Parse one layout YAML file (any location)."""
    if not path.exists():
        raise LayoutError(f"layout {path}: file does not exist")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from None
    return parse_layout(doc, path)
