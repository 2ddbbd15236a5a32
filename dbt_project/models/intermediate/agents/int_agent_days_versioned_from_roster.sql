with

roster as (

    select * from {{ ref('stg_wfm__roster') }}

),

history as (

    select
        agent_id,
        business_date,
        acd_username,
        provider_id,
        site_id,
        team_id,
        hire_date,
        leave_date,
        skills,
        lag(team_id) over (
            partition by agent_id order by business_date
        ) as previous_team_id,
        lead(business_date) over (
            partition by agent_id order by business_date
        ) as next_snapshot_date

    from roster

),

final as (

    select
        agent_id,
        business_date,
        next_snapshot_date,
        next_snapshot_date is null as is_latest_snapshot,
        acd_username,
        provider_id,
        site_id,
        team_id,
        previous_team_id,
        coalesce(previous_team_id <> team_id, false) as has_changed_team,
        hire_date,
        leave_date,
        (hire_date is null or hire_date <= business_date)
        and (leave_date is null or leave_date >= business_date) as is_employed,
        skills

    from history

)

select * from final
