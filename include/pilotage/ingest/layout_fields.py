"""Export layouts, the parser's field references and tests: where a value comes from and the
conditions of ``drop_when`` rules and derived columns. Mistakes raise
:class:`~pilotage.ingest.layout_spec.LayoutError` naming the file and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pilotage.ingest.contracts import Entity
from pilotage.ingest.layout_spec import DropCondition, DropRule, LayoutError, parse_path

_DROP_TESTS = {"is_null", "in", "not_in", "equals", "below", "above"}


def fail(where: Path | str, msg: str) -> LayoutError:
    return LayoutError(f"layout {where}: {msg}")



def field_ref(where, key: str, value: Any, fmt: str, header: bool) -> str | int:
    """A field reference: header name, position (header-less CSV) or JSON path."""
    if isinstance(value, bool) or value is None:
        raise fail(where, f"key '{key}' must be a field name, path or position, got {value!r}")
    if isinstance(value, int):
        if fmt != "csv":
            raise fail(where, f"key '{key}': a position ({value}) only works for CSV files")
        if value < 1:
            raise fail(where, f"key '{key}': positions start at 1, got {value}")
        return value
    text = str(value)
    if fmt == "csv" and not header:
        if text.isdigit():
            return int(text)
        raise fail(where, f"key '{key}': the file has no header (header: false), so columns are "
                           f"taken by position (an integer), got {text!r}")
    if fmt in ("json", "jsonl"):
        try:
            parse_path(text.lstrip("/"))
        except ValueError as exc:
            raise fail(where, f"key '{key}': {exc}") from None
    return text


def condition(where, key: str, doc: Any, ent: Entity | None, fmt: str, header: bool) -> DropCondition:
    """A test; ``ent`` None: on source fields only (derived columns)."""
    if not isinstance(doc, dict):
        raise fail(where, f"key '{key}' must be a mapping")
    if "all" in doc or "any" in doc:
        which = "all" if "all" in doc else "any"
        extra = set(doc) - {which, "name"}
        if extra or not isinstance(doc[which], list) or not doc[which]:
            raise fail(where, f"key '{key}.{which}' must be a non-empty list of conditions "
                               f"(and nothing else beside it), got {sorted(extra) or doc[which]!r}")
        subs = tuple(condition(where, f"{key}.{which}[{i}]", sub, ent, fmt, header)
                     for i, sub in enumerate(doc[which]))
        return DropCondition(all=subs) if which == "all" else DropCondition(any=subs)
    targets = [k for k in ("column", "field") if k in doc]
    if len(targets) != 1:
        raise fail(where, f"key '{key}': give exactly one of 'column' (canonical) or 'field' (source)")
    tests = [k for k in doc if k in _DROP_TESTS]
    unknown = set(doc) - _DROP_TESTS - {"column", "field", "name"}
    if unknown:
        raise fail(where, f"key '{key}': unknown option(s) {sorted(unknown)}; tests: {sorted(_DROP_TESTS)}")
    if len(tests) != 1:
        raise fail(where, f"key '{key}': give exactly one test of {sorted(_DROP_TESTS)}")
    test = tests[0]
    operand = doc[test]
    if test in ("in", "not_in") and not isinstance(operand, list):
        raise fail(where, f"key '{key}.{test}' must be a list")
    if test == "is_null" and not isinstance(operand, bool):
        raise fail(where, f"key '{key}.is_null' must be true or false")
    if test in ("below", "above") and (isinstance(operand, bool) or not isinstance(operand, int | float)):
        raise fail(where, f"key '{key}.{test}' must be a number")
    if "column" in doc:
        if ent is None:
            raise fail(where, f"key '{key}': a derived column tests source fields ('field'), "
                               "not canonical columns")
        if doc["column"] not in ent.columns:
            raise fail(where, f"key '{key}.column': {doc['column']!r} is not in the {ent.key} contract")
        return DropCondition(column=str(doc["column"]), test=test, operand=operand)
    return DropCondition(field=field_ref(where, f"{key}.field", doc["field"], fmt, header), test=test,
                         operand=operand)


def drop_rules(where, doc: Any, ent: Entity, fmt: str, header: bool) -> tuple[DropRule, ...]:
    if doc is None:
        return ()
    if not isinstance(doc, list):
        raise fail(where, "key 'drop_when' must be a list of rules, each with a 'name'")
    rules, names = [], set()
    for i, item in enumerate(doc):
        if not isinstance(item, dict) or not item.get("name"):
            raise fail(where, f"key 'drop_when[{i}].name': every rule needs a name (it is reported)")
        name = str(item["name"])
        if name in names:
            raise fail(where, f"key 'drop_when[{i}].name': duplicate rule name {name!r}")
        names.add(name)
        rules.append(DropRule(name, condition(where, f"drop_when[{i}]", item, ent, fmt, header)))
    return tuple(rules)
