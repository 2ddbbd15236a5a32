"""Each committee's pack in French and English, printed to PDF by headless Chromium and opened in
Chromium: A4 landscape pages, the cover on page 1, the executive page alone on page 2, page
numbers, French words and number formats in the French pack (tables, chart SVG text, PDF text)."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import duckdb
import pytest
from packs_fixture import build_fixture_warehouse
from pilotage.packs.build import build_pack
from pilotage.packs.deliver import write_pack
from pilotage.packs.pdf import ChromiumMissing, chromium_path, run_chromium
from pilotage.settings import PROJECT_ROOT
from test_packs_language import ENGLISH, PERIODS, PLACEHOLDER, SNAKE, visible, with_real_catalogue

pytestmark = pytest.mark.integration
TITLES = {"fr": ("Synthèse", "Graphiques"), "en": ("Executive summary", "Charts")}


@pytest.fixture(scope="module")
def tools() -> None:
    try:
        chromium_path()
        have = subprocess.run(["which", "pdftoppm"], capture_output=True).returncode == 0
    except ChromiumMissing:
        have = False
    if not have:
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure_chromium.sh")], check=True, timeout=900)
    try:
        chromium_path()
    except ChromiumMissing:
        pytest.skip("Chromium missing (run scripts/ensure_chromium.sh as root)")


@pytest.fixture(scope="module")
def printed(tools, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("pdf")
    path = build_fixture_warehouse(folder / "fixture.duckdb")
    with_real_catalogue(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        packs = {k: build_pack(con, k, p, "PRV_A") for k, p in PERIODS.items()}
    finally:
        con.close()
    return {k: write_pack(pack, folder / "packs", ("html", "pdf"), ("fr", "en")) for k, pack in packs.items()}


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def png_pages(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("committee", list(PERIODS))
def test_pdf_pages_cover_executive_page_numbers(committee, lang, printed, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pdf = next(p for p in printed[committee] if p.name.endswith(f"_{lang}.pdf"))
    pages = pdf_pages(pdf)
    images = png_pages(pdf, tmp_path)
    assert len(images) == len(pages) >= 4
    for image in images:  # A4 landscape: wider than high, about 297 / 210
        height, width = plt.imread(image).shape[:2]
        assert 1.38 < width / height < 1.45
    assert "Acme Contact" in pages[0] and PERIODS[committee] in pages[0]   # the cover on page 1
    executive, charts = TITLES[lang]
    assert executive in pages[1] and executive not in pages[0]
    # the executive page fits one page: the charts section, which starts on a new page, is on page 3
    assert charts in pages[2] and charts not in pages[1]
    for n, page in enumerate(pages, start=1):
        assert re.search(rf"\b{n} / {len(pages)}\b", page), n               # page numbers
    if lang == "fr":
        # the cover quotes the pipeline's own messages (file names, reasons): checked in the DOM
        body = "\n".join(pages[1:])
        assert sorted(set(SNAKE.findall(body))) == []
        assert [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", body)] == []
        assert re.search(r"\d,\d\s?%", body) and not re.search(r"\b\d+\.\d\s?%", body)
    assert not PLACEHOLDER.search("\n".join(pages))


@pytest.mark.parametrize("committee", list(PERIODS))
def test_french_dom_and_chart_text_in_chromium(committee, printed):
    html = next(p for p in printed[committee] if p.name.endswith("_fr.html"))
    dom = run_chromium("--dump-dom", html.resolve().as_uri()).stdout
    text = visible(dom)
    assert sorted(set(SNAKE.findall(text))) == []
    assert [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)] == []
    assert not PLACEHOLDER.search(text)
    # the charts' SVG text (axis ticks, legends)
    ticks = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", dom)]
    assert ticks, "charts carry no SVG text"
    numbers = [t for t in ticks if re.search(r"\d", t) and not re.match(r"^\d{4}", t)]
    assert numbers and not [t for t in numbers if re.search(r"\d\.\d", t)], numbers
    percents = [t for t in numbers if t.endswith("%")]
    assert not [t for t in percents if not t.endswith("\u00a0%")], percents     # "83 %", not "83%"
    if committee in ("steering", "quality", "strategic"):
        # decimal comma: in the chart ticks when the axis range needs decimals, else in the tables
        # (the fixture's quality axes span whole percents; "." decimals are refused above)
        assert [t for t in numbers if re.search(r"\d,\d", t)] or re.search(r"\d,\d\u00a0%", text), numbers
