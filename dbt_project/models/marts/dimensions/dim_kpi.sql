{{ config(materialized='table') }}

{#- The KPI catalogue (seed kpi_catalogue) as the packs read it: labels in both languages, unit,
    family, direction and definition variants, one row per KPI. -#}

with

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

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
        cast(variant_var as {{ dbt.type_string() }}) as variant_var

    from catalogue

)

select * from final
