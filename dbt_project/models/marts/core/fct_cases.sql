{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['case_id'],
        on_schema_change='append_new_columns',
        post_hook="{{ pilotage.delete_cases_gone_from_staging() }}"
    )
}}

{#- One row per CRM case (latest delivered version), with its opening contact, its contacts
    (repeat-eligible contacts carrying its case number), its surveys and first-contact
    resolution. A case keeps changing (status, new contacts, late surveys) long after its
    creation day, so a window run rebuilds the cases the window touched, by key (macro
    touched_cases): every contact and survey of those cases is read, whatever its date, so each
    rebuilt row is the one a full build gives. Without a window (or on the first build) every
    case is built. -#}

{%- set repeat_days = var('repeat_window_days') | int -%}

with

cases as (

    select * from {{ ref('stg_crm__cases') }}
    where {{ touched_case_filter('case_id', ref('stg_crm__cases'), ref('fct_contacts'),
        ref('stg_crm__surveys'), source('crm', 'surveys')) }}

),

contacts as (

    -- with a window, the touched cases' contacts and opening contacts
    select * from {{ ref('fct_contacts') }}
    where {{ touched_cases_only(
        "case_number in (select cases.case_number from cases)
        or contact_id in (select cases.origin_contact_id from cases)") }}

),

surveys as (

    -- with a window, the touched cases' surveys: by case number, else by the surveyed contact's
    select * from {{ ref('stg_crm__surveys') }}
    where {{ touched_cases_only(
        "case_number in (select cases.case_number from cases)
        or (case_number is null and contact_id in (select contacts.contact_id from contacts))") }}

),

case_contacts as (

    select
        case_number,
        contact_id,
        initiated_at,
        is_answered,
        min(initiated_at) over (partition by case_number) as first_contact_at
    from contacts
    where is_repeat_eligible
        and case_number is not null

),

case_contact_totals as (

    select
        case_number,
        min(first_contact_at) as first_contact_at,
        max(initiated_at) as last_contact_at,
        count(*) as contacts_count,
        count(case when is_answered then 1 end) as answered_contacts_count,
        count(case when initiated_at > first_contact_at
                and initiated_at <= {{ dbt.dateadd('day', repeat_days, 'first_contact_at') }} then 1
        end)
            as repeat_contacts_within_window,
        max(case when initiated_at = first_contact_at and is_answered then 1 else 0 end) = 1
            as is_first_contact_answered

    from case_contacts
    group by case_number

),

survey_totals as (

    -- a survey belongs to its case number, else to the case of the surveyed contact
    select
        coalesce(nullif(surveys.case_number, ''), contacts.case_number) as case_number,
        count(case when surveys.question = 'CSAT' then 1 end) as csat_responses,
        count(case when surveys.question = 'CSAT' and surveys.score >= surveys.scale_max - 1 then 1 end)
            as csat_satisfied,
        sum(case when surveys.question = 'CSAT' then surveys.score end) as csat_score_sum,
        count(case when surveys.question = 'CES' then 1 end) as ces_responses,
        sum(case when surveys.question = 'CES' then surveys.score end) as ces_score_sum,
        min(surveys.business_date) as first_survey_business_date,
        max(surveys.business_date) as last_survey_business_date

    from surveys
    left join contacts
        on surveys.contact_id = contacts.contact_id
    where surveys.score is not null
    group by coalesce(nullif(surveys.case_number, ''), contacts.case_number)

),

joined as (

    select
        cases.*,
        opening.provider_id,
        opening.site_id,
        opening.queue_name,
        opening.channel as opening_channel,
        opening.first_response_seconds,
        case_contact_totals.first_contact_at,
        case_contact_totals.last_contact_at,
        coalesce(case_contact_totals.contacts_count, 0) as contacts_count,
        coalesce(case_contact_totals.answered_contacts_count, 0) as answered_contacts_count,
        coalesce(case_contact_totals.repeat_contacts_within_window, 0) as repeat_contacts_within_window,
        coalesce(case_contact_totals.is_first_contact_answered, false) as is_first_contact_answered,
        coalesce(survey_totals.csat_responses, 0) as csat_responses,
        coalesce(survey_totals.csat_satisfied, 0) as csat_satisfied,
        coalesce(survey_totals.csat_score_sum, 0) as csat_score_sum,
        coalesce(survey_totals.ces_responses, 0) as ces_responses,
        coalesce(survey_totals.ces_score_sum, 0) as ces_score_sum,
        survey_totals.first_survey_business_date,
        survey_totals.last_survey_business_date

    from cases
    left join contacts as opening
        on cases.origin_contact_id = opening.contact_id
    left join case_contact_totals
        on cases.case_number = case_contact_totals.case_number
    left join survey_totals
        on cases.case_number = survey_totals.case_number

),

final as (

    select
        -- grain
        cast(case_id as {{ dbt.type_string() }}) as case_id,
        cast(case_number as {{ dbt.type_string() }}) as case_number,
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,

        -- creation
        cast(created_date_local as date) as business_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(origin as {{ dbt.type_string() }}) as origin,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(case_type as {{ dbt.type_string() }}) as case_type,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(priority as {{ dbt.type_string() }}) as priority,
        cast(coalesce(is_closed, false) as {{ dbt.type_boolean() }}) as is_closed,
        cast(
            case when closed_at is not null then {{ dbt.datediff('created_at', 'closed_at', 'second') }} end
            as {{ dbt.type_bigint() }}
        ) as resolution_seconds,

        -- opening contact (provider, site and queue answering the case)
        cast(origin_contact_id as {{ dbt.type_string() }}) as origin_contact_id,
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(opening_channel as {{ dbt.type_string() }}) as opening_channel,
        cast(case when opening_channel = 'EMAIL' then first_response_seconds end as {{ dbt.type_int() }})
            as first_response_seconds,

        -- contacts on the case
        cast(first_contact_at as {{ dbt.type_timestamp() }}) as first_contact_at,
        cast(last_contact_at as {{ dbt.type_timestamp() }}) as last_contact_at,
        cast(contacts_count as {{ dbt.type_int() }}) as contacts_count,
        cast(answered_contacts_count as {{ dbt.type_int() }}) as answered_contacts_count,
        cast(contacts_count > 1 as {{ dbt.type_boolean() }}) as has_repeat_contact,
        cast(is_first_contact_answered and repeat_contacts_within_window = 0 as {{ dbt.type_boolean() }})
            as is_first_contact_resolved,
        cast({{ repeat_days }} as {{ dbt.type_int() }}) as repeat_window_days,

        -- surveys
        cast(csat_responses as {{ dbt.type_int() }}) as csat_responses,
        cast(csat_satisfied as {{ dbt.type_int() }}) as csat_satisfied,
        cast(csat_score_sum as {{ dbt.type_bigint() }}) as csat_score_sum,
        cast({{ safe_divide('csat_score_sum', 'csat_responses') }} as {{ dbt.type_float() }}) as csat_score,
        cast(ces_responses as {{ dbt.type_int() }}) as ces_responses,
        cast(ces_score_sum as {{ dbt.type_bigint() }}) as ces_score_sum,
        cast({{ safe_divide('ces_score_sum', 'ces_responses') }} as {{ dbt.type_float() }}) as ces_score,
        -- days of the survey exports carrying the answers (a window run rebuilds a case whose
        -- span overlaps its window: an answer withdrawn by a re-delivered day leaves the case)
        cast(first_survey_business_date as date) as first_survey_business_date,
        cast(last_survey_business_date as date) as last_survey_business_date

    from joined

)

select * from final
