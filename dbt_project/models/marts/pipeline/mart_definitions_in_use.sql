{{ config(materialized='table') }}

{#- The KPI definitions the marts were built with: one row per definition var of dbt_project.yml
    that the KPI catalogue names as a variant_var, with the value of this build (var() at build
    time, so a `--vars` override shows), the catalogue's default and the KPIs it governs. The
    packs' covers state these instead of reading dbt_project.yml. -#}

{%- set definition_vars = ['service_level_variant', 'abandon_rate_variant', 'occupancy_variant',
                           'contact_outcome_source', 'aht_variant', 'fcr_variant', 'repeat_window_days', 'fte_hours_per_month', 'forecast_horizon_months'] -%}

with

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

in_use as (

    {% for name in definition_vars %}
        select
            '{{ name }}' as definition_key,
            '{{ var(name) }}' as value_in_use
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

governed as (

    select
        variant_var as definition_key,
        string_agg(kpi_id, ', ' order by kpi_id) as kpi_ids,
        case when count(distinct default_variant) = 1 then min(default_variant) end as catalogue_default

    from catalogue
    where variant_var is not null
    group by variant_var

),

final as (

    select
        -- grain
        cast(in_use.definition_key as {{ dbt.type_string() }}) as definition_key,

        cast(in_use.value_in_use as {{ dbt.type_string() }}) as value_in_use,
        cast(governed.catalogue_default as {{ dbt.type_string() }}) as catalogue_default,
        cast(governed.kpi_ids as {{ dbt.type_string() }}) as kpi_ids

    from in_use
    left join governed on governed.definition_key = in_use.definition_key

)

select * from final
