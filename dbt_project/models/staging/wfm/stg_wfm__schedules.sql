with

source as (

    select * from {{ source('wfm', 'schedules') }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='agent_id, start_at, activity',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        agent_id,
        schedule_date,
        activity,

        -- timestamps
        start_at,
        end_at,
        {{ utc_to_local('start_at') }} as start_local,
        {{ utc_to_local('end_at') }} as end_local,
        time_zone,
        {{ dbt.datediff('start_at', 'end_at', 'second') }} as scheduled_seconds,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
