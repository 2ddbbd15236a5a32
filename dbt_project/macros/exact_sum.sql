{#-
    Sum of a double expression that does not depend on the order the rows are added in: each
    value is rounded to `scale` decimals (default 12) and summed as a DECIMAL (exact), the total
    cast back to double. A plain sum of doubles is order-dependent in its last bits, and DuckDB
    adds rows in whatever order its threads deliver them, so a rebuild of the same rows could
    differ (a near-zero error or a ratio of such sums then differs far beyond 1e-6 relatively).
    decimal(38, 12) holds totals up to 1e26.
-#}
{% macro exact_sum(expression, scale=12) -%}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }}))) as {{ dbt.type_float() }})
{%- endmacro %}
