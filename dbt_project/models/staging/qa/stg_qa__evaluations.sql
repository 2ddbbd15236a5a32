with

source as (

    select * from {{ source('qa', 'evaluations') }}

),

deduplicated as (

    {#- The QA tool can write two output files per evaluation: the latest submission wins. -#}
    {{ deduplicate(
        relation='source',
        partition_by='evaluation_id',
        order_by='submitted_at desc nulls last, _business_date desc, _row_number desc, _source_file desc'
    ) }}

),

renamed as (

    select
        -- ids
        evaluation_id,
        contact_id,
        agent_username,
        evaluator_id,
        calibration_session_id,

        -- attributes
        form_title,
        form_version,
        calibration_role,
        calibration_session_id is not null as is_calibration,
        score_percentage,

        -- timestamps
        submitted_at,
        cast({{ utc_to_local('submitted_at') }} as date) as submitted_date_local,

        -- lineage
        _business_date as business_date,
        _source_file as source_file,
        _row_number as source_row_number

    from deduplicated

)

select * from renamed
