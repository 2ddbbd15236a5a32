{{ config(materialized='table') }}

{#- Production committee, supervisors' drill-down: one row per provider x agent x ISO week with
    agent-days (fct_agent_days). Days worked = days with staffed time; AHT = handle seconds /
    contacts handled; adherence = adherent seconds / scheduled open seconds (components summed
    over the week first, never averaged); site and team = the first (alphabetical) of the week,
    for an agent moved during the week. -#}

with

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

weeks as (

    select
        provider_id,
        agent_id,
        {{ trend_period_start('business_date', 'week') }} as period_start,
        min(site_id) as site_id,
        min(team_id) as team_id,
        count(case when staffed_seconds > 0 then 1 end) as days_worked,
        sum(contacts_handled) as contacts_handled,
        sum(handle_seconds) as handle_seconds,
        sum(staffed_seconds) as staffed_seconds,
        sum(adherent_seconds) as adherent_seconds,
        sum(scheduled_open_seconds) as scheduled_open_seconds,
        sum(unplanned_absence_seconds) as unplanned_absence_seconds

    from agent_days
    group by 1, 2, 3

),

final as (

    select
        -- grain
        cast(weeks.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(weeks.agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(weeks.period_start as date) as period_start,
        {{ committee_period_columns('weeks', 'week') }},

        cast(weeks.site_id as {{ dbt.type_string() }}) as site_id,
        cast(weeks.team_id as {{ dbt.type_string() }}) as team_id,
        cast(weeks.days_worked as {{ dbt.type_bigint() }}) as days_worked,
        cast(weeks.contacts_handled as {{ dbt.type_bigint() }}) as contacts_handled,
        cast(weeks.handle_seconds / nullif(weeks.contacts_handled, 0) as {{ dbt.type_float() }}) as aht_seconds,
        cast(weeks.staffed_seconds as {{ dbt.type_bigint() }}) as staffed_seconds,
        cast(weeks.adherent_seconds / nullif(weeks.scheduled_open_seconds, 0) as {{ dbt.type_float() }}) as adherence,
        cast(weeks.unplanned_absence_seconds as {{ dbt.type_bigint() }}) as unplanned_absence_seconds,

        -- components
        cast(weeks.handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(weeks.adherent_seconds as {{ dbt.type_bigint() }}) as adherent_seconds,
        cast(weeks.scheduled_open_seconds as {{ dbt.type_bigint() }}) as scheduled_open_seconds

    from weeks

)

select * from final
