{{ config(materialized='table') }}

{#- Steering committee, contractual bonus/malus detail: one row per provider x month x KPI of the
    provider's grid (seed contract_bonus_malus). The month's provider-level actual
    (int_kpi_values_aggregated_to_months, site_id = 'ALL') is looked up in the grid's bands [band_min,
    band_max) (macro bonus_malus_band_matches); the band's adjustment_pct applies to the month's
    invoice before bonus/malus (int_invoices_priced_by_month). A KPI without an actual that month (e.g. no
    evaluation) matches no band: no adjustment, is_measured = false. The total of a month feeds
    KPIs bonus_malus_pct / bonus_malus_amount / cost_per_contact of mart_steering_monthly. -#}

with

kpi_values as (

    select * from {{ ref('int_kpi_values_aggregated_to_months') }}
    where site_id = 'ALL'

),

invoices as (

    select * from {{ ref('int_invoices_priced_by_month') }}

),

grid as (

    select * from {{ ref('contract_bonus_malus') }}

),

grid_kpis as (

    select distinct
        provider_id,
        kpi_id
    from grid

),

lines as (

    select
        invoices.provider_id,
        invoices.period_start,
        grid_kpis.kpi_id,
        kpi_values.actual,
        kpi_values.definition_variant,
        invoices.invoice_amount_eur

    from invoices
    inner join grid_kpis
        on grid_kpis.provider_id = invoices.provider_id
    left join kpi_values
        on kpi_values.provider_id = invoices.provider_id
        and kpi_values.period_start = invoices.period_start
        and kpi_values.kpi_id = grid_kpis.kpi_id

),

banded as (

    select
        lines.*,
        grid.band_min,
        grid.band_max,
        grid.adjustment_pct,
        grid.description as band_description

    from lines
    left join grid
        on grid.provider_id = lines.provider_id
        and grid.kpi_id = lines.kpi_id
        and {{ bonus_malus_band_matches('lines.actual', 'grid.band_min', 'grid.band_max') }}

),

final as (

    select
        -- grain
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(period_start as date) as period_start,
        cast(kpi_id as {{ dbt.type_string() }}) as kpi_id,

        -- period
        cast({{ trend_period_label('period_start', 'month') }} as {{ dbt.type_string() }}) as period_label,

        -- KPI against the grid
        cast(actual as {{ dbt.type_float() }}) as actual,
        cast(definition_variant as {{ dbt.type_string() }}) as definition_variant,
        cast(actual is not null as {{ dbt.type_boolean() }}) as is_measured,
        cast(band_min as {{ dbt.type_float() }}) as band_min,
        cast(band_max as {{ dbt.type_float() }}) as band_max,
        cast(band_description as {{ dbt.type_string() }}) as band_description,
        cast(coalesce(adjustment_pct, 0) as {{ dbt.type_float() }}) as adjustment_pct,

        -- money (EUR)
        cast(invoice_amount_eur as {{ dbt.type_float() }}) as invoice_amount_eur,
        cast(invoice_amount_eur * {{ bonus_malus_share('coalesce(adjustment_pct, 0)') }} as {{ dbt.type_float() }})
            as adjustment_eur

    from banded

)

select * from final
