{#-
    Join condition picking, for an event on `date_expr`, the daily snapshot row of
    `snapshot_alias` (a model with business_date and next_snapshot_date, e.g. int_agent_days_versioned_from_roster)
    that was current that day: the snapshot of that very day, or the latest earlier one when that
    day's snapshot was not delivered. The caller adds the entity key equality.
-#}
{% macro as_of_snapshot(snapshot_alias, date_expr) -%}
    ({{ date_expr }} >= {{ snapshot_alias }}.business_date
        and ({{ snapshot_alias }}.next_snapshot_date is null
            or {{ date_expr }} < {{ snapshot_alias }}.next_snapshot_date))
{%- endmacro %}
