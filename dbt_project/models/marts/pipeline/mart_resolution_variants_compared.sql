{{ config(materialized='table') }}

{#- First-contact resolution in every variant side by side, with the resolution rate, per provider,
    site and business date of the handled customer-initiated contacts (fct_contacts: answered and
    repeat-eligible). For answering "why is our FCR not the CRM's figure": the committee marts use
    the variant of var fcr_variant (macro first_contact_resolved). -#}

with

contacts as (

    select * from {{ ref('fct_contacts') }}
    where is_answered
        and is_repeat_eligible
        and provider_id is not null

),

totals as (

    select
        provider_id,
        site_id,
        business_date,
        count(*) as fcr_eligible,
        {%- for variant in fcr_variants() %}
            count(case when {{ first_contact_resolved(variant) }} then 1 end) as fcr_resolved_{{ variant }},
        {%- endfor %}
        count(is_case_resolved) as resolution_flagged,
        count(case when is_case_resolved then 1 end) as resolution_resolved

    from contacts
    group by provider_id, site_id, business_date

),

final as (

    select
        -- grain
        cast(provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(business_date as date) as business_date,

        cast(fcr_eligible as {{ dbt.type_bigint() }}) as fcr_eligible,
        {%- for variant in fcr_variants() %}
            cast(fcr_resolved_{{ variant }} as {{ dbt.type_bigint() }}) as fcr_resolved_{{ variant }},
            cast(
                {{ safe_divide('fcr_resolved_' ~ variant, 'fcr_eligible') }} as {{ dbt.type_float() }}
            ) as fcr_rate_{{ variant }},
        {%- endfor %}
        cast(resolution_flagged as {{ dbt.type_bigint() }}) as resolution_flagged,
        cast(resolution_resolved as {{ dbt.type_bigint() }}) as resolution_resolved,
        cast(
            {{ safe_divide('resolution_resolved', 'resolution_flagged') }} as {{ dbt.type_float() }}
        ) as resolution_rate,
        cast('{{ var("fcr_variant") }}' as {{ dbt.type_string() }}) as fcr_variant_in_use

    from totals

)

select * from final
