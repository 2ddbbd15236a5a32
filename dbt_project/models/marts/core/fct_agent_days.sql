{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Agent x business date (local date of the 30-minute intervals): schedule by activity, ACD
    agent time, and adherence. Provider, site and team are those of the agent's roster snapshot
    of that day (or the latest earlier one), so a team move re-attributes only the days after it.

    Adherence is approximated per interval: adherent = min(scheduled OPEN seconds, on-queue
    seconds = staffed - aux) in each interval, summed over the day. The interval report does not
    say when inside the interval the agent was on queue, so the figure is an upper bound of the
    minute-by-minute adherence (OPEN 09:00-09:15 scheduled and on queue 09:15-09:30 counts 900
    adherent seconds). -#}

with

schedule_slices as (

    select * from {{ ref('int_schedules_split_to_intervals') }}
    where {{ business_date_window('business_date') }}

),

agent_intervals as (

    -- the padded UTC range is a superset of the window's local days that DuckDB pushes through
    -- the staging view's de-duplication (macro timestamp_padded_window)
    select * from {{ ref('int_agent_intervals_joined_to_agents') }}
    where {{ business_date_window('business_date') }}
        and {{ timestamp_padded_window('interval_start_at', 2, 2) }}
        and agent_id is not null

),

agents as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

scheduled_per_interval as (

    select
        agent_id,
        business_date,
        interval_start_at,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(case when activity = 'OPEN' then scheduled_seconds else 0 end) as scheduled_open_seconds,
        sum(case when activity in ('BREAK', 'LUNCH', 'TRAINING', 'MEETING') then scheduled_seconds else 0 end)
            as scheduled_shrinkage_seconds,
        sum(case when activity = 'VACATION' then scheduled_seconds else 0 end) as planned_absence_seconds,
        sum(case when activity = 'SICK' then scheduled_seconds else 0 end) as unplanned_absence_seconds

    from schedule_slices
    group by agent_id, business_date, interval_start_at

),

actual_per_interval as (

    select
        agent_id,
        business_date,
        interval_start_at,
        sum(staffed_seconds) as staffed_seconds,
        sum(available_seconds) as available_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(aux_seconds) as aux_seconds,
        sum(on_queue_seconds) as on_queue_seconds,
        sum(contacts_handled) as contacts_handled

    from agent_intervals
    group by agent_id, business_date, interval_start_at

),

intervals as (

    select
        coalesce(scheduled_per_interval.agent_id, actual_per_interval.agent_id) as agent_id,
        coalesce(scheduled_per_interval.business_date, actual_per_interval.business_date) as business_date,
        coalesce(scheduled_per_interval.scheduled_seconds, 0) as scheduled_seconds,
        coalesce(scheduled_per_interval.scheduled_open_seconds, 0) as scheduled_open_seconds,
        coalesce(scheduled_per_interval.scheduled_shrinkage_seconds, 0) as scheduled_shrinkage_seconds,
        coalesce(scheduled_per_interval.planned_absence_seconds, 0) as planned_absence_seconds,
        coalesce(scheduled_per_interval.unplanned_absence_seconds, 0) as unplanned_absence_seconds,
        coalesce(actual_per_interval.staffed_seconds, 0) as staffed_seconds,
        coalesce(actual_per_interval.available_seconds, 0) as available_seconds,
        coalesce(actual_per_interval.talk_seconds, 0) as talk_seconds,
        coalesce(actual_per_interval.hold_seconds, 0) as hold_seconds,
        coalesce(actual_per_interval.acw_seconds, 0) as acw_seconds,
        coalesce(actual_per_interval.aux_seconds, 0) as aux_seconds,
        coalesce(actual_per_interval.on_queue_seconds, 0) as on_queue_seconds,
        coalesce(actual_per_interval.contacts_handled, 0) as contacts_handled,
        least(
            coalesce(scheduled_per_interval.scheduled_open_seconds, 0),
            greatest(coalesce(actual_per_interval.on_queue_seconds, 0), 0)
        ) as adherent_seconds

    from scheduled_per_interval
    full outer join actual_per_interval
        on scheduled_per_interval.agent_id = actual_per_interval.agent_id
        and scheduled_per_interval.interval_start_at = actual_per_interval.interval_start_at

),

agent_days as (

    select
        agent_id,
        business_date,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(scheduled_open_seconds) as scheduled_open_seconds,
        sum(scheduled_shrinkage_seconds) as scheduled_shrinkage_seconds,
        sum(planned_absence_seconds) as planned_absence_seconds,
        sum(unplanned_absence_seconds) as unplanned_absence_seconds,
        sum(staffed_seconds) as staffed_seconds,
        sum(available_seconds) as available_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(aux_seconds) as aux_seconds,
        sum(on_queue_seconds) as on_queue_seconds,
        sum(contacts_handled) as contacts_handled,
        sum(adherent_seconds) as adherent_seconds

    from intervals
    group by agent_id, business_date

),

joined as (

    select
        agent_days.*,
        agents.provider_id,
        agents.site_id,
        agents.team_id

    from agent_days
    left join agents
        on agent_days.agent_id = agents.agent_id
        and {{ as_of_snapshot('agents', 'agent_days.business_date') }}

),

final as (

    select
        -- grain
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(business_date as date) as business_date,

        -- organisation that day
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,

        -- schedule (seconds)
        cast(scheduled_seconds as {{ dbt.type_bigint() }}) as scheduled_seconds,
        cast(scheduled_open_seconds as {{ dbt.type_bigint() }}) as scheduled_open_seconds,
        cast(scheduled_shrinkage_seconds as {{ dbt.type_bigint() }}) as scheduled_shrinkage_seconds,
        cast(planned_absence_seconds as {{ dbt.type_bigint() }}) as planned_absence_seconds,
        cast(unplanned_absence_seconds as {{ dbt.type_bigint() }}) as unplanned_absence_seconds,

        -- ACD agent time (seconds)
        cast(staffed_seconds as {{ dbt.type_bigint() }}) as staffed_seconds,
        cast(available_seconds as {{ dbt.type_bigint() }}) as available_seconds,
        cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(aux_seconds as {{ dbt.type_bigint() }}) as aux_seconds,
        cast(talk_seconds + hold_seconds + acw_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(on_queue_seconds as {{ dbt.type_bigint() }}) as on_queue_seconds,
        cast(contacts_handled as {{ dbt.type_bigint() }}) as contacts_handled,

        -- adherence
        cast(adherent_seconds as {{ dbt.type_bigint() }}) as adherent_seconds

    from joined

)

select * from final
