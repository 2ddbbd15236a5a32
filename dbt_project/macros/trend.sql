{#-
    up / down / flat: direction of `actual` against `previous` (null when either is null).
    Flat when the change is at most `threshold` (relative to |previous|; default var
    trend_flat_threshold = 0.01, i.e. 1 %); from a previous value of 0, any change is up or down.
    A direction, not a judgement: read it with the KPI's is_higher_better.
-#}
{% macro trend_direction(actual, previous, threshold=none) -%}
    {%- set threshold = threshold if threshold is not none else var('trend_flat_threshold', 0.01) -%}
    case
        when {{ actual }} is null or {{ previous }} is null then null
        when abs({{ actual }} - {{ previous }}) <= {{ threshold }} * abs({{ previous }}) then 'flat'
        when {{ actual }} > {{ previous }} then 'up'
        else 'down'
    end
{%- endmacro %}

{#-
    Start date of the period `periods` periods away from the period starting at `column`
    (negative = earlier): week = 7 days, month, quarter = 3 months, half_year = 6 months.
-#}
{% macro trend_shift_period(column, grain, periods) -%}
    {%- if grain == 'week' -%}
        cast({{ dbt.dateadd('day', (periods | int) * 7, column) }} as date)
    {%- elif grain == 'month' -%}
        cast({{ dbt.dateadd('month', periods | int, column) }} as date)
    {%- elif grain == 'quarter' -%}
        cast({{ dbt.dateadd('month', (periods | int) * 3, column) }} as date)
    {%- elif grain == 'half_year' -%}
        cast({{ dbt.dateadd('month', (periods | int) * 6, column) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("trend_shift_period: unknown grain '" ~ grain ~ "' (week, month, quarter, half_year)") }}
    {%- endif -%}
{%- endmacro %}

{#-
    Start date of the same period one year before: 12 months earlier for months, quarters and
    half-years; 52 weeks (364 days) earlier for ISO weeks, i.e. the same weekday and, except after a
    53-week ISO year, the same ISO week number.
-#}
{% macro trend_same_period_last_year(column, grain) -%}
    {%- if grain == 'week' -%}
        {{ trend_shift_period(column, 'week', -52) }}
    {%- else -%}
        cast({{ dbt.dateadd('month', -12, column) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- First day of the period (ISO week starting Monday, month, quarter, half-year) containing `column`. -#}
{% macro trend_period_start(column, grain) -%}
    {%- if grain == 'week' -%}
        cast({{ dbt.date_trunc('week', column) }} as date)
    {%- elif grain == 'month' -%}
        cast({{ dbt.date_trunc('month', column) }} as date)
    {%- elif grain == 'quarter' -%}
        cast({{ dbt.date_trunc('quarter', column) }} as date)
    {%- elif grain == 'half_year' -%}
        {#- January or July of the year -#}
        cast({{ dbt.dateadd(
            'month',
            '6 * cast(floor((extract(month from ' ~ column ~ ') - 1) / 6) as ' ~ dbt.type_int() ~ ')',
            dbt.date_trunc('year', column)
        ) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("trend_period_start: unknown grain '" ~ grain ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- Readable label of a period: 2026-W41, 2026-10, 2026-Q4, 2026-H2. -#}
{% macro trend_period_label(period_start, grain) -%}
    {%- if grain == 'week' -%}
        (cast(extract(isoyear from {{ period_start }}) as {{ dbt.type_string() }}) || '-W'
            || lpad(cast(extract(week from {{ period_start }}) as {{ dbt.type_string() }}), 2, '0'))
    {%- elif grain == 'month' -%}
        (cast(extract(year from {{ period_start }}) as {{ dbt.type_string() }}) || '-'
            || lpad(cast(extract(month from {{ period_start }}) as {{ dbt.type_string() }}), 2, '0'))
    {%- elif grain == 'quarter' -%}
        (cast(extract(year from {{ period_start }}) as {{ dbt.type_string() }}) || '-Q'
            || cast(extract(quarter from {{ period_start }}) as {{ dbt.type_string() }}))
    {%- elif grain == 'half_year' -%}
        (cast(extract(year from {{ period_start }}) as {{ dbt.type_string() }}) || '-H'
            || cast(case when extract(month from {{ period_start }}) <= 6 then 1 else 2 end as {{ dbt.type_string() }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("trend_period_label: unknown grain '" ~ grain ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- Last day of the period starting at `period_start`. -#}
{% macro trend_period_end(period_start, grain) -%}
    cast({{ dbt.dateadd('day', -1, trend_shift_period(period_start, grain, 1)) }} as date)
{%- endmacro %}

{#-
    Rolling pool of the last `periods` periods (current one included) for every KPI row of CTE
    `kpis` (columns `keys`, period_start, kpi_id, numerator, denominator), and the same pool one
    period earlier. Ratio KPIs pool their components (sum of numerators / sum of denominators);
    counts and amounts (no denominator) are averaged per period present. Periods without a row
    are simply absent from the pool. Returns `keys`, period_start, kpi_id, rolling_actual,
    previous_rolling_actual, rolling_periods.
-#}
{% macro trend_rolling(kpis, keys, grain, periods=3) -%}
    {%- set window_start = trend_shift_period('current_period.period_start', grain, 1 - (periods | int)) -%}
    {%- set previous_window_start = trend_shift_period('current_period.period_start', grain, -(periods | int)) -%}
    {%- set previous_window_end = trend_shift_period('current_period.period_start', grain, -1) -%}
    {%- set in_current = 'pooled.period_start >= ' ~ window_start -%}
    {%- set in_previous = 'pooled.period_start <= ' ~ previous_window_end -%}
    select
        {% for key in keys -%}
        current_period.{{ key }},
        {% endfor -%}
        current_period.period_start,
        current_period.kpi_id,
        case
            when current_period.denominator is null
                then {{ safe_divide('sum(case when ' ~ in_current ~ ' then pooled.numerator end)',
                                    'count(case when ' ~ in_current ~ ' then 1 end)') }}
            else {{ safe_divide('sum(case when ' ~ in_current ~ ' then pooled.numerator end)',
                                'sum(case when ' ~ in_current ~ ' then pooled.denominator end)') }}
        end as rolling_actual,
        case
            when current_period.denominator is null
                then {{ safe_divide('sum(case when ' ~ in_previous ~ ' then pooled.numerator end)',
                                    'count(case when ' ~ in_previous ~ ' then 1 end)') }}
            else {{ safe_divide('sum(case when ' ~ in_previous ~ ' then pooled.numerator end)',
                                'sum(case when ' ~ in_previous ~ ' then pooled.denominator end)') }}
        end as previous_rolling_actual,
        count(case when {{ in_current }} then 1 end) as rolling_periods
    from {{ kpis }} as current_period
    inner join {{ kpis }} as pooled
        on pooled.kpi_id = current_period.kpi_id
        {% for key in keys -%}
        and pooled.{{ key }} = current_period.{{ key }}
        {% endfor -%}
        and pooled.period_start >= {{ previous_window_start }}
        and pooled.period_start <= current_period.period_start
    group by
        {% for key in keys -%}
        current_period.{{ key }},
        {% endfor -%}
        current_period.period_start,
        current_period.kpi_id,
        current_period.denominator
{%- endmacro %}
