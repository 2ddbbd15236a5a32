"""Export layouts, the parser of derived columns (``concat``, ``case``, arithmetic) and of the
top-level options about records and files (``versions``, ``split_by``, ``file``)."""

from __future__ import annotations

from typing import Any

from pilotage.ingest.contracts import Entity
from pilotage.ingest.layout_fields import condition, fail, field_ref
from pilotage.ingest.layout_spec import CaseBranch, ColumnSpec, Versions

ARITHMETIC = ("multiply", "add", "subtract")
DERIVED_KEYS = {"concat": {"sep", "nulls"}, "case": {"else", "format", "tz", "time_format"},
                 **{op: {"format", "scale", "nulls"} for op in ARITHMETIC}}
_FILE_PLACEHOLDERS = ("{yyyymmdd}", "{yymmdd}", "{yyyy}", "{mm}", "{dd}")

_UNITS = {"s": 1, "m": 60, "h": 3600}


def duration_seconds(where, key: str, value: Any) -> int:
    """A duration: whole seconds, or ``90s`` / ``30m`` / ``1h``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = str(value).strip().lower()
    if text[:-1].isdigit() and text[-1:] in _UNITS:
        return int(text[:-1]) * _UNITS[text[-1]]
    raise fail(where, f"key '{key}' must be seconds or a duration like 90s, 30m, 1h, got {value!r}")


def case_value(where, key: str, value: Any, fmt: str, header: bool) -> Any:
    """A ``then``/``else`` of ``case``: a scalar constant or ``{from: field}``."""
    if isinstance(value, dict):
        if set(value) != {"from"}:
            raise fail(where, f"key '{key}' must be a constant or {{from: field}}, got {value!r}")
        return {"from": field_ref(where, f"{key}.from", value["from"], fmt, header)}
    if isinstance(value, list):
        raise fail(where, f"key '{key}' must be a constant or {{from: field}}, got a list")
    return value


def derived_column(where, key: str, name: str, ctype: str, kind: str, spec: dict, fmt: str,
             header: bool) -> ColumnSpec:
    """A column built from several fields: ``concat``, ``case`` or arithmetic."""
    extra = set(spec) - {kind} - DERIVED_KEYS[kind]
    if extra:
        raise fail(where, f"key '{key}': {sorted(extra)} cannot be used with '{kind}' "
                           f"(allowed beside it: {sorted(DERIVED_KEYS[kind])})")
    nulls = tuple(str(v) for v in spec.get("nulls", ()))
    fmt_opt = spec.get("format")
    if kind == "concat":
        parts = spec["concat"]
        if not isinstance(parts, list) or len(parts) < 2:
            raise fail(where, f"key '{key}.concat' must list two or more fields, got {parts!r}")
        if ctype != "VARCHAR":
            raise fail(where, f"key '{key}.concat' builds text; {name} is {ctype}")
        refs = tuple(field_ref(where, f"{key}.concat[{i}]", p, fmt, header) for i, p in enumerate(parts))
        return ColumnSpec(name=name, source=None, type=ctype, concat=refs, nulls=nulls,
                          sep=str(spec.get("sep", "-")))
    if kind == "case":
        branches = spec["case"]
        if not isinstance(branches, list) or not branches:
            raise fail(where, f"key '{key}.case' must be a list of {{when: ..., then: ...}}")
        parsed = []
        for i, branch in enumerate(branches):
            here = f"{key}.case[{i}]"
            if not isinstance(branch, dict) or set(branch) != {"when", "then"}:
                raise fail(where, f"key '{here}' must be {{when: <test>, then: <value>}}")
            when = condition(where, f"{here}.when", branch["when"], None, fmt, header)
            parsed.append(CaseBranch(when, case_value(where, f"{here}.then", branch["then"], fmt, header)))
        return ColumnSpec(name=name, source=None, type=ctype, cases=tuple(parsed),
                          otherwise=case_value(where, f"{key}.else", spec.get("else"), fmt, header),
                          format=str(fmt_opt) if fmt_opt is not None else None, tz=spec.get("tz"),
                          time_format=str(spec.get("time_format", "%H:%M:%S")))
    operands = spec[kind]
    if not isinstance(operands, list) or len(operands) < 2:
        raise fail(where, f"key '{key}.{kind}' must list two or more fields, got {operands!r}")
    if ctype not in ("INTEGER", "DOUBLE"):
        raise fail(where, f"key '{key}.{kind}': arithmetic needs a numeric column, {name} is {ctype}")
    if fmt_opt is not None and fmt_opt != "hms":
        raise fail(where, f"key '{key}.format': arithmetic operands are numbers or hms durations")
    scale = spec.get("scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int | float)):
        raise fail(where, f"key '{key}.scale' must be a number")
    refs = tuple(field_ref(where, f"{key}.{kind}[{i}]", p, fmt, header) for i, p in enumerate(operands))
    return ColumnSpec(name=name, source=None, type=ctype, operation=kind, operands=refs, nulls=nulls,
                      format=fmt_opt, scale=float(scale) if scale is not None else None)


def split_by_column(where, value: Any, ent: Entity) -> str | None:
    """``split_by: initiated_at``: the file holds several days; each row's day is this column's
    local date."""
    if value is None:
        return None
    if ent.columns.get(str(value)) not in ("TIMESTAMP", "DATE"):
        raise fail(where, f"key 'split_by' must be a TIMESTAMP or DATE column of {ent.key}, got {value!r}")
    return str(value)


def versions_of(where, doc: Any, ent: Entity) -> Versions | None:
    """``versions: {order_by: column, key: [columns]}``: repeats of the key are versions."""
    if doc is None:
        return None
    if not isinstance(doc, dict) or "order_by" not in doc or set(doc) - {"key", "order_by"}:
        raise fail(where, "key 'versions' must be {order_by: column} (and optionally key: [columns])")
    key = doc.get("key", list(ent.unique_key))
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not key or any(k not in ent.columns for k in key):
        raise fail(where, f"key 'versions.key' must list columns of the {ent.key} contract, got {key!r}")
    order_by = str(doc["order_by"])
    if order_by not in ent.columns and order_by != "_row_number":
        raise fail(where, f"key 'versions.order_by' must be a {ent.key} column or _row_number, "
                           f"got {order_by!r}")
    return Versions(tuple(str(k) for k in key), order_by)


def file_pattern(where, value: Any, several_days: bool) -> str | None:
    """``file: CALLS_{yyyymmdd}.TXT``: the delivered name; a file of one day names its day, a
    file of several days (``split_by``) may name only its month, or nothing."""
    if value is None:
        return None
    text = str(value)
    if "/" in text or not text.strip():
        raise fail(where, f"key 'file' must be a file name, got {text!r}")
    try:
        text.format(yyyymmdd="", yymmdd="", yyyy="", mm="", dd="")
    except (KeyError, IndexError, ValueError) as exc:
        raise fail(where, f"key 'file': unknown placeholder in {text!r}: {exc}") from None
    names_day = any(p in text for p in ("{yyyymmdd}", "{yymmdd}", "{dd}"))
    if not names_day and not several_days:
        raise fail(where, f"key 'file': {text!r} does not name the day ({', '.join(_FILE_PLACEHOLDERS)}); "
                           "a file holding several days needs 'split_by: <timestamp column>'")
    return text
