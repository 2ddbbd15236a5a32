"""Workbooks that read well, opened with openpyxl: no cell's text wider than its column (by the
width measure the writer uses) unless it wraps, a print area on every sheet, no chart crossing a
page break, chart axes that keep their labels off the plotted line, apostrophes kept in sheet
names."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pytest
from packs_fixture import build_fixture_warehouse
from pilotage.packs.build import build_pack
from pilotage.packs.deliver import write_pack
from pilotage.packs.display import SECONDS_PER_DAY, duration, number
from pilotage.packs.xlsx import text_width

# openpyxl drops the sparklines (an Excel 2010 extension) when it reads a workbook, and says so
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")
PERIODS = {"production": "2026-W44", "quality": "2026-10", "calibration": "2026-10",
           "steering": "2026-10", "strategic": "2026-H1"}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("xlsx-layout")
    con = duckdb.connect(str(build_fixture_warehouse(folder / "fixture.duckdb")), read_only=True)
    try:
        packs = [build_pack(con, k, p, "PRV_A") for k, p in PERIODS.items()]
        packs.append(build_pack(con, "production", "2026-W44", "PRV_A", audience="supervisors"))
    finally:
        con.close()
    out = {}
    for pack in packs:
        for path in write_pack(pack, folder / "packs", ("xlsx",), ("fr", "en")):
            out[(pack.stem, path.stem[-2:])] = path
    return out


def shown(value, number_format: str, lang: str) -> str:
    """What Excel shows for a cell (close enough to measure it)."""
    if isinstance(value, str):
        return value
    if isinstance(value, timedelta):
        return duration(value.total_seconds())
    if isinstance(value, (datetime, date)):
        return "2026-10-26 00:00" if "hh" in number_format else "2026-10-26"
    if "[m]" in number_format or "[h]" in number_format:
        return duration(value * SECONDS_PER_DAY)
    if "%" in number_format:
        return number(100 * value, 1, lang) + " %"
    if "0.00" in number_format:
        return number(value, 2, lang) + " €"
    return number(value, 1, lang)


def column_widths(ws) -> dict[int, float]:
    """Width of each column (a <col> element may span several columns)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for index in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            out[index] = dim.width
    return out


def test_every_cell_fits_its_column_or_wraps(workbooks):
    checked = 0
    for (stem, lang), path in workbooks.items():
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            widths = column_widths(ws)
            for row in ws.iter_rows(min_row=3):  # rows 1-2: sheet title and note, spill over
                for cell in row:
                    if cell.value is None or (cell.font and cell.font.sz and cell.font.sz >= 12):
                        continue  # empty, or a section title
                    width = widths.get(cell.column, 8.43)  # Excel's default width
                    need = text_width(shown(cell.value, cell.number_format, lang))
                    assert width + 0.01 >= need or cell.alignment.wrap_text, (
                        stem, lang, ws.title, cell.coordinate, cell.value, width, need)
                    checked += 1
    assert checked > 1000


def test_print_areas_and_no_chart_across_a_page_break(workbooks):
    charts = 0
    for (stem, _lang), path in workbooks.items():
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert ws.print_area, (stem, ws.title)
            assert ws.page_setup.orientation == "landscape"
            breaks = [b.id for b in ws.row_breaks.brk]
            for chart in ws._charts:
                first, last = chart.anchor._from.row, chart.anchor.to.row  # 0-based rows
                assert not [b for b in breaks if first < b <= last], (stem, ws.title, first, last, breaks)
                charts += 1
            if len(ws._charts) > 2:
                assert breaks, (stem, ws.title)  # charts spread over several pages
    assert charts > 20


def test_chart_axes_keep_labels_off_the_line(workbooks):
    wb = openpyxl.load_workbook(workbooks[("steering_2026-10_PRV_A", "fr")])
    ws = wb["Graphiques"]
    assert ws._charts
    for chart in ws._charts:
        assert chart.x_axis.tickLblPos == "low"  # category labels at the bottom, even below zero
        assert chart.y_axis.scaling.min is not None and chart.y_axis.scaling.max is not None


def test_sheet_names_keep_apostrophes(workbooks):
    wb = openpyxl.load_workbook(workbooks[("steering_2026-10_PRV_A", "fr")])
    assert "Plan d'actions" in wb.sheetnames


@pytest.mark.parametrize("committee", list(PERIODS))
def test_executive_sheet_second_with_sparklines_on_one_page(committee, workbooks):
    import zipfile

    for lang, name in (("fr", "Synthèse"), ("en", "Executive summary")):
        path = workbooks[(f"{committee}_{PERIODS[committee]}_PRV_A", lang)]
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[1] == name
        ws = wb[name]
        # fit to one page wide and one page high (1 is the default, left out of the file)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToHeight in (None, 1) and ws.page_setup.fitToWidth in (None, 1)
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/worksheets/sheet2.xml").decode()
        kpis = []
        while ws.cell(4 + len(kpis), 1).value:  # the KPI rows, down to the blank row
            kpis.append(ws.cell(4 + len(kpis), 1).value)
        assert len(kpis) >= 2
        assert xml.count("<x14:sparkline>") == len(kpis)  # one per priority KPI
