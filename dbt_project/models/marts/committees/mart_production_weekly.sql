{{ config(materialized='table') }}

{#- Production committee (comité de production), weekly pack: one row per provider x site x
    queue x ISO week x KPI (long). Queue rows carry the operational queue KPIs (volumes, service
    level, abandons, taux de décroché, ASA, DMT / DMC, forecast error, Erlang C staffing); agent
    KPIs (occupancy, adherence, conformance, contacts per productive hour) come from agent-days,
    which know the agent's site but not a queue, so they are on site rows (queue_name = 'ALL').
    Targets: the most specific scope, then a week target before a month target. Rebuilt in full
    (a table): W-1 and W-52 need the history, and the inputs are already aggregated per interval
    and agent-day. -#}

{%- set sl_variant = var('service_level_variant', 'genesys_excl_short') -%}
{%- set abandon_variant = var('abandon_rate_variant', 'over_offered') -%}
{%- set occupancy_variant = var('occupancy_variant', 'connect') -%}
{%- set sl_parts = kpi_long_variant_parts('service_level', sl_variant) -%}
{%- set abandon_parts = kpi_long_variant_parts('abandon_rate', abandon_variant) -%}
{%- set occupancy_parts = kpi_long_variant_parts('occupancy', occupancy_variant) -%}
{%- set aht_variant = var('aht_variant', 'queued') -%}
{%- set aht_parts = kpi_long_variant_parts('aht', aht_variant) -%}

with

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

intervals_flagged as (

    select
        *,
        -- forecast error is measured on the queue's days that have a WFM forecast
        max(case when forecast_contacts is not null then 1 else 0 end)
            over (partition by queue_name, business_date)
        = 1 as has_forecast_day

    from queue_intervals

),

queue_weeks as (

    select
        provider_id,
        site_id,
        queue_name,
        {{ trend_period_start('business_date', 'week') }} as period_start,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(callbacks) as callbacks,
        sum(flow_outs) as flow_outs,
        sum(answered_queue_seconds) as answered_queue_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(handle_seconds) as handle_seconds,
        sum(handled) as handled,
        sum(handled_handle_seconds) as handled_handle_seconds,
        sum(case when has_forecast_day then abs(offered - coalesce(forecast_contacts, 0)) end)
            as forecast_abs_error,
        sum(case when has_forecast_day then offered end) as forecast_actual_offered,
        -- Erlang C staffing (null on e-mail queues: deferred work)
        sum(erlang_required_agents) as required_agent_intervals,
        sum(case when erlang_required_agents is not null then scheduled_agents end) as scheduled_agent_intervals,
        count(case when erlang_required_agents > 0 or scheduled_agents > 0 then 1 end) as staffed_intervals

    from intervals_flagged
    group by provider_id, site_id, queue_name, {{ trend_period_start('business_date', 'week') }}

),

site_weeks as (

    select
        provider_id,
        site_id,
        cast('ALL' as {{ dbt.type_string() }}) as queue_name,
        {{ trend_period_start('business_date', 'week') }} as period_start,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(available_seconds) as available_seconds,
        sum(staffed_seconds) as staffed_seconds,
        sum(aux_seconds) as aux_seconds,
        sum(on_queue_seconds) as on_queue_seconds,
        sum(scheduled_open_seconds) as scheduled_open_seconds,
        sum(adherent_seconds) as adherent_seconds,
        sum(contacts_handled) as contacts_handled

    from agent_days
    where provider_id is not null
        and site_id is not null
    group by provider_id, site_id, {{ trend_period_start('business_date', 'week') }}

),

kpis as (

    {{ kpi_long_unpivot('queue_weeks', ['provider_id', 'site_id', 'queue_name', 'period_start'], [
        {'id': 'contacts_offered', 'numerator': 'offered'},
        {'id': 'contacts_handled', 'numerator': 'answered'},
        {'id': 'contacts_abandoned', 'numerator': 'abandoned'},
        {'id': 'service_level', 'numerator': sl_parts[0], 'denominator': sl_parts[1],
         'actual': service_level(sl_variant), 'variant': sl_variant},
        {'id': 'abandon_rate', 'numerator': abandon_parts[0], 'denominator': abandon_parts[1],
         'actual': abandon_rate(abandon_variant), 'variant': abandon_variant},
        {'id': 'answer_rate', 'numerator': 'answered', 'denominator': 'offered'},
        {'id': 'asa_seconds', 'numerator': 'answered_queue_seconds', 'denominator': 'answered'},
        {'id': 'aht_seconds', 'numerator': aht_parts[0], 'denominator': aht_parts[1], 'variant': aht_variant},
        {'id': 'talk_time_seconds', 'numerator': 'talk_seconds', 'denominator': 'answered'},
        {'id': 'hold_time_seconds', 'numerator': 'hold_seconds', 'denominator': 'answered'},
        {'id': 'acw_time_seconds', 'numerator': 'acw_seconds', 'denominator': 'answered'},
        {'id': 'forecast_wape', 'numerator': 'forecast_abs_error', 'denominator': 'forecast_actual_offered'},
        {'id': 'staffing_required_agents', 'numerator': 'required_agent_intervals', 'denominator': 'staffed_intervals'},
        {'id': 'staffing_scheduled_agents', 'numerator': 'scheduled_agent_intervals',
         'denominator': 'staffed_intervals'},
        {'id': 'staffing_coverage_rate', 'numerator': 'scheduled_agent_intervals',
         'denominator': 'required_agent_intervals'},
    ]) }}

    union all

    {{ kpi_long_unpivot('site_weeks', ['provider_id', 'site_id', 'queue_name', 'period_start'], [
        {'id': 'occupancy', 'numerator': occupancy_parts[0], 'denominator': occupancy_parts[1],
         'actual': occupancy(occupancy_variant), 'variant': occupancy_variant},
        {'id': 'adherence', 'numerator': 'adherent_seconds', 'denominator': 'scheduled_open_seconds'},
        {'id': 'conformance', 'numerator': 'on_queue_seconds', 'denominator': 'scheduled_open_seconds'},
        {'id': 'contacts_per_productive_hour', 'numerator': 'contacts_handled',
         'denominator': 'staffed_seconds / 3600.0'},
    ]) }}

),

scored as (

    {{ kpi_long_score('kpis', ['provider_id', 'site_id', 'queue_name'], 'week', ['week', 'month']) }}

),

data_end as (

    select max(business_date) as last_business_date from queue_intervals

),

final as (

    select
        -- grain
        cast(scored.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(scored.site_id as {{ dbt.type_string() }}) as site_id,
        cast(scored.queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(scored.period_start as date) as period_start,
        cast(scored.kpi_id as {{ dbt.type_string() }}) as kpi_id,

        -- period
        {{ committee_period_columns('scored', 'week', 'data_end.last_business_date') }},

        -- KPI
        {{ committee_kpi_columns('scored') }},

        -- trend
        {{ committee_trend_columns('scored') }}

    from scored
    cross join data_end

)

select * from final
