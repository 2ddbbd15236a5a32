with

source as (

    select * from {{ source('wfm', 'forecasts') }}

),

deduplicated as (

    {#- A re-forecast re-delivers the period: the latest delivery wins. -#}
    {{ deduplicate(
        relation='source',
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
