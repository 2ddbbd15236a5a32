{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Production committee, interval drill-down: one row per queue x 30-minute interval (wide, like
    mart_production_daily: 48 rows a day per queue are read as a time series, not pivoted).
    Service level (var service_level_variant, with its numerator and denominator), abandons, AHT,
    ASA, forecast vs actual volume, and staffing: Erlang C agents required for the queue's target
    at the actual volume and AHT vs agents scheduled (OPEN activity, agents whose primary skill is
    the queue) and logged in. is_service_level_met compares with the queue's contractual sl_target
    (seed queues); targets with tolerance and RAG live at week and month grain. Incremental on
    business_date with the window vars, like fct_queue_intervals. -#}

{%- set sl_variant = var('service_level_variant', 'genesys_excl_short') -%}
{%- set abandon_variant = var('abandon_rate_variant', 'over_offered') -%}
{%- set sl_parts = kpi_long_variant_parts('service_level', sl_variant) -%}
{%- set aht_parts = kpi_long_variant_parts('aht', var('aht_variant', 'queued')) -%}

with

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}
    where {{ business_date_window('business_date') }}

),

final as (

    select
        -- grain
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(interval_start_at as {{ dbt.type_timestamp() }}) as interval_start_at,

        -- period and scope
        cast(business_date as date) as business_date,
        cast(interval_start_local as {{ dbt.type_timestamp() }}) as interval_start_local,
        cast(interval_start_time as time) as interval_start_time,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(sl_threshold_seconds as {{ dbt.type_int() }}) as sl_threshold_seconds,
        cast(sl_target as {{ dbt.type_float() }}) as sl_target,

        -- volumes
        cast(offered as {{ dbt.type_bigint() }}) as offered,
        cast(answered as {{ dbt.type_bigint() }}) as answered,
        cast(abandoned as {{ dbt.type_bigint() }}) as abandoned,
        cast(short_abandoned as {{ dbt.type_bigint() }}) as short_abandoned,
        cast(answered_within_threshold as {{ dbt.type_bigint() }}) as answered_within_threshold,
        cast(abandoned_within_threshold as {{ dbt.type_bigint() }}) as abandoned_within_threshold,
        cast(callbacks as {{ dbt.type_bigint() }}) as callbacks,
        cast(flow_outs as {{ dbt.type_bigint() }}) as flow_outs,

        -- service level and abandons
        cast({{ service_level(sl_variant) }} as {{ dbt.type_float() }}) as service_level,
        cast({{ sl_parts[0] }} as {{ dbt.type_float() }}) as service_level_numerator,
        cast({{ sl_parts[1] }} as {{ dbt.type_float() }}) as service_level_denominator,
        cast('{{ sl_variant }}' as {{ dbt.type_string() }}) as definition_variant,
        cast({{ service_level(sl_variant) }} >= sl_target - 1e-9 as {{ dbt.type_boolean() }}) as is_service_level_met,
        cast({{ abandon_rate(abandon_variant) }} as {{ dbt.type_float() }}) as abandon_rate,
        cast('{{ abandon_variant }}' as {{ dbt.type_string() }}) as abandon_rate_variant,

        -- durations
        cast({{ safe_divide(aht_parts[0], aht_parts[1]) }} as {{ dbt.type_float() }}) as aht_seconds,
        cast({{ safe_divide('talk_seconds', 'answered') }} as {{ dbt.type_float() }}) as talk_time_seconds,
        cast({{ safe_divide('answered_queue_seconds', 'answered') }} as {{ dbt.type_float() }}) as asa_seconds,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,

        -- forecast vs actual
        cast(forecast_contacts as {{ dbt.type_float() }}) as forecast_contacts,
        cast(offered - forecast_contacts as {{ dbt.type_float() }}) as forecast_error_contacts,
        cast(forecast_aht_seconds as {{ dbt.type_float() }}) as forecast_aht_seconds,
        cast(forecast_required_agents as {{ dbt.type_float() }}) as forecast_required_agents,

        -- staffing
        cast(erlang_required_agents as {{ dbt.type_int() }}) as erlang_required_agents,
        cast(scheduled_agents as {{ dbt.type_float() }}) as scheduled_agents,
        cast(logged_in_agents as {{ dbt.type_float() }}) as logged_in_agents,
        cast(scheduled_agents - erlang_required_agents as {{ dbt.type_float() }}) as staffing_gap_agents,
        cast(erlang_service_level_at_scheduled as {{ dbt.type_float() }}) as erlang_service_level_at_scheduled

    from queue_intervals

)

select * from final
