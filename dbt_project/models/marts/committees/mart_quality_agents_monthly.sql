{{ config(materialized='table') }}

{#- Quality committee, supervisors' drill-down: one row per provider x agent x month with the
    agent's QA evaluations (fct_evaluations, calibration evaluations and evaluations without an
    agent left out): count, mean score (score_percentage, 0-100) and evaluations with a critical
    error; site and team = the first (alphabetical) of the month. -#}

with

evaluations as (

    select * from {{ ref('fct_evaluations') }}

),

months as (

    select
        provider_id,
        agent_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        min(site_id) as site_id,
        min(team_id) as team_id,
        count(*) as evaluations,
        avg(score_percentage) as qa_score,
        count(case when has_critical_error then 1 end) as critical_errors

    from evaluations
    where agent_id is not null
        and not coalesce(is_calibration, false)
    group by 1, 2, 3

),

final as (

    select
        -- grain
        cast(months.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(months.agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(months.period_start as date) as period_start,
        {{ committee_period_columns('months', 'month') }},

        cast(months.site_id as {{ dbt.type_string() }}) as site_id,
        cast(months.team_id as {{ dbt.type_string() }}) as team_id,
        cast(months.evaluations as {{ dbt.type_bigint() }}) as evaluations,
        cast(months.qa_score as {{ dbt.type_float() }}) as qa_score,
        cast(months.critical_errors as {{ dbt.type_bigint() }}) as critical_errors

    from months

)

select * from final
