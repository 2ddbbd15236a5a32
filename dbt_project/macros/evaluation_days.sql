{#-
    The evaluation days a window run rebuilds: the window's, plus the other days that delivered
    an evaluation a window day delivers too. An evaluation lives on the day of the file of its
    latest submission, so a later day's re-submission moves it off an earlier day (outside the
    window when that day is older than the late-arrival days), where its row would stay. Without
    a window, every date.
-#}
{% macro evaluation_days_window(column, deliveries) -%}
    {%- if business_date_bounds() is none -%}
        (1 = 1)
    {%- else -%}
        ({{ business_date_window(column) }}
            or {{ column }} in ({{ evaluation_days_moved_from(deliveries) }}))
    {%- endif -%}
{%- endmacro %}

{#- The other days that delivered an evaluation of a window day (`deliveries`: raw, every delivery
    of an evaluation): a semi-join on the window's evaluation ids. -#}
{% macro evaluation_days_moved_from(deliveries) -%}
    select distinct delivered._business_date
    from {{ deliveries }} as delivered
    where not {{ business_date_window('delivered._business_date') }}
        and delivered.evaluation_id in (
            select window_delivered.evaluation_id from {{ deliveries }} as window_delivered
            where {{ business_date_window('window_delivered._business_date') }}
        )
{%- endmacro %}

{#- Pre-hook of the models rebuilt on evaluation_days_window: with a window, delete those other
    days too (the marts' pre-hook clears the window's; delete+insert only replaces the days its
    new rows carry, and a day may have lost its only evaluation). -#}
{% macro clear_evaluation_days_moved_from(deliveries) -%}
    {%- if is_incremental() and pilotage.business_date_bounds() is not none -%}
        delete from {{ this }}
        where business_date in ({{ pilotage.evaluation_days_moved_from(deliveries) }})
    {%- endif -%}
{%- endmacro %}
