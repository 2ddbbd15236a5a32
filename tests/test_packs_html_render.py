"""The HTML report renders in a real headless Chromium (installed from the Debian packages by
``scripts/ensure_chromium.sh`` when missing): screenshot, DOM and PDF print."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest
from packs_fixture import build_fixture_warehouse
from pilotage.packs.build import build_pack
from pilotage.packs.deliver import write_pack
from pilotage.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
CHROMIUM = os.environ.get("PILOTAGE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure_chromium.sh")], check=True,
                       timeout=900)
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing and could not be installed")
        pytest.skip(f"{CHROMIUM} missing (run scripts/ensure_chromium.sh as root)")
    return CHROMIUM


def run_chromium(chromium: str, *args: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="pilotage-chromium-")
    try:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    con = duckdb.connect(str(build_fixture_warehouse(folder / "fixture.duckdb")), read_only=True)
    try:
        pack = build_pack(con, "production", "2026-W44", "PRV_A")
    finally:
        con.close()
    (html,) = [p for p in write_pack(pack, folder / "packs", ("html",), ("fr",))]
    return html


def test_report_renders_to_a_screenshot(chromium, report, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shot = tmp_path / "production_report.png"
    run_chromium(chromium, f"--screenshot={shot}", "--window-size=1280,1800", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = plt.imread(shot)
    assert pixels.shape[:2] == (1800, 1280)
    assert pixels[..., :3].std() > 0.05  # not a blank page
    print(f"screenshot: {shot}")


def test_report_dom_has_cover_charts_and_tables(chromium, report):
    dom = run_chromium(chromium, "--dump-dom", report.as_uri()).stdout
    assert "Comité de production — Acme Contact — 2026-W44" in dom
    assert "Données arrêtées au" in dom
    assert dom.count("<svg") == 4
    assert 'id="scorecard"' in dom and 'id="daily"' in dom


def test_report_prints_to_pdf(chromium, report, tmp_path):
    pdf = tmp_path / "production_report.pdf"
    run_chromium(chromium, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 5  # cover, charts, then one section per table, each on its own page
