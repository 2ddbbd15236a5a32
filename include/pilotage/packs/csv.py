"""CSV renderer: one file per table, for re-use in other tools.

Files are language-independent and byte-stable: headers are the stable column keys, codes stay
codes (``green``, ``up``), floats have a fixed format, rows keep the model's sorted order, and
nothing depends on the clock — pulling the same period twice on the same data gives identical
files. Text cells are neutralized against formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pilotage.packs.model import Pack, Table
from pilotage.packs.sanitize import neutralize

FLOAT_FORMAT = ".6f"


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        text = format(value, FLOAT_FORMAT)
        return "0.000000" if text == "-0.000000" else text
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutralize(str(value))


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_keys())
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue()


def cover_table(pack: Pack) -> Table:
    """The cover as key/value rows (no clock, only the data's own dates)."""
    from pilotage.packs.model import Column

    c = pack.cover
    rows = [("committee", pack.committee), ("period", pack.period.label),
            ("period_first_day", pack.period.first.isoformat()),
            ("period_last_day", pack.period.last.isoformat()),
            ("provider_id", pack.provider_id), ("provider_name", pack.provider_name),
            ("audience", pack.audience),
            ("data_as_of", c.data_as_of.isoformat() if c.data_as_of else None),
            ("days_expected", str(c.days_expected)), ("days_included", str(c.days_included)),
            ("sources", ";".join(c.sources)), ("fingerprint", c.fingerprint)]
    rows += [(k, v) for k, v in c.definitions if not v.endswith("_text")]
    return Table("cover", [Column("key"), Column("value")], rows)


def write_csvs(pack: Pack, folder: Path) -> list[Path]:
    """Write ``cover.csv``, ``freshness.csv``, ``data_issues.csv`` and one CSV per table."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in [cover_table(pack), pack.cover.freshness, pack.cover.issues, *pack.tables]:
        path = folder / f"{table.key}.csv"
        path.write_bytes(table_csv(table).encode("utf-8"))
        paths.append(path)
    return paths
