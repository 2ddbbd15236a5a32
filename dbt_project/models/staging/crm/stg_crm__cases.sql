{#- customer ids and case numbers leave raw as keyed hashes (macro keyed_hash); a table, so
    the views built on it do not need the hash function outside dbt -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['case_id'],
        post_hook="{{ pilotage.delete_keys_gone_from_raw(source('crm', 'cases'), ['case_id']) }}"
    )
}}

with

source as (

    {{ staged_keys_source(source('crm', 'cases'), ['case_id']) }}

),

deduplicated as (

    {#- Cases are re-exported as they change and carry no modification timestamp:
        the latest delivery wins. -#}
    {{ deduplicate(
        relation='source',
        partition_by='case_id',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        case_id,
        {{ keyed_hash("nullif(case_number, '')") }} as case_number,
        {{ keyed_hash("nullif(customer_id, '')") }} as customer_key,
        account_id,
        origin_contact_id,

        -- attributes
        origin,
        reason,
        case_type,
        status,
        priority,
        is_closed,
        is_resolved,  -- the CRM's resolution flag; null when the CRM has none

        -- timestamps
        created_at,
        closed_at,
        cast({{ utc_to_local('created_at') }} as date) as created_date_local,
        cast({{ utc_to_local('closed_at') }} as date) as closed_date_local,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
