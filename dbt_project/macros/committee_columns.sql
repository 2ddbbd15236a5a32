{#-
    Published column blocks shared by the final select of the committee marts (KPI rows scored
    by kpi_long_score). Each returns a comma-separated list of typed columns of `relation`,
    without a trailing comma, in the order the marts publish them.

    committee_period_columns(relation, grain, last_business_date)
        period_grain, period_end, period_label, and is_complete_period (the period has ended by
        `last_business_date`, a SQL expression) when last_business_date is given.

    committee_kpi_columns(relation, family)
        KPI (kpi_label_fr, kpi_family when `family`, unit, actual, numerator, denominator,
        definition_variant), then target and status (target_id, target_value, tolerance, gap,
        is_higher_better, rag_status, priority).

    committee_trend_columns(relation)
        previous_period_actual, trend_vs_previous, same_period_last_year_actual.
-#}
{% macro committee_period_columns(relation, grain, last_business_date=none) -%}
    {%- set period_start = relation ~ '.period_start' -%}
    cast('{{ grain }}' as {{ dbt.type_string() }}) as period_grain,
        cast({{ trend_period_end(period_start, grain) }} as date) as period_end,
        cast({{ trend_period_label(period_start, grain) }} as {{ dbt.type_string() }}) as period_label
        {%- if last_business_date is not none %},
        cast({{ trend_period_end(period_start, grain) }} <= {{ last_business_date }} as {{ dbt.type_boolean() }})
            as is_complete_period
        {%- endif %}
{%- endmacro %}

{% macro committee_kpi_columns(relation, family=false) -%}
    cast({{ relation }}.kpi_label_fr as {{ dbt.type_string() }}) as kpi_label_fr,
        {% if family -%}
        cast({{ relation }}.kpi_family as {{ dbt.type_string() }}) as kpi_family,
        {% endif -%}
        cast({{ relation }}.unit as {{ dbt.type_string() }}) as unit,
        cast({{ relation }}.actual as {{ dbt.type_float() }}) as actual,
        cast({{ relation }}.numerator as {{ dbt.type_float() }}) as numerator,
        cast({{ relation }}.denominator as {{ dbt.type_float() }}) as denominator,
        cast({{ relation }}.definition_variant as {{ dbt.type_string() }}) as definition_variant,

        -- target and status
        cast({{ relation }}.target_id as {{ dbt.type_string() }}) as target_id,
        cast({{ relation }}.target_value as {{ dbt.type_float() }}) as target_value,
        cast({{ relation }}.tolerance as {{ dbt.type_float() }}) as tolerance,
        cast({{ relation }}.gap as {{ dbt.type_float() }}) as gap,
        cast({{ relation }}.is_higher_better as {{ dbt.type_boolean() }}) as is_higher_better,
        cast({{ relation }}.rag_status as {{ dbt.type_string() }}) as rag_status,
        cast({{ relation }}.priority as {{ dbt.type_int() }}) as priority
{%- endmacro %}

{% macro committee_trend_columns(relation) -%}
    cast({{ relation }}.previous_period_actual as {{ dbt.type_float() }}) as previous_period_actual,
        cast({{ relation }}.trend_vs_previous as {{ dbt.type_string() }}) as trend_vs_previous,
        cast({{ relation }}.same_period_last_year_actual as {{ dbt.type_float() }}) as same_period_last_year_actual
{%- endmacro %}
