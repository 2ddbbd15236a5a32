{#- customer ids and case numbers leave raw as keyed hashes (macro keyed_hash); a table, so
    the views built on it do not need the hash function outside dbt -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['contact_id'],
        post_hook="{{ pilotage.delete_keys_gone_from_raw(source('acd', 'contacts'), ['contact_id']) }}"
    )
}}

with

source as (

    {{ staged_keys_source(source('acd', 'contacts'), ['contact_id']) }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='contact_id',
        order_by='last_updated_at desc nulls last, _business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        contact_id,
        initial_contact_id,
        queue_name,
        agent_username,
        {{ keyed_hash("nullif(customer_id, '')") }} as customer_key,
        {{ keyed_hash("nullif(case_number, '')") }} as case_number,

        -- attributes
        channel,
        initiation_method,
        disconnect_reason,
        customer_endpoint_type,
        outcome,  -- the vendor's own answered / abandoned / other, when its layout maps one

        -- timestamps (UTC)
        initiated_at,
        enqueued_at,
        dequeued_at,
        connected_to_agent_at,
        acw_started_at,
        acw_ended_at,
        disconnected_at,
        last_updated_at,

        -- local wall clock (Europe/Paris)
        {{ utc_to_local('initiated_at') }} as initiated_local,
        cast({{ utc_to_local('initiated_at') }} as date) as initiated_date_local,

        -- durations (seconds)
        queue_seconds,
        talk_seconds,
        hold_seconds,
        hold_count,
        acw_seconds,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
