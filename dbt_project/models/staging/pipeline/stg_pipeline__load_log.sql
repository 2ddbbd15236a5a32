{#- The load log as read downstream: one row per feed (source system x entity) and business day. -#}

with

source as (

    select * from {{ source('pipeline', 'load_log') }}

),

renamed as (

    select
        cast(entity as {{ dbt.type_string() }}) as feed_id,
        cast(split_part(entity, '__', 1) as {{ dbt.type_string() }}) as source_system,
        cast(business_date as date) as business_date,
        cast(status as {{ dbt.type_string() }}) as load_status,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(file_sha256 as {{ dbt.type_string() }}) as file_sha256,
        cast(loaded_sha256 as {{ dbt.type_string() }}) as loaded_sha256,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(message as {{ dbt.type_string() }}) as message

    from source

)

select * from renamed
