{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Queue x 30-minute interval: volumes, durations, forecast, staffing and Erlang C estimates.
    Erlang C uses the interval's actual volume (offered) and actual AHT (handle / answered; the
    forecast AHT when nothing was answered) against the queue's threshold and target. Erlang C
    does not fit deferred work, so the estimates are null on e-mail queues. Estimates are rounded
    to 1e-6. -#}

{%- set interval_seconds = interval_seconds() -%}

with

intervals as (

    select * from {{ ref('int_queue_intervals_aggregated') }}
    where {{ business_date_window('business_date') }}

),

workload as (

    select
        *,
        {{ safe_divide('forecast_workload_seconds', 'forecast_contacts') }} as forecast_aht_seconds,
        cast(scheduled_open_seconds as {{ dbt.type_float() }}) / {{ interval_seconds }} as scheduled_agents,
        cast(site_scheduled_open_seconds as {{ dbt.type_float() }}) / {{ interval_seconds }} as site_scheduled_agents,
        cast(staffed_seconds as {{ dbt.type_float() }}) / {{ interval_seconds }} as logged_in_agents,
        coalesce(
            {{ safe_divide('handle_seconds', 'answered') }},
            {{ safe_divide('forecast_workload_seconds', 'forecast_contacts') }}
        ) as erlang_aht_seconds

    from intervals

),

traffic as (

    select
        *,
        case
            when channel = 'EMAIL' then null
            when offered = 0 then cast(0.0 as {{ dbt.type_float() }})
            else offered * erlang_aht_seconds / {{ interval_seconds }}
        end as traffic_erlangs,
        floor(scheduled_agents) as scheduled_agents_floor,
        scheduled_agents - floor(scheduled_agents) as scheduled_agents_fraction

    from workload

),

erlang as (

    -- a fractional mean staffing (12.4 agents) interpolates linearly between the whole numbers
    -- of agents around it (12 and 13)
    -- sqlfluff cannot parse the DuckDB lambdas of the Erlang C macros
    -- noqa: disable=PRS,LT02
    select
        *,
        {{ erlang_c_required_agents('traffic_erlangs', 'sl_threshold_seconds', 'erlang_aht_seconds', 'sl_target') }}
            as erlang_required_agents,
        (1 - scheduled_agents_fraction)
            * {{ erlang_c_service_level(
                'traffic_erlangs',
                'scheduled_agents_floor',
                'sl_threshold_seconds',
                'erlang_aht_seconds'
            ) }}
            + scheduled_agents_fraction
            * {{ erlang_c_service_level(
                'traffic_erlangs',
                'scheduled_agents_floor + 1',
                'sl_threshold_seconds',
                'erlang_aht_seconds'
            ) }}
            as erlang_service_level_at_scheduled,
        (1 - scheduled_agents_fraction)
            * {{ erlang_c_wait_probability('traffic_erlangs', 'scheduled_agents_floor') }}
            + scheduled_agents_fraction
            * {{ erlang_c_wait_probability('traffic_erlangs', 'scheduled_agents_floor + 1') }}
            as erlang_wait_probability_at_scheduled

    from traffic
    -- noqa: enable=PRS,LT02

),

final as (

    select
        -- grain
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(interval_start_at as {{ dbt.type_timestamp() }}) as interval_start_at,
        cast(interval_start_local as {{ dbt.type_timestamp() }}) as interval_start_local,
        cast(business_date as date) as business_date,
        cast(interval_start_local as time) as interval_start_time,

        -- queue contract
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(sl_threshold_seconds as {{ dbt.type_int() }}) as sl_threshold_seconds,
        cast(short_abandon_seconds as {{ dbt.type_int() }}) as short_abandon_seconds,
        cast(sl_target as {{ dbt.type_float() }}) as sl_target,

        -- contact_records, or interval_report for a queue-day without contact records
        cast(volume_source as {{ dbt.type_string() }}) as volume_source,

        -- volumes
        cast(offered as {{ dbt.type_bigint() }}) as offered,
        cast(answered as {{ dbt.type_bigint() }}) as answered,
        cast(abandoned as {{ dbt.type_bigint() }}) as abandoned,
        cast(short_abandoned as {{ dbt.type_bigint() }}) as short_abandoned,
        cast(answered_within_threshold as {{ dbt.type_bigint() }}) as answered_within_threshold,
        cast(abandoned_within_threshold as {{ dbt.type_bigint() }}) as abandoned_within_threshold,
        cast(callbacks as {{ dbt.type_bigint() }}) as callbacks,
        cast(flow_outs as {{ dbt.type_bigint() }}) as flow_outs,

        -- durations (seconds)
        cast(answered_queue_seconds as {{ dbt.type_bigint() }}) as answered_queue_seconds,
        cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(handled as {{ dbt.type_bigint() }}) as handled,
        cast(handled_handle_seconds as {{ dbt.type_bigint() }}) as handled_handle_seconds,

        -- forecast (WFM)
        cast(forecast_contacts as {{ dbt.type_float() }}) as forecast_contacts,
        cast(forecast_aht_seconds as {{ dbt.type_float() }}) as forecast_aht_seconds,
        cast(forecast_required_agents as {{ dbt.type_float() }}) as forecast_required_agents,

        -- staffing (agents = seconds / interval length)
        cast(scheduled_open_seconds as {{ dbt.type_bigint() }}) as scheduled_open_seconds,
        cast(scheduled_agents as {{ dbt.type_float() }}) as scheduled_agents,
        cast(site_scheduled_agents as {{ dbt.type_float() }}) as site_scheduled_agents,
        cast(staffed_seconds as {{ dbt.type_bigint() }}) as staffed_seconds,
        cast(logged_in_agents as {{ dbt.type_float() }}) as logged_in_agents,

        -- Erlang C on the actual volume and AHT
        cast({{ round_to('erlang_aht_seconds', 6) }} as {{ dbt.type_float() }}) as erlang_aht_seconds,
        cast({{ round_to('traffic_erlangs', 6) }} as {{ dbt.type_float() }}) as traffic_erlangs,
        cast(erlang_required_agents as {{ dbt.type_int() }}) as erlang_required_agents,
        cast(
            {{ round_to('erlang_service_level_at_scheduled', 6) }} as {{ dbt.type_float() }}
        ) as erlang_service_level_at_scheduled,
        cast(
            {{ round_to('erlang_wait_probability_at_scheduled', 6) }} as {{ dbt.type_float() }}
        ) as erlang_wait_probability_at_scheduled

    from erlang

)

select * from final
