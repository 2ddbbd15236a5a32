{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns',
        pre_hook="{{ pilotage.clear_window_days() }}"
    )
}}

{#- KPI components per queue x reporting interval (UTC start), over the whole history:
    contacts (booked in the interval of queue entry), the WFM forecast, scheduled OPEN time and
    logged-in (staffed) time. fct_queue_intervals adds the Erlang C estimates and keeps the
    window's business dates. The business date of an interval is its local date on the wall clock
    of the queue's site (var site_time_zones, else the center's local_time_zone).
    Volumes and durations come from the contact records; a queue and local day without any
    contact record takes them from the queue interval report instead (centers that send only
    interval reports), its shorter intervals summed into the reporting interval. volume_source
    says which. int_queue_days_reconciled compares the two where both exist.
    A table rebuilt by business date (delete+insert, like the incremental marts): a window run
    reads its sources' rows of the window widened by two days on both sides (an interval's local
    date on any site's clock is within a day of its UTC date and of its contacts' business date)
    and keeps the window's business dates, so every interval kept has all its rows. Its first
    build (or --full-refresh), window or not, builds every date: the variants view reads it all. -#}

{%- set interval_seconds = interval_seconds() -%}
{%- set pad = 2 if is_incremental() else none -%}

with

contacts as (

    select * from {{ ref('int_contacts_enriched') }}
    where queue_name is not null
        and {{ interval_padded_window('business_date', pad, pad) if pad is not none else '(1 = 1)' }}

),

interval_reports as (

    select * from {{ ref('stg_acd__queue_intervals') }}
    where {{ timestamp_padded_window('interval_start_at', pad, pad) }}

),

forecasts as (

    select * from {{ ref('stg_wfm__forecasts') }}
    where {{ timestamp_padded_window('interval_start_at', pad, pad) }}

),

schedule_slices as (

    select * from {{ ref('int_schedules_split_to_intervals') }}
    where activity = 'OPEN'
        and {{ timestamp_padded_window('interval_start_at', pad, pad) }}

),

agent_intervals as (

    select * from {{ ref('int_agent_intervals_joined_to_agents') }}
    where {{ timestamp_padded_window('interval_start_at', pad, pad) }}

),

agents as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

queues as (

    select * from {{ ref('queues') }}

),

contact_totals as (

    select
        queue_name,
        interval_start_at,
        {{ contact_component_aggregates() }},
        count(case when is_handled then 1 end) as handled,
        sum(handled_handle_seconds) as handled_handle_seconds

    from contacts
    group by queue_name, interval_start_at

),

contact_record_queue_days as (

    select distinct
        queue_name,
        cast({{ utc_to_local('interval_start_at') }} as date) as business_date
    from contact_totals

),

report_totals as (

    -- interval-report rows of the queue-days the contact records do not cover
    select
        interval_reports.queue_name,
        {{ floor_to_interval('interval_reports.interval_start_at') }} as interval_start_at,
        sum(interval_reports.offered) as offered,
        sum(interval_reports.answered) as answered,
        sum(interval_reports.abandoned) as abandoned,
        sum(interval_reports.short_abandoned) as short_abandoned,
        sum(interval_reports.answered_within_threshold) as answered_within_threshold,
        sum(interval_reports.abandoned_within_threshold) as abandoned_within_threshold,
        0 as callbacks,
        sum(interval_reports.offered - interval_reports.answered - interval_reports.abandoned) as flow_outs,
        sum(interval_reports.answered_queue_seconds) as answered_queue_seconds,
        sum(interval_reports.talk_seconds) as talk_seconds,
        sum(interval_reports.hold_seconds) as hold_seconds,
        sum(interval_reports.acw_seconds) as acw_seconds,
        sum(interval_reports.handle_seconds) as handle_seconds,
        -- a queue report knows only queued contacts
        sum(interval_reports.answered) as handled,
        sum(interval_reports.handle_seconds) as handled_handle_seconds

    from interval_reports
    left join contact_record_queue_days
        on interval_reports.queue_name = contact_record_queue_days.queue_name
        and interval_reports.interval_date_local = contact_record_queue_days.business_date
    where contact_record_queue_days.queue_name is null
    group by interval_reports.queue_name, {{ floor_to_interval('interval_reports.interval_start_at') }}

),

volume_totals as (

    select
        'contact_records' as volume_source,
        contact_totals.*
    from contact_totals
    union all
    select
        'interval_report' as volume_source,
        report_totals.*
    from report_totals

),

forecast_totals as (

    select
        queue_name,
        interval_start_at,
        sum(forecast_contacts) as forecast_contacts,
        sum(forecast_contacts * forecast_aht_seconds) as forecast_workload_seconds,
        sum(forecast_required_agents) as forecast_required_agents

    from forecasts
    group by queue_name, interval_start_at

),

scheduled_slices_attributed as (

    -- each scheduled OPEN slice counts for the agent's primary queue (first skill) and site,
    -- from the roster snapshot of the slice's business date (or the latest earlier one)
    select
        schedule_slices.interval_start_at,
        schedule_slices.scheduled_seconds,
        agents.site_id,
        {{ dbt.split_part('agents.skills', "';'", 1) }} as primary_queue_name

    from schedule_slices
    left join agents
        on schedule_slices.agent_id = agents.agent_id
        and {{ as_of_snapshot('agents', 'schedule_slices.business_date') }}

),

scheduled_totals as (

    select
        primary_queue_name as queue_name,
        interval_start_at,
        sum(scheduled_seconds) as scheduled_open_seconds

    from scheduled_slices_attributed
    group by primary_queue_name, interval_start_at

),

site_scheduled_totals as (

    select
        site_id,
        interval_start_at,
        sum(scheduled_seconds) as site_scheduled_open_seconds

    from scheduled_slices_attributed
    group by site_id, interval_start_at

),

staffed_totals as (

    select
        queue_name,
        interval_start_at,
        sum(staffed_seconds) as staffed_seconds

    from agent_intervals
    group by queue_name, interval_start_at

),

spine as (

    select
        queue_name,
        interval_start_at
    from volume_totals
    union
    select
        queue_name,
        interval_start_at
    from forecast_totals
    union
    select
        queue_name,
        interval_start_at
    from scheduled_totals
    union
    select
        queue_name,
        interval_start_at
    from staffed_totals

),

joined as (

    select
        spine.queue_name,
        queues.provider_id,
        queues.site_id,
        queues.channel,
        queues.sl_threshold_seconds,
        queues.short_abandon_seconds,
        queues.sl_target,
        spine.interval_start_at,
        {{ utc_to_local('spine.interval_start_at', site_column='queues.site_id') }} as interval_start_local,
        cast({{ utc_to_local('spine.interval_start_at', site_column='queues.site_id') }} as date) as business_date,
        volume_totals.volume_source,
        {{ contact_component_totals('volume_totals') }},
        coalesce(volume_totals.handled, 0) as handled,
        coalesce(volume_totals.handled_handle_seconds, 0) as handled_handle_seconds,
        forecast_totals.forecast_contacts,
        forecast_totals.forecast_workload_seconds,
        forecast_totals.forecast_required_agents,
        coalesce(scheduled_totals.scheduled_open_seconds, 0) as scheduled_open_seconds,
        coalesce(site_scheduled_totals.site_scheduled_open_seconds, 0) as site_scheduled_open_seconds,
        coalesce(staffed_totals.staffed_seconds, 0) as staffed_seconds,
        {{ interval_seconds }} as interval_seconds

    from spine
    inner join queues
        on spine.queue_name = queues.queue_name
    left join volume_totals
        on spine.queue_name = volume_totals.queue_name
        and spine.interval_start_at = volume_totals.interval_start_at
    left join forecast_totals
        on spine.queue_name = forecast_totals.queue_name
        and spine.interval_start_at = forecast_totals.interval_start_at
    left join scheduled_totals
        on spine.queue_name = scheduled_totals.queue_name
        and spine.interval_start_at = scheduled_totals.interval_start_at
    left join site_scheduled_totals
        on queues.site_id = site_scheduled_totals.site_id
        and spine.interval_start_at = site_scheduled_totals.interval_start_at
    left join staffed_totals
        on spine.queue_name = staffed_totals.queue_name
        and spine.interval_start_at = staffed_totals.interval_start_at

)

select * from joined
where {{ business_date_window('business_date') if pad is not none else '(1 = 1)' }}
