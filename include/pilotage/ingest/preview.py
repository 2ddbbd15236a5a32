"""The headline contact KPIs of one mapped file, so a mapping can be judged before loading.

Computed from canonical ``acd__contacts`` rows with the same reading as the warehouse: a contact
is offered when it was queued; answered when ``outcome`` says so, else when it reached an agent;
abandoned when ``outcome`` says so, else when it was queued and never reached an agent. Versions
of one contact (layouts declaring ``versions``) count once, the latest.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

DEFINITIONS = (
    "offered = queued contacts; SL = answered within the queue's threshold / (answered + abandoned); "
    "ASA = queue seconds of answered / answered; AHT = (talk + hold + acw) / answered"
)


def _thresholds(seeds_dir: Path) -> dict[str, float]:
    path = seeds_dir / "queues.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["queue_name"]: float(row["sl_threshold_seconds"]) for row in csv.DictReader(handle)}


def contact_kpis(rows: pd.DataFrame, seeds_dir: Path, order_by: str | None = None) -> dict[str, float | int | None]:
    """Offered, answered, abandoned, SL, ASA (s), AHT (s) of a file's contact rows."""
    if order_by and len(rows):
        rows = rows.sort_values([order_by, "_row_number"]).drop_duplicates("contact_id", keep="last")
    outcome = rows["outcome"] if "outcome" in rows else pd.Series(None, index=rows.index, dtype="object")
    queued = rows["enqueued_at"].notna() | outcome.notna()
    reached = rows["connected_to_agent_at"].notna()
    answered = queued & outcome.eq("answered").where(outcome.notna(), reached)
    abandoned = queued & outcome.eq("abandoned").where(outcome.notna(), ~reached)
    wait = pd.to_numeric(rows["queue_seconds"], errors="coerce")
    threshold = rows["queue_name"].map(_thresholds(seeds_dir))
    within = answered & (wait <= threshold).fillna(False)
    handle = sum(pd.to_numeric(rows[c], errors="coerce").fillna(0) for c in
                 ("talk_seconds", "hold_seconds", "acw_seconds"))
    n_answered, n_abandoned = int(answered.sum()), int(abandoned.sum())
    return {
        "offered": int(queued.sum()),
        "answered": n_answered,
        "abandoned": n_abandoned,
        "service_level": within.sum() / (n_answered + n_abandoned) if n_answered + n_abandoned else None,
        "asa_seconds": float(wait[answered].fillna(0).sum() / n_answered) if n_answered else None,
        "aht_seconds": float(handle[answered].sum() / n_answered) if n_answered else None,
    }


def format_kpis(kpis: dict[str, float | int | None]) -> str:
    def show(key: str, fmt: str) -> str:
        value = kpis[key]
        return "n/a" if value is None else format(value, fmt)

    return (f"offered {kpis['offered']}, answered {kpis['answered']}, abandoned {kpis['abandoned']}, "
            f"SL {show('service_level', '.1%')}, ASA {show('asa_seconds', '.1f')} s, "
            f"AHT {show('aht_seconds', '.1f')} s")
