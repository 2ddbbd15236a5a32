"""Provider-level KPI series for the packs' trend tables, read from a long committee mart.

Per KPI, the coarsest rows the mart has: when a KPI has rows whose scope column is 'ALL' (or
null), only those are kept (a total row, never summed with its parts); otherwise the column's
values are pooled. One row left: its actual, target and RAG. Several: sum(numerator) /
sum(denominator) — rates are recombined from components, never averaged — or the sum for a
plain count."""

from __future__ import annotations

from pilotage.packs.columns import SCOPE_ORDER
from pilotage.packs.model import Column, Table
from pilotage.packs.periods import Period
from pilotage.packs.privacy import PERSON_COLUMNS
from pilotage.packs.tables import TOTAL
from pilotage.packs.warehouse import Warehouse


def level_sql(mart: str, cols: dict[str, str], pred: str, kpis: tuple[str, ...]) -> str:
    """SQL of the provider's (``provider_id = ?``) value of each of ``kpis`` in ``mart``."""
    scope = [c for c in SCOPE_ORDER if c in cols and c != "breakdown_value"]
    flags = ", ".join(f"max(case when \"{c}\" is null or \"{c}\" = '{TOTAL}' then 1 else 0 end) as has_{c}"
                      for c in scope) or "1 as has_none"
    keep = " and ".join(f"(levels.has_{c} = 0 or base.\"{c}\" is null or base.\"{c}\" = '{TOTAL}')"
                        for c in scope) or "true"
    breakdown = ("and (breakdown_type is null or breakdown_type = 'total')"
                 if "breakdown_type" in cols else "")
    hidden = "".join(f' and "{c}" is null' for c in PERSON_COLUMNS if c in cols)
    marks = ", ".join("?" for _ in kpis)
    rag = "rag_status" if "rag_status" in cols else "null"
    target = "target_value" if "target_value" in cols else "null"
    num = "numerator" if "numerator" in cols else "null"
    den = "denominator" if "denominator" in cols else "null"
    return f"""
        with base as (
            select * from {mart}
            where {pred} and provider_id = ? and kpi_id in ({marks}) {breakdown} {hidden}
        ),
        levels as (select kpi_id, {flags} from base group by kpi_id),
        kept as (select base.* from base join levels on base.kpi_id = levels.kpi_id where {keep})
        select kpi_id,
               case when count(*) = 1 then max(actual)
                    when count({den}) = count(*) and sum({den}) <> 0 then sum({num}) / sum({den})
                    when count({den}) = 0 then sum(actual) end as actual,
               case when count(*) = 1 then max({target})
                    when min({target}) = max({target}) then min({target}) end as target_value,
               case when count(*) = 1 then max({rag}) end as rag_status
        from kept group by kpi_id order by kpi_id"""


def kpi_history(wh: Warehouse, key: str, mart: str, periods: list[Period], provider_id: str,
                kpis: tuple[str, ...]) -> Table:
    """Provider-level series of ``kpis`` over ``periods`` (oldest first) from a KPI mart."""
    columns = [Column("period", "text"), Column("kpi_id", "kpi"), Column("unit", "text"),
               Column("actual", "value"), Column("target_value", "value"), Column("rag_status", "rag")]
    if not wh.exists(mart):
        return Table(key, columns, [], note="note_mart_missing")
    cols = wh.columns(mart)
    rows = []
    for period in periods:
        pred, params = wh.period_predicate(mart, period)
        found = wh.query(level_sql(mart, cols, pred, kpis), [*params, provider_id, *kpis])
        rows += [(period.label, k, wh.unit_of(k), a, t, r) for k, a, t, r in found]
    rows.sort(key=lambda r: (kpis.index(r[1]), r[0]))
    return Table(key, columns, rows)
