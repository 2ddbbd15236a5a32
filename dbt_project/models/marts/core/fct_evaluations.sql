{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns',
        pre_hook="{{ pilotage.clear_evaluation_days_moved_from(source('qa', 'evaluations')) }}"
    )
}}

{#- One row per QA evaluation (calibration included) on its business date, with the evaluated
    agent's provider, site and team of that day. The score is recomputed from the criteria:
    points earned / points applicable x 100 (N/A criteria out of both), 0 when an applicable
    critical criterion failed; the vendor's own percentage is kept as source_score_percentage
    and used when an evaluation has no criterion rows. A window run rebuilds the window's days
    and the earlier days of its evaluations' other deliveries (macro evaluation_days_window: a
    later day's re-submission moves an evaluation off its first day). -#}

with

evaluations as (

    select * from {{ ref('int_evaluations_enriched') }}
    where {{ evaluation_days_window('business_date', source('qa', 'evaluations')) }}

),

criteria as (

    select * from {{ ref('fct_evaluation_criteria') }}
    where {{ evaluation_days_window('business_date', source('qa', 'evaluations')) }}

),

criteria_totals as (

    select
        evaluation_id,
        count(*) as criteria_count,
        count(case when is_not_applicable then 1 end) as not_applicable_count,
        count(case when is_critical_failed then 1 end) as critical_failed_count,
        sum(points_earned) as points_earned,
        sum(points_applicable) as points_applicable

    from criteria
    group by evaluation_id

),

joined as (

    select
        evaluations.*,
        coalesce(criteria_totals.criteria_count, 0) as criteria_count,
        coalesce(criteria_totals.not_applicable_count, 0) as not_applicable_count,
        coalesce(criteria_totals.critical_failed_count, 0) as critical_failed_count,
        coalesce(criteria_totals.points_earned, 0) as points_earned,
        coalesce(criteria_totals.points_applicable, 0) as points_applicable

    from evaluations
    left join criteria_totals
        on evaluations.evaluation_id = criteria_totals.evaluation_id

),

final as (

    select
        -- grain
        cast(evaluation_id as {{ dbt.type_string() }}) as evaluation_id,
        cast(business_date as date) as business_date,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,

        -- evaluated contact and agent
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,

        -- evaluation
        cast(evaluator_id as {{ dbt.type_string() }}) as evaluator_id,
        cast(form_title as {{ dbt.type_string() }}) as form_title,
        cast(form_version as {{ dbt.type_int() }}) as form_version,
        cast(is_calibration as {{ dbt.type_boolean() }}) as is_calibration,
        cast(calibration_session_id as {{ dbt.type_string() }}) as calibration_session_id,
        cast(calibration_role as {{ dbt.type_string() }}) as calibration_role,

        -- score components
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(not_applicable_count as {{ dbt.type_int() }}) as not_applicable_count,
        cast(points_earned as {{ dbt.type_float() }}) as points_earned,
        cast(points_applicable as {{ dbt.type_float() }}) as points_applicable,
        cast(critical_failed_count > 0 as {{ dbt.type_boolean() }}) as has_critical_error,
        cast(
            case
                when criteria_count = 0 then score_percentage
                when critical_failed_count > 0 then 0
                else 100 * {{ safe_divide('points_earned', 'points_applicable') }}
            end
            as {{ dbt.type_float() }}
        ) as score_percentage,
        cast(score_percentage as {{ dbt.type_float() }}) as source_score_percentage

    from joined

)

select * from final
