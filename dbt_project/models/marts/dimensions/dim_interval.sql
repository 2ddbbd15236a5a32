{#- The reporting intervals of a day on the local wall clock: 48 slots of var('interval_minutes')
    = 30 minutes, 00:00 to 23:30. Facts carry interval_start_time to join here. -#}

{%- set minutes = var('interval_minutes') | int -%}
{%- set slots = (24 * 60) // minutes -%}

with

slots as (

    select
        cast(generated_number - 1 as {{ dbt.type_int() }}) as slot_number,
        -- whole minutes since midnight (integer division below)
        cast((generated_number - 1) * {{ minutes }} as {{ dbt.type_int() }}) as start_minute,
        cast(generated_number * {{ minutes }} as {{ dbt.type_int() }}) as end_minute
    from ({{ dbt.generate_series(slots) }}) as numbers

),

final as (

    select
        cast(
            {{ dbt.dateadd(
                'minute',
                'slot_number * ' ~ minutes,
                "cast('2000-01-01' as " ~ dbt.type_timestamp() ~ ")"
            ) }} as time
        )
            as interval_start_time,
        cast(
            {{ dbt.dateadd(
                'minute',
                '(slot_number + 1) * ' ~ minutes,
                "cast('2000-01-01' as " ~ dbt.type_timestamp() ~ ")"
            ) }} as time
        )
            as interval_end_time,
        cast(slot_number as {{ dbt.type_int() }}) as slot_number,
        cast((start_minute - mod(start_minute, 60)) / 60 as {{ dbt.type_int() }}) as hour_of_day,
        cast(mod(start_minute, 60) as {{ dbt.type_int() }}) as minute_of_hour,
        cast({{ minutes }} as {{ dbt.type_int() }}) as interval_minutes,
        cast(
            lpad(
                cast(
                    cast((start_minute - mod(start_minute, 60)) / 60 as {{ dbt.type_int() }}) as {{ dbt.type_string() }}
                ),
                2,
                '0'
            )
            || ':'
            || lpad(cast(mod(start_minute, 60) as {{ dbt.type_string() }}), 2, '0') || '-'
            || lpad(
                cast(
                    mod(
                        cast((end_minute - mod(end_minute, 60)) / 60 as {{ dbt.type_int() }}), 24
                    ) as {{ dbt.type_string() }}
                ),
                2,
                '0'
            )
            || ':'
            || lpad(cast(mod(end_minute, 60) as {{ dbt.type_string() }}), 2, '0')
            as {{ dbt.type_string() }}
        ) as interval_label

    from slots

)

select * from final
