{{ config(materialized='table') }}

{#- Anonymous benchmark of the steering (month) and strategic (quarter, half-year) committees: per
    committee x period x KPI, the mean and median of the providers' own values, with how many
    providers contributed; only when at least 3 do (with two, "the others" would be one
    provider). No provider column.

    A provider's value is its total row when the mart has one (site_id = 'ALL' in the steering
    mart; the strategic mart has one row per provider), never summed with its parts; without a
    total row its site rows are pooled as sum(numerator) / sum(denominator) (rates recombined
    from components, never averaged), or summed for a plain count (no denominators). -#}

{%- set min_providers = 3 -%}

with

steering as (

    select * from {{ ref('mart_steering_monthly') }}

),

strategic as (

    select * from {{ ref('mart_strategic_semiannual') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

kpi_rows as (

    select
        'steering' as committee,
        period_grain,
        period_start,
        period_end,
        period_label,
        provider_id,
        site_id,
        kpi_id,
        actual,
        numerator,
        denominator
    from steering

    union all

    select
        'strategic' as committee,
        period_grain,
        period_start,
        period_end,
        period_label,
        provider_id,
        'ALL' as site_id,
        kpi_id,
        actual,
        numerator,
        denominator
    from strategic

),

flagged as (

    select
        *,
        max(case when site_id is null or site_id = 'ALL' then 1 else 0 end) over (
            partition by committee, period_grain, period_start, provider_id, kpi_id
        ) as has_total

    from kpi_rows

),

provider_values as (

    select
        committee,
        period_grain,
        period_start,
        period_end,
        period_label,
        provider_id,
        kpi_id,
        case
            when count(*) = 1 then max(actual)
            when count(denominator) = count(*) and sum(denominator) <> 0
                then sum(numerator) / sum(denominator)
            when count(denominator) = 0 then sum(actual)
        end as actual

    from flagged
    where has_total = 0 or site_id is null or site_id = 'ALL'
    group by committee, period_grain, period_start, period_end, period_label, provider_id, kpi_id

),

benchmark as (

    select
        committee,
        period_grain,
        period_start,
        period_end,
        period_label,
        kpi_id,
        count(distinct provider_id) as providers,
        avg(actual) as benchmark_mean,
        percentile_cont(0.5) within group (order by actual) as benchmark_median

    from provider_values
    where actual is not null
    group by committee, period_grain, period_start, period_end, period_label, kpi_id
    having count(distinct provider_id) >= {{ min_providers }}

),

final as (

    select
        -- grain
        cast(benchmark.committee as {{ dbt.type_string() }}) as committee,
        cast(benchmark.period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(benchmark.period_start as date) as period_start,
        cast(benchmark.kpi_id as {{ dbt.type_string() }}) as kpi_id,

        cast(benchmark.period_end as date) as period_end,
        cast(benchmark.period_label as {{ dbt.type_string() }}) as period_label,
        cast(catalogue.unit as {{ dbt.type_string() }}) as unit,
        cast(benchmark.providers as {{ dbt.type_int() }}) as providers,
        cast(benchmark.benchmark_mean as {{ dbt.type_float() }}) as benchmark_mean,
        cast(benchmark.benchmark_median as {{ dbt.type_float() }}) as benchmark_median

    from benchmark
    left join catalogue on catalogue.kpi_id = benchmark.kpi_id

)

select * from final
