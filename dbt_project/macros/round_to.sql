{#- `expression` (a float) rounded to `digits` decimals, as a float. Postgres has round(x, n)
    for numeric only: the value goes through numeric and back. -#}
{% macro round_to(expression, digits) -%}
    {{ return(adapter.dispatch('round_to', 'pilotage')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_to(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as {{ dbt.type_float() }})
{%- endmacro %}
