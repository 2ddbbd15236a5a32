{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Rebuilds the business dates of the window vars (all dates without them); delete+insert on
    business_date makes a re-delivered day replace itself.

    Repeat contacts look var('repeat_window_days') days back (is_repeat_contact) and forward
    (has_repeat_within_window) from each contact, across channels, on the same customer_key or the
    same case_number. The neighbours are read from the window widened by that many days (+1 for
    the local/UTC day edge) on both sides. has_repeat_within_window of a day therefore changes
    when later days arrive: the pipeline rebuilds each run's days plus the 7 days before them
    (pilotage.transform.LATE_ARRIVAL_DAYS), which refreshes the flag as long as
    repeat_window_days <= 7.

    is_case_resolved: the CRM's resolution flag of the contact's case (by case number, else the
    case it opened); null without a case or when the CRM has no flag. A case resolved later
    reaches the contacts of the days a run rebuilds. -#}

{%- set repeat_days = var('repeat_window_days') | int -%}
{%- if repeat_days < 0 -%}
    {{ exceptions.raise_compiler_error("var repeat_window_days must be >= 0, got " ~ repeat_days) }}
{%- endif -%}

{#- customer-initiated first legs count for repeats; transfer legs, callbacks and outbound
    contacts are part of an interaction already counted -#}
{%- set is_repeat_eligible -%}
        is_offered
        and not is_transfer_leg
        and coalesce(initiation_method, 'INBOUND') not in (
            'TRANSFER', 'QUEUE_TRANSFER', 'CALLBACK', 'OUTBOUND', 'EXTERNAL_OUTBOUND',
            'MONITOR', 'DISCONNECT', 'AGENT_REPLY'
        )
        and (customer_key is not null or nullif(case_number, '') is not null)
{%- endset -%}

with

contacts_scoped as (

    select
        *,
        {{ is_repeat_eligible }}
            as is_repeat_eligible
    from {{ ref('int_contacts_enriched') }}
    where {{ business_date_window('business_date') }}

),

repeat_candidates as (

    -- the neighbours of the repeat flags: the window widened on both sides, read narrow (four
    -- columns, not the contact's forty)
    select
        contact_id,
        customer_key,
        nullif(case_number, '') as case_number,
        initiated_at
    from {{ ref('int_contacts_enriched') }}
    where {{ interval_padded_window('business_date', repeat_days + 1, repeat_days + 1) }}
        and {{ is_repeat_eligible }}

),

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

case_resolution_by_number as (

    -- a case number shared by several cases is resolved when every flagged one is
    select
        case_number,
        min(case when is_resolved then 1 else 0 end) = 1 as is_resolved
    from cases
    where case_number is not null
        and is_resolved is not null
    group by case_number

),

case_resolution_by_origin as (

    select
        origin_contact_id,
        min(case when is_resolved then 1 else 0 end) = 1 as is_resolved
    from cases
    where origin_contact_id is not null
        and is_resolved is not null
    group by origin_contact_id

),

customer_neighbours as (

    select
        contact_id,
        lag(initiated_at) over (
            partition by customer_key order by initiated_at, contact_id
        ) as previous_initiated_at,
        lead(initiated_at) over (
            partition by customer_key order by initiated_at, contact_id
        ) as next_initiated_at
    from repeat_candidates
    where customer_key is not null

),

case_neighbours as (

    select
        contact_id,
        lag(initiated_at) over (
            partition by case_number order by initiated_at, contact_id
        ) as previous_initiated_at,
        lead(initiated_at) over (
            partition by case_number order by initiated_at, contact_id
        ) as next_initiated_at
    from repeat_candidates
    where case_number is not null

),

contacts as (

    select
        contacts_scoped.*,
        contacts_scoped.is_repeat_eligible and (
            coalesce(
                customer_neighbours.previous_initiated_at
                >= {{ dbt.dateadd('day', -repeat_days, 'contacts_scoped.initiated_at') }}, false
            )
            or coalesce(
                case_neighbours.previous_initiated_at
                >= {{ dbt.dateadd('day', -repeat_days, 'contacts_scoped.initiated_at') }}, false
            )
        ) as is_repeat_contact,
        contacts_scoped.is_repeat_eligible and (
            coalesce(
                customer_neighbours.next_initiated_at
                <= {{ dbt.dateadd('day', repeat_days, 'contacts_scoped.initiated_at') }}, false
            )
            or coalesce(
                case_neighbours.next_initiated_at
                <= {{ dbt.dateadd('day', repeat_days, 'contacts_scoped.initiated_at') }}, false
            )
        ) as has_repeat_within_window,
        coalesce(case_resolution_by_number.is_resolved, case_resolution_by_origin.is_resolved)
            as is_case_resolved

    from contacts_scoped
    left join customer_neighbours
        on contacts_scoped.contact_id = customer_neighbours.contact_id
    left join case_neighbours
        on contacts_scoped.contact_id = case_neighbours.contact_id
    left join case_resolution_by_number
        on nullif(contacts_scoped.case_number, '') = case_resolution_by_number.case_number
    left join case_resolution_by_origin
        on contacts_scoped.contact_id = case_resolution_by_origin.origin_contact_id

),

final as (

    select
        -- keys
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(initial_contact_id as {{ dbt.type_string() }}) as initial_contact_id,
        cast(business_date as date) as business_date,
        cast(contact_date_local as date) as contact_date_local,
        cast(interval_start_at as {{ dbt.type_timestamp() }}) as interval_start_at,
        cast(interval_start_local as {{ dbt.type_timestamp() }}) as interval_start_local,

        -- timestamps (UTC)
        cast(initiated_at as {{ dbt.type_timestamp() }}) as initiated_at,
        cast(enqueued_at as {{ dbt.type_timestamp() }}) as enqueued_at,
        cast(connected_to_agent_at as {{ dbt.type_timestamp() }}) as connected_to_agent_at,
        cast(disconnected_at as {{ dbt.type_timestamp() }}) as disconnected_at,

        -- dimensions
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(initiation_method as {{ dbt.type_string() }}) as initiation_method,
        cast(disconnect_reason as {{ dbt.type_string() }}) as disconnect_reason,
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(case_number as {{ dbt.type_string() }}) as case_number,

        -- outcome flags
        cast(is_offered as {{ dbt.type_boolean() }}) as is_offered,
        cast(is_answered as {{ dbt.type_boolean() }}) as is_answered,
        cast(is_abandoned as {{ dbt.type_boolean() }}) as is_abandoned,
        cast(is_short_abandon as {{ dbt.type_boolean() }}) as is_short_abandon,
        cast(is_answered_within_threshold as {{ dbt.type_boolean() }}) as is_answered_within_threshold,
        cast(is_abandoned_within_threshold as {{ dbt.type_boolean() }}) as is_abandoned_within_threshold,

        -- contract parameters applied
        cast(sl_threshold_seconds as {{ dbt.type_int() }}) as sl_threshold_seconds,
        cast(short_abandon_seconds as {{ dbt.type_int() }}) as short_abandon_seconds,

        -- durations (seconds)
        cast(queue_seconds as {{ dbt.type_int() }}) as queue_seconds,
        cast(talk_seconds as {{ dbt.type_int() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_int() }}) as hold_seconds,
        cast(acw_seconds as {{ dbt.type_int() }}) as acw_seconds,
        cast(handle_seconds as {{ dbt.type_int() }}) as handle_seconds,
        cast(hold_count as {{ dbt.type_int() }}) as hold_count,

        -- flow-outs and callbacks
        cast(is_flow_out as {{ dbt.type_boolean() }}) as is_flow_out,
        cast(is_callback as {{ dbt.type_boolean() }}) as is_callback,
        cast(is_transfer_leg as {{ dbt.type_boolean() }}) as is_transfer_leg,

        -- repeat contacts / first-contact resolution
        cast(is_repeat_eligible as {{ dbt.type_boolean() }}) as is_repeat_eligible,
        cast(is_repeat_contact as {{ dbt.type_boolean() }}) as is_repeat_contact,
        cast(has_repeat_within_window as {{ dbt.type_boolean() }}) as has_repeat_within_window,
        cast({{ repeat_days }} as {{ dbt.type_int() }}) as repeat_window_days,
        cast(is_case_resolved as {{ dbt.type_boolean() }}) as is_case_resolved,

        -- e-mail response time
        cast(case when channel = 'EMAIL' and is_answered then queue_seconds end as {{ dbt.type_int() }})
            as first_response_seconds

    from contacts

)

select * from final
