{#- The ACD agent interval report with the WFM agent (roster snapshot of the interval's local
    date, or the latest earlier one), the agent's provider, site and team that day, and the queue
    the time is attributed to: the report's queue group when it is a queue of seed `queues`,
    otherwise the agent's primary skill (first queue of the roster's skills). -#}

with

agent_intervals as (

    select * from {{ ref('stg_acd__agent_intervals') }}

),

agents as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

queues as (

    select * from {{ ref('queues') }}

),

joined as (

    select
        agent_intervals.agent_username,
        agent_intervals.queue_group,
        agent_intervals.interval_start_at,
        agent_intervals.interval_start_local,
        agent_intervals.interval_date_local as business_date,
        agents.agent_id,
        agents.provider_id,
        agents.site_id,
        agents.team_id,
        {{ dbt.split_part('agents.skills', "';'", 1) }} as primary_queue_name,
        coalesce(agent_intervals.staffed_seconds, 0) as staffed_seconds,
        coalesce(agent_intervals.available_seconds, 0) as available_seconds,
        coalesce(agent_intervals.talk_seconds, 0) as talk_seconds,
        coalesce(agent_intervals.hold_seconds, 0) as hold_seconds,
        coalesce(agent_intervals.acw_seconds, 0) as acw_seconds,
        coalesce(agent_intervals.aux_seconds, 0) as aux_seconds,
        coalesce(agent_intervals.contacts_handled, 0) as contacts_handled

    from agent_intervals
    left join agents
        on agent_intervals.agent_username = agents.acd_username
        and {{ as_of_snapshot('agents', 'agent_intervals.interval_date_local') }}

),

final as (

    select
        joined.agent_username,
        joined.queue_group,
        joined.interval_start_at,
        joined.interval_start_local,
        joined.business_date,
        joined.agent_id,
        joined.provider_id,
        joined.site_id,
        joined.team_id,
        coalesce(queues.queue_name, primary_queues.queue_name) as queue_name,
        joined.staffed_seconds,
        joined.available_seconds,
        joined.talk_seconds,
        joined.hold_seconds,
        joined.acw_seconds,
        joined.aux_seconds,
        joined.staffed_seconds - joined.aux_seconds as on_queue_seconds,
        joined.contacts_handled

    from joined
    left join queues
        on joined.queue_group = queues.queue_name
    left join queues as primary_queues
        on joined.primary_queue_name = primary_queues.queue_name

)

select * from final
