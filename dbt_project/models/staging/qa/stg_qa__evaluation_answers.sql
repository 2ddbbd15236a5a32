with

source as (

    select * from {{ source('qa', 'evaluation_answers') }}

),

deduplicated as (

    {{ deduplicate(
        relation='source',
        partition_by='evaluation_id, question_ref_id',
        order_by='_business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        evaluation_id,
        question_ref_id,
        section_ref_id,

        -- answer
        is_critical,
        is_not_applicable,
        max_points,
        answer_value,
        points,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
