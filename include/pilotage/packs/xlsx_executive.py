"""The executive sheet of the workbook (second sheet, after the cover): one row per priority KPI
(value, target, RAG, change vs the previous period and vs the same period last year, an Excel
sparkline over the history written beside it), "what changed" in sentences, and the action-plan
items due or late. Printed on one A4 landscape page."""

from __future__ import annotations

from xlsxwriter.utility import quote_sheetname, xl_range

from pilotage.packs.display import period_text
from pilotage.packs.executive_html import PREVIOUS, delta_text, what_changed
from pilotage.packs.labels import kpi_label, label

HEAD = 2  # header row of the KPI table


def write_executive_sheet(w, name: str) -> None:
    """Write the sheet ``name`` of writer ``w`` (an :class:`xlsx._Writer`)."""
    pack, lang = w.pack, w.lang
    ex = pack.executive
    ws = w.wb.add_worksheet(name)
    w.title(ws, f"{label('executive', lang)} — {label(pack.committee, lang)} — {pack.provider_name} — "
                f"{pack.period.label}")
    tiles = ex.tiles if ex is not None else []
    fr = lang == "fr"
    previous = PREVIOUS.get(pack.period.grain, PREVIOUS["month"])[1][0 if fr else 1]
    history = [p for p, _ in tiles[0].history] if tiles else []
    heads = [label("kpi_id", lang), label("actual", lang), label("target_value", lang), label("rag_status", lang),
             previous, "vs N-1" if fr else "vs last year", label("trend", lang),
             *(period_text(p, lang) for p in history)]
    head_fmt = w.fmt(bold=True, font_color="#FFFFFF", bg_color="#1F4E79", text_wrap=True, valign="top")
    for j, h in enumerate(heads):
        w.measure(ws, j, h)
        ws.write_string(HEAD, j, h, head_fmt)
    spark_col = 6
    for i, tile in enumerate(tiles):
        r = HEAD + 1 + i
        w.text(ws, r, 0, kpi_label(tile.kpi_id, lang, pack.kpi_catalogue), w.fmt(bold=True))
        w.number(ws, r, 1, tile.actual, tile.unit, tile.rag)
        w.number(ws, r, 2, tile.target, tile.unit)
        w.text(ws, r, 3, label(tile.rag or "grey", lang))
        for j, other in ((4, tile.previous), (5, tile.last_year)):
            text = "–" if other is None or tile.actual is None else delta_text(tile.actual - other, tile.unit, lang)
            w.text(ws, r, j, text)
        for k, (_p, value) in enumerate(tile.history):
            w.number(ws, r, spark_col + 1 + k, value, tile.unit)
        if len(tile.history) > 1:
            ws.add_sparkline(r, spark_col, {
                "range": f"{quote_sheetname(name)}!{xl_range(r, spark_col + 1, r, spark_col + len(tile.history))}",
                "markers": True,
                "series_color": "#1F4E79", "last_color": "#C00000"})
    w.widths.setdefault(ws.name, {})[spark_col] = max(w.widths[ws.name].get(spark_col, 8.0), 16.0)
    row = HEAD + len(tiles) + 2
    ws.write_string(row, 0, label("what_changed", lang), w.fmt(bold=True, font_size=12))
    last_col = max(len(heads) - 1, 6)
    sentence_fmt = w.fmt(text_wrap=True, valign="top")
    for sentence in what_changed(pack, lang):
        row += 1
        ws.merge_range(row, 0, row, spark_col, sentence, sentence_fmt)
        ws.set_row(row, 30)
    row += 2
    ws.write_string(row, 0, label("actions_due", lang), w.fmt(bold=True, font_size=12))
    if ex is not None:
        row = w.table(ws, ex.actions, row + 1, "T_executive_actions")
    w.fit_columns(ws)
    w.page_setup(ws, row, last_col)
    ws.fit_to_pages(1, 1)  # the executive sheet prints on one page
