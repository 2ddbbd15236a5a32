{#- Agents as a type-2 slowly changing dimension built from the daily roster snapshots (the
    history is in raw, so it is derived, not captured with a dbt snapshot, and backfills rebuild
    it). A new version starts on the first snapshot where the agent's provider, site or team
    differs from the previous snapshot's: a team move closes a row (valid_to = the move's
    snapshot date, exclusive) and opens another. Other attributes (username, hire and leave
    dates, skills) are type 1: the agent's latest snapshot. A fact is attributed to the version
    with valid_from <= business date < valid_to (valid_to null = open). -#}

with

snapshots as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

changes as (

    select
        agent_id,
        business_date,
        provider_id,
        site_id,
        team_id,
        case
            when lag(business_date) over (partition by agent_id order by business_date) is null then 1
            when coalesce(lag(provider_id) over (partition by agent_id order by business_date), '')
                <> coalesce(provider_id, '')
                or coalesce(lag(site_id) over (partition by agent_id order by business_date), '')
                <> coalesce(site_id, '')
                or coalesce(lag(team_id) over (partition by agent_id order by business_date), '')
                <> coalesce(team_id, '')
                then 1
            else 0
        end as is_new_version

    from snapshots

),

numbered as (

    select
        *,
        sum(is_new_version) over (
            partition by agent_id order by business_date rows between unbounded preceding and current row
        ) as version_number

    from changes

),

versions as (

    select
        agent_id,
        version_number,
        min(provider_id) as provider_id,
        min(site_id) as site_id,
        min(team_id) as team_id,
        min(business_date) as valid_from,
        max(business_date) as last_snapshot_date,
        count(*) as snapshots_count

    from numbered
    group by agent_id, version_number

),

latest as (

    select
        agent_id,
        acd_username,
        hire_date,
        leave_date,
        skills
    from snapshots
    where is_latest_snapshot

),

final as (

    select
        cast(
            versions.agent_id || '|' || cast(versions.valid_from as {{ dbt.type_string() }}) as {{ dbt.type_string() }}
        )
            as agent_version_id,
        cast(versions.agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(versions.version_number as {{ dbt.type_int() }}) as version_number,
        cast(versions.provider_id as {{ dbt.type_string() }}) as provider_id,
        cast(versions.site_id as {{ dbt.type_string() }}) as site_id,
        cast(versions.team_id as {{ dbt.type_string() }}) as team_id,
        cast(versions.valid_from as date) as valid_from,
        cast(lead(versions.valid_from) over (
            partition by versions.agent_id order by versions.valid_from
        ) as date) as valid_to,
        cast(lead(versions.valid_from) over (
            partition by versions.agent_id order by versions.valid_from
        ) is null as {{ dbt.type_boolean() }}) as is_current,
        cast(versions.last_snapshot_date as date) as last_snapshot_date,
        cast(versions.snapshots_count as {{ dbt.type_int() }}) as snapshots_count,
        cast(latest.acd_username as {{ dbt.type_string() }}) as acd_username,
        cast(latest.hire_date as date) as hire_date,
        cast(latest.leave_date as date) as leave_date,
        cast(latest.skills as {{ dbt.type_string() }}) as skills,
        cast({{ dbt.split_part('latest.skills', "';'", 1) }} as {{ dbt.type_string() }}) as primary_queue_name

    from versions
    left join latest
        on versions.agent_id = latest.agent_id

)

select * from final
