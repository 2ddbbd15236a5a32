{{ config(materialized='table') }}

{#- Contact records against the ACD's queue interval report, per queue and local day of every
    queue-day the report covers: offered, answered and the service level (project default variant,
    from the summed components of each side), their differences and whether they are within the
    tolerance (vars reconciliation_volume_tolerance, a share of the report's figure, and
    reconciliation_service_level_tolerance, in points of share). The marts use the contact records
    whenever a queue-day has some (volume_source); a queue-day known only from the report has no
    contact-record side. -#}

with

contacts as (

    select * from {{ ref('int_contacts_enriched') }}
    where queue_name is not null

),

interval_reports as (

    select * from {{ ref('stg_acd__queue_intervals') }}

),

contact_days as (

    select
        queue_name,
        cast(interval_start_local as date) as business_date,
        {{ contact_component_aggregates() }}

    from contacts
    group by queue_name, cast(interval_start_local as date)

),

report_days as (

    select
        queue_name,
        interval_date_local as business_date,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        0 as callbacks,
        sum(offered - answered - abandoned) as flow_outs

    from interval_reports
    group by queue_name, interval_date_local

),

compared as (

    select
        report_days.queue_name,
        report_days.business_date,
        case when contact_days.queue_name is null then 'interval_report' else 'contact_records' end
            as volume_source,
        contact_days.offered as offered_contact_records,
        report_days.offered as offered_interval_report,
        contact_days.answered as answered_contact_records,
        report_days.answered as answered_interval_report,
        {{ service_level(prefix='contact_days.') }} as service_level_contact_records,
        {{ service_level(prefix='report_days.') }} as service_level_interval_report

    from report_days
    left join contact_days
        on report_days.queue_name = contact_days.queue_name
        and report_days.business_date = contact_days.business_date

),

final as (

    select
        -- grain
        cast(queue_name as {{ dbt.type_string() }}) as queue_name,
        cast(business_date as date) as business_date,

        cast(volume_source as {{ dbt.type_string() }}) as volume_source,
        cast(offered_contact_records as {{ dbt.type_bigint() }}) as offered_contact_records,
        cast(offered_interval_report as {{ dbt.type_bigint() }}) as offered_interval_report,
        cast(offered_contact_records - offered_interval_report as {{ dbt.type_bigint() }}) as offered_difference,
        cast(answered_contact_records as {{ dbt.type_bigint() }}) as answered_contact_records,
        cast(answered_interval_report as {{ dbt.type_bigint() }}) as answered_interval_report,
        cast(answered_contact_records - answered_interval_report as {{ dbt.type_bigint() }}) as answered_difference,
        cast(
            {{ round_to('service_level_contact_records', 6) }} as {{ dbt.type_float() }}
        ) as service_level_contact_records,
        cast(
            {{ round_to('service_level_interval_report', 6) }} as {{ dbt.type_float() }}
        ) as service_level_interval_report,
        cast(
            {{ round_to('service_level_contact_records - service_level_interval_report', 6) }} as {{ dbt.type_float() }}
        ) as service_level_difference,
        '{{ var("service_level_variant") }}' as service_level_variant,
        cast(
            case
                when offered_contact_records is null then null
                else
                    abs(offered_contact_records - offered_interval_report)
                    <= {{ var('reconciliation_volume_tolerance') }} * offered_interval_report
                    and abs(answered_contact_records - answered_interval_report)
                    <= {{ var('reconciliation_volume_tolerance') }} * answered_interval_report
                    and coalesce(
                        abs(service_level_contact_records - service_level_interval_report)
                        <= {{ var('reconciliation_service_level_tolerance') }},
                        service_level_contact_records is null and service_level_interval_report is null
                    )
            end as {{ dbt.type_boolean() }}
        ) as is_within_tolerance

    from compared

)

select * from final
