"""The physical limit: one plain DuckDB query computing the per-queue, per-30-min contact KPIs
straight from the delivered Amazon Connect files, and its agreement with ``fct_queue_intervals``."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

KPIS = ("offered", "answered", "abandoned", "answered_within_threshold", "handle_seconds")


def _query(files: list[Path], queues_csv: Path) -> str:
    listed = ", ".join(f"'{f}'" for f in files)
    return f"""
with raw as (
    select
        ContactId as contact_id, InitialContactId as initial_contact_id,
        Queue.Name as queue_name,
        cast(InitiationTimestamp as timestamptz) as initiated_at,
        cast(Queue.EnqueueTimestamp as timestamptz) as enqueued_at,
        cast(Queue.DequeueTimestamp as timestamptz) as dequeued_at,
        cast(Agent.ConnectedToAgentTimestamp as timestamptz) as connected_at,
        cast(DisconnectTimestamp as timestamptz) as disconnected_at,
        cast(LastUpdateTimestamp as timestamptz) as updated_at,
        Queue.Duration as queue_seconds,
        coalesce(Agent.AgentInteractionDuration, 0) + coalesce(Agent.CustomerHoldDuration, 0)
            + coalesce(Agent.AfterContactWorkDuration, 0) as handle
    from read_json([{listed}], format = 'newline_delimited', union_by_name = true)
),
latest as (
    select * from raw
    qualify row_number() over (partition by contact_id order by updated_at desc nulls last) = 1
),
legs as (
    select distinct initial_contact_id as first_leg
    from latest where initial_contact_id <> contact_id
),
booked as (
    select
        latest.*, q.sl_threshold_seconds,
        time_bucket(interval 30 minute, timezone('UTC', coalesce(enqueued_at, initiated_at)))
            as interval_start_at,
        enqueued_at is not null as is_offered,
        enqueued_at is not null and connected_at is not null as is_answered,
        enqueued_at is not null and connected_at is null and legs.first_leg is null as is_abandoned,
        coalesce(queue_seconds, date_diff('second', enqueued_at,
                 coalesce(dequeued_at, connected_at, disconnected_at))) as waited
    from latest
    left join legs on latest.contact_id = legs.first_leg
    left join read_csv('{queues_csv}') as q using (queue_name)
    where queue_name is not null
)
select
    queue_name, interval_start_at,
    count(*) filter (where is_offered) as offered,
    count(*) filter (where is_answered) as answered,
    count(*) filter (where is_abandoned) as abandoned,
    count(*) filter (where is_answered and waited <= sl_threshold_seconds) as answered_within_threshold,
    coalesce(sum(handle) filter (where is_answered), 0) as handle_seconds
from booked
group by all
"""


def raw_kpis(files: list[Path], queues_csv: Path) -> tuple[float, list[tuple]]:
    """Seconds of the query over ``files`` (its result fetched) and the rows it gives."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        began = time.perf_counter()
        rows = con.execute(_query(files, queues_csv) + " order by all").fetchall()
        return time.perf_counter() - began, rows
    finally:
        con.close()


def agreement(rows: list[tuple], warehouse: Path, first: str, last: str) -> tuple[int, int]:
    """(intervals compared, intervals whose five KPIs differ) between the raw query and
    ``marts.fct_queue_intervals`` over business days [first, last]."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        marts = {(q, t.replace(tzinfo=None) if hasattr(t, "replace") else t): values
                 for q, t, *values in con.execute(
                     f"select queue_name, interval_start_at, {', '.join(KPIS)} "
                     "from marts.fct_queue_intervals where business_date between ? and ? "
                     "and offered > 0", [first, last]).fetchall()}
    finally:
        con.close()
    raw = {(q, t.replace(tzinfo=None) if hasattr(t, "replace") else t): list(values)
           for q, t, *values in rows if values[0] > 0}
    keys = marts.keys() & raw.keys()
    differ = sum(1 for k in keys if [int(v or 0) for v in marts[k]] != [int(v) for v in raw[k]])
    return len(keys), differ + len(marts.keys() ^ raw.keys())
