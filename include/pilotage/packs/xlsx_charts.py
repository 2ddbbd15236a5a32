"""Native Excel charts of the workbook's charts sheet (xlsxwriter), drawn from the data sheets.

One chart per CHART_ROWS rows in one column and a page break after every CHARTS_PER_PAGE charts,
so that no chart is split across printed pages; value axes are padded to round bounds and the
category labels kept at the bottom of the plot area, so they never cross the plotted line (a
bonus/malus below zero)."""

from __future__ import annotations

import math

from pilotage.packs.display import EXCEL_FORMATS, SECONDS_PER_DAY, column_label, excel_format
from pilotage.packs.labels import kpi_label, label
from pilotage.packs.model import Chart, Table
from pilotage.packs.sanitize import neutralize

SERIES_COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6")
CHART_ROWS = 20        # rows one chart takes on the charts sheet (its height, 20 rows of 20 px)
CHARTS_PER_PAGE = 2    # a page break after every second chart: no chart is split across pages
CHART_TOP = 2          # first chart row (title above)


def insert_charts(w, ws) -> None:
    """Charts in one column, CHART_ROWS rows each, a page break after every CHARTS_PER_PAGE
    charts: no chart is split across two printed pages."""
    n = 0
    for spec in w.pack.charts:
        for chart in native_charts(w, spec):
            chart.set_size({"width": 900, "height": (CHART_ROWS - 1) * 20})
            ws.insert_chart(CHART_TOP + n * CHART_ROWS, 0, chart, {"x_offset": 4, "y_offset": 4})
            n += 1
    breaks = [CHART_TOP + k * CHART_ROWS for k in range(CHARTS_PER_PAGE, n, CHARTS_PER_PAGE)]
    ws.set_h_pagebreaks(breaks)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, CHART_TOP + max(n, 1) * CHART_ROWS, 14)
    if w.pack.provisional:
        ws.set_header(f'&C&"-,Bold"&14{label("provisional", w.lang)}')

def native_charts(w, spec: Chart) -> list:
    table = w.pack.table(spec.table)
    if not table.rows or spec.table not in w.sheets:
        return []
    sheet, first, _ = w.sheets[spec.table]
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
        num_format = excel_format(kind, w.lang) if kind in EXCEL_FORMATS else "#,##0"
        base = w.wb.add_chart({"type": "column" if spec.bars else "line"})
        colours = iter(SERIES_COLOURS)

        def series(chart, col_key, r1=r1, r2=r2, **style):
            j = table.index(col_key)
            chart.add_series({"name": column_label(col_key, w.lang, w.pack.kpi_catalogue),
                              "categories": [sheet, r1, x, r2, x], "values": [sheet, r1, j, r2, j],
                              **style})

        for col_key in spec.bars:
            series(base, col_key, fill={"color": next(colours)}, gap=80)
        line_chart = base if not spec.bars else w.wb.add_chart({"type": "line"})
        for col_key in spec.lines:
            series(line_chart, col_key, line={"color": next(colours), "width": 2.25},
                   marker={"type": "circle", "size": 4})
        if spec.target:
            series(line_chart, spec.target, line={"color": "#C00000", "width": 1.5, "dash_type": "dash"})
        if spec.bars and (spec.lines or spec.target):
            base.combine(line_chart)
        title = label(spec.key, w.lang)
        if key is not None:
            shown = kpi_label(str(key), w.lang, w.pack.kpi_catalogue) if spec.split_by == "kpi_id" \
                else str(key)
            title = f"{title} — {neutralize(shown)}"
        base.set_title({"name": title, "name_font": {"size": 11}})
        base.set_y_axis({"num_format": num_format, **y_range(table, spec, i1, i2, kind),
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

def y_range(table: Table, spec: Chart, i1: int, i2: int, kind: str) -> dict:
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

