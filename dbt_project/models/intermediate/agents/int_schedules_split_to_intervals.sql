{#- One row per schedule segment x reporting interval it overlaps, with the seconds in common:
    09:15-10:40 gives 900 s in 09:00, 1800 s in 09:30, 1800 s in 10:00 and 600 s in 10:30.
    Slices are labelled by the UTC interval start and its Europe/Paris wall clock; the business
    date of a slice is the local date of its interval. -#}

{%- set interval_minutes = var('interval_minutes') | int -%}
{#- a segment never spans more than two days: 2 x 24 h of intervals, plus one partial -#}
{%- set max_slices = (2 * 24 * 60 // interval_minutes) + 1 -%}

with

schedules as (

    select * from {{ ref('stg_wfm__schedules') }}
    where end_at > start_at

),

slice_offsets as (

    -- 0 .. max_slices - 1
    select cast(generated_number - 1 as {{ dbt.type_int() }}) as slice_offset
    from ({{ dbt.generate_series(max_slices) }}) as numbers

),

segments as (

    select
        agent_id,
        schedule_date,
        activity,
        start_at,
        end_at,
        {{ floor_to_interval('start_at') }} as first_interval_start_at
    from schedules

),

slices as (

    select
        segments.agent_id,
        segments.schedule_date,
        segments.activity,
        segments.start_at,
        segments.end_at,
        {{ dbt.dateadd(
            'minute',
            'slice_offsets.slice_offset * ' ~ interval_minutes,
            'segments.first_interval_start_at'
        ) }}
            as interval_start_at
    from segments
    inner join slice_offsets
        on {{ dbt.dateadd(
            'minute',
            'slice_offsets.slice_offset * ' ~ interval_minutes,
            'segments.first_interval_start_at'
        ) }}
        < segments.end_at

),

final as (

    select
        agent_id,
        schedule_date,
        activity,
        start_at as segment_start_at,
        end_at as segment_end_at,
        interval_start_at,
        {{ utc_to_local('interval_start_at') }} as interval_start_local,
        cast({{ utc_to_local('interval_start_at') }} as date) as business_date,
        {{ interval_overlap_seconds(
            'start_at', 'end_at',
            'interval_start_at', dbt.dateadd('minute', interval_minutes, 'interval_start_at')
        ) }} as scheduled_seconds
    from slices

)

select * from final
