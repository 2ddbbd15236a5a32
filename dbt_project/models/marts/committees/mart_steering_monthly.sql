{{ config(materialized='table') }}

{#- Steering committee (comité de pilotage, COPIL), monthly scorecard: one row per provider x
    site x month x KPI (long; site_id = 'ALL' = provider total, the level of the contract). It is
    the synthesis against the SMART objectives (seed kpi_targets) with RAG status, M-1 and M-12:
      - results: volumes, service level, abandons, taux de décroché, DMT, QA score, critical
        errors, CSAT, repeat rate, FCR (int_kpi_values_aggregated_to_months);
      - resources: FTE required (Erlang C, grossed up for shrinkage) vs FTE scheduled, staffing
        coverage, absenteeism, shrinkage, headcount, attrition (int_kpi_values_aggregated_to_months);
      - money (provider rows only): invoice before bonus/malus (int_invoices_priced_by_month), bonus/malus
        from the contract grid (mart_steering_bonus_malus_monthly), cost per handled contact =
        (invoice + bonus/malus) / handled contacts;
      - action plan: items open and late at the month end (seed action_plan; site rows count the
        site's own items, provider rows every item of the provider). Item detail:
        mart_steering_action_plan.
    Operational detail (queues, intervals, weeks, teams, criteria, evaluators) stays in the
    production, quality and calibration marts. -#}

with

kpi_values as (

    select * from {{ ref('int_kpi_values_aggregated_to_months') }}

),

invoices as (

    select * from {{ ref('int_invoices_priced_by_month') }}

),

bonus_malus as (

    select * from {{ ref('mart_steering_bonus_malus_monthly') }}

),

action_plan as (

    select * from {{ ref('action_plan') }}

),

bonus_malus_months as (

    select
        provider_id,
        period_start,
        sum(adjustment_eur) as bonus_malus_eur

    from bonus_malus
    group by provider_id, period_start

),

money_months as (

    select
        invoices.provider_id,
        'ALL' as site_id,
        invoices.period_start,
        invoices.handled_contacts,
        invoices.invoice_amount_eur,
        coalesce(bonus_malus_months.bonus_malus_eur, 0) as bonus_malus_eur

    from invoices
    left join bonus_malus_months
        on bonus_malus_months.provider_id = invoices.provider_id
        and bonus_malus_months.period_start = invoices.period_start

),

scorecard_scopes as (

    select distinct
        provider_id,
        site_id,
        period_start
    from kpi_values

),

action_months as (

    select
        scopes.provider_id,
        scopes.site_id,
        scopes.period_start,
        count(case
            when action_plan.opened_on <= {{ trend_period_end('scopes.period_start', 'month') }}
                and (
                    action_plan.closed_on is null
                    or action_plan.closed_on > {{ trend_period_end('scopes.period_start', 'month') }}
                )
                then 1
        end) as items_open,
        count(case
            when action_plan.opened_on <= {{ trend_period_end('scopes.period_start', 'month') }}
                and (
                    action_plan.closed_on is null
                    or action_plan.closed_on > {{ trend_period_end('scopes.period_start', 'month') }}
                )
                and action_plan.due_on < {{ trend_period_end('scopes.period_start', 'month') }}
                then 1
        end) as items_late

    from scorecard_scopes as scopes
    left join action_plan
        on action_plan.provider_id = scopes.provider_id
        and (scopes.site_id = 'ALL' or action_plan.site_id = scopes.site_id)
    group by scopes.provider_id, scopes.site_id, scopes.period_start

),

kpis as (

    select
        provider_id,
        site_id,
        period_start,
        kpi_id,
        numerator,
        denominator,
        actual,
        definition_variant
    from kpi_values

    union all

    {{ kpi_long_unpivot('money_months', ['provider_id', 'site_id', 'period_start'],
        catalogue_kpis('steering', families=['financial'])) }}

    union all

    {{ kpi_long_unpivot('action_months', ['provider_id', 'site_id', 'period_start'],
        catalogue_kpis('steering', families=['governance'])) }}

),

scored as (

    {{ kpi_long_score('kpis', ['provider_id', 'site_id'], 'month', site_column='site_id', queue_column=none) }}

),

final as (

    select
        -- grain
        cast(scored.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(scored.site_id as {{ dbt.type_string() }}) as site_id,
        cast(scored.period_start as date) as period_start,
        cast(scored.kpi_id as {{ dbt.type_string() }}) as kpi_id,

        -- period
        {{ committee_period_columns('scored', 'month') }},

        -- KPI
        {{ committee_kpi_columns('scored', family=true) }},

        -- trend: M-1 and M-12
        {{ committee_trend_columns('scored') }}

    from scored

)

select * from final
