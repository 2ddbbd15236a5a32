"""Excel renderer: a workbook with a fixed sheet structure per committee.

Sheets: the cover (freshness, definitions, missing or quarantined days), the charts (native
Excel charts drawn from the data sheets), then one formatted Excel table per pack table, with
RAG colouring by conditional format. Numbers are written as numbers (formatted, not rounded);
text goes through :func:`sanitize.neutralize` and ``write_string`` so nothing becomes a formula.
The workbook's creation date is the data's as-of day, never the clock, so the same data gives
the same file."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from pilotage.packs.display import (
    EXCEL_FORMATS,
    SECONDS_PER_DAY,
    TEXT_KINDS,
    cell_text,
    column_label,
    definition_value,
    excel_format,
    headers,
    unit_kind,
)
from pilotage.packs.labels import definition_label, kpi_label, label
from pilotage.packs.model import Chart, Pack, Table
from pilotage.packs.sanitize import neutralize

HEADER_ROW = 3  # title on row 0, note on row 1, table header on row 3
RAG_FILL = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE", "grey": "#E7E6E6"}
RAG_FONT = {"green": "#006100", "amber": "#7F6000", "red": "#9C0006", "grey": "#3A3A3A"}
SERIES_COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6")
MAX_WIDTH = 60.0       # widest column (characters); longer text wraps
CHART_ROWS = 20        # rows one chart takes on the charts sheet (its height, 20 rows of 20 px)
CHARTS_PER_PAGE = 2    # a page break after every second chart: no chart is split across pages
CHART_TOP = 2          # first chart row (title above)


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
                      self.fmt(italic=True, font_color="#7F7F7F"), measure=False)
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
        end = self.table(ws, table, HEADER_ROW, f"T_{table.key}")
        ws.freeze_panes(HEADER_ROW + 1, 0)
        self.fit_columns(ws)
        self.page_setup(ws, end - 2, len(table.columns) - 1)
        ws.repeat_rows(HEADER_ROW)
        self.sheets[table.key] = (name, HEADER_ROW + 1, len(table.rows))

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
        """Charts in one column, CHART_ROWS rows each, a page break after every CHARTS_PER_PAGE
        charts: no chart is split across two printed pages."""
        n = 0
        for spec in self.pack.charts:
            for chart in self.native_charts(spec):
                chart.set_size({"width": 900, "height": (CHART_ROWS - 1) * 20})
                ws.insert_chart(CHART_TOP + n * CHART_ROWS, 0, chart, {"x_offset": 4, "y_offset": 4})
                n += 1
        breaks = [CHART_TOP + k * CHART_ROWS for k in range(CHARTS_PER_PAGE, n, CHARTS_PER_PAGE)]
        ws.set_h_pagebreaks(breaks)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.print_area(0, 0, CHART_TOP + max(n, 1) * CHART_ROWS, 14)
        if self.pack.provisional:
            ws.set_header(f'&C&"-,Bold"&14{label("provisional", self.lang)}')

    def native_charts(self, spec: Chart) -> list:
        table = self.pack.table(spec.table)
        if not table.rows or spec.table not in self.sheets:
            return []
        sheet, first, _ = self.sheets[spec.table]
        blocks: list[tuple[object, int, int]] = []  # (split value, first index, last index)
        split = table.index(spec.split_by) if spec.split_by else None
        for i, row in enumerate(table.rows):
            key = row[split] if split is not None else None
            if blocks and blocks[-1][0] == key:
                blocks[-1] = (key, blocks[-1][1], i)
            else:
                blocks.append((key, i, i))
        charts = []
        x = table.index(spec.x)
        for key, i1, i2 in blocks:
            r1, r2 = first + i1, first + i2
            kind = spec.y_kind
            if kind == "value" and table.has("unit"):
                kind = table.rows[i1][table.index("unit")]
            num_format = excel_format(kind, self.lang) if kind in EXCEL_FORMATS else "#,##0"
            base = self.wb.add_chart({"type": "column" if spec.bars else "line"})
            colours = iter(SERIES_COLOURS)

            def series(chart, col_key, r1=r1, r2=r2, **style):
                j = table.index(col_key)
                chart.add_series({"name": column_label(col_key, self.lang, self.pack.kpi_catalogue),
                                  "categories": [sheet, r1, x, r2, x], "values": [sheet, r1, j, r2, j],
                                  **style})

            for col_key in spec.bars:
                series(base, col_key, fill={"color": next(colours)}, gap=80)
            line_chart = base if not spec.bars else self.wb.add_chart({"type": "line"})
            for col_key in spec.lines:
                series(line_chart, col_key, line={"color": next(colours), "width": 2.25},
                       marker={"type": "circle", "size": 4})
            if spec.target:
                series(line_chart, spec.target, line={"color": "#C00000", "width": 1.5, "dash_type": "dash"})
            if spec.bars and (spec.lines or spec.target):
                base.combine(line_chart)
            title = label(spec.key, self.lang)
            if key is not None:
                shown = kpi_label(str(key), self.lang, self.pack.kpi_catalogue) if spec.split_by == "kpi_id" \
                    else str(key)
                title = f"{title} — {neutralize(shown)}"
            base.set_title({"name": title, "name_font": {"size": 11}})
            base.set_y_axis({"num_format": num_format, **self.y_range(table, spec, i1, i2, kind),
                             "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
            # labels at the bottom of the plot area, never across the line (negative values)
            x_axis = {"num_font": {"rotation": -45}, "label_position": "low"}
            if table.columns[x].kind in ("date", "datetime"):
                x_axis |= {"date_axis": True, "num_format": "dd/mm", "major_unit": 1,
                           "major_unit_type": "days"}
            base.set_x_axis(x_axis)
            base.set_legend({"position": "bottom"})
            base.set_plotarea({"layout": {"x": 0.09, "y": 0.12, "width": 0.88, "height": 0.58}})
            charts.append(base)
        return charts

    def y_range(self, table: Table, spec: Chart, i1: int, i2: int, kind: str) -> dict:
        """The value axis bounds with a margin, so the line never runs into the title or labels."""
        values = [r[table.index(k)] for r in table.rows[i1:i2 + 1]
                  for k in (*spec.lines, *spec.bars, *((spec.target,) if spec.target else ()))]
        values = [v / SECONDS_PER_DAY if kind == "seconds" else v for v in values
                  if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not values or spec.bars:
            return {}
        low, high = min(values), max(values)
        span = (high - low) or abs(high) * 0.1 or 1.0
        step = 10 ** math.floor(math.log10(span))
        if span / step < 3:
            step /= 5 if span / step < 1.5 else 2
        return {"min": math.floor((low - 0.1 * span) / step) * step,
                "max": math.ceil((high + 0.1 * span) / step) * step}

    def write(self) -> None:
        self.cover()
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
