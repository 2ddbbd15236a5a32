"""``make bench``: performance figures for the pipeline's stages, printed, never asserted.

Measures, in one process on the same machine (compare ratios, not absolute seconds):
generation, parsing + validation and loading of one day at several volumes, and ``dbt build``.
Usage: ``python -m pilotage.bench [--volumes 1200 10000 100000] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

DAY = date(2026, 10, 6)  # a Tuesday


def _timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    return result, elapsed


def run(volumes: list[int], workdir: Path) -> list[dict]:
    from pilotage.generator import generate
    from pilotage.ingest import pipeline
    from pilotage.ingest.validation import _gx
    from pilotage.settings import Settings
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    _, gx_import = _timed("gx import", _gx)
    print(f"great_expectations import + context: {gx_import:6.2f} s (once per process)")
    rows = []
    for volume in volumes:
        settings = Settings.build({"PILOTAGE_DATA_DIR": str(workdir / f"v{volume}")})
        window = Window(first=DAY, last=DAY, time_zone=settings.time_zone)
        _, t_gen = _timed("generate", generate, settings.landing_dir, DAY, DAY, seed=1,
                          contacts_per_day=volume)
        t_land = t_val = t_load = 0.0
        loaded_rows = 0
        for source in ("acd", "crm", "wfm", "qa"):
            manifest, t = _timed("land", pipeline.land, source, window, settings)
            t_land += t
            decisions, t = _timed("validate", pipeline.validate, source, manifest, settings)
            t_val += t
            summary, t = _timed("load", pipeline.load, source, decisions, settings)
            t_load += t
            loaded_rows += summary["rows"]
        _, t_dbt = _timed("dbt", dbt_build, settings, window)
        row = {"contacts/day": volume, "raw rows": loaded_rows, "generate s": t_gen, "land s": t_land,
               "parse+validate s": t_val, "load s": t_load, "dbt build s": t_dbt}
        rows.append(row)
        print("  ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
              flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pilotage.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volumes", type=int, nargs="+", default=[1200, 10000, 100000],
                        help="contacts per day to benchmark (default: 1200 10000 100000)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="pilotage-bench-"))
    try:
        rows = run(args.volumes, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    base = rows[0]
    print("\nScaling vs the smallest volume (same run, same machine):")
    for row in rows:
        factor = row["contacts/day"] / base["contacts/day"]
        ingest = row["parse+validate s"] + row["load s"]
        base_ingest = base["parse+validate s"] + base["load s"]
        print(f"  x{factor:7.1f} contacts -> ingest x{ingest / base_ingest:5.1f}, "
              f"generate x{row['generate s'] / base['generate s']:5.1f}, "
              f"dbt x{row['dbt build s'] / base['dbt build s']:5.1f}; "
              f"ingest throughput {row['raw rows'] / ingest:,.0f} raw rows/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
