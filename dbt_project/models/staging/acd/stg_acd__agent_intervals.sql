with

source as (

    select * from {{ source('acd', 'agent_intervals') }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='agent_username, queue_group, interval_start_at',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        agent_username,
        queue_group,

        -- timestamps
        interval_start_at,
        {{ utc_to_local('interval_start_at') }} as interval_start_local,
        cast({{ utc_to_local('interval_start_at') }} as date) as interval_date_local,

        -- durations (seconds) and counts
        staffed_seconds,
        available_seconds,
        talk_seconds,
        hold_seconds,
        acw_seconds,
        aux_seconds,
        contacts_handled,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
