{#- The bands of a provider's KPI in seed contract_bonus_malus must not overlap (a monthly actual
    must fall in one band at most). Bands are [band_min, band_max), null = unbounded. Returns the
    overlapping pairs. -#}

with

grid as (

    select * from {{ ref('contract_bonus_malus') }}

)

select
    lower_band.provider_id,
    lower_band.kpi_id,
    lower_band.band_min,
    upper_band.band_min as overlapping_band_min
from grid as lower_band
inner join grid as upper_band
    on upper_band.provider_id = lower_band.provider_id
    and upper_band.kpi_id = lower_band.kpi_id
    and coalesce(upper_band.band_min, -1e308) >= coalesce(lower_band.band_min, -1e308)
    and not (
        coalesce(upper_band.band_min, -1e308) = coalesce(lower_band.band_min, -1e308)
        and coalesce(upper_band.band_max, 1e308) = coalesce(lower_band.band_max, 1e308)
    )
    and coalesce(upper_band.band_min, -1e308) < coalesce(lower_band.band_max, 1e308)
