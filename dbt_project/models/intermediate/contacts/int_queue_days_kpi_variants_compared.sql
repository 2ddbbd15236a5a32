{#- Every published variant of the service level and of the abandon rate side by side, per queue
    and local business date, from the summed interval components (macros service_level and
    abandon_rate). For reconciling with a vendor's screen ("the numbers don't match"): pick the
    column of the vendor's definition. The committee marts call the same macros with the project's
    default variants. -#}

with

intervals as (

    select * from {{ ref('int_queue_intervals_aggregated') }}

),

queue_days as (

    select
        queue_name,
        business_date,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(callbacks) as callbacks,
        sum(flow_outs) as flow_outs

    from intervals
    group by queue_name, business_date

),

final as (

    select
        queue_name,
        business_date,
        offered,
        answered,
        abandoned,
        short_abandoned,
        answered_within_threshold,
        abandoned_within_threshold,
        callbacks,
        flow_outs,
        {%- for variant in service_level_variants() %}
            {{ service_level(variant) }} as service_level_{{ variant }},
        {%- endfor %}
        {{ abandon_rate('over_offered') }} as abandon_rate_over_offered,
        {{ abandon_rate('over_queued') }} as abandon_rate_over_queued,
        {{ service_level() }} as service_level_default,
        '{{ var("service_level_variant") }}' as service_level_variant

    from queue_days

)

select * from final
