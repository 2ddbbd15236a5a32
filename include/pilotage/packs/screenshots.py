"""README screenshots of the executive page, French and English (``make screenshots``).

Reads the demo warehouse (``PILOTAGE_WAREHOUSE``, default ``data/warehouse/pilotage.duckdb``:
run ``make demo`` first), builds the steering pack of the first provider for the latest complete
month, renders the executive page alone and has headless Chromium take an A4-landscape-sized
screenshot (1123 × 794 px, 96 dpi) of it."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pilotage.packs.deliver import PackRequest, latest_period, read_packs, warehouse_facts
from pilotage.packs.html import render_html
from pilotage.packs.pdf import run_chromium
from pilotage.settings import Settings

WINDOW = "--window-size=1123,794"


def screenshot(html: str, path: Path) -> Path:
    """A PNG of ``html`` as Chromium shows it in an A4-landscape-sized window."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pilotage-shot-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(html, encoding="utf-8")
        run_chromium(f"--screenshot={path.resolve()}", WINDOW, "--force-device-scale-factor=1",
                     page.as_uri())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"), help="folder of the PNGs")
    parser.add_argument("--committee", default="steering")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if not settings.warehouse_path.exists():
        print(f"error: no warehouse at {settings.warehouse_path}: run `make demo` first", file=sys.stderr)
        return 2
    through, providers = warehouse_facts(settings)
    if through is None or not providers:
        print("error: the warehouse has no loaded day", file=sys.stderr)
        return 2
    (pack,) = read_packs(settings, [PackRequest(args.committee, latest_period(args.committee, through).label,
                                                providers[0])])
    for lang in ("fr", "en"):
        path = screenshot(render_html(pack, lang, only_executive=True),
                          args.out / f"executive_{args.committee}_{lang}.png")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
