{#-
    Seconds two half-open time ranges [start_a, end_a) and [start_b, end_b) have in common
    (0 when they do not overlap). Used to slice schedule segments into reporting intervals.
-#}
{% macro interval_overlap_seconds(start_a, end_a, start_b, end_b) -%}
    greatest(
        {{ dbt.datediff(
            'greatest(' ~ start_a ~ ', ' ~ start_b ~ ')',
            'least(' ~ end_a ~ ', ' ~ end_b ~ ')',
            'second'
        ) }},
        0
    )
{%- endmacro %}

{#- Length of the reporting interval in seconds (var('interval_minutes') x 60). -#}
{% macro interval_seconds() -%}
    {{ return((var('interval_minutes') | int) * 60) }}
{%- endmacro %}

{#-
    Predicate: `column` (a business date) lies in the window of vars date_from / date_to widened
    by `days_before` and `days_after` days; always true without the vars. Used to read the
    neighbours a windowed computation needs (repeat contacts before and after the rebuilt days).
-#}
{% macro interval_padded_window(column, days_before=0, days_after=0) -%}
    {%- set bounds = business_date_bounds() -%}
    {%- if bounds is none -%}
        (1 = 1)
    {%- else -%}
        {%- set first = modules.datetime.date.fromisoformat(bounds[0]) - modules.datetime.timedelta(days=days_before | int) -%}
        {%- set last = modules.datetime.date.fromisoformat(bounds[1]) + modules.datetime.timedelta(days=days_after | int) -%}
        ({{ column }} between cast('{{ first.isoformat() }}' as date) and cast('{{ last.isoformat() }}' as date))
    {%- endif -%}
{%- endmacro %}

{#-
    Predicate: the timestamp `column` lies in the window's days widened by `days_before` and
    `days_after` days (always true without the window, or when days_before is none: the first
    build of an incremental intermediate table). A range on the bare column, so DuckDB pushes it
    through a staging view's de-duplication (partitioned by that column) to raw; a filter on
    business_date or on cast(column as date) is applied after the whole history is ranked.
-#}
{% macro timestamp_padded_window(column, days_before, days_after) -%}
    {%- set bounds = business_date_bounds() -%}
    {%- if bounds is none or days_before is none -%}
        (1 = 1)
    {%- else -%}
        {%- set first = modules.datetime.date.fromisoformat(bounds[0]) - modules.datetime.timedelta(days=days_before | int) -%}
        {%- set end = modules.datetime.date.fromisoformat(bounds[1]) + modules.datetime.timedelta(days=(days_after | int) + 1) -%}
        ({{ column }} >= cast('{{ first.isoformat() }}' as {{ dbt.type_timestamp() }})
            and {{ column }} < cast('{{ end.isoformat() }}' as {{ dbt.type_timestamp() }}))
    {%- endif -%}
{%- endmacro %}
