"""The definitions a pack's numbers were computed with: the marts' ``definition_variant`` of
the pack's KPIs, else ``mart_definitions_in_use`` (the dbt vars of the build that made them)."""

from __future__ import annotations

from pilotage.packs.periods import Period
from pilotage.packs.warehouse import Warehouse

DEFINITIONS_MART = "marts.mart_definitions_in_use"
SL_VARIANT_DEFAULT = "genesys_excl_short"
ABANDON_VARIANT_DEFAULT = "over_offered"


def in_use(wh: Warehouse, key: str, default: str) -> str:
    """Value of the definition var ``key`` in the marts' build, else ``default``."""
    if not wh.exists(DEFINITIONS_MART):
        return default
    found = wh.query(f"select value_in_use from {DEFINITIONS_MART} where definition_key = ?", [key])
    return found[0][0] if found and found[0][0] else default


def definition_variants(wh: Warehouse, mart: str, period: Period, provider_id: str) -> list[tuple[str, str]]:
    """(kpi_id, definition_variant) of every KPI of the pack that has one, sorted."""
    cols = wh.columns(mart)
    if "definition_variant" not in cols or "kpi_id" not in cols:
        return []
    pred, params = wh.period_predicate(mart, period)
    return wh.query(f"select distinct kpi_id, definition_variant from {mart} where provider_id = ? "
                    f"and {pred} and definition_variant is not null order by 1, 2",
                    [provider_id, *params])


def service_level_variant(wh: Warehouse, marts: list[str], period: Period, provider_id: str,
                          default: str) -> str:
    """The service-level definition used by the marts for this pack (their
    ``definition_variant`` on service-level rows), else ``default``."""
    for mart in marts:
        cols = wh.columns(mart)
        for col in ("definition_variant", "service_level_variant"):
            if col in cols and "kpi_id" in cols:
                try:
                    pred, params = wh.period_predicate(mart, period)
                except LookupError:
                    continue
                found = wh.query(f'select distinct "{col}" from {mart} where provider_id = ? and {pred} '
                                 f"and kpi_id like 'service_level%' and \"{col}\" is not null order by 1",
                                 [provider_id, *params])
                if found:
                    return ", ".join(v for (v,) in found)
            elif col in cols:
                found = wh.query(f'select distinct "{col}" from {mart} where "{col}" is not null order by 1',
                                 [])
                if found:
                    return ", ".join(v for (v,) in found)
    return default


def definitions_used(wh: Warehouse, marts: list[str], period: Period, provider_id: str) -> list[tuple[str, str]]:
    """The cover's definitions: service level and abandon rate variants, every other KPI's
    variant in the committee mart (``marts[0]``), and the rules for rates and RAG statuses."""
    variant = service_level_variant(wh, marts, period, provider_id,
                                    in_use(wh, "service_level_variant", SL_VARIANT_DEFAULT))
    return [("service_level_variant", variant),
            ("abandon_rate_variant", in_use(wh, "abandon_rate_variant", ABANDON_VARIANT_DEFAULT)),
            *[(f"definition:{kpi}", v) for kpi, v in definition_variants(wh, marts[0], period, provider_id)
              if kpi not in ("service_level", "abandon_rate")],
            ("rates_rule", "rates_rule_text"), ("rag_rule", "rag_rule_text")]
