{{ config(materialized='table') }}

{#- Calibration sessions (séances de calibrage / double écoute), monthly pack: one row per
    provider x month x evaluator x KPI (long). Evaluator rows: mean absolute deviation of the
    evaluator's total score from the reference score of the same contact (points of %), signed
    deviation (bias: > 0 lenient, < 0 severe) and share of criteria scored like the reference;
    drift_vs_previous = actual - M-1. Session rows (evaluator_id = 'ALL') pool every evaluator of
    the provider's sessions and add the spread of the scores given to a calibrated contact
    (standard deviation and max - min, mean over the month's calibrated contacts). The
    criterion-level detail (session x contact x evaluator x criterion) is fct_calibrations. -#}

{%- set keys = ['provider_id', 'evaluator_id'] -%}

with

calibration_evaluators as (

    select * from {{ ref('fct_calibration_evaluators') }}
    where provider_id is not null

),

calibration_contacts as (

    select * from {{ ref('fct_calibration_contacts') }}
    where provider_id is not null

),

evaluator_months as (

    select
        provider_id,
        evaluator_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        sum(contacts_compared) as contacts_compared,
        sum(abs_score_deviation_sum) as abs_score_deviation_sum,
        sum(score_deviation_sum) as score_deviation_sum,
        sum(criteria_compared) as criteria_compared,
        sum(criteria_in_agreement) as criteria_in_agreement

    from calibration_evaluators
    group by provider_id, evaluator_id, {{ trend_period_start('business_date', 'month') }}

),

evaluator_and_session_months as (

    select * from evaluator_months

    union all

    select
        provider_id,
        'ALL' as evaluator_id,
        period_start,
        sum(contacts_compared) as contacts_compared,
        sum(abs_score_deviation_sum) as abs_score_deviation_sum,
        sum(score_deviation_sum) as score_deviation_sum,
        sum(criteria_compared) as criteria_compared,
        sum(criteria_in_agreement) as criteria_in_agreement

    from evaluator_months
    group by provider_id, period_start

),

spread_months as (

    select
        provider_id,
        'ALL' as evaluator_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        count(score_stddev) as contacts_with_spread,
        sum(score_stddev) as score_stddev_sum,
        sum(score_range) as score_range_sum

    from calibration_contacts
    group by provider_id, {{ trend_period_start('business_date', 'month') }}

),

kpis as (

    {{ kpi_long_unpivot('evaluator_and_session_months', keys + ['period_start'], [
        {'id': 'calibration_deviation_points', 'numerator': 'abs_score_deviation_sum',
         'denominator': 'contacts_compared'},
        {'id': 'calibration_bias_points', 'numerator': 'score_deviation_sum', 'denominator': 'contacts_compared'},
        {'id': 'calibration_agreement_rate', 'numerator': 'criteria_in_agreement', 'denominator': 'criteria_compared'},
    ]) }}

    union all

    {{ kpi_long_unpivot('spread_months', keys + ['period_start'], [
        {'id': 'calibration_score_stddev', 'numerator': 'score_stddev_sum', 'denominator': 'contacts_with_spread'},
        {'id': 'calibration_score_range', 'numerator': 'score_range_sum', 'denominator': 'contacts_with_spread'},
    ]) }}

),

scored as (

    {{ kpi_long_score('kpis', keys, 'month', site_column=none, queue_column=none) }}

),

final as (

    select
        -- grain
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(evaluator_id as {{ dbt.type_string() }}) as evaluator_id,
        cast(period_start as date) as period_start,
        cast(kpi_id as {{ dbt.type_string() }}) as kpi_id,

        -- period
        {{ committee_period_columns('scored', 'month') }},

        -- KPI
        {{ committee_kpi_columns('scored') }},

        -- drift month over month
        cast(previous_period_actual as {{ dbt.type_float() }}) as previous_period_actual,
        cast(actual - previous_period_actual as {{ dbt.type_float() }}) as drift_vs_previous,
        cast(trend_vs_previous as {{ dbt.type_string() }}) as trend_vs_previous,
        cast(same_period_last_year_actual as {{ dbt.type_float() }}) as same_period_last_year_actual

    from scored

)

select * from final
