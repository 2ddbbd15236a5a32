{{ config(materialized='table') }}

{#- The KPI catalogue (seed kpi_catalogue) as the packs read it: labels in both languages, unit,
    family, direction and definition variants, one row per KPI; and whether this center can
    publish it (is_available, unavailable_reason): a KPI whose feeds the center does not deliver
    (var delivered_entities, from center.yml) or whose contract data is empty (no pricing, no
    bonus/malus grid, no targets, no action plan in the center folder) is flagged, not failed. -#}

{%- set delivered = var('delivered_entities') -%}
{#- the feeds each KPI needs, by kpi_id, else by the catalogue's source; `any` of them suffices -#}
{%- set needs_by_kpi = {
    'occupancy': ['acd__agent_intervals'],
    'contacts_per_productive_hour': ['acd__agent_intervals'],
    'csat': ['crm__surveys'], 'csat_mean_score': ['crm__surveys'], 'ces': ['crm__surveys'],
    'complaint_rate': ['crm__cases'],
    'forecast_wape': ['wfm__forecasts'], 'staffing_required_agents': ['wfm__forecasts'],
    'fte_required': ['wfm__forecasts'],
    'attrition': ['wfm__roster'], 'headcount': ['wfm__roster'],
} -%}
{%- set priced_kpis = ['invoice_amount', 'bonus_malus_amount', 'cost_per_contact', 'cost_per_outbound_call'] -%}
{%- set needs_by_source = {
    'acd': ['acd__contacts', 'acd__queue_intervals'],
    'crm': ['crm__cases', 'crm__surveys'],
    'wfm': ['wfm__forecasts', 'wfm__schedules', 'wfm__roster'],
    'qa': ['qa__evaluations'],
} -%}

with

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

contract_rows as (

    select
        (select count(*) from {{ ref('contract_pricing') }}) as pricing_rows,
        (select count(*) from {{ ref('contract_bonus_malus') }}) as bonus_malus_rows,
        (select count(*) from {{ ref('kpi_targets') }}) as target_rows,
        (select count(*) from {{ ref('action_plan') }}) as action_rows

),

flagged as (

    select
        catalogue.*,
        case
            when not catalogue.available
                then 'not available yet: ' || coalesce(catalogue.availability_note, 'no source feeds it')
            {% if delivered is not none -%}
            {%- for kpi_id, needs in needs_by_kpi.items() if not (needs | select('in', delivered) | list) %}
            when catalogue.kpi_id = '{{ kpi_id }}'
                then 'not available: {{ needs | join(" or ") }} not delivered by this center (center.yml delivers)'
            {%- endfor %}
            {%- for source, needs in needs_by_source.items() if not (needs | select('in', delivered) | list) %}
            when catalogue.source = '{{ source }}'{% if needs_by_kpi %} and catalogue.kpi_id not in ('{{ needs_by_kpi.keys() | join("', '") }}'){% endif %}
                then 'not available: no {{ source | upper }} feed delivered by this center (center.yml delivers)'
            {%- endfor %}
            {%- endif %}
            when contract_rows.pricing_rows = 0 and catalogue.kpi_id in (
                    {%- for kpi_id in priced_kpis %}
                        '{{ kpi_id }}'{{ ',' if not loop.last }}
                    {%- endfor %}
                )
                then 'not available: no pricing (contract_pricing.csv of the center folder has no rows)'
            when catalogue.kpi_id in ('bonus_malus_pct', 'bonus_malus_amount') and contract_rows.bonus_malus_rows = 0
                then 'not available: no bonus/malus grid (contract_bonus_malus.csv of the center folder has no rows)'
            when catalogue.source = 'action_plan' and contract_rows.action_rows = 0
                then 'not available: no action plan (action_plan.csv of the center folder has no rows)'
            when catalogue.kpi_id in ('targets_met_count', 'targets_missed_count', 'targets_met_rate')
                and contract_rows.target_rows = 0
                then 'not available: no targets (kpi_targets.csv of the center folder has no rows)'
        end as unavailable_reason

    from catalogue
    cross join contract_rows

),

final as (

    select
        cast(kpi_id as {{ dbt.type_string() }}) as kpi_id,
        cast(label_en as {{ dbt.type_string() }}) as label_en,
        cast(label_fr as {{ dbt.type_string() }}) as label_fr,
        cast(family as {{ dbt.type_string() }}) as family,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(is_higher_better as {{ dbt.type_boolean() }}) as is_higher_better,
        cast(default_variant as {{ dbt.type_string() }}) as default_variant,
        cast(variant_var as {{ dbt.type_string() }}) as variant_var,
        cast(unavailable_reason is null as {{ dbt.type_boolean() }}) as is_available,
        cast(unavailable_reason as {{ dbt.type_string() }}) as unavailable_reason

    from flagged

)

select * from final
