{#- Calibration sessions (double écoute): one row per session x contact x participant evaluator
    x criterion, comparing the participant's points with the reference's. The reference is the
    session's `reference` evaluation of that contact (the client's expert, Genesys "scoring
    index"); when a contact has none, the consensus (mean points of the participants, N/A when
    every participant answered N/A). Deviation = evaluator - reference (+ = more lenient).
    Agreement = same points, or both N/A. Rebuilt in full (sessions are few). -#}

with

evaluations as (

    select * from {{ ref('fct_evaluations') }}
    where is_calibration

),

criteria as (

    select * from {{ ref('fct_evaluation_criteria') }}
    where is_calibration

),

queues as (

    select * from {{ ref('queues') }}

),

latest as (

    -- one evaluation per session x contact x evaluator: the latest submitted
    {{ calibration_latest_evaluations('evaluations', 'queues') }}

),

calibration_evaluations as (

    select
        evaluation_id,
        calibration_session_id,
        contact_id,
        evaluator_id,
        business_date,
        is_reference,
        contact_provider_id as provider_id
    from latest

),

reference_evaluations as (

    select
        calibration_session_id,
        contact_id,
        evaluation_id as reference_evaluation_id,
        evaluator_id as reference_evaluator_id,
        row_number() over (
            partition by calibration_session_id, contact_id
            order by evaluation_id
        ) as reference_rank
    from calibration_evaluations
    where is_reference

),

criteria_scored as (

    select
        calibration_evaluations.calibration_session_id,
        calibration_evaluations.contact_id,
        calibration_evaluations.evaluator_id,
        calibration_evaluations.evaluation_id,
        calibration_evaluations.is_reference,
        calibration_evaluations.provider_id,
        calibration_evaluations.business_date,
        criteria.question_ref_id,
        criteria.section_ref_id,
        criteria.is_critical,
        criteria.max_points,
        criteria.is_not_applicable,
        case when not criteria.is_not_applicable then coalesce(criteria.points, 0) end as points
    from calibration_evaluations
    inner join criteria
        on calibration_evaluations.evaluation_id = criteria.evaluation_id

),

consensus as (

    select
        calibration_session_id,
        contact_id,
        question_ref_id,
        avg(points) as consensus_points,
        min(case when is_not_applicable then 1 else 0 end) = 1 as consensus_is_not_applicable
    from criteria_scored
    where not is_reference
    group by calibration_session_id, contact_id, question_ref_id

),

compared as (

    select
        participant.calibration_session_id,
        participant.contact_id,
        participant.evaluator_id,
        participant.question_ref_id,
        participant.evaluation_id,
        participant.provider_id,
        participant.business_date,
        participant.section_ref_id,
        participant.is_critical,
        participant.max_points,
        reference_evaluations.reference_evaluation_id,
        reference_evaluations.reference_evaluator_id,
        case when reference_evaluations.reference_evaluation_id is not null then 'reference' else 'consensus' end
            as reference_source,
        participant.points as evaluator_points,
        participant.is_not_applicable as evaluator_is_not_applicable,
        case
            when reference_evaluations.reference_evaluation_id is not null then reference_criteria.points
            else consensus.consensus_points
        end as reference_points,
        case
            when reference_evaluations.reference_evaluation_id is not null
                then coalesce(reference_criteria.is_not_applicable, true)
            else coalesce(consensus.consensus_is_not_applicable, true)
        end as reference_is_not_applicable

    from criteria_scored as participant
    left join reference_evaluations
        on participant.calibration_session_id = reference_evaluations.calibration_session_id
        and participant.contact_id = reference_evaluations.contact_id
        and reference_evaluations.reference_rank = 1
    left join criteria_scored as reference_criteria
        on reference_evaluations.reference_evaluation_id = reference_criteria.evaluation_id
        and participant.question_ref_id = reference_criteria.question_ref_id
    left join consensus
        on participant.calibration_session_id = consensus.calibration_session_id
        and participant.contact_id = consensus.contact_id
        and participant.question_ref_id = consensus.question_ref_id
    where not participant.is_reference

),

final as (

    select
        -- grain
        cast(calibration_session_id as {{ dbt.type_string() }}) as calibration_session_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(evaluator_id as {{ dbt.type_string() }}) as evaluator_id,
        cast(question_ref_id as {{ dbt.type_string() }}) as question_ref_id,

        -- context
        cast(evaluation_id as {{ dbt.type_string() }}) as evaluation_id,
        cast(reference_evaluation_id as {{ dbt.type_string() }}) as reference_evaluation_id,
        cast(reference_evaluator_id as {{ dbt.type_string() }}) as reference_evaluator_id,
        cast(reference_source as {{ dbt.type_string() }}) as reference_source,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(business_date as date) as business_date,
        cast({{ dbt.date_trunc('month', 'business_date') }} as date) as month,
        cast(section_ref_id as {{ dbt.type_string() }}) as section_ref_id,
        cast(is_critical as {{ dbt.type_boolean() }}) as is_critical,
        cast(max_points as {{ dbt.type_float() }}) as max_points,

        -- comparison
        cast(reference_points as {{ dbt.type_float() }}) as reference_points,
        cast(evaluator_points as {{ dbt.type_float() }}) as evaluator_points,
        cast(reference_is_not_applicable as {{ dbt.type_boolean() }}) as reference_is_not_applicable,
        cast(evaluator_is_not_applicable as {{ dbt.type_boolean() }}) as evaluator_is_not_applicable,
        cast(evaluator_points - reference_points as {{ dbt.type_float() }}) as deviation_points,
        cast(abs(evaluator_points - reference_points) as {{ dbt.type_float() }}) as abs_deviation_points,
        cast(100 * {{ safe_divide('evaluator_points - reference_points', 'max_points') }} as {{ dbt.type_float() }})
            as deviation_pct_of_max,
        cast(
            (evaluator_is_not_applicable and reference_is_not_applicable)
            or coalesce(
                not evaluator_is_not_applicable and not reference_is_not_applicable
                and evaluator_points = reference_points, false
            )
            as {{ dbt.type_boolean() }}
        ) as is_agreement

    from compared

)

select * from final
