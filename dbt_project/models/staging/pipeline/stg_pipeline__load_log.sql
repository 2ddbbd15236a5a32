{#- The load log as read downstream: one row per feed (source system x entity) and business day. -#}

with

source as (

    select * from {{ source('pipeline', 'load_log') }}

),

renamed as (

    select
        cast(entity as varchar) as feed_id,
        cast(split_part(entity, '__', 1) as varchar) as source_system,
        cast(business_date as date) as business_date,
        cast(status as varchar) as load_status,
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256,
        cast(loaded_sha256 as varchar) as loaded_sha256,
        cast(row_count as bigint) as row_count,
        cast(message as varchar) as message

    from source

)

select * from renamed
