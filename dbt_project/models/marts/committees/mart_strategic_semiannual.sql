{{ config(materialized='table') }}

{#- Strategic committee (comité stratégique), the partnership's long view: one row per provider x
    period x KPI (long), for half-years (period_grain half_year) and quarters (quarter).
      - KPI values roll the provider-level monthly scorecard (mart_steering_monthly, site_id =
        'ALL') up to the period with the catalogue's rule: ratio = summed numerators / summed
        denominators; sum = summed values; mean = mean of the monthly values. Only KPIs whose
        catalogue `committees` lists strategic are kept; previous period (H-1 / Q-1) and the
        same period one year before give the 12-24 month trend.
      - Objectives met / missed: the provider-level monthly scorecard rows with a target,
        counted per period (green = met; amber or red = missed) and their share.
      - Volume forecast for the months after the last complete month
        (mart_strategic_volume_forecast), summed per provider, on the period holding that month.
    months_with_data tells a partial period (the current half-year) from a complete one.
    Quarter rows fall back to half-year targets when no quarter target exists. -#}

{%- set grains = ['half_year', 'quarter'] -%}

with

scorecard as (

    select * from {{ ref('mart_steering_monthly') }}
    where site_id = 'ALL'

),

forecast as (

    select * from {{ ref('mart_strategic_volume_forecast') }}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

),

{% for grain in grains %}
    {{ grain }}_rolled as (

        select
            scorecard.provider_id,
            {{ trend_period_start('scorecard.period_start', grain) }} as period_start,
            scorecard.kpi_id,
            case catalogue.rollup
                when 'ratio' then sum(scorecard.numerator)
                else sum(scorecard.actual)
            end as numerator,
            case catalogue.rollup
                when 'ratio' then sum(scorecard.denominator)
                when 'mean' then count(scorecard.actual)
            end as denominator,
            case catalogue.rollup
                when 'ratio' then {{ safe_divide('sum(scorecard.numerator)', 'sum(scorecard.denominator)') }}
                when 'mean' then avg(scorecard.actual)
                else sum(scorecard.actual)
            end as actual,
            max(scorecard.definition_variant) as definition_variant

        from scorecard
        inner join catalogue
            on catalogue.kpi_id = scorecard.kpi_id
        where catalogue.rollup in ('ratio', 'sum', 'mean')
            and ';' || catalogue.committees || ';' like '%;strategic;%'
        group by
            scorecard.provider_id, {{ trend_period_start('scorecard.period_start', grain) }},
            scorecard.kpi_id, catalogue.rollup

    ),

    {{ grain }}_objectives as (

        select
            provider_id,
            {{ trend_period_start('period_start', grain) }} as period_start,
            count(case when rag_status = 'green' then 1 end) as met,
            count(case when rag_status in ('amber', 'red') then 1 end) as missed

        from scorecard
        group by provider_id, {{ trend_period_start('period_start', grain) }}

    ),

    {{ grain }}_forecast as (

        select
            provider_id,
            {{ trend_period_start('anchor_month', grain) }} as period_start,
            sum(forecast_offered) as forecast_offered

        from forecast
        group by provider_id, {{ trend_period_start('anchor_month', grain) }}

    ),

    {{ grain }}_kpis as (

        select
            provider_id,
            period_start,
            kpi_id,
            numerator,
            denominator,
            actual,
            definition_variant
        from {{ grain }}_rolled

        union all

    {{ kpi_long_unpivot(grain ~ '_objectives', ['provider_id', 'period_start'], [
        {'id': 'targets_met_count', 'numerator': 'met'},
        {'id': 'targets_missed_count', 'numerator': 'missed'},
        {'id': 'targets_met_rate', 'numerator': 'met', 'denominator': 'met + missed'},
    ]) }}

        union all

    {{ kpi_long_unpivot(grain ~ '_forecast', ['provider_id', 'period_start'], [
        {'id': 'volume_forecast_next_6_months', 'numerator': 'forecast_offered',
         'variant': 'same_month_last_year_x_trend'},
    ]) }}

    ),

    {{ grain }}_scored as (

        {{ kpi_long_score(
            grain ~ '_kpis',
            ['provider_id'],
            grain,
            ['half_year'],
            site_column=none,
            queue_column=none
        ) }}

    ),

    {{ grain }}_months as (

        select
            provider_id,
            {{ trend_period_start('period_start', grain) }} as period_start,
            count(distinct period_start) as months_with_data

        from scorecard
        group by provider_id, {{ trend_period_start('period_start', grain) }}

    ),

{% endfor %}

scored as (

    {% for grain in grains %}
        select
            {{ grain }}_scored.*,
            '{{ grain }}' as period_grain,
            {{ trend_period_end(grain ~ '_scored.period_start', grain) }} as period_end,
            {{ trend_period_label(grain ~ '_scored.period_start', grain) }} as period_label,
            {{ grain }}_months.months_with_data,
            {{ 6 if grain == 'half_year' else 3 }} as months_in_period
        from {{ grain }}_scored
        left join {{ grain }}_months
            on {{ grain }}_months.provider_id = {{ grain }}_scored.provider_id
            and {{ grain }}_months.period_start = {{ grain }}_scored.period_start
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        -- grain
        cast(scored.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(scored.period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(scored.period_start as date) as period_start,
        cast(scored.kpi_id as {{ dbt.type_string() }}) as kpi_id,

        -- period
        cast(scored.period_end as date) as period_end,
        cast(scored.period_label as {{ dbt.type_string() }}) as period_label,
        cast(coalesce(scored.months_with_data, 0) as {{ dbt.type_int() }}) as months_with_data,
        cast(
            coalesce(scored.months_with_data, 0) = scored.months_in_period as {{ dbt.type_boolean() }}
        ) as is_complete_period,

        -- KPI
        {{ committee_kpi_columns('scored', family=true) }},

        -- trend: previous period and same period one year before
        {{ committee_trend_columns('scored') }}

    from scored

)

select * from final
