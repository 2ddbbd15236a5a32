{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns'
    )
}}

{#- One row per QA evaluation x criterion (question), calibration evaluations included, on the
    evaluation's business date. A criterion is applicable unless answered N/A; a critical
    criterion fails when it is applicable and earns less than its maximum (critical criteria are
    pass/fail: 0 or max). -#}

with

evaluations as (

    select * from {{ ref('int_evaluations_enriched') }}
    where {{ business_date_window('business_date') }}

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
        cast(evaluation_id as varchar) as evaluation_id,
        cast(question_ref_id as varchar) as question_ref_id,
        cast(section_ref_id as varchar) as section_ref_id,
        cast(business_date as date) as business_date,

        -- evaluation context
        cast(agent_id as varchar) as agent_id,
        cast(provider_id as varchar) as provider_id,
        cast(site_id as varchar) as site_id,
        cast(team_id as varchar) as team_id,
        cast(evaluator_id as varchar) as evaluator_id,
        cast(form_title as varchar) as form_title,
        cast(form_version as integer) as form_version,
        cast(is_calibration as boolean) as is_calibration,
        cast(calibration_session_id as varchar) as calibration_session_id,

        -- answer
        cast(max_points as double) as max_points,
        cast(points as double) as points,
        cast(is_not_applicable as boolean) as is_not_applicable,
        cast(is_critical as boolean) as is_critical,
        cast(is_critical and not is_not_applicable and coalesce(points, 0) < max_points as boolean)
            as is_critical_failed,

        -- score components (0 when N/A)
        cast(case when is_not_applicable then 0 else coalesce(points, 0) end as double) as points_earned,
        cast(case when is_not_applicable then 0 else max_points end as double) as points_applicable

    from joined

)

select * from final
