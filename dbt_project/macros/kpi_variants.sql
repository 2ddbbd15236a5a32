{#-
    Published KPI variants computed from summed components (never from averaged rates).

    Each macro returns a SQL ratio (double, null when the denominator is 0) over columns that
    are already sums at the caller's grain. `prefix` is prepended to every column name, e.g.
    prefix='totals.' or prefix='week_'. Without `variant` the project default comes from the vars
    service_level_variant / abandon_rate_variant / occupancy_variant. An unknown variant is a
    compilation error. Typical use in a mart:

        select ..., {{ service_level(var('service_level_variant')) }} as service_level,
               '{{ var('service_level_variant') }}' as service_level_variant
        from totals

    Components (see fct_contacts / fct_queue_intervals): offered = every queued contact
    = answered + abandoned + flow_outs; short_abandoned and abandoned_within_threshold are subsets
    of abandoned; callbacks is a subset of flow_outs. Every queue of seed `queues` has
    short_abandon_seconds <= sl_threshold_seconds (tested on dim_queue), so a short abandon is
    also an abandon within threshold.
-#}

{% macro service_level_variants() -%}
    {{ return(['connect', 'genesys_all', 'genesys_excl_short', 'cisco_ignore_abandons',
               'cisco_abandons_against', 'cisco_abandons_for']) }}
{%- endmacro %}

{% macro service_level(variant=none, prefix='') -%}
    {%- set variant = (variant or var('service_level_variant', 'genesys_excl_short')) | string | trim -%}
    {%- set p = prefix -%}
    {%- if variant == 'connect' -%}
        {#- Amazon Connect: removed from queue within X (answered, abandoned or callback) / queued -#}
        {{ safe_divide(p ~ 'answered_within_threshold + ' ~ p ~ 'abandoned_within_threshold + ' ~ p ~ 'callbacks',
                       p ~ 'offered') }}
    {%- elif variant == 'genesys_all' -%}
        {{ safe_divide(p ~ 'answered_within_threshold',
                       p ~ 'answered + ' ~ p ~ 'abandoned + ' ~ p ~ 'flow_outs') }}
    {%- elif variant == 'genesys_excl_short' -%}
        {{ safe_divide(p ~ 'answered_within_threshold',
                       p ~ 'answered + ' ~ p ~ 'abandoned - ' ~ p ~ 'short_abandoned + ' ~ p ~ 'flow_outs') }}
    {%- elif variant == 'cisco_ignore_abandons' -%}
        {#- SL offered (offered - short) minus SL abandons (abandoned within X - short):
            the short abandons, which are within X, are taken out once. -#}
        {{ safe_divide(p ~ 'answered_within_threshold',
                       p ~ 'offered - ' ~ p ~ 'short_abandoned - (' ~ p ~ 'abandoned_within_threshold - ' ~ p ~ 'short_abandoned)') }}
    {%- elif variant == 'cisco_abandons_against' -%}
        {{ safe_divide(p ~ 'answered_within_threshold',
                       p ~ 'offered - ' ~ p ~ 'short_abandoned') }}
    {%- elif variant == 'cisco_abandons_for' -%}
        {{ safe_divide(p ~ 'answered_within_threshold + ' ~ p ~ 'abandoned_within_threshold - ' ~ p ~ 'short_abandoned',
                       p ~ 'offered - ' ~ p ~ 'short_abandoned') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("service_level: unknown variant '" ~ variant ~ "', expected one of " ~ service_level_variants() | join(', ')) }}
    {%- endif -%}
{%- endmacro %}

{% macro abandon_rate(variant=none, prefix='') -%}
    {%- set variant = (variant or var('abandon_rate_variant', 'over_offered')) | string | trim -%}
    {%- set p = prefix -%}
    {%- if variant == 'over_offered' -%}
        {#- Genesys abandoned / offered, short abandons out of both (as the default service level) -#}
        {{ safe_divide(p ~ 'abandoned - ' ~ p ~ 'short_abandoned', p ~ 'offered - ' ~ p ~ 'short_abandoned') }}
    {%- elif variant == 'over_queued' -%}
        {#- Amazon Connect: every abandon over every queued contact (callbacks are not abandons) -#}
        {{ safe_divide(p ~ 'abandoned', p ~ 'offered') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("abandon_rate: unknown variant '" ~ variant ~ "', expected over_offered or over_queued") }}
    {%- endif -%}
{%- endmacro %}

{#- Occupancy from agent-time components: talk_seconds, hold_seconds, acw_seconds,
    available_seconds, aux_seconds, staffed_seconds (staffed = available + talk + hold + acw + aux). -#}
{% macro occupancy(variant=none, prefix='') -%}
    {%- set variant = (variant or var('occupancy_variant', 'connect')) | string | trim -%}
    {%- set p = prefix -%}
    {%- set on_contact = p ~ 'talk_seconds + ' ~ p ~ 'hold_seconds + ' ~ p ~ 'acw_seconds' -%}
    {%- if variant == 'connect' -%}
        {#- Amazon Connect: on contact / (on contact + idle) -#}
        {{ safe_divide(on_contact, on_contact ~ ' + ' ~ p ~ 'available_seconds') }}
    {%- elif variant == 'calabrio' -%}
        {#- Calabrio: (talk + ACW) / ready time (logged in, not in AUX); hold not in the numerator -#}
        {{ safe_divide(p ~ 'talk_seconds + ' ~ p ~ 'acw_seconds', p ~ 'staffed_seconds - ' ~ p ~ 'aux_seconds') }}
    {%- elif variant == 'avaya' -%}
        {#- Avaya CMS % ACD time: (ACD time + ACW) / staffed time -#}
        {{ safe_divide(on_contact, p ~ 'staffed_seconds') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("occupancy: unknown variant '" ~ variant ~ "', expected connect, calabrio or avaya") }}
    {%- endif -%}
{%- endmacro %}

{#- First-contact resolution: the condition (over fct_contacts columns) that makes a handled,
    repeat-eligible contact count as resolved at first contact. repeat_and_resolution_flag
    (default): no repeat within the window and the case, when the CRM flags it, not unresolved;
    repeat_only: no repeat within the window (a CRM resolution flag is ignored). -#}
{% macro fcr_variants() -%}
    {{ return(['repeat_and_resolution_flag', 'repeat_only']) }}
{%- endmacro %}

{% macro first_contact_resolved(variant=none, prefix='') -%}
    {%- set variant = (variant or var('fcr_variant', 'repeat_and_resolution_flag')) | string | trim -%}
    {%- set p = prefix -%}
    {%- if variant == 'repeat_and_resolution_flag' -%}
        (not {{ p }}has_repeat_within_window and coalesce({{ p }}is_case_resolved, true))
    {%- elif variant == 'repeat_only' -%}
        (not {{ p }}has_repeat_within_window)
    {%- else -%}
        {{ exceptions.raise_compiler_error("first_contact_resolved: unknown variant '" ~ variant ~ "', expected one of " ~ fcr_variants() | join(', ')) }}
    {%- endif -%}
{%- endmacro %}
