{{ config(materialized='table') }}

{#- Steering committee, action-plan zoom: one row per month x action item active during the month
    (opened on or before its last day, not closed before its first day), for the months of the
    scorecard. status_at_month_end is recomputed from the dates (done = closed by the month end;
    late = still open and due before the month end; open otherwise); current_status is the
    owner's status in seed action_plan today. Each item shows the month's actual and RAG status of
    the KPI it should move, from mart_steering_monthly (the site's row for a site item, the
    provider total for a `*` item; null when the KPI is not on the steering scorecard, e.g. a
    calibration or e-mail KPI followed by another committee). -#}

with

action_plan as (

    select * from {{ ref('action_plan') }}

),

scorecard as (

    select * from {{ ref('mart_steering_monthly') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

months as (

    select distinct
        provider_id,
        period_start,
        period_end
    from scorecard

),

active as (

    select
        months.period_start,
        months.period_end,
        action_plan.*,
        case when action_plan.site_id = '*' then 'ALL' else action_plan.site_id end as scorecard_site_id

    from months
    inner join action_plan
        on action_plan.provider_id = months.provider_id
        and action_plan.opened_on <= months.period_end
        and (action_plan.closed_on is null or action_plan.closed_on >= months.period_start)

),

final as (

    select
        -- grain
        cast(active.period_start as date) as period_start,
        cast(active.action_id as {{ dbt.type_string() }}) as action_id,

        -- period
        cast(active.period_end as date) as period_end,
        cast({{ trend_period_label('active.period_start', 'month') }} as {{ dbt.type_string() }}) as period_label,

        -- item
        cast(active.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(active.site_id as {{ dbt.type_string() }}) as site_id,
        cast(active.owner as {{ dbt.type_string() }}) as owner,
        cast(active.title as {{ dbt.type_string() }}) as title,
        cast(active.kpi_id as {{ dbt.type_string() }}) as kpi_id,
        cast(catalogue.label_fr as {{ dbt.type_string() }}) as kpi_label_fr,
        cast(active.opened_on as date) as opened_on,
        cast(active.due_on as date) as due_on,
        cast(active.closed_on as date) as closed_on,
        cast(active.status as {{ dbt.type_string() }}) as current_status,
        cast(case
            when active.closed_on is not null and active.closed_on <= active.period_end then 'done'
            when active.due_on < active.period_end then 'late'
            else 'open'
        end as {{ dbt.type_string() }}) as status_at_month_end,
        cast(active.opened_on >= active.period_start as {{ dbt.type_boolean() }}) as is_opened_in_month,
        cast(coalesce(active.closed_on <= active.period_end, false) as {{ dbt.type_boolean() }}) as is_closed_in_month,
        cast(case
            when (active.closed_on is null or active.closed_on > active.period_end)
                and active.due_on < active.period_end
                then {{ dbt.datediff('active.due_on', 'active.period_end', 'day') }}
            else 0
        end as {{ dbt.type_int() }}) as days_late_at_month_end,

        -- the KPI the item should move, that month
        cast(scorecard.actual as {{ dbt.type_float() }}) as kpi_actual,
        cast(scorecard.target_value as {{ dbt.type_float() }}) as kpi_target_value,
        cast(scorecard.rag_status as {{ dbt.type_string() }}) as kpi_rag_status

    from active
    left join catalogue
        on catalogue.kpi_id = active.kpi_id
    left join scorecard
        on scorecard.provider_id = active.provider_id
        and scorecard.site_id = active.scorecard_site_id
        and scorecard.period_start = active.period_start
        and scorecard.kpi_id = active.kpi_id

)

select * from final
