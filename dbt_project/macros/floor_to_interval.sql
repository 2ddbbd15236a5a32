{#-
    Start of the reporting interval (default var('interval_minutes') = 30) that contains a
    timestamp: truncate to the hour, then add whole intervals. 09:59:59 -> 09:30:00.
    The interval length must divide an hour (5, 10, 15, 20, 30, 60), so the result is the same
    whether it is computed on a UTC or on a local (Europe/Paris, whole-hour offsets) timestamp.
-#}
{% macro floor_to_interval(column, minutes=none) -%}
    {%- set minutes = (minutes or var('interval_minutes')) | int -%}
    {%- if minutes <= 0 or 60 % minutes != 0 -%}
        {{ exceptions.raise_compiler_error("floor_to_interval: minutes must divide 60, got " ~ minutes) }}
    {%- endif -%}
    {%- set whole_intervals = "cast(floor(extract(minute from " ~ column ~ ") / " ~ minutes ~ ") as " ~ dbt.type_int() ~ ") * " ~ minutes -%}
    {{ dbt.dateadd('minute', whole_intervals, dbt.date_trunc('hour', column)) }}
{%- endmacro %}
