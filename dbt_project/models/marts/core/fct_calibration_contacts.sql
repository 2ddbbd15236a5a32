{#- Session spread: one row per calibration session x contact, with the spread of the total
    scores (recomputed score_percentage) that every evaluator of the session gave that contact,
    reference included: sample standard deviation (n - 1) and max - min. -#}

with

evaluations as (

    select * from {{ ref('fct_evaluations') }}
    where is_calibration

),

queues as (

    select * from {{ ref('queues') }}

),

latest as (

    -- one evaluation per session x contact x evaluator: the latest submitted
    {{ calibration_latest_evaluations('evaluations', 'queues') }}

),

aggregated as (

    select
        calibration_session_id,
        contact_id,
        max(contact_provider_id) as provider_id,
        min(business_date) as business_date,
        count(*) as evaluations_count,
        count(case when not is_reference then 1 end) as participants_count,
        max(case when is_reference then score_percentage end) as reference_score_percentage,
        avg(case when not is_reference then score_percentage end) as participants_mean_score_percentage,
        avg(score_percentage) as mean_score_percentage,
        stddev_samp(score_percentage) as score_stddev,
        min(score_percentage) as min_score_percentage,
        max(score_percentage) as max_score_percentage

    from latest
    group by calibration_session_id, contact_id

),

final as (

    select
        cast(calibration_session_id as {{ dbt.type_string() }}) as calibration_session_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(business_date as date) as business_date,
        cast({{ dbt.date_trunc('month', 'business_date') }} as date) as month,
        cast(evaluations_count as {{ dbt.type_int() }}) as evaluations_count,
        cast(participants_count as {{ dbt.type_int() }}) as participants_count,
        cast(reference_score_percentage as {{ dbt.type_float() }}) as reference_score_percentage,
        cast(participants_mean_score_percentage as {{ dbt.type_float() }}) as participants_mean_score_percentage,
        cast(mean_score_percentage as {{ dbt.type_float() }}) as mean_score_percentage,
        cast(score_stddev as {{ dbt.type_float() }}) as score_stddev,
        cast(min_score_percentage as {{ dbt.type_float() }}) as min_score_percentage,
        cast(max_score_percentage as {{ dbt.type_float() }}) as max_score_percentage,
        cast(max_score_percentage - min_score_percentage as {{ dbt.type_float() }}) as score_range

    from aggregated

)

select * from final
