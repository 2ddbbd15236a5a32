"""How a value is shown to a reader (HTML report, Excel text cells) in French or English."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pilotage.packs.labels import kpi_label, label
from pilotage.packs.model import Column, Table
from pilotage.packs.vocabulary import code_text, variant_text

# Excel number formats by kind (or by row unit for ``value`` columns). Durations are written as a
# fraction of a day (seconds / 86400) so that ``[m]:ss`` shows them as minutes:seconds. Excel and
# LibreOffice show the separators of the reader's locale (``#,##0.0`` reads "19 268,0" in French);
# the French pack also puts a space before "%" as French typography does.
EXCEL_FORMATS = {
    "ratio": "0.0%", "seconds": "[m]:ss", "count": "#,##0", "int": "#,##0", "points": "0.0",
    "currency": '#,##0.00 "€"', "num": "#,##0.0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}
EXCEL_FORMATS_FR = EXCEL_FORMATS | {"ratio": "0.0\\ %", "currency": '#,##0.00\\ "€"'}
LONG_DURATION_FORMAT = "[h]:mm:ss"  # totals of an hour or more (staffed time of a week)
SECONDS_PER_DAY = 86400.0
TEXT_KINDS = ("text", "rag", "trend", "kpi", "bool")


def excel_format(kind: str, lang: str, value: float | None = None) -> str:
    """Excel number format of a cell of ``kind`` in a ``lang`` pack."""
    if kind == "seconds" and value is not None and abs(value) >= 3600:
        return LONG_DURATION_FORMAT
    return (EXCEL_FORMATS_FR if lang == "fr" else EXCEL_FORMATS).get(kind, "General")


def duration(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour): 384.2 -> "6:24"."""
    total = int(round(abs(seconds)))
    sign = "-" if seconds < 0 and total else ""
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m}:{s:02d}"


def unit_kind(column: Column, row: tuple, table: Table) -> str:
    """Effective kind of a cell: a ``value`` column takes its row's unit."""
    if column.kind != "value":
        return column.kind
    if table.has("unit"):
        unit = row[table.index("unit")]
        return unit if unit in ("ratio", "seconds", "count", "points", "currency") else "num"
    return "num"


def number(value: float, decimals: int, lang: str) -> str:
    """French: thin no-break space between thousands, decimal comma (19 268,5); English: 19,268.5."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not any(c not in "-0.," for c in text):
        text = text[1:]  # no "-0,0"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float, decimals: int, lang: str) -> str:
    """A ratio as a percentage: 0.83 -> "83,0 %" (French) / "83.0 %"."""
    return number(100 * value, decimals, lang) + "\u00a0%"


_number = number


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
            return duration(value)
        if kind == "currency":
            return _number(value, 2, lang) + "\u00a0€"
        if kind in ("int", "count"):
            return _number(value, 0, lang)
        if kind == "points":
            return _number(value, 1, lang)
        return _number(value, 0 if float(value).is_integer() else 2, lang)
    if kind == "text" and str(value) in ("loaded", "missing", "quarantined", "suspect",
                                          "loaded_with_warning", "not_processed", "not_delivered",
                                          "not_available", "ALL"):
        return label(str(value), lang)
    if kind == "text":
        return code_text(str(value), lang) or str(value)
    return str(value)


def cell_text(table: Table, row: tuple, j: int, lang: str, catalogue: dict | None = None) -> str:
    """Display text of cell ``j`` of ``row``, with what the row tells about it: the definition
    variant of the row's KPI in words, the bonus/malus tier written from its bounds."""
    column = table.columns[j]
    value = row[j]
    if value is not None and column.key in ("definition_variant", "abandon_rate_variant"):
        kpi = row[table.index("kpi_id")] if table.has("kpi_id") else (
            "abandon_rate" if column.key == "abandon_rate_variant" else "service_level")
        return variant_text(str(value), lang, kpi)
    if column.key == "band_description" and table.has("kpi_id"):
        return tier_text(table, row, lang, catalogue)
    return text_of(value, unit_kind(column, row, table), lang, catalogue)


def tier_text(table: Table, row: tuple, lang: str, catalogue: dict | None = None) -> str:
    """A bonus/malus tier in words from its bounds and adjustment: "Taux de satisfaction client
    (CSAT) sous 75 % : malus de 1 % de la facture" — the seed's sentence is English only."""
    def get(key):
        return row[table.index(key)] if table.has(key) else None

    kpi = str(get("kpi_id"))
    unit = get("unit") or ("ratio" if kpi in ("service_level", "csat", "abandon_rate") else "points")
    low, high, pct = get("band_min"), get("band_max"), get("adjustment_pct")

    def bound(v):
        return percent(v, 0 if round(100 * v, 6).is_integer() else 1, lang) if unit == "ratio" \
            else number(v, 0 if float(v).is_integer() else 1, lang)

    fr = lang == "fr"
    if low is None and high is None:
        band = "quel que soit le niveau" if fr else "at any level"
    elif low is None:
        band = f"{'sous' if fr else 'below'} {bound(high)}"
    elif high is None:
        band = f"{bound(low)} {'ou plus' if fr else 'or more'}"
    else:
        band = f"{'de' if fr else 'from'} {bound(low)} {'à moins de' if fr else 'to under'} {bound(high)}"
    if pct is None:
        effect = "–"
    elif pct == 0:
        effect = "niveau contractuel" if fr else "contractual level"
    else:
        size = number(abs(pct), 0 if float(pct).is_integer() else 1, lang) + "\u00a0%"
        word = "bonus" if pct > 0 else "malus"
        effect = f"{word} {'de' if fr else 'of'} {size} {'de la facture' if fr else 'of the invoice'}"
    return f"{kpi_label(kpi, lang, catalogue)} {band}{' :' if fr else ':'} {effect}"


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


def period_text(text: str, lang: str) -> str:
    """A period label as read: "2026-11" -> "nov. 2026" / "Nov 2026", "2026-W46" -> "S46 2026" /
    "W46 2026", "2026-H1" -> "1er sem. 2026" / "H1 2026"; anything else unchanged."""
    import re

    match = re.match(r"^(\d{4})-(\d{2})$", text)
    if match:
        fr = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
              "déc.")
        en = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
        return f"{(fr if lang == 'fr' else en)[int(match.group(2)) - 1]} {match.group(1)}"
    match = re.match(r"^(\d{4})-W(\d{2})$", text)
    if match:
        return f"{'S' if lang == 'fr' else 'W'}{match.group(2)} {match.group(1)}"
    match = re.match(r"^(\d{4})-([HQ])([1-4])$", text)
    if match:
        year, kind, n = match.groups()
        if lang != "fr":
            return f"{kind}{n} {year}"
        ordinal = "1er" if n == "1" else f"{n}e"
        return f"{ordinal} {'sem.' if kind == 'H' else 'trim.'} {year}"
    return text


def definition_value(key: str, value: str, lang: str) -> str:
    """A cover definition's value in words: the variant of its KPI, or a rule's text."""
    if value.endswith("_text"):
        return label(value, lang)
    kpi = {"service_level_variant": "service_level", "abandon_rate_variant": "abandon_rate"}.get(
        key, key.split(":", 1)[1] if key.startswith("definition:") else None)
    return ", ".join(variant_text(v.strip(), lang, kpi) for v in value.split(","))


def trend_pivot(table: Table) -> tuple[list[str], list[tuple[str, str, list[tuple], object]]]:
    """A long KPI × period trend as months in columns: (period labels oldest first,
    [(kpi_id, unit, [(actual, rag) per period], latest target)])."""
    ki, pi, ai = table.index("kpi_id"), table.index("period"), table.index("actual")
    ui = table.index("unit") if table.has("unit") else None
    ti = table.index("target_value") if table.has("target_value") else None
    ri = table.index("rag_status") if table.has("rag_status") else None
    periods = sorted({r[pi] for r in table.rows})
    cells = {(r[ki], r[pi]): r for r in table.rows}
    out = []
    for kpi in dict.fromkeys(r[ki] for r in table.rows):
        rows = [cells.get((kpi, p)) for p in periods]
        unit = next((r[ui] for r in rows if r is not None and ui is not None and r[ui]), "num")
        targets = [r[ti] for r in rows if r is not None and ti is not None and r[ti] is not None]
        out.append((kpi, unit, [(r[ai] if r else None, r[ri] if r and ri is not None else None)
                                for r in rows], targets[-1] if targets else None))
    return periods, out
