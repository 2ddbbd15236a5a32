{#-
    Long KPI rows: one row per KPI, so committee packs pivot them.

    kpi_long_unpivot(relation, keys, kpis)
        One `select ... union all select ...` with, for every KPI of `kpis`, the columns
        `keys` (scope and period), kpi_id, numerator, denominator, actual, definition_variant.
        `kpis` is a list of dicts: id; numerator (SQL); denominator (SQL, omitted for counts and
        amounts); actual (SQL, default numerator / denominator, or numerator without a
        denominator); variant (a literal string, default null). Only rows whose actual is not null
        are kept: a KPI row exists when it can be computed (no row for a CSAT without answers).

    kpi_long_score(kpis, keys, grain, target_grains, site_column, queue_column)
        Adds to the unpivoted rows of CTE `kpis` (columns: `keys`, period_start, kpi_id,
        numerator, denominator, actual, definition_variant) the common committee columns:
        previous_period_actual and same_period_last_year_actual (same keys and KPI, period
        shifted with trend_shift_period / trend_same_period_last_year), trend_vs_previous
        (trend_direction), the applicable target of seed kpi_targets (rag_target_candidates: most
        specific scope, then own grain before the `target_grains` fallbacks), gap = actual - target (rounded to 1e-9), is_higher_better,
        label, unit and family from seed kpi_catalogue, and rag_status.
        `keys` must identify a row together with period_start and kpi_id and contain provider_id
        (plus site_column / queue_column when the mart has them).
-#}
{% macro kpi_long_unpivot(relation, keys, kpis) -%}
    {%- for kpi in kpis %}
    select
        {% for key in keys -%}
        {{ key }},
        {% endfor -%}
        cast('{{ kpi.id }}' as {{ dbt.type_string() }}) as kpi_id,
        cast({{ kpi.numerator }} as {{ dbt.type_float() }}) as numerator,
        cast({{ kpi.denominator if kpi.denominator is defined and kpi.denominator is not none else 'null' }} as {{ dbt.type_float() }}) as denominator,
        cast(
            {%- if kpi.actual is defined and kpi.actual is not none %} {{ kpi.actual }}
            {%- elif kpi.denominator is defined and kpi.denominator is not none %} {{ safe_divide(kpi.numerator, kpi.denominator) }}
            {%- else %} {{ kpi.numerator }}
            {%- endif %} as {{ dbt.type_float() }}) as actual,
        cast({{ ("'" ~ kpi.variant ~ "'") if kpi.variant is defined and kpi.variant is not none else 'null' }} as {{ dbt.type_string() }}) as definition_variant
    from {{ relation }}
    where
        {%- if kpi.actual is defined and kpi.actual is not none %} ({{ kpi.actual }}) is not null
        {%- elif kpi.denominator is defined and kpi.denominator is not none %} {{ safe_divide(kpi.numerator, kpi.denominator) }} is not null
        {%- else %} ({{ kpi.numerator }}) is not null
        {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro kpi_long_score(kpis, keys, grain, target_grains=none, site_column='site_id', queue_column='queue_name') -%}
    {%- set grains = [grain] + ((target_grains or []) | reject('equalto', grain) | list) -%}
    select
        history.*,
        {{ trend_direction('history.actual', 'history.previous_period_actual') }} as trend_vs_previous,
        matched.target_id,
        matched.target_value,
        matched.tolerance,
        matched.priority,
        -- rounded to 1e-9: 0.07 - 0.05 reads 0.02, not 0.020000000000000004
        {{ round_to('history.actual - matched.target_value', 9) }} as gap,
        catalogue.is_higher_better,
        {{ rag_status('history.actual', 'matched.target_value', 'matched.tolerance', 'catalogue.is_higher_better') }}
            as rag_status,
        catalogue.label_fr as kpi_label_fr,
        catalogue.unit,
        catalogue.family as kpi_family
    from (
        select
            current_period.*,
            previous_period.actual as previous_period_actual,
            last_year.actual as same_period_last_year_actual
        from {{ kpis }} as current_period
        left join {{ kpis }} as previous_period
            on previous_period.kpi_id = current_period.kpi_id
            {% for key in keys -%}
            and previous_period.{{ key }} = current_period.{{ key }}
            {% endfor -%}
            and previous_period.period_start = {{ trend_shift_period('current_period.period_start', grain, -1) }}
        left join {{ kpis }} as last_year
            on last_year.kpi_id = current_period.kpi_id
            {% for key in keys -%}
            and last_year.{{ key }} = current_period.{{ key }}
            {% endfor -%}
            and last_year.period_start = {{ trend_same_period_last_year('current_period.period_start', grain) }}
    ) as history
    left join (
        {{ rag_target_candidates(kpis, keys, grains, site_column, queue_column) }}
    ) as matched
        on matched.target_rank = 1
        and matched.kpi_id = history.kpi_id
        and matched.period_start = history.period_start
        {% for key in keys -%}
        and matched.{{ key }} = history.{{ key }}
        {% endfor %}
    left join {{ ref('kpi_catalogue') }} as catalogue
        on catalogue.kpi_id = history.kpi_id
{%- endmacro %}

{#-
    Numerator and denominator (SQL, over summed components with `prefix`) of a KPI whose
    definition has vendor variants, mirroring macros service_level / abandon_rate / occupancy of
    macros/kpi_variants.sql (which compute the ratio itself): [numerator, denominator].
    The committee marts publish actual from those macros and numerator / denominator from this
    one; a data test on every committee mart checks actual = numerator / denominator, so the two
    cannot drift apart silently.
-#}
{% macro kpi_long_variant_parts(kpi, variant, prefix='') -%}
    {%- set p = prefix -%}
    {%- if kpi == 'service_level' -%}
        {%- set parts = {
            'connect': [p ~ 'answered_within_threshold + ' ~ p ~ 'abandoned_within_threshold + ' ~ p ~ 'callbacks', p ~ 'offered'],
            'genesys_all': [p ~ 'answered_within_threshold', p ~ 'answered + ' ~ p ~ 'abandoned + ' ~ p ~ 'flow_outs'],
            'genesys_excl_short': [p ~ 'answered_within_threshold', p ~ 'answered + ' ~ p ~ 'abandoned - ' ~ p ~ 'short_abandoned + ' ~ p ~ 'flow_outs'],
            'cisco_ignore_abandons': [p ~ 'answered_within_threshold', p ~ 'offered - ' ~ p ~ 'abandoned_within_threshold'],
            'cisco_abandons_against': [p ~ 'answered_within_threshold', p ~ 'offered - ' ~ p ~ 'short_abandoned'],
            'cisco_abandons_for': [p ~ 'answered_within_threshold + ' ~ p ~ 'abandoned_within_threshold - ' ~ p ~ 'short_abandoned', p ~ 'offered - ' ~ p ~ 'short_abandoned'],
        } -%}
    {%- elif kpi == 'abandon_rate' -%}
        {%- set parts = {
            'over_offered': [p ~ 'abandoned - ' ~ p ~ 'short_abandoned', p ~ 'offered - ' ~ p ~ 'short_abandoned'],
            'over_queued': [p ~ 'abandoned', p ~ 'offered'],
        } -%}
    {%- elif kpi == 'occupancy' -%}
        {%- set on_contact = p ~ 'talk_seconds + ' ~ p ~ 'hold_seconds + ' ~ p ~ 'acw_seconds' -%}
        {%- set parts = {
            'connect': [on_contact, on_contact ~ ' + ' ~ p ~ 'available_seconds'],
            'calabrio': [p ~ 'talk_seconds + ' ~ p ~ 'acw_seconds', p ~ 'staffed_seconds - ' ~ p ~ 'aux_seconds'],
            'avaya': [on_contact, p ~ 'staffed_seconds'],
        } -%}
    {%- elif kpi == 'aht' -%}
        {#- queued (default): contacts answered from a queue; all_handled: every contact an agent
            handled, queued or not (outbound, direct transfers) -#}
        {%- set parts = {
            'queued': [p ~ 'handle_seconds', p ~ 'answered'],
            'all_handled': [p ~ 'handled_handle_seconds', p ~ 'handled'],
        } -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("kpi_long_variant_parts: no variants for KPI '" ~ kpi ~ "'") }}
    {%- endif -%}
    {%- if variant not in parts -%}
        {{ exceptions.raise_compiler_error("kpi_long_variant_parts: unknown " ~ kpi ~ " variant '" ~ variant ~ "'") }}
    {%- endif -%}
    {{ return(parts[variant]) }}
{%- endmacro %}
