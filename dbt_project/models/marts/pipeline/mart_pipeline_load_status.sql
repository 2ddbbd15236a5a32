{{ config(materialized='table') }}

{#- Data freshness of the committee packs' covers: one row per feed (source system x entity) and
    business day the pipeline processed, with the load status, the file and its hashes, the rows
    in raw and the reason. A day is complete when every feed the pipeline knows (any feed that
    has a line other than not_delivered on any day) has a loaded line on it; a feed with no line
    on a day counts as not processed, so the day is not complete. A feed the center does not
    deliver (center.yml) has not_delivered lines and does not count. -#}

with

load_log as (

    select * from {{ ref('stg_pipeline__load_log') }}

),

feeds as (

    select count(distinct case when load_status <> 'not_delivered' then feed_id end) as feeds_known
    from load_log

),

days as (

    select
        business_date,
        count(distinct case when load_status = 'loaded' then feed_id end) as feeds_loaded

    from load_log
    group by business_date

),

final as (

    select
        -- grain
        cast(load_log.feed_id as {{ dbt.type_string() }}) as feed_id,
        cast(load_log.business_date as date) as business_date,

        cast(load_log.source_system as {{ dbt.type_string() }}) as source_system,
        cast(load_log.load_status as {{ dbt.type_string() }}) as load_status,
        cast(load_log.source_file as {{ dbt.type_string() }}) as source_file,
        cast(load_log.file_sha256 as {{ dbt.type_string() }}) as file_sha256,
        cast(load_log.loaded_sha256 as {{ dbt.type_string() }}) as loaded_sha256,
        cast(load_log.row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(load_log.message as {{ dbt.type_string() }}) as message,

        -- the day across feeds
        cast(days.feeds_loaded as {{ dbt.type_int() }}) as feeds_loaded_on_day,
        cast(feeds.feeds_known as {{ dbt.type_int() }}) as feeds_known,
        cast(days.feeds_loaded = feeds.feeds_known as {{ dbt.type_boolean() }}) as is_day_complete

    from load_log
    inner join days on days.business_date = load_log.business_date
    cross join feeds

)

select * from final
