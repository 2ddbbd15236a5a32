{#- Durations: hold and after-call work default to 0; a report giving only the handle time
    (AHT x answered) leaves talk = handle - hold - acw; with every part given, handle is their sum
    (the report's own handle total may differ by the rounding of its averages). -#}

with

source as (

    select * from {{ source('acd', 'queue_intervals') }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='queue_name, interval_start_at',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

durations as (

    select
        *,
        coalesce(hold_seconds, 0) as hold_total,
        coalesce(acw_seconds, 0) as acw_total,
        coalesce(
            talk_seconds,
            handle_seconds - coalesce(hold_seconds, 0) - coalesce(acw_seconds, 0),
            0
        ) as talk_total

    from deduplicated

),

renamed as (

    select
        -- grain
        queue_name,
        interval_start_at,
        {{ utc_to_local('interval_start_at') }} as interval_start_local,
        cast({{ utc_to_local('interval_start_at') }} as date) as interval_date_local,
        interval_minutes,

        -- counts
        offered,
        answered,
        abandoned,
        answered_within_threshold,
        short_abandoned,
        -- without the count, the short abandons (within the threshold by contract) are the floor
        coalesce(abandoned_within_threshold, short_abandoned) as abandoned_within_threshold,
        abandoned_within_threshold is null as is_abandoned_within_threshold_estimated,

        -- durations (seconds, totals over answered contacts)
        coalesce(answered_queue_seconds, 0) as answered_queue_seconds,
        talk_total as talk_seconds,
        hold_total as hold_seconds,
        acw_total as acw_seconds,
        talk_total + hold_total + acw_total as handle_seconds,

        -- the report's own figure, to reconcile against
        service_level_published,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from durations

)

select * from renamed
