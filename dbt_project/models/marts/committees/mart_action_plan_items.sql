{{ config(materialized='table') }}

{#- The action plan's items (seed action_plan) as the packs read them for a period that is not a
    month (production week, strategic half-year): one row per item with its dates and the owner's
    status. The month view, with the status at month end and the KPI's result, is
    mart_steering_action_plan. -#}

with

action_plan as (

    select * from {{ ref('action_plan') }}

),

final as (

    select
        cast(action_id as {{ dbt.type_string() }}) as action_id,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(kpi_id as {{ dbt.type_string() }}) as kpi_id,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(owner as {{ dbt.type_string() }}) as owner,
        cast(opened_on as date) as opened_on,
        cast(due_on as date) as due_on,
        cast(closed_on as date) as closed_on,
        cast(status as {{ dbt.type_string() }}) as status

    from action_plan

)

select * from final
