{#- ACD queues (seed queues): channel, provider and site staffing them, contractual service-level
    parameters. -#}

with

queues as (

    select * from {{ ref('queues') }}

),

providers as (

    select * from {{ ref('providers') }}

),

sites as (

    select * from {{ ref('sites') }}

),

final as (

    select
        cast(queues.queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(queues.channel as {{ dbt.type_string() }}) as channel,
        cast(queues.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(providers.provider_name as {{ dbt.type_string() }}) as provider_name,
        cast(queues.site_id as {{ dbt.type_string() }}) as site_id,
        cast(sites.site_name as {{ dbt.type_string() }}) as site_name,
        cast(queues.sl_threshold_seconds as {{ dbt.type_int() }}) as sl_threshold_seconds,
        cast(queues.short_abandon_seconds as {{ dbt.type_int() }}) as short_abandon_seconds,
        cast(queues.sl_target as {{ dbt.type_float() }}) as sl_target

    from queues
    left join providers
        on queues.provider_id = providers.provider_id
    left join sites
        on queues.site_id = sites.site_id

)

select * from final
