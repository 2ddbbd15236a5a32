"""The cover's data freshness, read from ``mart_pipeline_load_status`` (feed × business day) of
the published marts, never from raw: what was loaded, missing, quarantined, held back as suspect
or not delivered in the period, the delivery gates' warnings (volume, time-zone offsets) on
loaded days, the complete days, the as-of day; and the KPIs this center cannot publish
(``dim_kpi.unavailable_reason``)."""

from __future__ import annotations

from datetime import date

from pilotage.packs.periods import Period
from pilotage.packs.warehouse import Warehouse

LOAD_STATUS_MART = "marts.mart_pipeline_load_status"
KPI_DIM = "marts.dim_kpi"
IN_PERIOD = "business_date between ?::date and ?::date"
# a loaded day whose message carries a delivery gate's warning (pilotage.ingest.gates)
GATE_WARNING = "regexp_matches(coalesce(message, ''), '(^|; )(volume|offsets): ')"


def load_lines(wh: Warehouse, period: Period) -> list[tuple]:
    """The period's lines: (feed, business_date, status, source_file, loaded_sha256, row_count,
    message), sorted by feed and day."""
    if not wh.exists(LOAD_STATUS_MART):
        return []
    return wh.query(
        "select feed_id, business_date, load_status, source_file, loaded_sha256, row_count, message "
        f"from {LOAD_STATUS_MART} where {IN_PERIOD} order by feed_id, business_date",
        [period.first, period.last])


def feed_rows(wh: Warehouse, period: Period) -> list[tuple]:
    """Per feed the pipeline knows: (feed, source system, days loaded, missing, quarantined,
    suspect, not processed, first and last day loaded, not delivered by the center) within the
    period."""
    if not wh.exists(LOAD_STATUS_MART):
        return []
    return wh.query(
        f"""with feeds as (select distinct feed_id, source_system from {LOAD_STATUS_MART}),
                 lines as (select * from {LOAD_STATUS_MART} where {IN_PERIOD})
            select feeds.feed_id, feeds.source_system,
                   count(case when load_status = 'loaded' then 1 end),
                   count(case when load_status = 'missing' then 1 end),
                   count(case when load_status = 'quarantined' then 1 end),
                   count(case when load_status = 'suspect' then 1 end),
                   ? - count(lines.business_date),
                   min(case when load_status = 'loaded' then lines.business_date end),
                   max(case when load_status = 'loaded' then lines.business_date end),
                   count(case when load_status = 'not_delivered' then 1 end)
            from feeds left join lines on lines.feed_id = feeds.feed_id
            group by feeds.feed_id, feeds.source_system order by feeds.feed_id""",
        [period.first, period.last, len(period.days)])


def issue_rows(wh: Warehouse, period: Period) -> list[tuple]:
    """Every missing, quarantined or suspect feed-day of the period, and every loaded one with a
    delivery gate's warning (status ``loaded_with_warning``): (day, feed, status, file, reason);
    then every KPI the center cannot publish (no day, kpi_id, ``not_available``, no file, the
    reason), e.g. no pricing or a feed the center does not deliver. A feed that is not delivered
    is counted in the freshness table, not listed day by day."""
    rows = []
    if wh.exists(LOAD_STATUS_MART):
        rows = wh.query(
            "select business_date, feed_id, case when load_status = 'loaded' then 'loaded_with_warning' "
            f"else load_status end, source_file, message from {LOAD_STATUS_MART} "
            f"where {IN_PERIOD} and load_status <> 'not_delivered' "
            f"and (load_status <> 'loaded' or {GATE_WARNING}) "
            "order by business_date, feed_id", [period.first, period.last])
    if wh.exists(KPI_DIM) and "unavailable_reason" in wh.columns(KPI_DIM):
        rows += wh.query(
            f"select null, kpi_id, 'not_available', null, unavailable_reason from {KPI_DIM} "
            "where not is_available and unavailable_reason not like 'not available yet:%' "
            "order by kpi_id", [])
    return rows


def complete_days(wh: Warehouse, period: Period) -> int:
    """Days of the period on which every known feed is loaded."""
    if not wh.exists(LOAD_STATUS_MART):
        return 0
    return wh.query(f"select count(distinct business_date) from {LOAD_STATUS_MART} "
                    f"where {IN_PERIOD} and is_day_complete", [period.first, period.last])[0][0]


def sources(wh: Warehouse) -> list[str]:
    """Source systems of the known feeds (not those the center does not deliver), sorted."""
    if not wh.exists(LOAD_STATUS_MART):
        return []
    return [s for (s,) in wh.query(f"select distinct source_system from {LOAD_STATUS_MART} "
                                   "where load_status <> 'not_delivered' order by 1", [])]


def last_processed_day(wh: Warehouse, period: Period | None = None) -> date | None:
    """Latest business day the pipeline processed (loaded, missing or quarantined alike), within
    ``period`` when given."""
    if not wh.exists(LOAD_STATUS_MART):
        return None
    where, params = (f"where {IN_PERIOD}", [period.first, period.last]) if period else ("", [])
    return wh.query(f"select max(business_date) from {LOAD_STATUS_MART} {where}", params)[0][0]
