{#- queue time recomputed from the queue timestamps when Queue.Duration is missing -#}
{#- answered / abandoned / flowed out: var contact_outcome_source. outcome_code (default): the
    vendor's outcome column decides when the export has one (answered, abandoned, other = sent
    elsewhere: a flow-out), the timestamps otherwise; timestamps: the outcome column is ignored. -#}
{%- set outcome_source = var('contact_outcome_source', 'outcome_code') | string | trim -%}
{%- if outcome_source not in ['outcome_code', 'timestamps'] -%}
    {{ exceptions.raise_compiler_error(
        "contact_outcome_source: unknown variant '" ~ outcome_source ~ "', expected outcome_code or timestamps"
    ) }}
{%- endif -%}
{%- set no_outcome = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set outcome = 'contacts.outcome' if outcome_source == 'outcome_code' else no_outcome -%}
{%- set queue_seconds_recomputed = dbt.datediff(
    'contacts.enqueued_at',
    'coalesce(contacts.dequeued_at, contacts.connected_to_agent_at, contacts.disconnected_at)',
    'second'
) -%}

with

contacts as (

    select * from {{ ref('stg_acd__contacts') }}

),

queues as (

    select * from {{ ref('queues') }}

),

agents as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

later_legs as (

    -- later legs of an interaction (transfer, queue transfer, callback) point to its first
    -- contact through initial_contact_id
    select
        initial_contact_id as first_leg_contact_id,
        max(case when initiation_method = 'CALLBACK' then 1 else 0 end) = 1 as has_callback_leg
    from contacts
    where initial_contact_id is not null
        and initial_contact_id <> contact_id
    group by initial_contact_id

),

contacts_booked as (

    select
        contacts.contact_id,
        contacts.initial_contact_id,
        contacts.business_date,
        contacts.initiated_date_local as contact_date_local,
        contacts.initiated_at,
        contacts.enqueued_at,
        contacts.connected_to_agent_at,
        contacts.disconnected_at,
        contacts.channel,
        contacts.initiation_method,
        contacts.disconnect_reason,
        contacts.queue_name,
        contacts.agent_username,
        contacts.customer_key,
        contacts.case_number,
        contacts.hold_count,
        contacts.talk_seconds,
        contacts.hold_seconds,
        contacts.acw_seconds,

        -- booking instant: the contact counts in the interval it entered the queue
        coalesce(contacts.enqueued_at, contacts.initiated_at) as booked_at,

        -- Amazon Connect outcome: offered = queued; answered = queued and connected to an
        -- agent; flow-out = queued, never connected, and the interaction went on in a later leg
        -- (queue transfer or callback request); abandoned = queued, never connected, no later leg
        contacts.enqueued_at is not null as is_offered,
        -- (with contact_outcome_source = outcome_code, a vendor's outcome decides when present:
        -- answered, abandoned, or other = sent elsewhere, a flow-out)
        contacts.enqueued_at is not null
        and coalesce({{ outcome }} = 'answered', contacts.connected_to_agent_at is not null) as is_answered,
        contacts.enqueued_at is not null
        and coalesce(
            {{ outcome }} = 'abandoned',
            contacts.connected_to_agent_at is null and later_legs.first_leg_contact_id is null
        ) as is_abandoned,
        contacts.enqueued_at is not null
        and coalesce(
            {{ outcome }} = 'other',
            contacts.connected_to_agent_at is null and later_legs.first_leg_contact_id is not null
        ) as is_flow_out,
        contacts.enqueued_at is not null
        and coalesce(
            {{ outcome }} = 'other',
            contacts.connected_to_agent_at is null and later_legs.first_leg_contact_id is not null
        )
        and coalesce(later_legs.has_callback_leg, false) as is_callback,
        coalesce(contacts.initial_contact_id <> contacts.contact_id, false) as is_transfer_leg,
        -- an agent took a contact that never queued (outbound, direct transfer)
        contacts.enqueued_at is null and contacts.connected_to_agent_at is not null as is_unqueued_handled,

        -- Queue.Duration, else recomputed from the queue timestamps
        case
            when contacts.enqueued_at is not null
                then coalesce(contacts.queue_seconds, {{ queue_seconds_recomputed }})
        end as queue_seconds

    from contacts
    left join later_legs
        on contacts.contact_id = later_legs.first_leg_contact_id

),

joined as (

    select
        contacts_booked.*,
        queues.provider_id,
        queues.site_id,
        queues.sl_threshold_seconds,
        queues.short_abandon_seconds,
        agents.agent_id

    from contacts_booked
    left join queues
        on contacts_booked.queue_name = queues.queue_name
    left join agents
        on contacts_booked.agent_username = agents.acd_username
        and {{ as_of_snapshot('agents', 'contacts_booked.business_date') }}

),

final as (

    select
        -- ids and keys
        contact_id,
        initial_contact_id,
        business_date,
        contact_date_local,
        {{ floor_to_interval('booked_at') }} as interval_start_at,
        {{ floor_to_interval(utc_to_local('booked_at', site_column='site_id')) }} as interval_start_local,
        initiated_at,
        enqueued_at,
        connected_to_agent_at,
        disconnected_at,
        channel,
        initiation_method,
        disconnect_reason,
        queue_name,
        provider_id,
        site_id,
        agent_id,
        agent_username,
        customer_key,
        case_number,

        -- outcome flags
        is_offered,
        is_answered,
        is_abandoned,
        is_flow_out,
        is_callback,
        is_transfer_leg,
        is_abandoned
        and coalesce(queue_seconds < short_abandon_seconds, false) as is_short_abandon,
        is_answered
        and coalesce(queue_seconds <= sl_threshold_seconds, false) as is_answered_within_threshold,
        is_abandoned
        and coalesce(queue_seconds <= sl_threshold_seconds, false) as is_abandoned_within_threshold,

        -- contract parameters applied
        sl_threshold_seconds,
        short_abandon_seconds,

        -- durations (seconds); agent durations count only for answered contacts, 0 otherwise
        queue_seconds,
        case when is_answered then coalesce(talk_seconds, 0) else 0 end as talk_seconds,
        case when is_answered then coalesce(hold_seconds, 0) else 0 end as hold_seconds,
        case when is_answered then coalesce(acw_seconds, 0) else 0 end as acw_seconds,
        case
            when is_answered
                then coalesce(talk_seconds, 0) + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
            else 0
        end as handle_seconds,
        case when is_answered then coalesce(hold_count, 0) else 0 end as hold_count,

        -- every contact an agent handled, queued or not (AHT variant all_handled)
        is_answered or is_unqueued_handled as is_handled,
        case
            when is_answered or is_unqueued_handled
                then coalesce(talk_seconds, 0) + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
            else 0
        end as handled_handle_seconds

    from joined

)

select * from final
