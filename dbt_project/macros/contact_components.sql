{#-
    The standard summable components of contacts (columns of int_contacts_enriched /
    fct_contacts), shared by every model that aggregates contacts to a queue grain:
    offered, answered, abandoned, short_abandoned, answered_within_threshold,
    abandoned_within_threshold, [callbacks, flow_outs,] answered_queue_seconds, talk_seconds,
    hold_seconds, acw_seconds, handle_seconds.

    contact_components(with_callbacks_and_flow_outs)
        The [name, aggregate SQL] pairs, in that order.
    contact_component_aggregates(with_callbacks_and_flow_outs)
        `aggregate as name` for every component (for a select ... group by over contacts).
    contact_component_totals(relation, with_callbacks_and_flow_outs)
        `coalesce(relation.name, 0) as name` for every component (a left-joined aggregate,
        0 where the spine has no contact).
    Both lists are comma-separated, without a trailing comma.
-#}
{% macro contact_components(with_callbacks_and_flow_outs=true) -%}
    {%- set components = [
        ['offered', 'count(case when is_offered then 1 end)'],
        ['answered', 'count(case when is_answered then 1 end)'],
        ['abandoned', 'count(case when is_abandoned then 1 end)'],
        ['short_abandoned', 'count(case when is_short_abandon then 1 end)'],
        ['answered_within_threshold', 'count(case when is_answered_within_threshold then 1 end)'],
        ['abandoned_within_threshold', 'count(case when is_abandoned_within_threshold then 1 end)'],
    ] -%}
    {%- if with_callbacks_and_flow_outs -%}
        {%- set components = components + [
            ['callbacks', 'count(case when is_callback then 1 end)'],
            ['flow_outs', 'count(case when is_flow_out then 1 end)'],
        ] -%}
    {%- endif -%}
    {%- set components = components + [
        ['answered_queue_seconds', 'sum(case when is_answered then queue_seconds else 0 end)'],
        ['talk_seconds', 'sum(talk_seconds)'],
        ['hold_seconds', 'sum(hold_seconds)'],
        ['acw_seconds', 'sum(acw_seconds)'],
        ['handle_seconds', 'sum(handle_seconds)'],
    ] -%}
    {{ return(components) }}
{%- endmacro %}

{% macro contact_component_aggregates(with_callbacks_and_flow_outs=true) -%}
    {%- for component in contact_components(with_callbacks_and_flow_outs) %}
        {{ component[1] }} as {{ component[0] }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro contact_component_totals(relation, with_callbacks_and_flow_outs=true) -%}
    {%- for component in contact_components(with_callbacks_and_flow_outs) %}
        coalesce({{ relation }}.{{ component[0] }}, 0) as {{ component[0] }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
