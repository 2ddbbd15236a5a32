"""``pilotage mapping check``: the ingestion pipeline run on one file, loading nothing.

The file is read through its layout (drop rules included), validated with the entity's suite,
the layout's key rule and the center's rule severities (setting ``rules_file``), exactly as the
daily DAG would, and its contact KPIs are computed, so a data engineer sees the numbers of a new
mapping before the warehouse does.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd
from pilotage.ingest.layout_lookup import layout_of, vendor_layout_path, vendor_layouts
from pilotage.ingest.layout_parser import read_layout_file
from pilotage.ingest.layout_spec import Layout, LayoutError
from pilotage.settings import Settings


def resolve_layout(name: str, settings: Settings) -> Layout:
    """A layout by vendor name (the user's layouts folder first), entity key (the layout the
    pipeline uses for it) or YAML path."""
    from pilotage.ingest.contracts import ENTITIES

    if name.endswith((".yml", ".yaml")) or "/" in name:
        return read_layout_file(Path(name))
    if name in {e.key for e in ENTITIES}:
        return layout_of(name, settings)
    known = vendor_layouts(settings.layouts_dir)
    if name in known:
        return read_layout_file(vendor_layout_path(name, settings.layouts_dir))
    raise LayoutError(f"no layout {name!r}: give a vendor layout ({', '.join(sorted(known))}), "
                      "an entity key or a path to a YAML file")


def check_file(layout: Layout, path: Path, day: date, settings: Settings, show: int, out: TextIO) -> int:
    """Print what the pipeline would do with ``path``; 0 if it would load every row, 1 if a
    row or the file would be kept out. Raises LayoutError when the file cannot be read."""
    from pilotage.ingest.reader import Delivered, map_file
    from pilotage.ingest.rules import read_rules
    from pilotage.ingest.validation import validate

    delivered = Delivered(path, day, hashlib.sha256(path.read_bytes()).hexdigest(), path.name)
    mapped = map_file(layout, delivered, raw=True)
    rows, dropped = mapped.rows, mapped.dropped
    bad = rows[rows["_errors"].notna()]
    columns = list(layout.entity.columns)
    print(f"layout {layout.path} -> {layout.entity.key} ({layout.format})", file=out)
    print(f"{path}: {len(rows) + len(dropped)} record(s): {len(rows) - len(bad)} mapped, "
          f"{len(bad)} with unparseable values, {len(dropped)} dropped by rule", file=out)
    for rule, count in mapped.drop_counts.items():
        print(f"  dropped by rule {rule!r}: {count}", file=out)
    if layout.split_by and len(rows):
        from pilotage.ingest.multiday import local_days

        days = local_days(rows[layout.split_by], layout.entity.columns[layout.split_by], settings.time_zone)
        per_day = ", ".join(f"{d} ({n})" for d, n in days.value_counts(dropna=False).sort_index().items())
        print(f"  rows per business day ({layout.split_by}, {settings.time_zone}): {per_day}", file=out)
        rows = rows.assign(_business_date=days)  # each row on its own day, as the pipeline splits it
    if len(rows) and show > 0:
        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
            print(f"\nFirst {min(show, len(rows))} mapped row(s):", file=out)
            print(rows[["_row_number", *columns]].head(show).to_string(index=False), file=out)
    if len(bad) or len(dropped):
        print("\nRejected rows:", file=out)
    for _, row in bad.iterrows():
        reasons = [f"{c} = {row.get('_raw__' + c)!r} does not parse as {layout.entity.columns[c]}"
                   for c in str(row["_errors"]).split(",")]
        print(f"  record {row['_row_number']}: " + "; ".join(reasons), file=out)
    for _, row in dropped.iterrows():
        print(f"  record {row['_row_number']}: dropped by rule {row['_dropped_by']!r}", file=out)

    canonical = rows[[c for c in rows.columns if not c.startswith("_raw__")]]
    verdict = validate(layout.entity.key, [delivered], [0], canonical, settings.expectations_dir,
                       settings.center_dir, settings.time_zone, layout=layout,
                       rules=read_rules(settings.rules_file))[0]
    source = f"rules file {settings.rules_file}" if settings.rules_file else "the suite's default severities"
    print(f"\nValidation ({source}):", file=out)
    for text in verdict.blocking:
        print(f"  BLOCKING {text}", file=out)
    for text in verdict.warnings:
        print(f"  warning  {text}", file=out)
    if verdict.accepted:
        kept = len(rows) - len(verdict.rejected)
        print(f"  the file would load: {kept} row(s), {len(verdict.rejected)} rejected, "
              f"{len(dropped)} dropped by layout rule", file=out)
    else:
        print("  the file would be QUARANTINED (nothing of it loaded)", file=out)
    if layout.entity.key == "acd__contacts" and len(rows):
        from pilotage.ingest.preview import DEFINITIONS, contact_kpis, format_kpis

        kept_rows = canonical[~canonical["_row_number"].isin(list(verdict.rejected))]
        order_by = layout.versions.order_by if layout.versions else None
        kpis = contact_kpis(kept_rows, settings.center_dir, order_by)
        print(f"\nKPIs of this file: {format_kpis(kpis)}", file=out)
        print(f"  ({DEFINITIONS})", file=out)
    return 0 if verdict.accepted and not len(bad) and not verdict.rejected else 1
