{#- Production sites (seed sites) with their provider's name and the queues they staff. -#}

with

sites as (

    select * from {{ ref('sites') }}

),

providers as (

    select * from {{ ref('providers') }}

),

queues as (

    select * from {{ ref('queues') }}

),

queue_counts as (

    select
        site_id,
        count(*) as queues_count
    from queues
    group by site_id

),

final as (

    select
        cast(sites.site_id as {{ dbt.type_string() }}) as site_id,
        cast(sites.site_name as {{ dbt.type_string() }}) as site_name,
        cast(sites.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(providers.provider_name as {{ dbt.type_string() }}) as provider_name,
        cast(coalesce(queue_counts.queues_count, 0) as {{ dbt.type_int() }}) as queues_count

    from sites
    left join providers
        on sites.provider_id = providers.provider_id
    left join queue_counts
        on sites.site_id = queue_counts.site_id

)

select * from final
