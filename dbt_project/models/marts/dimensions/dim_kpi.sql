{{ config(materialized='table') }}

{#- The KPI catalogue (seed kpi_catalogue) as the packs read it: labels in both languages, unit,
    family, direction and definition variants, one row per KPI. -#}

with

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

final as (

    select
        cast(kpi_id as varchar) as kpi_id,
        cast(label_en as varchar) as label_en,
        cast(label_fr as varchar) as label_fr,
        cast(family as varchar) as family,
        cast(unit as varchar) as unit,
        cast(is_higher_better as boolean) as is_higher_better,
        cast(default_variant as varchar) as default_variant,
        cast(variant_var as varchar) as variant_var

    from catalogue

)

select * from final
