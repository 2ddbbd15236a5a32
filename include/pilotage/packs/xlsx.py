"""Excel renderer: a workbook with a fixed sheet structure per committee.

Sheets: the cover (freshness, definitions, missing or quarantined days), the charts (native
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

from pilotage.packs.display import EXCEL_FORMATS, TEXT_KINDS, column_label, headers, text_of, unit_kind
from pilotage.packs.labels import definition_label, kpi_label, label
from pilotage.packs.model import Chart, Pack, Table
from pilotage.packs.sanitize import neutralize

HEADER_ROW = 3  # title on row 0, note on row 1, table header on row 3
RAG_FILL = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE", "grey": "#E7E6E6"}
RAG_FONT = {"green": "#006100", "amber": "#7F6000", "red": "#9C0006", "grey": "#3A3A3A"}
SERIES_COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6")


def sheet_name(text: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", " ", text).strip()[:31] or "Sheet"
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

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.fmt_cache:
            self.fmt_cache[key] = self.wb.add_format(props)
        return self.fmt_cache[key]

    def text(self, ws, row: int, col: int, value: str, fmt=None) -> None:
        ws.write_string(row, col, neutralize(value), fmt)

    def cell(self, ws, row: int, col: int, value, kind: str) -> None:
        if value is None or (isinstance(value, float) and value != value):
            ws.write_blank(row, col, None)
        elif kind in TEXT_KINDS or isinstance(value, str):
            catalogue = self.pack.kpi_catalogue
            ws.write_string(row, col, neutralize(text_of(value, kind, self.lang, catalogue)))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.fmt(num_format=EXCEL_FORMATS["datetime"]))
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, self.fmt(num_format=EXCEL_FORMATS["date"]))
        else:
            ws.write_number(row, col, value, self.fmt(num_format=EXCEL_FORMATS.get(kind, "General")))

    def title(self, ws, text: str) -> None:
        ws.write_string(0, 0, neutralize(text), self.fmt(bold=True, font_size=14, font_color="#1F4E79"))

    # -- tables ---------------------------------------------------------------------------------
    def table(self, ws, table: Table, first_row: int, name: str) -> int:
        """Write ``table`` as an Excel table from ``first_row``; returns the next free row."""
        heads = headers(table, self.lang, self.pack.kpi_catalogue)
        ncols = len(heads)
        if not table.rows:
            for j, h in enumerate(heads):
                ws.write_string(first_row, j, h, self.fmt(bold=True, bottom=1))
            self.text(ws, first_row + 1, 0, label(table.note or "note_no_rows", self.lang),
                      self.fmt(italic=True, font_color="#7F7F7F"))
            return first_row + 3
        last_row = first_row + len(table.rows)
        ws.add_table(first_row, 0, last_row, ncols - 1, {
            "name": name, "style": "Table Style Light 9", "autofilter": True,
            "columns": [{"header": h} for h in heads]})
        for i, row in enumerate(table.rows):
            for j, column in enumerate(table.columns):
                self.cell(ws, first_row + 1 + i, j, row[j], unit_kind(column, row, table))
        self.rag_colours(ws, table, first_row + 1, last_row)
        for j, column in enumerate(table.columns):
            width = max(len(heads[j]), 10 if column.kind not in ("text", "kpi") else 14)
            ws.set_column(j, j, min(width + 2, 48))
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
            self.text(ws, 1, 0, label(table.note, self.lang), self.fmt(italic=True))
        self.table(ws, table, HEADER_ROW, f"T_{table.key}")
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        self.sheets[table.key] = (name, HEADER_ROW + 1, len(table.rows))

    # -- cover ----------------------------------------------------------------------------------
    def cover(self) -> None:
        p, c, lang = self.pack, self.pack.cover, self.lang
        ws = self.wb.add_worksheet(sheet_name(label("cover", lang), self.used_names))
        ws.set_column(0, 0, 42)
        ws.set_column(1, 7, 18)
        self.title(ws, f"{label(p.committee, lang)} — {p.provider_name} — {p.period.label}")
        key_fmt = self.fmt(bold=True)
        as_of = c.data_as_of.isoformat() if c.data_as_of else "–"
        lines = [
            ("provider", f"{p.provider_id} — {p.provider_name}"),
            ("period", f"{p.period.label} ({p.period.first.isoformat()} → {p.period.last.isoformat()})"),
            ("audience", label(f"audience_{p.audience}", lang)),
            ("data_as_of", as_of), ("generated_from", as_of),
            ("days_included", f"{c.days_included} / {c.days_expected}"),
            ("sources", ", ".join(s.upper() for s in c.sources)),
            *[(k, label(v, lang) if v.endswith("_text") else v) for k, v in c.definitions],
            ("confidentiality", label("confidentiality_text", lang)),
            ("fingerprint", c.fingerprint),
        ]
        row = 2
        for key, value in lines:
            ws.write_string(row, 0, definition_label(key, lang, p.kpi_catalogue), key_fmt)
            self.text(ws, row, 1, value)
            row += 1
        row += 1
        ws.write_string(row, 0, label("freshness", lang), self.fmt(bold=True, font_size=12))
        row = self.table(ws, c.freshness, row + 1, "T_freshness")
        ws.write_string(row, 0, label("data_issues", lang), self.fmt(bold=True, font_size=12))
        if c.issues.rows:
            ws.write_string(row + 1, 0, label("issues_warning", lang),
                            self.fmt(bold=True, font_color=RAG_FONT["red"]))
            self.table(ws, c.issues, row + 2, "T_data_issues")
        else:
            ws.write_string(row + 1, 0, label("no_issues", lang), self.fmt(italic=True))
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    # -- charts ---------------------------------------------------------------------------------
    def charts(self, ws) -> None:
        row = 2
        for spec in self.pack.charts:
            for chart in self.native_charts(spec):
                ws.insert_chart(row, 0, chart, {"x_scale": 1.5, "y_scale": 1.1})
                row += 18
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

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
            num_format = EXCEL_FORMATS.get(kind, "#,##0")
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
            base.set_y_axis({"num_format": num_format, "major_gridlines": {"visible": True,
                                                                           "line": {"color": "#D9D9D9"}}})
            x_axis = {"num_font": {"rotation": -45}}
            if table.columns[x].kind in ("date", "datetime"):
                x_axis |= {"date_axis": True, "num_format": "dd/mm", "major_unit": 1,
                           "major_unit_type": "days"}
            base.set_x_axis(x_axis)
            base.set_legend({"position": "bottom"})
            charts.append(base)
        return charts

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
