{#- One row per survey and question: a survey answers CSAT and CES under one survey_id, so the
    key is (survey_id, question), never survey_id alone (which dropped one answer of every pair).
    Customer ids and case numbers leave raw as keyed hashes (macro keyed_hash); a table, so
    the views built on it do not need the hash function outside dbt -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['survey_id', 'question'],
        post_hook="{{ pilotage.delete_keys_gone_from_raw(source('crm', 'surveys'), ['survey_id', 'question']) }}"
    )
}}

with

source as (

    {{ staged_keys_source(source('crm', 'surveys'), ['survey_id', 'question']) }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='survey_id, question',
        order_by='answered_at desc nulls last, _business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        survey_id,
        contact_id,
        {{ keyed_hash("nullif(case_number, '')") }} as case_number,

        -- answer
        question,
        score,
        scale_max,

        -- timestamps
        answered_at,
        cast({{ utc_to_local('answered_at') }} as date) as answered_date_local,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
