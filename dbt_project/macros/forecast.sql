{#-
    Volume forecast used by the strategic committee (mart_strategic_volume_forecast), documented
    in that model:
        forecast(month m) = offered(m - 12 months) x trend ratio
        trend ratio       = sum of offered over the last 3 complete months
                            / sum of offered over the same 3 months one year before,
                            both sums over the months that have a value one year before
                            (ratio 1 when none has).
    Seasonality comes from last year's same month; the ratio carries the recent growth.
-#}

{#- Rows 1..n as `months_ahead` (a portable spine, no generate_series). -#}
{% macro forecast_horizon_spine(months=none) -%}
    {%- set months = (months if months is not none else var('forecast_horizon_months', 6)) | int -%}
    {%- if months < 1 -%}
        {{ exceptions.raise_compiler_error("forecast horizon must be at least one month, got " ~ months) }}
    {%- endif -%}
    {%- for n in range(1, months + 1) %}
    select {{ n }} as months_ahead{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Trend ratio from the sums of recent months and of the same months a year before (1 without history). -#}
{% macro forecast_trend_ratio(recent_sum, year_before_sum) -%}
    coalesce({{ safe_divide(recent_sum, year_before_sum) }}, 1.0)
{%- endmacro %}
