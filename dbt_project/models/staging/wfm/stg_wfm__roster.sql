with

source as (

    select * from {{ source('wfm', 'roster') }}

),

deduplicated as (

    {#- One snapshot per business day: an agent appears once per snapshot. -#}
    {{ deduplicate(
        relation='source',
        partition_by='agent_id, _business_date',
        order_by='_row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids (first_name / last_name are employee PII and stay in raw)
        agent_id,
        acd_username,
        provider_id,
        site_id,
        team_id,

        -- attributes
        hire_date,
        leave_date,
        skills,

        -- snapshot
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
