"""Compare every table of one schema of two DuckDB warehouses, row by row (numbers to 1e-9).

Usage: python scripts/compare_marts.py BEFORE.duckdb AFTER.duckdb [--schema marts]
       [--rename old_table=new_table ...]
Exit status 0 when every table of BEFORE has an identical table in AFTER (same columns, same
types, same rows; floating-point values equal within 1e-9 relative), 1 otherwise. For checking
that a refactoring of the dbt project changes no number: build both warehouses from the same raw
data with `dbt build --full-refresh`, before and after the change.
"""

from __future__ import annotations

import argparse
import math
import sys

import duckdb

TOLERANCE = 1e-9


def _tables(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? "
        "and table_schema = ? and table_type = 'BASE TABLE' order by 1", [db, schema]).fetchall()
    return [r[0] for r in rows]


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = ? "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [db, schema, table]).fetchall()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def compare_table(con: duckdb.DuckDBPyConnection, schema: str, old: str, new: str) -> str | None:
    """None when identical, else a one-line reason."""
    cols_before = _columns(con, "before", schema, old)
    cols_after = _columns(con, "after", schema, new)
    if cols_before != cols_after:
        return f"columns differ: {cols_before} vs {cols_after}"
    order = ", ".join(f'"{c}" nulls first' for c, _ in cols_before)
    before = con.execute(f'select * from before.{schema}."{old}" order by {order}').fetchall()
    after = con.execute(f'select * from after.{schema}."{new}" order by {order}').fetchall()
    if len(before) != len(after):
        return f"{len(before)} rows vs {len(after)}"
    for i, (row_b, row_a) in enumerate(zip(before, after, strict=True)):
        if not all(_same(x, y) for x, y in zip(row_b, row_a, strict=True)):
            return f"row {i} differs: {row_b} vs {row_a}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args(argv)
    renames = dict(item.split("=", 1) for item in args.rename)
    con = duckdb.connect()
    con.execute(f"attach '{args.before}' as before (read_only)")
    con.execute(f"attach '{args.after}' as after (read_only)")
    after_tables = set(_tables(con, "after", args.schema))
    failures = 0
    for old in _tables(con, "before", args.schema):
        new = renames.get(old, old)
        if new not in after_tables:
            reason = "missing in AFTER"
        else:
            reason = compare_table(con, args.schema, old, new)
        rows = con.execute(f'select count(*) from before.{args.schema}."{old}"').fetchone()[0]
        label = old if new == old else f"{old} -> {new}"
        print(f"{'OK  ' if reason is None else 'DIFF'} {label} ({rows} rows){'' if reason is None else ': ' + reason}")
        failures += reason is not None
    print(f"{failures} table(s) differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
