{#- Monthly KPI values of the steering scorecard, before targets: one row per provider x site x
    month x KPI (long; site_id = 'ALL' on the provider total). Components are summed per site,
    then per provider (sums of sums), and every ratio is recomputed from its summed components.
    Read by mart_steering_bonus_malus_monthly (provider totals against the contract grid) and by
    mart_steering_monthly (which adds the money and action-plan KPIs, the targets and the RAG
    status).
      - Staffing: Erlang C required agents (voice and chat intervals) vs scheduled agents of the
        same queues; e-mail is deferred work, its requirement is the handled workload at
        var email_occupancy_target (0.80). fte_required grosses the required open hours up for
        the site's shrinkage: required / (1 - shrinkage); one FTE = var fte_hours_per_month.
      - Headcount = mean over the month's days of the agents employed (dim_agent versions and
        hire / leave dates, so days without a roster delivery are covered); attrition = leavers
        (leave_date in the month, at the site of the version covering that day) / that mean.
      - CSAT on the surveyed contact's month, provider and site; QA on the evaluation's month and
        the agent's roster site; FCR over handled first contacts, repeat rate over every
        customer-initiated contact (window var repeat_window_days). -#}

{%- set email_occupancy = var('email_occupancy_target', 0.80) -%}
{%- set interval_seconds = (var('interval_minutes', 30) | int) * 60 -%}

-- depends_on: {{ ref('kpi_catalogue') }}

with

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

agent_days as (

    select * from {{ ref('fct_agent_days') }}
    where provider_id is not null
        and site_id is not null

),

evaluations as (

    select * from {{ ref('fct_evaluations') }}
    where not is_calibration
        and provider_id is not null
        and site_id is not null
        and score_percentage is not null

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where queue_name is not null

),

surveys as (

    select * from {{ ref('stg_crm__surveys') }}
    where question = 'CSAT'
        and score is not null

),

agents as (

    select * from {{ ref('dim_agent') }}
    where provider_id is not null
        and site_id is not null

),

dates as (

    select * from {{ ref('dim_date') }}

),

queue_months as (

    select
        provider_id,
        site_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(callbacks) as callbacks,
        sum(flow_outs) as flow_outs,
        sum(handle_seconds) as handle_seconds,
        sum(handled) as handled,
        sum(handled_handle_seconds) as handled_handle_seconds,
        sum(erlang_required_agents) as required_agent_intervals,
        sum(case when erlang_required_agents is not null then scheduled_agents end) as scheduled_agent_intervals,
        (
            coalesce(sum(erlang_required_agents), 0) * {{ interval_seconds }}
            + coalesce(sum(case when channel = 'EMAIL' then handle_seconds end), 0) / {{ email_occupancy }}
        ) / 3600.0 as required_open_hours

    from queue_intervals
    group by provider_id, site_id, {{ trend_period_start('business_date', 'month') }}

),

agent_months as (

    select
        provider_id,
        site_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(scheduled_shrinkage_seconds + planned_absence_seconds + unplanned_absence_seconds)
            as shrinkage_seconds,
        sum(unplanned_absence_seconds) as unplanned_absence_seconds

    from agent_days
    group by provider_id, site_id, {{ trend_period_start('business_date', 'month') }}

),

evaluation_months as (

    select
        provider_id,
        site_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        count(*) as evaluations,
        sum(score_percentage) as score_sum,
        count(case when has_critical_error then 1 end) as critical_errors

    from evaluations
    group by provider_id, site_id, {{ trend_period_start('business_date', 'month') }}

),

contact_months as (

    select
        provider_id,
        site_id,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        count(case when is_repeat_eligible then 1 end) as repeat_eligible,
        count(case when is_repeat_eligible and is_repeat_contact then 1 end) as repeat_contacts,
        count(case when is_repeat_eligible and is_answered then 1 end) as fcr_eligible,
        count(case when is_repeat_eligible and is_answered and {{ first_contact_resolved() }} then 1 end)
            as fcr_resolved

    from contacts
    group by provider_id, site_id, {{ trend_period_start('business_date', 'month') }}

),

survey_months as (

    select
        contacts.provider_id,
        contacts.site_id,
        {{ trend_period_start('contacts.business_date', 'month') }} as period_start,
        count(*) as csat_responses,
        count(case when surveys.score >= surveys.scale_max - 1 then 1 end) as csat_satisfied

    from surveys
    inner join contacts
        on surveys.contact_id = contacts.contact_id
    group by contacts.provider_id, contacts.site_id, {{ trend_period_start('contacts.business_date', 'month') }}

),

roster_span as (

    -- days covered by the roster history: first roster version .. last agent-day of data
    select
        (select min(valid_from) from agents) as first_day,
        (select max(business_date) from agent_days) as last_day

),

employed_days as (

    -- an agent counts on a day when a roster version covers it and the day lies between the
    -- hire and leave dates (dim_agent is SCD2: missing daily snapshots do not create holes)
    select
        agents.provider_id,
        agents.site_id,
        dates.date_day

    from dates
    cross join roster_span
    inner join agents
        on dates.date_day >= agents.valid_from
        and (agents.valid_to is null or dates.date_day < agents.valid_to)
    where dates.date_day between roster_span.first_day and roster_span.last_day
        and (agents.hire_date is null or agents.hire_date <= dates.date_day)
        and (agents.leave_date is null or agents.leave_date >= dates.date_day)

),

roster_days as (

    select
        {{ trend_period_start('dates.date_day', 'month') }} as period_start,
        count(*) as roster_days

    from dates
    cross join roster_span
    where dates.date_day between roster_span.first_day and roster_span.last_day
    group by {{ trend_period_start('dates.date_day', 'month') }}

),

headcount_months as (

    select
        employed_days.provider_id,
        employed_days.site_id,
        {{ trend_period_start('employed_days.date_day', 'month') }} as period_start,
        count(*) as employed_agent_days,
        max(roster_days.roster_days) as roster_days

    from employed_days
    inner join roster_days
        on roster_days.period_start = {{ trend_period_start('employed_days.date_day', 'month') }}
    group by
        employed_days.provider_id,
        employed_days.site_id,
        {{ trend_period_start('employed_days.date_day', 'month') }}

),

leaver_months as (

    -- a leaver counts in the month of the leave date, at the site of the roster version that
    -- covers that day
    select
        agents.provider_id,
        agents.site_id,
        {{ trend_period_start('agents.leave_date', 'month') }} as period_start,
        count(distinct agents.agent_id) as leavers

    from agents
    where agents.leave_date is not null
        and agents.leave_date >= agents.valid_from
        and (agents.valid_to is null or agents.leave_date < agents.valid_to)
    group by agents.provider_id, agents.site_id, {{ trend_period_start('agents.leave_date', 'month') }}

),

spine as (

    select
        provider_id,
        site_id,
        period_start
    from queue_months
    union
    select
        provider_id,
        site_id,
        period_start
    from agent_months
    union
    select
        provider_id,
        site_id,
        period_start
    from evaluation_months

),

site_months as (

    select
        spine.provider_id,
        spine.site_id,
        spine.period_start,
        coalesce(queue_months.offered, 0) as offered,
        coalesce(queue_months.answered, 0) as answered,
        coalesce(queue_months.abandoned, 0) as abandoned,
        coalesce(queue_months.short_abandoned, 0) as short_abandoned,
        coalesce(queue_months.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(queue_months.abandoned_within_threshold, 0) as abandoned_within_threshold,
        coalesce(queue_months.callbacks, 0) as callbacks,
        coalesce(queue_months.flow_outs, 0) as flow_outs,
        coalesce(queue_months.handle_seconds, 0) as handle_seconds,
        coalesce(queue_months.handled, 0) as handled,
        coalesce(queue_months.handled_handle_seconds, 0) as handled_handle_seconds,
        queue_months.required_agent_intervals,
        queue_months.scheduled_agent_intervals,
        coalesce(agent_months.scheduled_seconds, 0) as scheduled_seconds,
        coalesce(agent_months.shrinkage_seconds, 0) as shrinkage_seconds,
        coalesce(agent_months.unplanned_absence_seconds, 0) as unplanned_absence_seconds,
        -- required paid hours: required open hours grossed up for the site's shrinkage
        queue_months.required_open_hours
        / nullif(1 - {{ safe_divide('agent_months.shrinkage_seconds', 'agent_months.scheduled_seconds') }}, 0)
            as required_paid_hours,
        coalesce(evaluation_months.evaluations, 0) as evaluations,
        coalesce(evaluation_months.score_sum, 0) as score_sum,
        coalesce(evaluation_months.critical_errors, 0) as critical_errors,
        coalesce(survey_months.csat_responses, 0) as csat_responses,
        coalesce(survey_months.csat_satisfied, 0) as csat_satisfied,
        coalesce(contact_months.repeat_eligible, 0) as repeat_eligible,
        coalesce(contact_months.repeat_contacts, 0) as repeat_contacts,
        coalesce(contact_months.fcr_eligible, 0) as fcr_eligible,
        coalesce(contact_months.fcr_resolved, 0) as fcr_resolved,
        coalesce(headcount_months.employed_agent_days, 0) as employed_agent_days,
        headcount_months.roster_days,
        coalesce(leaver_months.leavers, 0) as leavers

    from spine
    left join queue_months
        on spine.provider_id = queue_months.provider_id
        and spine.site_id = queue_months.site_id
        and spine.period_start = queue_months.period_start
    left join agent_months
        on spine.provider_id = agent_months.provider_id
        and spine.site_id = agent_months.site_id
        and spine.period_start = agent_months.period_start
    left join evaluation_months
        on spine.provider_id = evaluation_months.provider_id
        and spine.site_id = evaluation_months.site_id
        and spine.period_start = evaluation_months.period_start
    left join survey_months
        on spine.provider_id = survey_months.provider_id
        and spine.site_id = survey_months.site_id
        and spine.period_start = survey_months.period_start
    left join contact_months
        on spine.provider_id = contact_months.provider_id
        and spine.site_id = contact_months.site_id
        and spine.period_start = contact_months.period_start
    left join headcount_months
        on spine.provider_id = headcount_months.provider_id
        and spine.site_id = headcount_months.site_id
        and spine.period_start = headcount_months.period_start
    left join leaver_months
        on spine.provider_id = leaver_months.provider_id
        and spine.site_id = leaver_months.site_id
        and spine.period_start = leaver_months.period_start

),

provider_months as (

    select
        provider_id,
        'ALL' as site_id,
        period_start,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(callbacks) as callbacks,
        sum(flow_outs) as flow_outs,
        sum(handle_seconds) as handle_seconds,
        sum(handled) as handled,
        sum(handled_handle_seconds) as handled_handle_seconds,
        sum(required_agent_intervals) as required_agent_intervals,
        sum(scheduled_agent_intervals) as scheduled_agent_intervals,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(shrinkage_seconds) as shrinkage_seconds,
        sum(unplanned_absence_seconds) as unplanned_absence_seconds,
        sum(required_paid_hours) as required_paid_hours,
        sum(evaluations) as evaluations,
        sum(score_sum) as score_sum,
        sum(critical_errors) as critical_errors,
        sum(csat_responses) as csat_responses,
        sum(csat_satisfied) as csat_satisfied,
        sum(repeat_eligible) as repeat_eligible,
        sum(repeat_contacts) as repeat_contacts,
        sum(fcr_eligible) as fcr_eligible,
        sum(fcr_resolved) as fcr_resolved,
        sum(employed_agent_days) as employed_agent_days,
        -- roster_days counts calendar days of the month, the same for every site
        max(roster_days) as roster_days,
        sum(leavers) as leavers

    from site_months
    group by provider_id, period_start

),

site_and_provider_months as (

    select * from site_months
    union all
    select * from provider_months

),

kpis as (

    {#- the steering KPIs of the catalogue (seed kpi_catalogue, committees: steering) but the money
        and action-plan ones, which mart_steering_monthly adds; definitions in kpi_definitions -#}
    {{ kpi_long_unpivot('site_and_provider_months', ['provider_id', 'site_id', 'period_start'],
        catalogue_kpis('steering', exclude_families=['financial', 'governance'])) }}

)

select * from kpis
