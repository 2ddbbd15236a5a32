{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Rebuilds the business dates of the window vars (all dates without them); delete+insert on
    business_date makes a re-delivered day replace itself. -#}

with

contacts as (

    select * from {{ ref('int_contacts_enriched') }}
    where {{ business_date_window('business_date') }}

),

final as (

    select
        -- keys
        cast(contact_id as varchar) as contact_id,
        cast(initial_contact_id as varchar) as initial_contact_id,
        cast(business_date as date) as business_date,
        cast(contact_date_local as date) as contact_date_local,
        cast(interval_start_at as timestamp) as interval_start_at,
        cast(interval_start_local as timestamp) as interval_start_local,

        -- timestamps (UTC)
        cast(initiated_at as timestamp) as initiated_at,
        cast(enqueued_at as timestamp) as enqueued_at,
        cast(connected_to_agent_at as timestamp) as connected_to_agent_at,
        cast(disconnected_at as timestamp) as disconnected_at,

        -- dimensions
        cast(channel as varchar) as channel,
        cast(initiation_method as varchar) as initiation_method,
        cast(disconnect_reason as varchar) as disconnect_reason,
        cast(queue_name as varchar) as queue_name,
        cast(provider_id as varchar) as provider_id,
        cast(site_id as varchar) as site_id,
        cast(agent_id as varchar) as agent_id,
        cast(customer_key as varchar) as customer_key,
        cast(case_number as varchar) as case_number,

        -- outcome flags
        cast(is_offered as boolean) as is_offered,
        cast(is_answered as boolean) as is_answered,
        cast(is_abandoned as boolean) as is_abandoned,
        cast(is_short_abandon as boolean) as is_short_abandon,
        cast(is_answered_within_threshold as boolean) as is_answered_within_threshold,
        cast(is_abandoned_within_threshold as boolean) as is_abandoned_within_threshold,

        -- contract parameters applied
        cast(sl_threshold_seconds as integer) as sl_threshold_seconds,
        cast(short_abandon_seconds as integer) as short_abandon_seconds,

        -- durations (seconds)
        cast(queue_seconds as integer) as queue_seconds,
        cast(talk_seconds as integer) as talk_seconds,
        cast(hold_seconds as integer) as hold_seconds,
        cast(acw_seconds as integer) as acw_seconds,
        cast(handle_seconds as integer) as handle_seconds,
        cast(hold_count as integer) as hold_count

    from contacts

)

select * from final
