"""A read-only view of the warehouse for one pack pull: the marts' columns (from DuckDB's
catalogue, cached), plain Python values, providers, the KPI dimension, period predicates.

Packs read the ``marts`` schema only (``tests/test_packs_reads_marts_only.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from pilotage.packs.columns import guess_unit
from pilotage.packs.periods import Period
from pilotage.packs.privacy import selectable

PROVIDER_DIM = "marts.dim_provider"
KPI_DIM = "marts.dim_kpi"
PERIOD_COLUMNS = {
    "week": ("week_start", "week_start_date", "iso_week", "week", "period_start", "period_label"),
    "month": ("month_start", "month_start_date", "month", "period_start", "period_label"),
    "quarter": ("quarter_start", "quarter", "period_start", "period_label"),
    "half_year": ("half_year_start", "half_year", "period_start", "period_label"),
}
GRAIN_COLUMNS = ("period_grain", "grain", "period_type")


def plain(value: Any) -> Any:
    """DuckDB values as the few types the renderers know: None, bool, int, float, str, date,
    datetime (Decimal -> float, interval -> seconds, time of day and anything else -> text)."""
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


@dataclass
class Kpi:
    kpi_id: str
    unit: str
    label_en: str | None
    label_fr: str | None


class Warehouse:
    """A read-only view of the warehouse for one pack pull (columns cached per table)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._columns: dict[str, dict[str, str]] = {}
        self._catalogue: dict[str, Kpi] | None = None

    def columns(self, table: str) -> dict[str, str]:
        """``{column: SQL type}`` of ``schema.table`` in table order; empty when it does not exist."""
        if table not in self._columns:
            schema, name = table.split(".")
            rows = self.con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall()
            self._columns[table] = dict(rows)
        return self._columns[table]

    def exists(self, table: str) -> bool:
        return bool(self.columns(table))

    def first_existing(self, tables: tuple[str, ...]) -> str:
        """The first of ``tables`` present in the warehouse (else the first one)."""
        return next((t for t in tables if self.exists(t)), tables[0])

    def query(self, sql: str, params: list[Any]) -> list[tuple]:
        return [tuple(plain(v) for v in row) for row in self.con.execute(sql, params).fetchall()]

    def selectable(self, table: str, person_level: bool) -> dict[str, str]:
        """Columns of ``table`` a pack may show (see :mod:`pilotage.packs.privacy`)."""
        return selectable(self.columns(table), person_level)

    # -- KPIs and providers -----------------------------------------------------------------------
    def kpi_catalogue(self) -> dict[str, Kpi]:
        """``{kpi_id: Kpi}`` from the KPI dimension (empty without it)."""
        if self._catalogue is None:
            self._catalogue = {}
            cols = self.columns(KPI_DIM)
            if cols:
                unit = "unit" if "unit" in cols else "null"
                en = "label_en" if "label_en" in cols else "null"
                fr = "label_fr" if "label_fr" in cols else "null"
                for kpi_id, u, le, lf in self.query(
                        f"select kpi_id, {unit}, {en}, {fr} from {KPI_DIM} order by kpi_id", []):
                    self._catalogue[kpi_id] = Kpi(kpi_id, u or guess_unit(kpi_id), le, lf)
        return self._catalogue

    def unit_of(self, kpi_id: str) -> str:
        kpi = self.kpi_catalogue().get(kpi_id)
        return kpi.unit if kpi else guess_unit(kpi_id)

    def providers(self) -> dict[str, str]:
        """``{provider_id: provider_name}`` from the provider dimension (or the daily mart)."""
        if self.exists(PROVIDER_DIM):
            return dict(self.query(f"select provider_id, provider_name from {PROVIDER_DIM} "
                                   "order by provider_id", []))
        return {p: p for (p,) in self.query("select distinct provider_id from marts.mart_production_daily "
                                            "order by 1", [])}

    # -- periods ------------------------------------------------------------------------------------
    def period_predicate(self, table: str, period: Period) -> tuple[str, list[Any]]:
        """SQL predicate selecting ``period`` in a mart (date column = first day, or label)."""
        cols = self.columns(table)
        clauses, params = [], []
        for grain_col in GRAIN_COLUMNS:
            if grain_col in cols:
                clauses.append(f'"{grain_col}" = ?')
                params.append(period.grain)
                break
        for name in PERIOD_COLUMNS[period.grain]:
            if name in cols:
                if cols[name].upper() == "DATE":
                    clauses.append(f'"{name}" = ?::date')
                    params.append(period.first)
                else:
                    clauses.append(f'cast("{name}" as varchar) = ?')
                    params.append(period.label)
                return " and ".join(clauses), params
        if "business_date" in cols:
            clauses.append("business_date between ?::date and ?::date")
            return " and ".join(clauses), [*params, period.first, period.last]
        raise LookupError(f"{table} has no column telling the {period.grain} "
                          f"(looked for {PERIOD_COLUMNS[period.grain]})")
