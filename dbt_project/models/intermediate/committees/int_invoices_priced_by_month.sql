{#- Invoice of each provider and month before bonus/malus, from seed contract_pricing: handled
    (answered) contacts of each channel x the price per handled contact valid on the month's
    first day (a channel-specific price wins over `*`, then the latest valid_from), plus the
    monthly fees valid on that day. Contacts of a channel without any price are counted in
    unpriced_handled_contacts; a month with any of them has no invoice (amounts null,
    unavailable_reason says why: no pricing), so the invoice KPIs are "not available" rather than
    understated (a warning test reports such months). -#}

with

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

pricing as (

    select * from {{ ref('contract_pricing') }}

),

handled as (

    select
        provider_id,
        channel,
        {{ trend_period_start('business_date', 'month') }} as period_start,
        sum(answered) as handled_contacts

    from queue_intervals
    group by provider_id, channel, {{ trend_period_start('business_date', 'month') }}

),

prices_ranked as (

    select
        handled.provider_id,
        handled.channel,
        handled.period_start,
        pricing.pricing_id,
        pricing.price_per_contact_eur,
        row_number() over (
            partition by handled.provider_id, handled.channel, handled.period_start
            order by
                case when pricing.channel = '*' then 1 else 0 end asc,
                pricing.valid_from desc,
                pricing.pricing_id asc
        ) as price_rank

    from handled
    inner join pricing
        on pricing.provider_id = handled.provider_id
        and pricing.pricing_model = 'per_handled_contact'
        and (pricing.channel = handled.channel or pricing.channel = '*')
        and handled.period_start >= pricing.valid_from
        and (pricing.valid_to is null or handled.period_start <= pricing.valid_to)

),

priced as (

    select
        handled.provider_id,
        handled.period_start,
        sum(handled.handled_contacts) as handled_contacts,
        sum(case when prices_ranked.price_per_contact_eur is null then handled.handled_contacts else 0 end)
            as unpriced_handled_contacts,
        sum(handled.handled_contacts * prices_ranked.price_per_contact_eur) as variable_amount_eur

    from handled
    left join prices_ranked
        on prices_ranked.provider_id = handled.provider_id
        and prices_ranked.channel = handled.channel
        and prices_ranked.period_start = handled.period_start
        and prices_ranked.price_rank = 1
    group by handled.provider_id, handled.period_start

),

fees as (

    select
        priced.provider_id,
        priced.period_start,
        sum(pricing.monthly_fee_eur) as monthly_fee_eur

    from priced
    inner join pricing
        on pricing.provider_id = priced.provider_id
        and pricing.pricing_model = 'monthly_fee'
        and priced.period_start >= pricing.valid_from
        and (pricing.valid_to is null or priced.period_start <= pricing.valid_to)
    group by priced.provider_id, priced.period_start

),

final as (

    select
        cast(priced.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(priced.period_start as date) as period_start,
        cast(priced.handled_contacts as {{ dbt.type_bigint() }}) as handled_contacts,
        cast(priced.unpriced_handled_contacts as {{ dbt.type_bigint() }}) as unpriced_handled_contacts,
        cast(
            case when priced.unpriced_handled_contacts = 0 then coalesce(priced.variable_amount_eur, 0) end
            as {{ dbt.type_float() }}
        ) as variable_amount_eur,
        cast(
            case when priced.unpriced_handled_contacts = 0 then coalesce(fees.monthly_fee_eur, 0) end
            as {{ dbt.type_float() }}
        ) as monthly_fee_eur,
        cast(case
            when priced.unpriced_handled_contacts = 0
                then coalesce(priced.variable_amount_eur, 0) + coalesce(fees.monthly_fee_eur, 0)
        end as {{ dbt.type_float() }}) as invoice_amount_eur,
        cast(case
            when priced.unpriced_handled_contacts > 0
                then 'not available: no pricing for '
                    || cast(priced.unpriced_handled_contacts as {{ dbt.type_string() }})
                    || ' handled contacts (no contract_pricing row valid on the month''s first day)'
        end as {{ dbt.type_string() }}) as unavailable_reason

    from priced
    left join fees
        on fees.provider_id = priced.provider_id
        and fees.period_start = priced.period_start

)

select * from final
