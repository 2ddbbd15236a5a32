{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- Forecast accuracy per queue and business date, from the queue intervals: actual volume
    (offered) against the WFM forecast, at the day level (abs_error) and interval by interval
    (interval_abs_error, MAPE, WAPE). An interval without forecast counts a forecast of 0.
    MAPE = mean of |actual - forecast| / actual over the intervals with actual > 0 (intervals
    with no contact have no percentage error); WAPE = sum |actual - forecast| / sum actual over
    every interval (robust to near-zero intervals). AHT accuracy compares the actual handle
    time per answered contact with the forecast AHT weighted by forecast volume. Double sums are
    exact_sum()s, so a rebuild of the same window gives the same bits. -#}

with

intervals as (

    select * from {{ ref('fct_queue_intervals') }}
    where {{ business_date_window('business_date') }}

),

interval_errors as (

    select
        queue_name,
        provider_id,
        site_id,
        channel,
        business_date,
        offered as actual_contacts,
        coalesce(forecast_contacts, 0) as forecast_contacts,
        coalesce(forecast_contacts * forecast_aht_seconds, 0) as forecast_workload_seconds,
        answered,
        handle_seconds,
        abs(offered - coalesce(forecast_contacts, 0)) as abs_error,
        case when offered > 0 then abs(offered - coalesce(forecast_contacts, 0)) / offered end
            as absolute_percentage_error

    from intervals

),

daily as (

    select
        queue_name,
        provider_id,
        site_id,
        channel,
        business_date,
        count(*) as intervals_count,
        count(absolute_percentage_error) as intervals_with_actual,
        sum(actual_contacts) as actual_contacts,
        {{ exact_sum('forecast_contacts') }} as forecast_contacts,
        {{ exact_sum('abs_error') }} as interval_abs_error,
        coalesce({{ exact_sum('absolute_percentage_error') }}, 0) as interval_ape_sum,
        sum(answered) as answered,
        sum(handle_seconds) as handle_seconds,
        {{ exact_sum('forecast_workload_seconds') }} as forecast_workload_seconds

    from interval_errors
    group by queue_name, provider_id, site_id, channel, business_date

),

final as (

    select
        -- grain
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(business_date as date) as business_date,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(channel as {{ dbt.type_string() }}) as channel,

        -- volume
        cast(actual_contacts as {{ dbt.type_bigint() }}) as actual_contacts,
        cast(forecast_contacts as {{ dbt.type_float() }}) as forecast_contacts,
        cast(actual_contacts - forecast_contacts as {{ dbt.type_float() }}) as error,
        cast(abs(actual_contacts - forecast_contacts) as {{ dbt.type_float() }}) as abs_error,
        {{ forecast_accuracy_measures() }}

    from daily

)

select * from final
