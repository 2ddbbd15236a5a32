{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns',
        pre_hook="{{ pilotage.clear_evaluation_days_moved_from(source('qa', 'evaluations')) }}"
    )
}}

{#- One row per QA evaluation x criterion (question), calibration evaluations included, on the
    evaluation's business date. A criterion is applicable unless answered N/A; a critical
    criterion fails when it is applicable and earns less than its maximum (critical criteria are
    pass/fail: 0 or max). Rebuilt on the days of fct_evaluations (evaluation_days_window). -#}

with

evaluations as (

    select * from {{ ref('int_evaluations_enriched') }}
    where {{ evaluation_days_window('business_date', source('qa', 'evaluations')) }}

),

answers as (

    select * from {{ ref('stg_qa__evaluation_answers') }}

),

joined as (

    select
        answers.evaluation_id,
        answers.question_ref_id,
        answers.section_ref_id,
        evaluations.business_date,
        evaluations.agent_id,
        evaluations.provider_id,
        evaluations.site_id,
        evaluations.team_id,
        evaluations.evaluator_id,
        evaluations.form_title,
        evaluations.form_version,
        evaluations.is_calibration,
        evaluations.calibration_session_id,
        coalesce(answers.is_critical, false) as is_critical,
        coalesce(answers.is_not_applicable, false) as is_not_applicable,
        answers.max_points,
        answers.points

    from answers
    inner join evaluations
        on answers.evaluation_id = evaluations.evaluation_id

),

final as (

    select
        -- grain
        cast(evaluation_id as {{ dbt.type_string() }}) as evaluation_id,
        cast(question_ref_id as {{ dbt.type_string() }}) as question_ref_id,
        cast(section_ref_id as {{ dbt.type_string() }}) as section_ref_id,
        cast(business_date as date) as business_date,

        -- evaluation context
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(evaluator_id as {{ dbt.type_string() }}) as evaluator_id,
        cast(form_title as {{ dbt.type_string() }}) as form_title,
        cast(form_version as {{ dbt.type_int() }}) as form_version,
        cast(is_calibration as {{ dbt.type_boolean() }}) as is_calibration,
        cast(calibration_session_id as {{ dbt.type_string() }}) as calibration_session_id,

        -- answer
        cast(max_points as {{ dbt.type_float() }}) as max_points,
        cast(points as {{ dbt.type_float() }}) as points,
        cast(is_not_applicable as {{ dbt.type_boolean() }}) as is_not_applicable,
        cast(is_critical as {{ dbt.type_boolean() }}) as is_critical,
        cast(is_critical and not is_not_applicable and coalesce(points, 0) < max_points as {{ dbt.type_boolean() }})
            as is_critical_failed,

        -- score components (0 when N/A)
        cast(case when is_not_applicable then 0 else coalesce(points, 0) end as {{ dbt.type_float() }})
            as points_earned,
        cast(case when is_not_applicable then 0 else max_points end as {{ dbt.type_float() }}) as points_applicable

    from joined

)

select * from final
