-- Every provider x site x queue x business_date with queued contacts in fct_contacts has its
-- row in mart_production_daily, and the mart's volumes add up to the contacts.
-- Both models are built with the same window vars, so they hold the same business dates.

with

contacts as (

    select
        provider_id,
        site_id,
        queue_name,
        business_date,
        count(case when is_offered then 1 end) as offered,
        count(case when is_answered then 1 end) as answered
    from {{ ref('fct_contacts') }}
    where queue_name is not null
    group by provider_id, site_id, queue_name, business_date

),

mart as (

    select * from {{ ref('mart_production_daily') }}

)

select
    contacts.*,
    mart.offered as mart_offered,
    mart.answered as mart_answered
from contacts
left join mart
    on contacts.provider_id = mart.provider_id
    and contacts.site_id = mart.site_id
    and contacts.queue_name = mart.queue_name
    and contacts.business_date = mart.business_date
where mart.business_date is null
    or mart.offered <> contacts.offered
    or mart.answered <> contacts.answered
