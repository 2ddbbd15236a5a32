{#- Outsourced providers (seed providers) with the number of sites and queues they run. -#}

with

providers as (

    select * from {{ ref('providers') }}

),

sites as (

    select * from {{ ref('sites') }}

),

queues as (

    select * from {{ ref('queues') }}

),

site_counts as (

    select
        provider_id,
        count(*) as sites_count
    from sites
    group by provider_id

),

queue_counts as (

    select
        provider_id,
        count(*) as queues_count
    from queues
    group by provider_id

),

final as (

    select
        cast(providers.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(providers.provider_name as {{ dbt.type_string() }}) as provider_name,
        cast(coalesce(site_counts.sites_count, 0) as {{ dbt.type_int() }}) as sites_count,
        cast(coalesce(queue_counts.queues_count, 0) as {{ dbt.type_int() }}) as queues_count

    from providers
    left join site_counts
        on providers.provider_id = site_counts.provider_id
    left join queue_counts
        on providers.provider_id = queue_counts.provider_id

)

select * from final
