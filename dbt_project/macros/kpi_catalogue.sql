{#-
    KPI lists of the steering scorecard, generated from seed kpi_catalogue.

    catalogue_kpis(committee, families, exclude_families)
        The available KPIs (catalogue `available`) whose `committees` list names `committee`,
        restricted to `families` / without `exclude_families`, ordered by kpi_id, each as the
        kpi_long_unpivot dict of kpi_definitions(). The catalogue is read at compile time from
        the built seed (dbt builds seeds before the models that read them); at parse time the
        list is empty. A catalogue KPI without a definition fails the compilation: adding a KPI
        to a committee in the seed requires saying how it is computed.

    kpi_definitions()
        How each KPI of the steering scorecard is computed from components summed at the mart's
        grain (columns of int_kpi_values_aggregated_to_months' site / provider months and of
        mart_steering_monthly's money and action-plan months): kpi_long_unpivot dicts (id;
        numerator, denominator and actual as SQL; variant) keyed by kpi_id. Variant KPIs take
        actual from the macros of kpi_variants.sql and numerator / denominator from
        kpi_long_variant_parts, with the project's vars.
-#}
{% macro catalogue_kpis(committee, families=none, exclude_families=none) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {#- the built seed; unit tests have no graph (and ref() is their fixture there): the seed's
        schema as configured in dbt_project.yml -#}
    {%- set seed = (graph.get('nodes') or {}).get('seed.' ~ project_name ~ '.kpi_catalogue') -%}
    {%- if seed -%}
        {%- set relation = api.Relation.create(database=seed.database, schema=seed.schema, identifier=seed.alias) -%}
    {%- else -%}
        {%- set relation = api.Relation.create(
            database=target.database, schema=generate_schema_name('seeds', none) | trim, identifier='kpi_catalogue'
        ) -%}
    {%- endif -%}
    {%- set catalogue = run_query(
        'select kpi_id, family, committees, available from ' ~ relation ~ ' order by kpi_id'
    ) -%}
    {%- set definitions = kpi_definitions() -%}
    {%- set kpis = [] -%}
    {%- for row in catalogue.rows -%}
        {%- if row['available'] and committee in (row['committees'] or '').split(';')
            and (families is none or row['family'] in families)
            and (exclude_families is none or row['family'] not in exclude_families) -%}
            {%- if row['kpi_id'] not in definitions -%}
                {{ exceptions.raise_compiler_error("catalogue_kpis: KPI '" ~ row['kpi_id'] ~ "' of committee "
                    ~ committee ~ " has no definition in macro kpi_definitions") }}
            {%- endif -%}
            {%- do kpis.append(definitions[row['kpi_id']]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(kpis) }}
{%- endmacro %}

{% macro kpi_definitions() -%}
    {%- set sl_variant = var('service_level_variant', 'genesys_excl_short') -%}
    {%- set abandon_variant = var('abandon_rate_variant', 'over_offered') -%}
    {%- set sl_parts = kpi_long_variant_parts('service_level', sl_variant) -%}
    {%- set abandon_parts = kpi_long_variant_parts('abandon_rate', abandon_variant) -%}
    {%- set repeat_variant = (var('repeat_window_days', 7) | int) ~ ' days' -%}
    {%- set fcr_variant = var('fcr_variant', 'repeat_and_resolution_flag') ~ ', ' ~ repeat_variant -%}
    {%- set aht_variant = var('aht_variant', 'queued') -%}
    {%- set aht_parts = kpi_long_variant_parts('aht', aht_variant) -%}
    {%- set fte_hours = var('fte_hours_per_month', 151.67) -%}
    {%- set kpis = [
        {'id': 'contacts_offered', 'numerator': 'offered'},
        {'id': 'contacts_handled', 'numerator': 'answered'},
        {'id': 'service_level', 'numerator': sl_parts[0], 'denominator': sl_parts[1],
         'actual': service_level(sl_variant), 'variant': sl_variant},
        {'id': 'abandon_rate', 'numerator': abandon_parts[0], 'denominator': abandon_parts[1],
         'actual': abandon_rate(abandon_variant), 'variant': abandon_variant},
        {'id': 'answer_rate', 'numerator': 'answered', 'denominator': 'offered'},
        {'id': 'aht_seconds', 'numerator': aht_parts[0], 'denominator': aht_parts[1], 'variant': aht_variant},
        {'id': 'qa_score', 'numerator': 'score_sum', 'denominator': 'evaluations'},
        {'id': 'critical_error_rate', 'numerator': 'critical_errors', 'denominator': 'evaluations'},
        {'id': 'csat', 'numerator': 'csat_satisfied', 'denominator': 'csat_responses', 'variant': 'top_2_box'},
        {'id': 'repeat_rate', 'numerator': 'repeat_contacts', 'denominator': 'repeat_eligible',
         'variant': repeat_variant},
        {'id': 'fcr_rate', 'numerator': 'fcr_resolved', 'denominator': 'fcr_eligible', 'variant': fcr_variant},
        {'id': 'staffing_coverage_rate', 'numerator': 'scheduled_agent_intervals',
         'denominator': 'required_agent_intervals'},
        {'id': 'fte_required', 'numerator': 'required_paid_hours', 'denominator': fte_hours},
        {'id': 'fte_scheduled', 'numerator': 'scheduled_seconds / 3600.0', 'denominator': fte_hours,
         'actual': 'case when scheduled_seconds > 0 then scheduled_seconds / 3600.0 / ' ~ fte_hours ~ ' end'},
        {'id': 'absenteeism', 'numerator': 'unplanned_absence_seconds', 'denominator': 'scheduled_seconds'},
        {'id': 'shrinkage', 'numerator': 'shrinkage_seconds', 'denominator': 'scheduled_seconds'},
        {'id': 'headcount', 'numerator': 'employed_agent_days', 'denominator': 'roster_days'},
        {'id': 'attrition', 'numerator': 'leavers', 'denominator': safe_divide('employed_agent_days', 'roster_days')},
        {'id': 'invoice_amount', 'numerator': 'invoice_amount_eur'},
        {'id': 'bonus_malus_pct', 'numerator': 'bonus_malus_eur', 'denominator': 'invoice_amount_eur'},
        {'id': 'bonus_malus_amount', 'numerator': 'bonus_malus_eur'},
        {'id': 'cost_per_contact', 'numerator': 'invoice_amount_eur + bonus_malus_eur', 'denominator': 'handled_contacts'},
        {'id': 'action_items_open', 'numerator': 'items_open'},
        {'id': 'action_items_late', 'numerator': 'items_late'},
    ] -%}
    {%- set by_id = {} -%}
    {%- for kpi in kpis -%}
        {%- do by_id.update({kpi.id: kpi}) -%}
    {%- endfor -%}
    {{ return(by_id) }}
{%- endmacro %}
