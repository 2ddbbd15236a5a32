{{ config(materialized='table') }}

{#- Quality committee (comité qualité), monthly pack: one row per provider x site x team x month
    x KPI x breakdown (long). Team rows carry what a team's agents do: QA score, critical errors,
    QA by form section and by criterion (breakdown_type section / criterion), CSAT, mean
    satisfaction, CES, first-contact resolution of the contacts they handled. Site rows
    (team_id = 'ALL') carry the same KPIs over every team of the site, plus what no single team
    owns: repeat-contact rate (the repeat is the customer coming back, wherever), e-mail response
    time (queue wait) and complaint rate (CRM cases). Never sum team and ALL rows together.
    Columns M-1 (previous_period_actual), M-12, and the 3-month trend: rolling_3m_actual pools the
    components of months M-2..M (numerators and denominators summed; counts averaged per month)
    and trend_3m compares it with the same pool one month earlier (M-3..M-1).
    Calibration evaluations are left out (they have their own committee). Team of a contact =
    team of its agent on the contact's day (dim_agent, SCD2); UNKNOWN when no roster version
    covers that day. -#}

{%- set repeat_days = var('repeat_window_days', 7) | int -%}
{%- set repeat_variant = repeat_days ~ ' days' -%}
{%- set fcr_variant = var('fcr_variant', 'repeat_and_resolution_flag') -%}
{%- set keys = ['provider_id', 'site_id', 'team_id', 'breakdown_type', 'breakdown_value'] -%}
{%- set unpivot_keys = keys + ['period_start'] -%}

with

evaluations as (

    select * from {{ ref('fct_evaluations') }}
    where not is_calibration
        and provider_id is not null
        and site_id is not null

),

criteria as (

    select * from {{ ref('fct_evaluation_criteria') }}
    where not is_calibration
        and provider_id is not null
        and site_id is not null

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where queue_name is not null

),

surveys as (

    select * from {{ ref('stg_crm__surveys') }}
    where score is not null
        and question in ('CSAT', 'CES')

),

agents as (

    select * from {{ ref('dim_agent') }}

),

cases as (

    select * from {{ ref('fct_cases') }}
    where provider_id is not null
        and site_id is not null

),

contacts_with_team as (

    select
        contacts.*,
        {{ trend_period_start('contacts.business_date', 'month') }} as period_start,
        coalesce(agents.team_id, 'UNKNOWN') as team_id

    from contacts
    left join agents
        on contacts.agent_id = agents.agent_id
        and contacts.business_date >= agents.valid_from
        and (agents.valid_to is null or contacts.business_date < agents.valid_to)

),

-- components at team grain (rolled up to team_id = 'ALL' below) --------------------------------

evaluation_components as (

    select
        provider_id,
        site_id,
        coalesce(team_id, 'UNKNOWN') as team_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        count(*) as evaluations,
        sum(score_percentage) as score_sum,
        count(case when has_critical_error then 1 end) as critical_errors

    from evaluations
    where score_percentage is not null
    group by provider_id, site_id, coalesce(team_id, 'UNKNOWN'), {{ trend_period_start('business_date', 'month') }}

),

criteria_components as (

    select
        provider_id,
        site_id,
        coalesce(team_id, 'UNKNOWN') as team_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        'section' as breakdown_type,
        section_ref_id as breakdown_value,
        sum(points_earned) as points_earned,
        sum(points_applicable) as points_applicable

    from criteria
    group by
        provider_id,
        site_id,
        coalesce(team_id, 'UNKNOWN'),
        {{ trend_period_start('business_date', 'month') }},
        section_ref_id

    union all

    select
        provider_id,
        site_id,
        coalesce(team_id, 'UNKNOWN') as team_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        'criterion' as breakdown_type,
        question_ref_id as breakdown_value,
        sum(points_earned) as points_earned,
        sum(points_applicable) as points_applicable

    from criteria
    group by
        provider_id,
        site_id,
        coalesce(team_id, 'UNKNOWN'),
        {{ trend_period_start('business_date', 'month') }},
        question_ref_id

),

survey_components as (

    -- surveys count on the surveyed contact's month, provider, site and agent team
    select
        contacts_with_team.provider_id,
        contacts_with_team.site_id,
        contacts_with_team.team_id,
        contacts_with_team.period_start,
        count(case when surveys.question = 'CSAT' then 1 end) as csat_responses,
        count(case when surveys.question = 'CSAT' and surveys.score >= surveys.scale_max - 1 then 1 end)
            as csat_satisfied,
        sum(case when surveys.question = 'CSAT' then surveys.score end) as csat_score_sum,
        count(case when surveys.question = 'CES' then 1 end) as ces_responses,
        sum(case when surveys.question = 'CES' then surveys.score end) as ces_score_sum

    from surveys
    inner join contacts_with_team
        on surveys.contact_id = contacts_with_team.contact_id
    group by
        contacts_with_team.provider_id,
        contacts_with_team.site_id,
        contacts_with_team.team_id,
        contacts_with_team.period_start

),

resolution_components as (

    select
        provider_id,
        site_id,
        team_id,
        period_start,
        count(*) as fcr_eligible,
        count(case when {{ first_contact_resolved(fcr_variant) }} then 1 end) as fcr_resolved,
        -- resolution rate: handled contacts whose case carries the CRM's resolution flag
        count(is_case_resolved) as resolution_flagged,
        count(case when is_case_resolved then 1 end) as resolution_resolved

    from contacts_with_team
    where is_answered
        and is_repeat_eligible
    group by provider_id, site_id, team_id, period_start

),

team_components as (

    select
        provider_id,
        site_id,
        team_id,
        period_start
    from evaluation_components
    union
    select
        provider_id,
        site_id,
        team_id,
        period_start
    from survey_components
    union
    select
        provider_id,
        site_id,
        team_id,
        period_start
    from resolution_components

),

team_totals as (

    select
        spine.provider_id,
        spine.site_id,
        spine.team_id,
        spine.period_start,
        coalesce(evaluation_components.evaluations, 0) as evaluations,
        coalesce(evaluation_components.score_sum, 0) as score_sum,
        coalesce(evaluation_components.critical_errors, 0) as critical_errors,
        coalesce(survey_components.csat_responses, 0) as csat_responses,
        coalesce(survey_components.csat_satisfied, 0) as csat_satisfied,
        coalesce(survey_components.csat_score_sum, 0) as csat_score_sum,
        coalesce(survey_components.ces_responses, 0) as ces_responses,
        coalesce(survey_components.ces_score_sum, 0) as ces_score_sum,
        coalesce(resolution_components.fcr_eligible, 0) as fcr_eligible,
        coalesce(resolution_components.fcr_resolved, 0) as fcr_resolved,
        coalesce(resolution_components.resolution_flagged, 0) as resolution_flagged,
        coalesce(resolution_components.resolution_resolved, 0) as resolution_resolved

    from team_components as spine
    left join evaluation_components
        on spine.provider_id = evaluation_components.provider_id
        and spine.site_id = evaluation_components.site_id
        and spine.team_id = evaluation_components.team_id
        and spine.period_start = evaluation_components.period_start
    left join survey_components
        on spine.provider_id = survey_components.provider_id
        and spine.site_id = survey_components.site_id
        and spine.team_id = survey_components.team_id
        and spine.period_start = survey_components.period_start
    left join resolution_components
        on spine.provider_id = resolution_components.provider_id
        and spine.site_id = resolution_components.site_id
        and spine.team_id = resolution_components.team_id
        and spine.period_start = resolution_components.period_start

),

team_and_site_totals as (

    select
        provider_id,
        site_id,
        team_id,
        period_start,
        evaluations,
        score_sum,
        critical_errors,
        csat_responses,
        csat_satisfied,
        csat_score_sum,
        ces_responses,
        ces_score_sum,
        fcr_eligible,
        fcr_resolved,
        resolution_flagged,
        resolution_resolved
    from team_totals

    union all

    select
        provider_id,
        site_id,
        'ALL' as team_id,
        period_start,
        sum(evaluations) as evaluations,
        sum(score_sum) as score_sum,
        sum(critical_errors) as critical_errors,
        sum(csat_responses) as csat_responses,
        sum(csat_satisfied) as csat_satisfied,
        sum(csat_score_sum) as csat_score_sum,
        sum(ces_responses) as ces_responses,
        sum(ces_score_sum) as ces_score_sum,
        sum(fcr_eligible) as fcr_eligible,
        sum(fcr_resolved) as fcr_resolved,
        sum(resolution_flagged) as resolution_flagged,
        sum(resolution_resolved) as resolution_resolved
    from team_totals
    group by provider_id, site_id, period_start

),

criteria_totals as (

    select
        provider_id,
        site_id,
        team_id,
        period_start,
        breakdown_type,
        breakdown_value,
        points_earned,
        points_applicable
    from criteria_components

    union all

    select
        provider_id,
        site_id,
        'ALL' as team_id,
        period_start,
        breakdown_type,
        breakdown_value,
        sum(points_earned) as points_earned,
        sum(points_applicable) as points_applicable
    from criteria_components
    group by provider_id, site_id, period_start, breakdown_type, breakdown_value

),

-- components at site grain only (team_id = 'ALL') -------------------------------------------

site_contact_totals as (

    select
        provider_id,
        site_id,
        'ALL' as team_id,
        period_start,
        count(case when is_repeat_eligible then 1 end) as repeat_eligible,
        count(case when is_repeat_eligible and is_repeat_contact then 1 end) as repeat_contacts,
        count(first_response_seconds) as emails_answered,
        sum(first_response_seconds) as first_response_seconds

    from contacts_with_team
    group by provider_id, site_id, period_start

),

site_case_totals as (

    select
        provider_id,
        site_id,
        'ALL' as team_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        count(*) as cases_created,
        count(case when reason = 'Complaint' or case_type = 'Complaint' then 1 end) as complaint_cases

    from cases
    group by provider_id, site_id, {{ trend_period_start('business_date', 'month') }}

),

with_breakdown as (

    select
        *,
        'total' as breakdown_type,
        'ALL' as breakdown_value
    from team_and_site_totals

),

site_contacts_with_breakdown as (

    select
        *,
        'total' as breakdown_type,
        'ALL' as breakdown_value
    from site_contact_totals

),

site_cases_with_breakdown as (

    select
        *,
        'total' as breakdown_type,
        'ALL' as breakdown_value
    from site_case_totals

),

kpis as (

    {{ kpi_long_unpivot('with_breakdown', unpivot_keys, [
        {'id': 'qa_evaluations', 'numerator': 'evaluations',
         'actual': 'case when evaluations > 0 then evaluations end'},
        {'id': 'qa_score', 'numerator': 'score_sum', 'denominator': 'evaluations'},
        {'id': 'critical_error_rate', 'numerator': 'critical_errors', 'denominator': 'evaluations'},
        {'id': 'csat', 'numerator': 'csat_satisfied', 'denominator': 'csat_responses', 'variant': 'top_2_box'},
        {'id': 'csat_mean_score', 'numerator': 'csat_score_sum', 'denominator': 'csat_responses'},
        {'id': 'ces', 'numerator': 'ces_score_sum', 'denominator': 'ces_responses'},
        {'id': 'fcr_rate', 'numerator': 'fcr_resolved', 'denominator': 'fcr_eligible',
         'variant': fcr_variant ~ ', ' ~ repeat_variant},
        {'id': 'resolution_rate', 'numerator': 'resolution_resolved', 'denominator': 'resolution_flagged'},
    ]) }}

    union all

    {{ kpi_long_unpivot('criteria_totals', unpivot_keys, [
        {'id': 'qa_section_score', 'numerator': "case when breakdown_type = 'section' then 100 * points_earned end",
         'denominator': 'points_applicable'},
        {'id': 'qa_criterion_score', 'numerator': "case when breakdown_type = 'criterion' then 100 * points_earned end",
         'denominator': 'points_applicable'},
    ]) }}

    union all

    {{ kpi_long_unpivot('site_contacts_with_breakdown', unpivot_keys, [
        {'id': 'repeat_rate', 'numerator': 'repeat_contacts',
         'denominator': 'repeat_eligible', 'variant': repeat_variant},
        {'id': 'email_response_time_seconds', 'numerator': 'first_response_seconds', 'denominator': 'emails_answered'},
    ]) }}

    union all

    {{ kpi_long_unpivot('site_cases_with_breakdown', unpivot_keys, [
        {'id': 'complaint_rate', 'numerator': 'complaint_cases', 'denominator': 'cases_created'},
    ]) }}

),

scored as (

    {{ kpi_long_score('kpis', keys, 'month', site_column='site_id', queue_column=none) }}

),

rolling as (

    {{ trend_rolling('kpis', keys, 'month', 3) }}

),

data_end as (

    select max(business_date) as last_business_date from contacts

),

final as (

    select
        -- grain
        cast(scored.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(scored.site_id as {{ dbt.type_string() }}) as site_id,
        cast(scored.team_id as {{ dbt.type_string() }}) as team_id,
        cast(scored.period_start as date) as period_start,
        cast(scored.kpi_id as {{ dbt.type_string() }}) as kpi_id,
        cast(scored.breakdown_type as {{ dbt.type_string() }}) as breakdown_type,
        cast(scored.breakdown_value as {{ dbt.type_string() }}) as breakdown_value,

        -- period
        {{ committee_period_columns('scored', 'month', 'data_end.last_business_date') }},

        -- KPI
        {{ committee_kpi_columns('scored') }},

        -- trend: M-1, M-12, 3 rolling months
        {{ committee_trend_columns('scored') }},
        cast(rolling.rolling_actual as {{ dbt.type_float() }}) as rolling_3m_actual,
        cast(rolling.previous_rolling_actual as {{ dbt.type_float() }}) as previous_rolling_3m_actual,
        cast(
            {{ trend_direction('rolling.rolling_actual', 'rolling.previous_rolling_actual') }}
            as {{ dbt.type_string() }}
        )
            as trend_3m

    from scored
    cross join data_end
    left join rolling
        on scored.kpi_id = rolling.kpi_id
        and scored.period_start = rolling.period_start
        {% for key in keys -%}
            and scored.{{ key }} = rolling.{{ key }}
        {% endfor %}

)

select * from final
