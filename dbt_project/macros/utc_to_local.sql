{#-
    Convert a naive UTC timestamp to the naive wall-clock timestamp of a time zone
    (default: var('local_time_zone'), Europe/Paris).

    The raw layer stores every event timestamp as a naive TIMESTAMP in UTC. The conversion first
    declares the value as UTC (giving an instant, TIMESTAMPTZ) and then reads that instant on the
    wall clock of the target zone, so it does not depend on the session TimeZone setting and follows
    the zone's DST rules (tz database): 2026-10-25 00:59:59 UTC -> 02:59:59 CEST,
    2026-10-25 01:00:00 UTC -> 02:00:00 CET. Local values are ambiguous during the autumn repeated
    hour; keep the *_at (UTC) column when an instant is needed.
-#}
{% macro utc_to_local(column, time_zone=none) -%}
    {{ return(adapter.dispatch('utc_to_local', 'pilotage')(column, time_zone or var('local_time_zone'))) }}
{%- endmacro %}

{#- DuckDB and Postgres: timestamp AT TIME ZONE 'UTC' -> timestamptz; AT TIME ZONE tz -> local timestamp. -#}
{% macro default__utc_to_local(column, time_zone) -%}
    ((({{ column }}) at time zone 'UTC') at time zone '{{ time_zone }}')
{%- endmacro %}

{% macro snowflake__utc_to_local(column, time_zone) -%}
    convert_timezone('UTC', '{{ time_zone }}', {{ column }})
{%- endmacro %}

{% macro bigquery__utc_to_local(column, time_zone) -%}
    datetime(timestamp({{ column }}), '{{ time_zone }}')
{%- endmacro %}
