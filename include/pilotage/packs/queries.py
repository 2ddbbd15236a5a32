"""The query layer of the packs, in one namespace: every number a pack shows is a select from
a mart (the ``marts`` schema only; ``tests/test_packs_reads_marts_only.py`` checks it).

* :mod:`~pilotage.packs.warehouse` - the read-only warehouse view (catalogue, providers, KPIs,
  period predicates)
* :mod:`~pilotage.packs.columns` / :mod:`~pilotage.packs.privacy` - display kinds; the columns
  a pack may select (no customer data; agent columns for supervisors only)
* :mod:`~pilotage.packs.tables` - the pack's tables, each filtered on ``provider_id = ?`` in SQL
  (the anonymous benchmark has no provider column)
* :mod:`~pilotage.packs.levels` - provider-level trend series from long KPI marts
* :mod:`~pilotage.packs.freshness` / :mod:`~pilotage.packs.definitions` - the cover's load
  status and definitions used"""

from __future__ import annotations

from pilotage.packs.columns import guess_unit, kind_of
from pilotage.packs.definitions import SL_VARIANT_DEFAULT, definitions_used
from pilotage.packs.freshness import complete_days, feed_rows, issue_rows, last_processed_day, load_lines, sources
from pilotage.packs.levels import kpi_history
from pilotage.packs.privacy import FORBIDDEN_COLUMN, PERSON_COLUMNS
from pilotage.packs.tables import (
                                   MIN_BENCHMARK_PEERS,
                                   action_plan,
                                   agents,
                                   benchmark,
                                   bonus_malus,
                                   detail_table,
                                   intervals,
                                   kpi_table,
                                   production_daily,
                                   volume_forecast,
                                   with_units,
)
from pilotage.packs.warehouse import Kpi, Warehouse

__all__ = ["FORBIDDEN_COLUMN", "MIN_BENCHMARK_PEERS", "PERSON_COLUMNS", "SL_VARIANT_DEFAULT", "Kpi",
           "Warehouse", "action_plan", "agents", "benchmark", "bonus_malus", "complete_days",
           "definitions_used", "detail_table", "feed_rows", "guess_unit", "intervals", "issue_rows",
           "kind_of", "kpi_history", "kpi_table", "last_processed_day", "load_lines",
           "production_daily", "sources", "volume_forecast", "with_units"]
