with

source as (

    select * from {{ source('wfm', 'forecasts') }}

),

occurrences as (

    select
        *,
        row_number() over (
            partition by _source_file, queue_name, interval_start_local, interval_start_at
            order by _row_number
        ) as local_start_occurrence,
        count(*) over (
            partition by _source_file, queue_name, interval_start_local, interval_start_at
        ) as local_start_occurrences
    from source

),

repeated_hour_resolved as (

    {#- A wall-clock export lists the autumn repeated hour twice (Europe/Paris 02:00, 02:30, 02:00,
        02:30 on the last Sunday of October) and the layout reads both occurrences of a local start
        as the same UTC instant. Within a delivered file, of two periods with the same local start
        and the same instant, the first is the earlier instant (summer time), the second the later
        one: the first moves one hour earlier when that instant also reads as its local start, the
        second one hour later likewise. Exports in UTC (distinct instants) are left as they are. -#}
    select
        queue_name,
        case
            when local_start_occurrences = 2 and local_start_occurrence = 1
                and {{ utc_to_local(dbt.dateadd('hour', -1, 'interval_start_at')) }} = interval_start_local
                then {{ dbt.dateadd('hour', -1, 'interval_start_at') }}
            when local_start_occurrences = 2 and local_start_occurrence = 2
                and {{ utc_to_local(dbt.dateadd('hour', 1, 'interval_start_at')) }} = interval_start_local
                then {{ dbt.dateadd('hour', 1, 'interval_start_at') }}
            else interval_start_at
        end as interval_start_at,
        interval_start_local,
        time_zone,
        forecast_contacts,
        forecast_aht_seconds,
        forecast_required_agents,
        _business_date,
        _source_file,
        _row_number
    from occurrences

),

deduplicated as (

    {#- A re-forecast re-delivers the period: the latest delivery wins. -#}
    {{ deduplicate(
        relation='repeated_hour_resolved',
        partition_by='queue_name, interval_start_at',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        queue_name,

        -- timestamps: UTC instant, and the local period start as exported by the WFM tool
        interval_start_at,
        interval_start_local,
        cast(interval_start_local as date) as interval_date_local,
        time_zone,

        -- forecast
        forecast_contacts,
        forecast_aht_seconds,
        forecast_required_agents,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
