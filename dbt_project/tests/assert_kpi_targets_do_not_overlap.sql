{#- Two targets of seed kpi_targets with the same KPI, scope and period grain must not be valid on
    the same day (the marts would pick the latest valid_from, silently). Returns the overlapping
    pairs. -#}

with

targets as (

    select * from {{ ref('kpi_targets') }}

)

select
    earlier.target_id,
    later.target_id as overlapping_target_id
from targets as earlier
inner join targets as later
    on later.kpi_id = earlier.kpi_id
    and later.provider_id = earlier.provider_id
    and later.site_id = earlier.site_id
    and later.queue_name = earlier.queue_name
    and later.period_grain = earlier.period_grain
    and later.target_id <> earlier.target_id
    and later.valid_from >= earlier.valid_from
    and (earlier.valid_to is null or later.valid_from <= earlier.valid_to)
