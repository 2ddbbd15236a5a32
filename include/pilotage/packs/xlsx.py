"""Excel renderer: a workbook with a fixed sheet structure per committee.

Sheets: the cover (freshness, definitions, missing, quarantined, suspect or flagged days), the charts (native
Excel charts drawn from the data sheets), then one formatted Excel table per pack table, with
RAG colouring by conditional format. Numbers are written as numbers (formatted, not rounded);
text goes through :func:`sanitize.neutralize` and ``write_string`` so nothing becomes a formula.
The workbook's creation date is the data's as-of day, never the clock, so the same data gives
the same file."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from pilotage.packs.display import (
    EXCEL_FORMATS,
    SECONDS_PER_DAY,
    TEXT_KINDS,
    cell_text,
    definition_value,
    excel_format,
    headers,
    unit_kind,
)
from pilotage.packs.labels import definition_label, kpi_label, label
from pilotage.packs.model import Pack, Table
from pilotage.packs.sanitize import neutralize

HEADER_ROW = 3  # title on row 0, note on row 1, table header on row 3
RAG_FILL = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE", "grey": "#E7E6E6"}
RAG_FONT = {"green": "#006100", "amber": "#7F6000", "red": "#9C0006", "grey": "#3A3A3A"}
MAX_WIDTH = 60.0       # widest column (characters); longer text wraps


def text_width(text: str) -> float:
    """Width of ``text`` in Excel character units (the measure of column widths): characters, a
    little more for capitals and wide glyphs, plus the cell padding."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "MWmw@%€—")
    return len(text) + 0.25 * wide + 1.5


def sheet_name(text: str, used: set[str]) -> str:
    """A valid sheet name: Excel forbids []:*?/\\ and a leading or trailing apostrophe (an
    apostrophe inside, as in "Plan d'actions", is kept)."""
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip().strip("'").strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


class _Writer:
    def __init__(self, pack: Pack, lang: str, path: Path) -> None:
        self.pack, self.lang = pack, lang
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        as_of = pack.cover.data_as_of or pack.period.last
        self.wb.set_properties({
            "title": f"{label(pack.committee, lang)} {pack.period.label} {pack.provider_id}",
            "author": "pilotage", "company": "", "comments": "",
            "created": datetime.combine(as_of, time(0)),
        })
        self.fmt_cache: dict = {}
        self.used_names: set[str] = set()
        self.sheets: dict[str, tuple[str, int, int]] = {}  # table key -> (sheet, first data row, n)
        self.widths: dict[str, dict[int, float]] = {}      # sheet -> column -> width

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.fmt_cache:
            self.fmt_cache[key] = self.wb.add_format(props)
        return self.fmt_cache[key]

    def measure(self, ws, col: int, text: str) -> bool:
        """Widen ``col`` for ``text``; True when the text is too long and must wrap."""
        width = text_width(text)
        columns = self.widths.setdefault(ws.name, {})
        columns[col] = max(columns.get(col, 8.0), min(width, MAX_WIDTH))
        return width > MAX_WIDTH

    def fit_columns(self, ws) -> None:
        for col, width in sorted(self.widths.get(ws.name, {}).items()):
            ws.set_column(col, col, round(width, 1))

    def text(self, ws, row: int, col: int, value: str, fmt=None, measure: bool = True) -> None:
        value = neutralize(value)
        if measure and self.measure(ws, col, value):
            fmt = self.fmt(text_wrap=True, valign="top")
        ws.write_string(row, col, value, fmt)

    def cell(self, ws, r: int, c: int, table: Table, row: tuple, j: int) -> None:
        value = row[j]
        kind = unit_kind(table.columns[j], row, table)
        shown = neutralize(cell_text(table, row, j, self.lang, self.pack.kpi_catalogue))
        wrap = self.measure(ws, c, shown)
        if value is None or (isinstance(value, float) and value != value):
            ws.write_blank(r, c, None)
        elif kind in TEXT_KINDS or isinstance(value, str):
            ws.write_string(r, c, shown, self.fmt(text_wrap=True, valign="top") if wrap else None)
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, self.fmt(num_format=EXCEL_FORMATS["datetime"]))
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, self.fmt(num_format=EXCEL_FORMATS["date"]))
        elif kind == "seconds":  # a fraction of a day, shown [m]:ss
            ws.write_number(r, c, value / SECONDS_PER_DAY, self.fmt(num_format=excel_format(kind, self.lang,
                                                                                              value)))
        else:
            ws.write_number(r, c, value, self.fmt(num_format=excel_format(kind, self.lang)))

    def title(self, ws, text: str) -> None:
        if self.pack.provisional:
            text = f"{text} — {label('provisional', self.lang)}"
        ws.write_string(0, 0, neutralize(text), self.fmt(bold=True, font_size=14, font_color="#1F4E79"))

    def page_setup(self, ws, last_row: int, last_col: int) -> None:
        """Landscape A4, one page wide, header row repeated, page numbers; "PROVISIONAL" in the
        header of every page of a provisional pack."""
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.print_area(0, 0, max(last_row, 0), max(last_col, 0))
        name = f"{label(self.pack.committee, self.lang)} — {self.pack.period.label}".replace("&", "&&")
        ws.set_footer(f"&L{name}&R&P / &N")
        if self.pack.provisional:
            text = label("provisional_text", self.lang).format(through=self.through).replace("&", "&&")
            ws.set_header(f'&C&"-,Bold"{text}')

    @property
    def through(self) -> str:
        return self.pack.data_through.isoformat() if self.pack.data_through else "–"

    # -- tables ---------------------------------------------------------------------------------
    def table(self, ws, table: Table, first_row: int, name: str) -> int:
        """Write ``table`` as an Excel table from ``first_row``; returns the next free row."""
        heads = headers(table, self.lang, self.pack.kpi_catalogue)
        ncols = len(heads)
        head_fmt = self.fmt(bold=True, text_wrap=True, valign="top")
        if not table.rows:
            for j, h in enumerate(heads):
                self.measure(ws, j, h + "  ")
                ws.write_string(first_row, j, h, self.fmt(bold=True, bottom=1))
            self.text(ws, first_row + 1, 0, label(table.note or "note_no_rows", self.lang),
                      self.fmt(italic=True, font_color="#7F7F7F"))
            return first_row + 3
        last_row = first_row + len(table.rows)
        ws.add_table(first_row, 0, last_row, ncols - 1, {
            "name": name, "style": "Table Style Light 9", "autofilter": True,
            "columns": [{"header": h, "header_format": head_fmt} for h in heads]})
        for j, h in enumerate(heads):
            self.measure(ws, j, h + "  ")  # room for the filter button
        for i, row in enumerate(table.rows):
            for j in range(len(table.columns)):
                self.cell(ws, first_row + 1 + i, j, table, row, j)
        self.rag_colours(ws, table, first_row + 1, last_row)
        return last_row + 2

    def rag_colours(self, ws, table: Table, r1: int, r2: int) -> None:
        """Colour the RAG cell, and the actual value beside it, by the row's status."""
        for j, column in enumerate(table.columns):
            if column.kind != "rag":
                continue
            rag_col = xlsxwriter.utility.xl_col_to_name(j)
            targets = [j] + ([table.index("actual")] if table.has("actual") else [])
            for status, fill in RAG_FILL.items():
                fmt = self.fmt(bg_color=fill, font_color=RAG_FONT[status])
                word = label(status, self.lang)
                for t in targets:
                    ws.conditional_format(r1, t, r2, t, {
                        "type": "formula", "criteria": f'=${rag_col}{r1 + 1}="{word}"', "format": fmt})

    def data_sheet(self, table: Table) -> None:
        name = sheet_name(label(table.key, self.lang), self.used_names)
        ws = self.wb.add_worksheet(name)
        self.title(ws, f"{label(table.key, self.lang)} — {self.pack.provider_name} — "
                       f"{self.pack.period.label}")
        if table.note and table.rows:
            ws.write_string(1, 0, label(table.note, self.lang), self.fmt(italic=True))
        first, ncols = HEADER_ROW, len(table.columns)
        if table.key == "trend" and table.rows and table.has("period") and table.has("kpi_id"):
            first, ncols = self.pivot(ws, table)
        end = self.table(ws, table, first, f"T_{table.key}")
        ws.freeze_panes(HEADER_ROW + 1, 0)
        self.fit_columns(ws)
        self.page_setup(ws, end - 2, ncols - 1)
        ws.repeat_rows(HEADER_ROW)
        self.sheets[table.key] = (name, first + 1, len(table.rows))

    def pivot(self, ws, table: Table) -> tuple[int, int]:
        """The trend with periods as columns (coloured by RAG) above its long table, which the
        charts read; returns (header row of the long table, widest column count)."""
        from pilotage.packs.display import period_text, trend_pivot

        periods, rows = trend_pivot(table)
        heads = [label("kpi_id", self.lang), *(period_text(p, self.lang) for p in periods),
                 label("target_value", self.lang)]
        last = HEADER_ROW + len(rows)
        ws.add_table(HEADER_ROW, 0, last, len(heads) - 1, {
            "name": "T_trend_by_period", "style": "Table Style Light 9", "autofilter": False,
            "columns": [{"header": h, "header_format": self.fmt(bold=True, text_wrap=True)} for h in heads]})
        for j, h in enumerate(heads):
            self.measure(ws, j, h)
        for i, (kpi, unit, values, target) in enumerate(rows):
            r = HEADER_ROW + 1 + i
            self.text(ws, r, 0, kpi_label(kpi, self.lang, self.pack.kpi_catalogue))
            for j, (value, rag) in enumerate([*values, (target, None)], start=1):
                self.number(ws, r, j, value, unit, rag)
        note = last + 2
        ws.write_string(note, 0, label("trend_data", self.lang), self.fmt(bold=True, font_size=12))
        return note + 1, max(len(heads), len(table.columns))

    def number(self, ws, r: int, c: int, value, unit: str, rag: str | None = None) -> None:
        """A KPI value in its unit's format, filled with its RAG colour."""
        kind = unit if unit in EXCEL_FORMATS else "num"
        colours = {"bg_color": RAG_FILL[rag], "font_color": RAG_FONT[rag]} if rag in RAG_FILL else {}
        if value is None:
            ws.write_blank(r, c, None, self.fmt(**colours) if colours else None)
            return
        from pilotage.packs.display import text_of

        self.measure(ws, c, text_of(value, kind, self.lang))
        stored = value / SECONDS_PER_DAY if kind == "seconds" else value
        ws.write_number(r, c, stored, self.fmt(num_format=excel_format(kind, self.lang, value), **colours))

    # -- cover ----------------------------------------------------------------------------------
    def cover(self) -> None:
        p, c, lang = self.pack, self.pack.cover, self.lang
        ws = self.wb.add_worksheet(sheet_name(label("cover", lang), self.used_names))
        self.title(ws, f"{label(p.committee, lang)} — {p.provider_name} — {p.period.label}")
        key_fmt = self.fmt(bold=True, valign="top")
        as_of = c.data_as_of.isoformat() if c.data_as_of else "–"
        lines = [
            ("provider", f"{p.provider_id} — {p.provider_name}"),
            ("period", f"{p.period.label} ({p.period.first.isoformat()} → {p.period.last.isoformat()})"),
            ("audience", label(f"audience_{p.audience}", lang)),
            ("data_as_of", as_of), ("generated_from", as_of),
            ("days_included", f"{c.days_included} / {c.days_expected}"),
            ("sources", ", ".join(s.upper() for s in c.sources)),
            *[(k, definition_value(k, v, lang)) for k, v in c.definitions],
            ("confidentiality", label("confidentiality_text", lang)),
            ("fingerprint", c.fingerprint),
        ]
        row = 2
        if p.provisional:
            ws.write_string(1, 0, label("provisional_text", lang).format(through=self.through),
                            self.fmt(bold=True, font_color="#C00000"))
        for key, value in lines:
            self.text(ws, row, 0, definition_label(key, lang, p.kpi_catalogue), key_fmt)
            self.text(ws, row, 1, value)
            row += 1
        row += 1
        ws.write_string(row, 0, label("freshness", lang), self.fmt(bold=True, font_size=12))
        row = self.table(ws, c.freshness, row + 1, "T_freshness")
        ws.write_string(row, 0, label("data_issues", lang), self.fmt(bold=True, font_size=12))
        if c.issues.rows:
            self.text(ws, row + 1, 0, label("issues_warning", lang),
                      self.fmt(bold=True, font_color=RAG_FONT["red"]))
            row = self.table(ws, c.issues, row + 2, "T_data_issues")
        else:
            self.text(ws, row + 1, 0, label("no_issues", lang), self.fmt(italic=True))
            row += 2
        self.fit_columns(ws)
        self.page_setup(ws, row, max(7, len(c.issues.columns) - 1))

    # -- charts ---------------------------------------------------------------------------------
    def charts(self, ws) -> None:
        from pilotage.packs.xlsx_charts import insert_charts

        insert_charts(self, ws)

    def write(self) -> None:
        from pilotage.packs.xlsx_executive import write_executive_sheet

        self.cover()
        write_executive_sheet(self, sheet_name(label("executive", self.lang), self.used_names))
        charts_ws = None
        if self.pack.charts:
            charts_ws = self.wb.add_worksheet(sheet_name(label("charts", self.lang), self.used_names))
            self.title(charts_ws, f"{label('charts', self.lang)} — {self.pack.provider_name} — "
                                  f"{self.pack.period.label}")
        for table in self.pack.tables:
            self.data_sheet(table)
        if charts_ws is not None:
            self.charts(charts_ws)
        self.wb.close()


def write_xlsx(pack: Pack, path: Path, lang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _Writer(pack, lang, path).write()
    return path
