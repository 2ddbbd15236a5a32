{#-
    Convert a naive UTC timestamp to the naive wall-clock timestamp of a time zone
    (default: var('local_time_zone'), Europe/Paris).

    The raw layer stores every event timestamp as a naive TIMESTAMP in UTC. The conversion first
    declares the value as UTC (giving an instant, TIMESTAMPTZ) and then reads that instant on the
    wall clock of the target zone, so it does not depend on the session TimeZone setting and follows
    the zone's DST rules (tz database): 2026-10-25 00:59:59 UTC -> 02:59:59 CEST,
    2026-10-25 01:00:00 UTC -> 02:00:00 CET. Local values are ambiguous during the autumn repeated
    hour; keep the *_at (UTC) column when an instant is needed.

    With `site_column` (a SQL expression giving the row's site_id), a site listed in
    var('site_time_zones') (center.yml: a site on another clock than the center) is read on its
    own wall clock; every other site on the center's.
-#}
{% macro utc_to_local(column, time_zone=none, site_column=none) -%}
    {%- set zone = time_zone or var('local_time_zone') -%}
    {%- set sites = (var('site_time_zones', {}) or {}) if site_column else {} -%}
    {%- if sites -%}
        {%- set local -%}
        case {{ site_column }}
            {%- for site, site_zone in sites.items() %}
            when '{{ site }}' then {{ adapter.dispatch('utc_to_local', 'pilotage')(column, site_zone) }}
            {%- endfor %}
            else {{ adapter.dispatch('utc_to_local', 'pilotage')(column, zone) }}
        end
        {%- endset -%}
        {{ return(local) }}
    {%- endif -%}
    {{ return(adapter.dispatch('utc_to_local', 'pilotage')(column, zone)) }}
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
