{#- One row per calibration session x participant evaluator: how far the evaluator's total
    scores are from the reference's (or, without a reference evaluation, the participants'
    mean) on the session's contacts, the share of criteria in agreement, and the session's
    spread (mean over its contacts of the score standard deviation and of max - min).
    Components are kept so months and evaluators can be re-aggregated (sum, then divide). -#}

with

calibrations as (

    select * from {{ ref('fct_calibrations') }}

),

calibration_contacts as (

    select * from {{ ref('fct_calibration_contacts') }}

),

evaluations as (

    select * from {{ ref('fct_evaluations') }}
    where is_calibration

),

criteria_totals as (

    select
        calibration_session_id,
        evaluator_id,
        max(provider_id) as provider_id,
        min(business_date) as business_date,
        count(*) as criteria_compared,
        count(case when is_agreement then 1 end) as criteria_in_agreement,
        sum(coalesce(abs_deviation_points, 0)) as abs_deviation_points_sum,
        sum(coalesce(deviation_points, 0)) as deviation_points_sum

    from calibrations
    group by calibration_session_id, evaluator_id

),

evaluator_scores as (

    -- the evaluator's total score on each contact, against the contact's reference score
    select
        calibrations.calibration_session_id,
        calibrations.evaluator_id,
        calibrations.contact_id,
        max(evaluations.score_percentage) as evaluator_score_percentage,
        max(coalesce(
            calibration_contacts.reference_score_percentage,
            calibration_contacts.participants_mean_score_percentage
        )) as reference_score_percentage

    from calibrations
    inner join evaluations
        on calibrations.evaluation_id = evaluations.evaluation_id
    inner join calibration_contacts
        on calibrations.calibration_session_id = calibration_contacts.calibration_session_id
        and calibrations.contact_id = calibration_contacts.contact_id
    group by calibrations.calibration_session_id, calibrations.evaluator_id, calibrations.contact_id

),

score_totals as (

    select
        calibration_session_id,
        evaluator_id,
        count(*) as contacts_compared,
        sum(evaluator_score_percentage - reference_score_percentage) as score_deviation_sum,
        sum(abs(evaluator_score_percentage - reference_score_percentage)) as abs_score_deviation_sum

    from evaluator_scores
    group by calibration_session_id, evaluator_id

),

session_spread as (

    select
        calibration_session_id,
        avg(score_stddev) as session_score_stddev,
        avg(score_range) as session_score_range

    from calibration_contacts
    group by calibration_session_id

),

final as (

    select
        -- grain
        cast(criteria_totals.calibration_session_id as {{ dbt.type_string() }}) as calibration_session_id,
        cast(criteria_totals.evaluator_id as {{ dbt.type_string() }}) as evaluator_id,

        -- context
        cast(criteria_totals.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(criteria_totals.business_date as date) as business_date,
        cast({{ dbt.date_trunc('month', 'criteria_totals.business_date') }} as date) as month,

        -- total score deviation (percentage points; + = more lenient than the reference)
        cast(coalesce(score_totals.contacts_compared, 0) as {{ dbt.type_int() }}) as contacts_compared,
        cast(score_totals.score_deviation_sum as {{ dbt.type_float() }}) as score_deviation_sum,
        cast(score_totals.abs_score_deviation_sum as {{ dbt.type_float() }}) as abs_score_deviation_sum,
        cast(
            {{ safe_divide('score_totals.score_deviation_sum', 'score_totals.contacts_compared') }}
            as {{ dbt.type_float() }}
        )
            as mean_score_deviation,
        cast(
            {{ safe_divide('score_totals.abs_score_deviation_sum', 'score_totals.contacts_compared') }}
            as {{ dbt.type_float() }}
        )
            as mean_abs_score_deviation,

        -- criterion agreement
        cast(criteria_totals.criteria_compared as {{ dbt.type_int() }}) as criteria_compared,
        cast(criteria_totals.criteria_in_agreement as {{ dbt.type_int() }}) as criteria_in_agreement,
        cast(
            {{ safe_divide('criteria_totals.criteria_in_agreement', 'criteria_totals.criteria_compared') }}
            as {{ dbt.type_float() }}
        )
            as agreement_rate,
        cast(criteria_totals.deviation_points_sum as {{ dbt.type_float() }}) as deviation_points_sum,
        cast(criteria_totals.abs_deviation_points_sum as {{ dbt.type_float() }}) as abs_deviation_points_sum,

        -- session spread (same value on every evaluator row of the session)
        cast(session_spread.session_score_stddev as {{ dbt.type_float() }}) as session_score_stddev,
        cast(session_spread.session_score_range as {{ dbt.type_float() }}) as session_score_range

    from criteria_totals
    left join score_totals
        on criteria_totals.calibration_session_id = score_totals.calibration_session_id
        and criteria_totals.evaluator_id = score_totals.evaluator_id
    left join session_spread
        on criteria_totals.calibration_session_id = session_spread.calibration_session_id

)

select * from final
