{{ config(materialized='table') }}

{#- Strategic committee, volume forecast for the next months (var forecast_horizon_months, 6): one
    row per provider x queue x forecast month. Method (seasonal naive with a trend ratio, the
    simplest forecast a committee can check by hand):
        anchor            = last complete month of data (its last day <= the last business date)
        trend ratio       = offered(anchor-2 .. anchor) / offered(same 3 months one year before),
                            over the months of that window that have a value one year before
                            (1 when none has)
        forecast(month m) = offered(m - 12 months) x trend ratio      method same_month_last_year_x_trend
                          = mean offered of the last 3 complete months  method last_3_months_mean
                            when month m - 12 has no data (less than a year of history).
    Offered contacts (présentés) = demand, what staffing must absorb; rounded to 0.01. -#}

with

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

monthly as (

    select
        provider_id,
        queue_name,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        sum(offered) as offered

    from queue_intervals
    group by provider_id, queue_name, {{ trend_period_start('business_date', 'month') }}

),

data_end as (

    select max(business_date) as last_business_date from queue_intervals

),

complete_months as (

    select monthly.*
    from monthly
    cross join data_end
    where {{ trend_period_end('monthly.period_start', 'month') }} <= data_end.last_business_date

),

anchor as (

    select max(period_start) as anchor_month from complete_months

),

queues as (

    select distinct
        provider_id,
        queue_name
    from complete_months

),

trend as (

    select
        recent.provider_id,
        recent.queue_name,
        sum(recent.offered) as recent_offered,
        sum(year_before.offered) as year_before_offered,
        count(*) as paired_months

    from complete_months as recent
    cross join anchor
    inner join complete_months as year_before
        on year_before.provider_id = recent.provider_id
        and year_before.queue_name = recent.queue_name
        and year_before.period_start = {{ trend_shift_period('recent.period_start', 'month', -12) }}
    where recent.period_start >= {{ trend_shift_period('anchor.anchor_month', 'month', -2) }}
        and recent.period_start <= anchor.anchor_month
    group by recent.provider_id, recent.queue_name

),

last_three as (

    select
        complete_months.provider_id,
        complete_months.queue_name,
        avg(complete_months.offered) as mean_offered

    from complete_months
    cross join anchor
    where complete_months.period_start >= {{ trend_shift_period('anchor.anchor_month', 'month', -2) }}
    group by complete_months.provider_id, complete_months.queue_name

),

horizon as (

    {{ forecast_horizon_spine() }}

),

forecast as (

    select
        queues.provider_id,
        queues.queue_name,
        anchor.anchor_month,
        horizon.months_ahead,
        cast({{ dbt.dateadd('month', 'horizon.months_ahead', 'anchor.anchor_month') }} as date) as period_start,
        same_month.offered as same_month_last_year_offered,
        trend.recent_offered,
        trend.year_before_offered,
        coalesce(trend.paired_months, 0) as paired_months,
        {{ forecast_trend_ratio('trend.recent_offered', 'trend.year_before_offered') }} as trend_ratio,
        last_three.mean_offered as last_3_months_mean_offered

    from queues
    cross join anchor
    cross join horizon
    left join trend
        on trend.provider_id = queues.provider_id
        and trend.queue_name = queues.queue_name
    left join last_three
        on last_three.provider_id = queues.provider_id
        and last_three.queue_name = queues.queue_name
    left join complete_months as same_month
        on same_month.provider_id = queues.provider_id
        and same_month.queue_name = queues.queue_name
        and same_month.period_start
        = cast({{ dbt.dateadd('month', 'horizon.months_ahead - 12', 'anchor.anchor_month') }} as date)

),

final as (

    select
        -- grain
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(period_start as date) as period_start,

        -- horizon
        cast({{ trend_period_label('period_start', 'month') }} as {{ dbt.type_string() }}) as period_label,
        cast(anchor_month as date) as anchor_month,
        cast(months_ahead as {{ dbt.type_int() }}) as months_ahead,

        -- method and inputs
        cast(case
            when same_month_last_year_offered is not null then 'same_month_last_year_x_trend'
            else 'last_3_months_mean'
        end as {{ dbt.type_string() }}) as forecast_method,
        cast(same_month_last_year_offered as {{ dbt.type_bigint() }}) as same_month_last_year_offered,
        cast(recent_offered as {{ dbt.type_bigint() }}) as trend_recent_offered,
        cast(year_before_offered as {{ dbt.type_bigint() }}) as trend_year_before_offered,
        cast(paired_months as {{ dbt.type_int() }}) as trend_paired_months,
        cast(trend_ratio as {{ dbt.type_float() }}) as trend_ratio,
        cast(last_3_months_mean_offered as {{ dbt.type_float() }}) as last_3_months_mean_offered,

        -- forecast of offered contacts
        cast({{ round_to('case
            when same_month_last_year_offered is not null then same_month_last_year_offered * trend_ratio
            else last_3_months_mean_offered
        end', 2) }} as {{ dbt.type_float() }}) as forecast_offered

    from forecast

)

select * from final
