{#-
    Published measures shared by fct_forecast_accuracy_daily and fct_forecast_accuracy_monthly,
    over summed components (intervals_count, intervals_with_actual, interval_abs_error,
    interval_ape_sum, actual_contacts, answered, handle_seconds, forecast_workload_seconds,
    forecast_contacts): the interval-level error (counts, MAPE = ape sum / intervals with actual,
    WAPE = abs error / actual) and the handle time (actual vs forecast AHT). Comma-separated
    typed columns, without a trailing comma.
-#}
{% macro forecast_accuracy_measures() -%}
    cast(intervals_count as {{ dbt.type_int() }}) as intervals_count,
        cast(intervals_with_actual as {{ dbt.type_int() }}) as intervals_with_actual,
        cast(interval_abs_error as {{ dbt.type_float() }}) as interval_abs_error,
        cast(interval_ape_sum as {{ dbt.type_float() }}) as interval_ape_sum,
        cast({{ safe_divide('interval_ape_sum', 'intervals_with_actual') }} as {{ dbt.type_float() }}) as mape,
        cast({{ safe_divide('interval_abs_error', 'actual_contacts') }} as {{ dbt.type_float() }}) as wape,

        -- handle time
        cast(answered as {{ dbt.type_bigint() }}) as answered,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(forecast_workload_seconds as {{ dbt.type_float() }}) as forecast_workload_seconds,
        cast({{ safe_divide('handle_seconds', 'answered') }} as {{ dbt.type_float() }}) as actual_aht_seconds,
        cast({{ safe_divide('forecast_workload_seconds', 'forecast_contacts') }} as {{ dbt.type_float() }}) as forecast_aht_seconds
{%- endmacro %}
