{#- Forecast accuracy per queue and month: the daily components summed, then divided. Interval
    MAPE and WAPE as in fct_forecast_accuracy_daily; daily_mape is the mean over the days with
    contacts of |actual - forecast| / actual at the day level. Rebuilt in full from the daily
    fact (a few rows per queue and month). -#}

with

daily as (

    select * from {{ ref('fct_forecast_accuracy_daily') }}

),

monthly as (

    select
        queue_name,
        provider_id,
        site_id,
        channel,
        {{ dbt.date_trunc('month', 'business_date') }} as month,
        count(*) as days_count,
        count(case when actual_contacts > 0 then 1 end) as days_with_actual,
        {{ exact_sum('case when actual_contacts > 0 then abs_error / actual_contacts else 0 end') }} as daily_ape_sum,
        sum(actual_contacts) as actual_contacts,
        {{ exact_sum('forecast_contacts') }} as forecast_contacts,
        sum(intervals_count) as intervals_count,
        sum(intervals_with_actual) as intervals_with_actual,
        {{ exact_sum('interval_abs_error') }} as interval_abs_error,
        {{ exact_sum('interval_ape_sum') }} as interval_ape_sum,
        sum(answered) as answered,
        sum(handle_seconds) as handle_seconds,
        {{ exact_sum('forecast_workload_seconds') }} as forecast_workload_seconds

    from daily
    group by queue_name, provider_id, site_id, channel, {{ dbt.date_trunc('month', 'business_date') }}

),

final as (

    select
        -- grain
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(month as date) as month,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(channel as {{ dbt.type_string() }}) as channel,

        -- volume
        cast(actual_contacts as {{ dbt.type_bigint() }}) as actual_contacts,
        cast(forecast_contacts as {{ dbt.type_float() }}) as forecast_contacts,
        cast(actual_contacts - forecast_contacts as {{ dbt.type_float() }}) as error,
        cast(abs(actual_contacts - forecast_contacts) as {{ dbt.type_float() }}) as abs_error,
        cast(days_count as {{ dbt.type_int() }}) as days_count,
        cast(days_with_actual as {{ dbt.type_int() }}) as days_with_actual,
        cast(daily_ape_sum as {{ dbt.type_float() }}) as daily_ape_sum,
        cast({{ safe_divide('daily_ape_sum', 'days_with_actual') }} as {{ dbt.type_float() }}) as daily_mape,
        {{ forecast_accuracy_measures() }}

    from monthly

)

select * from final
