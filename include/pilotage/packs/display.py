"""How a value is shown to a reader (HTML report, Excel text cells) in French or English."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pilotage.packs.labels import kpi_label, label
from pilotage.packs.model import Column, Table

# Excel number formats by kind (or by row unit for ``value`` columns)
EXCEL_FORMATS = {
    "ratio": "0.0%", "seconds": "#,##0", "count": "#,##0", "int": "#,##0", "points": "0.0",
    "currency": '#,##0.00 "€"', "num": "#,##0.0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}
TEXT_KINDS = ("text", "rag", "trend", "kpi", "bool")


def unit_kind(column: Column, row: tuple, table: Table) -> str:
    """Effective kind of a cell: a ``value`` column takes its row's unit."""
    if column.kind != "value":
        return column.kind
    if table.has("unit"):
        unit = row[table.index("unit")]
        return unit if unit in ("ratio", "seconds", "count", "points", "currency") else "num"
    return "num"


def _number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def text_of(value: Any, kind: str, lang: str, catalogue: dict | None = None) -> str:
    """Display text of a value of ``kind``."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if kind == "kpi":
        return kpi_label(str(value), lang, catalogue)
    if kind in ("rag", "trend"):
        return label(str(value), lang)
    if kind == "bool" or isinstance(value, bool):
        return label("true" if value else "false", lang)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "ratio":
            return _number(100 * value, 1, lang) + "\u00a0%"
        if kind == "seconds":
            return _number(value, 0, lang)
        if kind == "currency":
            return _number(value, 2, lang) + "\u00a0€"
        if kind in ("int", "count"):
            return _number(value, 0, lang)
        if kind == "points":
            return _number(value, 1, lang)
        return _number(value, 0 if float(value).is_integer() else 2, lang)
    if kind == "text" and str(value) in ("loaded", "missing", "quarantined", "not_processed", "ALL"):
        return label(str(value), lang)
    return str(value)


def column_label(key: str, lang: str, catalogue: dict | None = None) -> str:
    """A column's label; a pivoted KPI column (its key is a KPI id) reads as the KPI."""
    if catalogue and key in catalogue:
        return kpi_label(key, lang, catalogue)
    return label(key, lang)


def headers(table: Table, lang: str, catalogue: dict | None = None) -> list[str]:
    """Column labels, made unique (Excel tables need unique headers)."""
    seen: dict[str, int] = {}
    out = []
    for column in table.columns:
        text = column_label(column.key, lang, catalogue)
        if text in seen:
            seen[text] += 1
            text = f"{text} ({column.key})"
        else:
            seen[text] = 1
        out.append(text)
    return out
