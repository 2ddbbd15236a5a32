{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='business_date',
        on_schema_change='append_new_columns',
        pre_hook="{{ pilotage.clear_evaluation_days_moved_from(source('qa', 'evaluations')) }}"
    )
}}

{#- Production committee, daily grain: provider x site x queue x business_date. Components are
    summable; the rates are recomputed from them (sum the components, then divide) at any
    coarser grain. A window run rebuilds the window's days and the earlier days an evaluation of
    the window was delivered on (evaluation_days_window: its re-submission left that day). -#}

with

contacts as (

    select * from {{ ref('fct_contacts') }}
    where {{ evaluation_days_window('business_date', source('qa', 'evaluations')) }}
        and queue_name is not null

),

surveys as (

    select * from {{ ref('stg_crm__surveys') }}
    where question = 'CSAT'

),

evaluations as (

    select * from {{ ref('int_evaluations_enriched') }}
    where {{ evaluation_days_window('business_date', source('qa', 'evaluations')) }}
        and not is_calibration

),

queues as (

    select * from {{ ref('queues') }}

),

contact_totals as (

    select
        provider_id,
        site_id,
        queue_name,
        business_date,
        {{ contact_component_aggregates(with_callbacks_and_flow_outs=false) }}

    from contacts
    group by provider_id, site_id, queue_name, business_date

),

csat_totals as (

    -- surveys are booked on the surveyed contact's day, provider, site and queue
    select
        contacts.provider_id,
        contacts.site_id,
        contacts.queue_name,
        contacts.business_date,
        count(*) as csat_responses,
        count(case when surveys.score >= surveys.scale_max - 1 then 1 end) as csat_satisfied,
        sum(surveys.score) as csat_score_sum

    from surveys
    inner join contacts
        on surveys.contact_id = contacts.contact_id
    where surveys.score is not null
    group by contacts.provider_id, contacts.site_id, contacts.queue_name, contacts.business_date

),

qa_totals as (

    -- evaluations are booked on their own business date, provider and site of the agent's
    -- roster that day, queue of the evaluated contact
    select
        provider_id,
        site_id,
        queue_name,
        business_date,
        count(*) as qa_evaluations,
        sum(score_percentage) as qa_score_sum

    from evaluations
    where score_percentage is not null
        and provider_id is not null
        and site_id is not null
        and queue_name is not null
    group by provider_id, site_id, queue_name, business_date

),

spine as (

    select
        provider_id,
        site_id,
        queue_name,
        business_date
    from contact_totals
    union
    select
        provider_id,
        site_id,
        queue_name,
        business_date
    from qa_totals

),

joined as (

    select
        spine.provider_id,
        spine.site_id,
        spine.queue_name,
        spine.business_date,
        queues.channel,
        queues.sl_threshold_seconds,
        queues.sl_target,
        {{ contact_component_totals('contact_totals', with_callbacks_and_flow_outs=false) }},
        coalesce(csat_totals.csat_responses, 0) as csat_responses,
        coalesce(csat_totals.csat_satisfied, 0) as csat_satisfied,
        coalesce(csat_totals.csat_score_sum, 0) as csat_score_sum,
        coalesce(qa_totals.qa_evaluations, 0) as qa_evaluations,
        coalesce(qa_totals.qa_score_sum, 0) as qa_score_sum

    from spine
    left join queues
        on spine.queue_name = queues.queue_name
    left join contact_totals
        on spine.provider_id = contact_totals.provider_id
        and spine.site_id = contact_totals.site_id
        and spine.queue_name = contact_totals.queue_name
        and spine.business_date = contact_totals.business_date
    left join csat_totals
        on spine.provider_id = csat_totals.provider_id
        and spine.site_id = csat_totals.site_id
        and spine.queue_name = csat_totals.queue_name
        and spine.business_date = csat_totals.business_date
    left join qa_totals
        on spine.provider_id = qa_totals.provider_id
        and spine.site_id = qa_totals.site_id
        and spine.queue_name = qa_totals.queue_name
        and spine.business_date = qa_totals.business_date

),

final as (

    select
        -- grain
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(business_date as date) as business_date,

        -- queue contract
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(sl_threshold_seconds as {{ dbt.type_int() }}) as sl_threshold_seconds,
        cast(sl_target as {{ dbt.type_float() }}) as sl_target,

        -- volumes
        cast(offered as {{ dbt.type_bigint() }}) as offered,
        cast(short_abandoned as {{ dbt.type_bigint() }}) as short_abandoned,
        cast(offered - short_abandoned as {{ dbt.type_bigint() }}) as offered_net,
        cast(answered as {{ dbt.type_bigint() }}) as answered,
        cast(abandoned as {{ dbt.type_bigint() }}) as abandoned,
        cast(answered_within_threshold as {{ dbt.type_bigint() }}) as answered_within_threshold,
        cast(abandoned_within_threshold as {{ dbt.type_bigint() }}) as abandoned_within_threshold,

        -- durations (seconds)
        cast(answered_queue_seconds as {{ dbt.type_bigint() }}) as answered_queue_seconds,
        cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,

        -- satisfaction and quality components
        cast(csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(csat_satisfied as {{ dbt.type_bigint() }}) as csat_satisfied,
        cast(csat_score_sum as {{ dbt.type_bigint() }}) as csat_score_sum,
        cast(qa_evaluations as {{ dbt.type_bigint() }}) as qa_evaluations,
        cast(qa_score_sum as {{ dbt.type_float() }}) as qa_score_sum,

        -- rates (null when the denominator is 0)
        cast(
            {{ safe_divide('answered_within_threshold', 'offered - short_abandoned') }} as {{ dbt.type_float() }}
        ) as service_level,
        cast(
            {{ safe_divide('abandoned - short_abandoned', 'offered - short_abandoned') }} as {{ dbt.type_float() }}
        ) as abandon_rate,
        cast({{ safe_divide('handle_seconds', 'answered') }} as {{ dbt.type_float() }}) as aht_seconds,
        cast({{ safe_divide('answered_queue_seconds', 'answered') }} as {{ dbt.type_float() }}) as asa_seconds,
        cast({{ safe_divide('csat_satisfied', 'csat_responses') }} as {{ dbt.type_float() }}) as csat_rate,
        cast({{ safe_divide('csat_score_sum', 'csat_responses') }} as {{ dbt.type_float() }}) as csat_mean,
        cast({{ safe_divide('qa_score_sum', 'qa_evaluations') }} as {{ dbt.type_float() }}) as qa_score

    from joined

)

select * from final
