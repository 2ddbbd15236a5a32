"""PDF renderer: the HTML report printed by headless Chromium (Debian's package, installed by
``scripts/ensure_chromium.sh``).

The page layout is the HTML's print CSS: A4 landscape, the cover on page 1, the executive page on
page 2, every section on a new page, page numbers in the bottom margin (CSS page-margin boxes,
so Chromium's own header and footer are turned off). Chromium runs with a fresh profile, no
network service, and is given the file by path: nothing leaves the machine."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pilotage.packs.html import write_html
from pilotage.packs.model import Pack
from pilotage.settings import chromium_override

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--hide-scrollbars", "--no-pdf-header-footer")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumMissing(RuntimeError):
    """No Chromium to print the PDF with."""


def chromium_path() -> str:
    """``PILOTAGE_CHROMIUM`` (read by settings), else the first Chromium on the PATH."""
    configured = chromium_override()
    if configured and Path(configured).exists():
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing("PDF packs are printed by Chromium, which is not installed: run "
                          "scripts/ensure_chromium.sh (Debian: apt-get install chromium) or set "
                          "PILOTAGE_CHROMIUM")


def run_chromium(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run headless Chromium with a throw-away profile."""
    profile = tempfile.mkdtemp(prefix="pilotage-chromium-")
    try:
        return subprocess.run([chromium_path(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` (replaced atomically)."""
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf_path.with_suffix(".pdf.part")
    run_chromium(f"--print-to-pdf={partial}", html_path.resolve().as_uri())
    if not partial.exists() or partial.read_bytes()[:5] != b"%PDF-":
        raise RuntimeError(f"Chromium wrote no PDF for {html_path}")
    partial.replace(pdf_path)
    return pdf_path


def write_pdf(pack: Pack, path: Path, lang: str) -> Path:
    """Render the pack's HTML report in ``lang`` and print it to ``path``."""
    with tempfile.TemporaryDirectory(prefix="pilotage-pdf-") as folder:
        html = write_html(pack, Path(folder) / f"{pack.stem}_{lang}.html", lang)
        return print_pdf(html, path)
