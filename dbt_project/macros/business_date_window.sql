{#-
    Filter on the business-date window passed by the orchestrator:
        dbt build --vars '{date_from: 2026-10-05, date_to: 2026-10-05}'
    Both bounds are ISO dates, inclusive. Without them the predicate is always true (full rebuild
    of every business date present upstream). Giving only one bound, a bound that is not an ISO
    date, or date_from > date_to is a compilation error (fail before touching the warehouse).
-#}
{% macro business_date_window(column='business_date') -%}
    {{ date_between(column, business_date_bounds()) }}
{%- endmacro %}

{#- Predicate: `column` between bounds[0] and bounds[1] (ISO dates, inclusive); always true when
    bounds is none. -#}
{% macro date_between(column, bounds) -%}
    {%- if bounds is none -%}
        (1 = 1)
    {%- else -%}
        ({{ column }} between cast('{{ bounds[0] }}' as date) and cast('{{ bounds[1] }}' as date))
    {%- endif -%}
{%- endmacro %}

{#- Returns none (no window) or [date_from, date_to] as ISO strings, validated. Without the vars,
    the window comes from env vars PILOTAGE_DBT_DATE_FROM / PILOTAGE_DBT_DATE_TO, read only when
    executing: the production build passes it there, so its --vars stay the same from run to run
    and dbt keeps its partial parse (changed --vars force a full parse). -#}
{% macro business_date_bounds() -%}
    {%- set date_from = var('date_from', none) -%}
    {%- set date_to = var('date_to', none) -%}
    {%- if execute and date_from in (none, '') and date_to in (none, '') -%}
        {%- set date_from = env_var('PILOTAGE_DBT_DATE_FROM', '') -%}
        {%- set date_to = env_var('PILOTAGE_DBT_DATE_TO', '') -%}
    {%- endif -%}
    {%- if date_from in (none, '') and date_to in (none, '') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if date_from in (none, '') or date_to in (none, '') -%}
        {{ exceptions.raise_compiler_error("vars date_from and date_to must be given together (got date_from=" ~ date_from ~ ", date_to=" ~ date_to ~ ")") }}
    {%- endif -%}
    {%- set parsed = [] -%}
    {%- for value in [date_from, date_to] -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error("business date bounds must be ISO dates YYYY-MM-DD, got " ~ text) }}
        {%- endif -%}
        {%- do parsed.append(modules.datetime.date.fromisoformat(text)) -%}
    {%- endfor -%}
    {%- if parsed[0] > parsed[1] -%}
        {{ exceptions.raise_compiler_error("date_from (" ~ parsed[0] ~ ") is after date_to (" ~ parsed[1] ~ ")") }}
    {%- endif -%}
    {{ return([parsed[0].isoformat(), parsed[1].isoformat()]) }}
{%- endmacro %}

{#- Returns none (no window) or [changed_from, date_to]: the window's days whose raw can have
    changed since the last build, validated. The production build passes the run's own first day
    in env var PILOTAGE_DBT_CHANGED_FROM (transform.window_env: a run's loads replace the raw of
    its own days only; the window's earlier days are the late-arrival days; a day loaded but not
    yet built, raw._unbuilt_days, moves it back: pilotage.unbuilt_days), read only when
    executing and only when the window itself comes from the env (partial parse kept, as for the
    window). Otherwise (a manual --vars window, or the env var empty) changed_from is date_from:
    every window day is treated as changed. -#}
{% macro raw_changed_bounds() -%}
    {%- set bounds = pilotage.business_date_bounds() -%}
    {%- if bounds is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed_from = '' -%}
    {%- if execute and var('date_from', none) in (none, '') -%}
        {%- set changed_from = env_var('PILOTAGE_DBT_CHANGED_FROM', '') | string | trim -%}
    {%- endif -%}
    {%- if changed_from == '' -%}
        {{ return(bounds) }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', changed_from) -%}
        {{ exceptions.raise_compiler_error("PILOTAGE_DBT_CHANGED_FROM must be an ISO date YYYY-MM-DD, got " ~ changed_from) }}
    {%- endif -%}
    {%- set first_changed = modules.datetime.date.fromisoformat(changed_from) -%}
    {%- if first_changed < modules.datetime.date.fromisoformat(bounds[0])
        or first_changed > modules.datetime.date.fromisoformat(bounds[1]) -%}
        {{ exceptions.raise_compiler_error("PILOTAGE_DBT_CHANGED_FROM (" ~ changed_from ~ ") lies outside the window " ~ bounds[0] ~ ".." ~ bounds[1]) }}
    {%- endif -%}
    {{ return([first_changed.isoformat(), bounds[1]]) }}
{%- endmacro %}

{#- Predicate: `column` lies in raw_changed_bounds (always true without a window). -#}
{% macro raw_changed_window(column='business_date') -%}
    {{ date_between(column, raw_changed_bounds()) }}
{%- endmacro %}

{#- Pre-hook of the incremental marts (dbt_project.yml): with a window, delete its business dates
    first. delete+insert alone only replaces the dates present in the new rows, so a day whose
    source became empty (an accepted empty re-delivery) would keep its old rows. -#}
{% macro clear_window_days(column='business_date') -%}
    {%- set bounds = pilotage.business_date_bounds() -%}
    {%- if bounds is not none and config.get('materialized') == 'incremental' and is_incremental() -%}
        delete from {{ this }} where {{ pilotage.business_date_window(column) }}
    {%- endif -%}
{%- endmacro %}
