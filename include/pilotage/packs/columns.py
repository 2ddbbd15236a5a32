"""How a pack shows a warehouse column: its display kind, the order of columns, a KPI's unit.

Pure functions of column names and SQL types (no warehouse access)."""

from __future__ import annotations

SCOPE_ORDER = ("site_id", "team_id", "queue_name", "channel", "evaluator_id",
               "calibration_session_id", "session_id", "agent_id", "breakdown_type", "breakdown_value")
# redundant with the catalogue's labels in the pack's language: not copied into packs
DROPPED_COLUMNS = ("kpi_label_fr", "kpi_label_en")
KPI_ORDER = ("kpi_id", "unit", "actual", "target_value", "gap", "rag_status", "tolerance", "priority",
             "previous_period_actual", "trend_vs_previous", "same_period_last_year_actual",
             "numerator", "denominator", "definition_variant", "service_level_variant")
VALUE_COLUMNS = {"actual", "target_value", "tolerance", "gap", "previous_period_actual",
                 "same_period_last_year_actual", "benchmark_mean", "benchmark_median",
                 "drift_vs_previous", "rolling_3m_actual", "previous_rolling_3m_actual", "kpi_actual",
                 "kpi_target_value", "band_min", "band_max"}
INTEGER_TYPES = ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER")


def kind_of(name: str, sql_type: str) -> str:
    """Display kind of a column from its name and SQL type."""
    t = sql_type.upper()
    if name == "kpi_id":
        return "kpi"
    if name in VALUE_COLUMNS:
        return "value"
    if name in ("rag_status", "kpi_rag_status") or name.endswith("_rag"):
        return "rag"
    if name.startswith("trend"):
        return "trend"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    if t == "BOOLEAN":
        return "bool"
    if t in ("VARCHAR", "TEXT") or t.startswith("VARCHAR"):
        return "text"
    if name.endswith("_seconds") or name.endswith("_sec"):
        return "seconds"
    if (name.endswith(("_rate", "_share", "_ratio", "_coverage")) or name in ("service_level", "sl_target",
                                                                              "occupancy", "adherence")):
        return "ratio"
    if name.endswith(("_eur", "_cost", "cost_per_contact")):
        return "currency"
    if t in INTEGER_TYPES:
        return "int"
    return "num"


def guess_unit(kpi_id: str) -> str:
    """Unit of a KPI missing from the catalogue, from its name."""
    if kpi_id.endswith("_seconds") or kpi_id in ("aht", "asa", "att"):
        return "seconds"
    if kpi_id.endswith(("_rate", "_share", "_ratio", "_coverage")) or kpi_id in (
            "service_level", "occupancy", "adherence", "fcr", "csat", "shrinkage", "absenteeism"):
        return "ratio"
    if kpi_id.startswith(("cost", "bonus", "malus", "price", "revenue")):
        return "currency"
    if kpi_id.endswith(("_score", "_points")) or "deviation" in kpi_id:
        return "points"
    return "count"


def ordered(names: list[str], first: tuple[str, ...]) -> list[str]:
    """``names`` with those listed in ``first`` moved ahead, in ``first``'s order."""
    head = [n for n in first if n in names]
    return head + [n for n in names if n not in head]


def quoted(names: list[str]) -> str:
    """A select list of quoted column names."""
    return ", ".join(f'"{n}"' for n in names)
