{#- Calendar: one row per day from 1 January of the first year with data to 31 December of the
    last (business dates of contacts, schedules, forecasts, rosters, evaluations and cases).
    Weeks are ISO weeks (Monday start). Open days are Monday to Saturday (the centre's opening
    days; public holidays are not modelled). -#}

with

bounds_by_source as (

    select
        min(business_date) as first_date,
        max(business_date) as last_date
    from {{ ref('stg_acd__contacts') }}
    union all
    select
        min(schedule_date) as first_date,
        max(schedule_date) as last_date
    from {{ ref('stg_wfm__schedules') }}
    union all
    select
        min(interval_date_local) as first_date,
        max(interval_date_local) as last_date
    from {{ ref('stg_wfm__forecasts') }}
    union all
    select
        min(business_date) as first_date,
        max(business_date) as last_date
    from {{ ref('stg_wfm__roster') }}
    union all
    select
        min(business_date) as first_date,
        max(business_date) as last_date
    from {{ ref('stg_qa__evaluations') }}
    union all
    select
        min(created_date_local) as first_date,
        max(created_date_local) as last_date
    from {{ ref('stg_crm__cases') }}

),

bounds as (

    select
        {{ dbt.date_trunc('year', 'min(first_date)') }} as first_day,
        {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'max(last_date)'))) }} as last_day
    from bounds_by_source

),

day_offsets as (

    -- up to 60 years of days
    select cast(generated_number - 1 as {{ dbt.type_int() }}) as day_offset
    from ({{ dbt.generate_series(60 * 366) }}) as numbers

),

days as (

    select cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'bounds.first_day') }} as date) as date_day
    from bounds
    cross join day_offsets
    where {{ dbt.dateadd('day', 'day_offsets.day_offset', 'bounds.first_day') }} <= bounds.last_day

),

attributes as (

    select
        date_day,
        cast(extract(isodow from date_day) as {{ dbt.type_int() }}) as day_of_week_iso,
        cast(extract(isoyear from date_day) as {{ dbt.type_int() }}) as iso_year,
        cast(extract(week from date_day) as {{ dbt.type_int() }}) as iso_week,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as year_number,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as month_number,
        cast(extract(quarter from date_day) as {{ dbt.type_int() }}) as quarter_number,
        cast(extract(day from date_day) as {{ dbt.type_int() }}) as day_of_month

    from days

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(day_of_week_iso as {{ dbt.type_int() }}) as day_of_week_iso,
        cast(case day_of_week_iso
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
            when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
        end as {{ dbt.type_string() }}) as day_name,
        cast(day_of_week_iso >= 6 as {{ dbt.type_boolean() }}) as is_weekend,
        cast(day_of_week_iso <= 6 as {{ dbt.type_boolean() }}) as is_open_day,
        cast(day_of_month as {{ dbt.type_int() }}) as day_of_month,
        cast({{ dbt.dateadd('day', '1 - day_of_week_iso', 'date_day') }} as date) as week_start_date,
        cast(iso_year as {{ dbt.type_int() }}) as iso_year,
        cast(iso_week as {{ dbt.type_int() }}) as iso_week,
        cast(iso_year || '-W' || lpad(cast(iso_week as {{ dbt.type_string() }}), 2, '0') as {{ dbt.type_string() }})
            as iso_year_week,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast(month_number as {{ dbt.type_int() }}) as month_number,
        cast(
            year_number || '-' || lpad(cast(month_number as {{ dbt.type_string() }}), 2, '0') as {{ dbt.type_string() }}
        )
            as year_month,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast(quarter_number as {{ dbt.type_int() }}) as quarter_number,
        cast(year_number || '-Q' || cast(quarter_number as {{ dbt.type_string() }}) as {{ dbt.type_string() }})
            as year_quarter,
        cast(
            {{ dbt.dateadd(
                'month',
                'case when month_number <= 6 then 0 else 6 end',
                dbt.date_trunc('year', 'date_day')
            ) }} as date
        )
            as half_year_start_date,
        cast(case when month_number <= 6 then 1 else 2 end as {{ dbt.type_int() }}) as half_year_number,
        cast(year_number || '-H' || case when month_number <= 6 then '1' else '2' end as {{ dbt.type_string() }})
            as year_half,
        cast(year_number as {{ dbt.type_int() }}) as year_number,
        cast({{ dbt.dateadd('year', -1, 'date_day') }} as date) as same_date_previous_year

    from attributes

)

select * from final
